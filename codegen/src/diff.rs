//! What changed between two specs of one operation, for users of the generated crate.
//!
//! The comparison is semantic: params, rules, errors and response fields are matched by name, so
//! reordered rows, moved lines and reworded prose give no change (reworded descriptions are noted
//! as text only).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::spec::{Constraint, ErrorCode, Field, FieldShape, Param, Rule, Shape, Spec};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Code that compiled and worked against the old crate may fail to compile or be rejected.
    Breaking,
    /// Old code keeps working.
    Compatible,
    /// Only documentation text changed.
    TextOnly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub impact: Impact,
    /// `param`, `error`, `response`, `operation`.
    pub subject: String,
    /// The param's doc name, the error code or the response path.
    pub name: String,
    /// `added`, `removed`, `renamed`, `type`, `required`, `constraint`, `default`, `status`, `text`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// One line saying why it has this impact.
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChangeReport {
    pub operation: String,
    pub changes: Vec<Change>,
}

impl ChangeReport {
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    /// Short text for the terminal: one line per change.
    pub fn render(&self) -> String {
        if self.changes.is_empty() {
            return format!("{}: no API change\n", self.operation);
        }
        let mut out = format!("{}:\n", self.operation);
        for c in &self.changes {
            let arrow = match (&c.old, &c.new) {
                (Some(a), Some(b)) => format!(": {a} -> {b}"),
                (None, Some(b)) => format!(": {b}"),
                (Some(a), None) => format!(": was {a}"),
                (None, None) => String::new(),
            };
            let tag = match c.impact {
                Impact::Breaking => "BREAKING",
                Impact::Compatible => "compatible",
                Impact::TextOnly => "text only",
            };
            out.push_str(&format!(
                "  [{tag}] {} {} {}{arrow} ({})\n",
                c.subject, c.name, c.kind, c.reason
            ));
        }
        out
    }
}

/// `Tag.n.Key` and `Tag.N.Key` are one param: N is written either way.
fn param_key(doc_name: &str) -> String {
    doc_name
        .split('.')
        .map(|s| if s == "n" { "N" } else { s })
        .collect::<Vec<_>>()
        .join(".")
}

fn flatten_params<'a>(params: &'a [Param], out: &mut BTreeMap<String, &'a Param>) {
    for p in params {
        out.insert(param_key(&p.doc_name), p);
        if let Some(m) = crate::parse::request::members(p) {
            flatten_params(m, out);
        }
    }
}

fn shape_text(s: &Shape) -> String {
    match s {
        Shape::Scalar { ty } => format!("{ty:?}"),
        Shape::List { item, .. } => format!("list of {}", shape_text(item)),
        Shape::Struct { type_name, .. } => format!("struct {type_name}"),
    }
}

fn field_shape_text(s: &FieldShape) -> String {
    match s {
        FieldShape::Scalar { ty } => format!("{ty:?}"),
        FieldShape::Struct { type_name, .. } => format!("struct {type_name}"),
        FieldShape::Array { item, .. } => format!("array of {}", field_shape_text(item)),
    }
}

fn flatten_fields<'a>(prefix: &str, fields: &'a [Field], out: &mut BTreeMap<String, &'a Field>) {
    for f in fields {
        let path = if prefix.is_empty() {
            f.name.clone()
        } else {
            format!("{prefix}.{}", f.name)
        };
        out.insert(path.clone(), f);
        match &f.shape {
            FieldShape::Struct { fields, .. } => flatten_fields(&path, fields, out),
            FieldShape::Array { item, .. } => {
                if let FieldShape::Struct { fields, .. } = item.as_ref() {
                    flatten_fields(&path, fields, out);
                }
            }
            FieldShape::Scalar { .. } => {}
        }
    }
}

/// A rule as the report shows it: its one wording, lists sorted, so that reordered values are
/// no change.
fn rule_text(r: &Rule) -> String {
    r.normalized().to_string()
}

/// What a rule is checked under: the sibling value it depends on, else the page's condition.
fn guard(c: &Constraint) -> String {
    match (&c.only_if, &c.when) {
        (Some(o), _) => format!("{}={}", o.param, o.equals),
        (None, Some(w)) => w.clone(),
        (None, None) => String::new(),
    }
}

/// A rule as the report prints it, with its condition and, for a warning, that it only warns.
fn constraint_text(c: &Constraint) -> String {
    let text = rule_text(&c.rule);
    let text = match &c.when {
        Some(when) => ecs_rules::with_condition(&text, when),
        None => text,
    };
    if c.severity.is_error() {
        text
    } else {
        format!("{text} [warning]")
    }
}

/// Whitespace collapsed and digit-group commas dropped (`65,536` and `65536` are one number).
fn normalized_text(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = s.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !(c == ','
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
        })
        .map(|(_, &c)| c)
        .collect()
}

fn change(
    impact: Impact,
    subject: &str,
    name: &str,
    kind: &str,
    old: Option<String>,
    new: Option<String>,
    reason: &str,
) -> Change {
    Change {
        impact,
        subject: subject.into(),
        name: name.into(),
        kind: kind.into(),
        old,
        new,
        reason: reason.into(),
    }
}

/// Compares two specs of the same operation.
pub fn diff(old: &Spec, new: &Spec) -> ChangeReport {
    let mut changes = Vec::new();
    let (mut op_old, mut op_new) = (BTreeMap::new(), BTreeMap::new());
    flatten_params(&old.operation.request, &mut op_old);
    flatten_params(&new.operation.request, &mut op_new);

    let removed: Vec<&String> = op_old.keys().filter(|k| !op_new.contains_key(*k)).collect();
    let added: Vec<&String> = op_new.keys().filter(|k| !op_old.contains_key(*k)).collect();
    let mut renamed = BTreeSet::new();
    // A removal and an addition with the same shape and a similar name look like a rename.
    for r in &removed {
        let old_p = op_old[*r];
        if let Some(a) = added.iter().find(|a| {
            !renamed.contains(**a)
                && shape_text(&op_new[**a].shape) == shape_text(&old_p.shape)
                && similar(r, a)
        }) {
            renamed.insert((*a).clone());
            renamed.insert((*r).clone());
            changes.push(change(
                Impact::Breaking,
                "param",
                r,
                "renamed",
                Some((*r).clone()),
                Some((*a).clone()),
                "the field and its setter change name",
            ));
        }
    }
    for r in removed.iter().filter(|r| !renamed.contains(**r)) {
        changes.push(change(
            Impact::Breaking,
            "param",
            r,
            "removed",
            Some(shape_text(&op_old[*r].shape)),
            None,
            "code that sets it no longer compiles",
        ));
    }
    for a in added.iter().filter(|a| !renamed.contains(**a)) {
        let p = op_new[*a];
        let (impact, reason) = if p.required {
            (
                Impact::Breaking,
                "a new required param: existing calls lack it",
            )
        } else {
            (Impact::Compatible, "a new optional param")
        };
        changes.push(change(
            impact,
            "param",
            a,
            "added",
            None,
            Some(shape_text(&p.shape)),
            reason,
        ));
    }
    for (name, o) in &op_old {
        let Some(n) = op_new.get(name) else { continue };
        param_changes(name, o, n, &mut changes);
    }

    // Errors
    let errs = |s: &Spec| -> BTreeMap<String, ErrorCode> {
        s.operation
            .errors
            .iter()
            .map(|e| (e.code.clone(), e.clone()))
            .collect()
    };
    let (e_old, e_new) = (errs(old), errs(new));
    for (code, e) in &e_old {
        match e_new.get(code) {
            None => changes.push(change(
                Impact::Breaking,
                "error",
                code,
                "removed",
                None,
                None,
                "its variant disappears from the error enum",
            )),
            Some(n) => {
                let statuses = |e: &ErrorCode| {
                    e.listings
                        .iter()
                        .filter_map(|l| l.http_status)
                        .collect::<BTreeSet<_>>()
                };
                let (a, b) = (statuses(e), statuses(n));
                if a != b {
                    changes.push(change(
                        Impact::Compatible,
                        "error",
                        code,
                        "status",
                        Some(fmt_set(&a)),
                        Some(fmt_set(&b)),
                        "errors are matched by code, not status",
                    ));
                }
                if e.retryable != n.retryable {
                    changes.push(change(
                        Impact::Compatible,
                        "error",
                        code,
                        "retryable",
                        Some(e.retryable.to_string()),
                        Some(n.retryable.to_string()),
                        "changes retry behaviour, not the API",
                    ));
                }
            }
        }
    }
    for code in e_new.keys().filter(|c| !e_old.contains_key(*c)) {
        changes.push(change(
            Impact::Compatible,
            "error",
            code,
            "added",
            None,
            None,
            "a new variant of a non-exhaustive enum",
        ));
    }

    // Response
    let (mut r_old, mut r_new) = (BTreeMap::new(), BTreeMap::new());
    flatten_fields("", &old.operation.response, &mut r_old);
    flatten_fields("", &new.operation.response, &mut r_new);
    for (path, f) in &r_old {
        match r_new.get(path) {
            None => changes.push(change(
                Impact::Breaking,
                "response",
                path,
                "removed",
                Some(field_shape_text(&f.shape)),
                None,
                "code that reads it no longer compiles",
            )),
            Some(n) => {
                let (a, b) = (field_shape_text(&f.shape), field_shape_text(&n.shape));
                if a != b {
                    changes.push(change(
                        Impact::Breaking,
                        "response",
                        path,
                        "type",
                        Some(a),
                        Some(b),
                        "the field's Rust type changes",
                    ));
                } else if normalized_text(&f.description) != normalized_text(&n.description) {
                    changes.push(change(
                        Impact::TextOnly,
                        "response",
                        path,
                        "text",
                        None,
                        None,
                        "description reworded",
                    ));
                }
            }
        }
    }
    for (path, f) in &r_new {
        if !r_old.contains_key(path) {
            changes.push(change(
                Impact::Compatible,
                "response",
                path,
                "added",
                None,
                Some(field_shape_text(&f.shape)),
                "a new field of a non-exhaustive struct",
            ));
        }
    }
    relation_changes(old, new, &mut changes);
    changes.sort_by(|a, b| {
        (a.impact, &a.subject, &a.name, &a.kind).cmp(&(b.impact, &b.subject, &b.name, &b.kind))
    });
    ChangeReport {
        operation: new.operation.name.clone(),
        changes,
    }
}

fn fmt_set(s: &BTreeSet<u16>) -> String {
    s.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Names that differ only in case, in a `.N` marker, or by a short edit look like a rename.
fn similar(a: &str, b: &str) -> bool {
    let (la, lb) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    if la == lb {
        return true;
    }
    let last = |s: &str| s.rsplit('.').next().unwrap_or(s).to_owned();
    let (ta, tb) = (last(&la), last(&lb));
    ta.contains(&tb) || tb.contains(&ta) || edit_distance(&ta, &tb) <= 2
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn param_changes(name: &str, o: &Param, n: &Param, changes: &mut Vec<Change>) {
    let (a, b) = (shape_text(&o.shape), shape_text(&n.shape));
    if a != b {
        changes.push(change(
            Impact::Breaking,
            "param",
            name,
            "type",
            Some(a),
            Some(b),
            "the field's Rust type changes",
        ));
    }
    if o.required != n.required {
        let (impact, reason) = if n.required {
            (
                Impact::Breaking,
                "calls that leave it unset are now rejected",
            )
        } else {
            (Impact::Breaking, "the constructor loses an argument")
        };
        changes.push(change(
            impact,
            "param",
            name,
            "required",
            Some(o.required.to_string()),
            Some(n.required.to_string()),
            reason,
        ));
    }
    // By measure and guard, so that `length 2..128` and `length 2..64` compare as one rule that
    // changed, and the ranges of `Size` under each `Category` stay apart.
    let rules = |p: &Param| -> BTreeMap<(String, String), Constraint> {
        p.constraints
            .iter()
            .map(|c| ((c.rule.measure(), guard(c)), c.clone()))
            .collect()
    };
    let (ro, rn) = (rules(o), rules(n));
    for (key, old) in &ro {
        match rn.get(key) {
            None => changes.push(change(
                Impact::Compatible,
                "param",
                name,
                "constraint",
                Some(constraint_text(old)),
                None,
                "a rule was dropped: more values accepted",
            )),
            Some(new) => {
                let (a, b) = (constraint_text(old), constraint_text(new));
                if a == b {
                    continue;
                }
                let (impact, reason) = if !new.severity.is_error() {
                    (Impact::Compatible, "a warning: nothing is rejected")
                } else if old.severity.is_error() && new.rule.accepts_all_of(&old.rule) {
                    (
                        Impact::Compatible,
                        "widened: every old value is still accepted",
                    )
                } else {
                    (
                        Impact::Breaking,
                        "narrowed: some old values are now rejected",
                    )
                };
                changes.push(change(
                    impact,
                    "param",
                    name,
                    "constraint",
                    Some(a),
                    Some(b),
                    reason,
                ));
            }
        }
    }
    for (key, new) in &rn {
        if !ro.contains_key(key) {
            let (impact, reason) = if matches!(new.rule, Rule::Condition { .. }) {
                (Impact::Compatible, "a condition only adds a warning")
            } else if !new.severity.is_error() {
                (Impact::Compatible, "a warning: nothing is rejected")
            } else {
                (
                    Impact::Breaking,
                    "a new rule: some old values are now rejected",
                )
            };
            changes.push(change(
                impact,
                "param",
                name,
                "constraint",
                None,
                Some(constraint_text(new)),
                reason,
            ));
        }
    }
    let d = |p: &Param| p.default.as_ref().map(|d| d.value.clone());
    if d(o) != d(n) {
        changes.push(change(
            Impact::Compatible,
            "param",
            name,
            "default",
            d(o),
            d(n),
            "the service-side default changed; the client sends only what is set",
        ));
    }
    if normalized_text(&o.description) != normalized_text(&n.description) {
        changes.push(change(
            Impact::TextOnly,
            "param",
            name,
            "text",
            None,
            None,
            "description reworded",
        ));
    }
}

/// Rules between params (`exclusive`, `any_of`, `requires`, `together`), keyed by their wording:
/// a new one refuses calls that passed, a dropped one refuses fewer.
fn relation_changes(old: &Spec, new: &Spec, changes: &mut Vec<Change>) {
    fn stated(spec: &Spec) -> BTreeSet<String> {
        let op = &spec.operation;
        let pairs = op
            .exclusive
            .iter()
            .map(|e| format!("{} cannot be set together", e.params.join(", ")));
        op.relations
            .iter()
            .map(|r| r.relation.to_string())
            .chain(pairs)
            .collect()
    }
    let (before, after) = (stated(old), stated(new));
    for gone in before.difference(&after) {
        changes.push(change(
            Impact::Compatible,
            "relation",
            gone,
            "removed",
            Some(gone.clone()),
            None,
            "calls it refused are now sent",
        ));
    }
    for added in after.difference(&before) {
        changes.push(change(
            Impact::Breaking,
            "relation",
            added,
            "added",
            None,
            Some(added.clone()),
            "calls that passed validation may now be refused",
        ));
    }
}
