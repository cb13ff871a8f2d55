//! The reviewed layer on top of a parsed spec: per-operation override files
//! (`spec/overrides/ecs/<Operation>.json`) and the shared common errors (`spec/common/errors.json`).
//!
//! Every fact an override adds carries `Origin::Override { reason }` (error codes of params and the
//! idempotency token have no origin field; only overrides ever set them). An entry that names a param
//! or code the spec lacks, or restates what the doc already says, is stale and fails loudly.
//!
//! Order of use: `parse_doc` → `CommonErrors::merge_into` → `Overrides::apply`.

use serde::{Deserialize, Serialize};

use crate::parse::request::{self, find_mut, hoist_counts, segments};
use crate::parse::{Ctx, prose::normalize_name};
use crate::spec::{Constraint, Exclusive, Origin, Param, Rule, ScalarType, Severity, Shape, Spec};

/// Why an override or common-errors file could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideError {
    /// 0-based index of the entry, when the problem is in one entry.
    pub entry: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for OverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.entry {
            Some(i) => write!(f, "override entry {i}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for OverrideError {}

fn fail<T>(entry: Option<usize>, message: impl Into<String>) -> Result<T, OverrideError> {
    Err(OverrideError {
        entry,
        message: message.into(),
    })
}

/// One operation's override file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    pub operation: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Why the doc is not enough (what the live API does); mandatory and non-empty.
    pub reason: String,
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A param the doc's request table lacks.
    AddParam(NewParam),
    /// A rule the doc does not state for an existing param (doc name, e.g. `Tag.N.Key`).
    AddConstraint { param: String, rule: Rule },
    /// A rule read from the doc that the live API does not enforce (or the reader got wrong):
    /// the doc rule equal to `rule` leaves the param; the sentence stays in its description.
    RemoveConstraint { param: String, rule: Rule },
    /// Promotes a warning to an error (the live API enforces it whatever the condition) or
    /// demotes an error to a warning. `when` picks one of several equal rules by its condition.
    SetSeverity {
        param: String,
        rule: Rule,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<String>,
        severity: Severity,
    },
    /// The error code the service answers when the param is malformed.
    SetErrorCode { param: String, code: String },
    /// Params that cannot be set together (doc names, e.g. `DiskId.N`).
    Exclusive(Vec<String>),
    /// A rule between params read from the doc that the live API does not enforce (the page
    /// names another way to give the value): the equal relation (params in any order) leaves the
    /// operation, and a lint records it for review.
    RemoveRelation(ecs_rules::Relation),
    /// The param that carries the idempotency token.
    IdempotencyToken(String),
    /// A retry decision for one code that differs from the common table.
    Retryable { code: String, value: bool },
}

/// A param in doc terms: `name` as the doc would write it (`DiskId.N`, `Tag.N.Key`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewParam {
    pub name: String,
    /// Doc type spelling of the value or list item: `String`, `Integer`, `Boolean`, ...
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Rules; a `count` rule goes to the enclosing list (`Tag` for `Tag.N.Key`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

impl Overrides {
    pub fn from_json(text: &str) -> Result<Overrides, OverrideError> {
        let overrides: Overrides = serde_json::from_str(text).map_err(|e| OverrideError {
            entry: None,
            message: format!("invalid override file: {e}"),
        })?;
        if overrides.operation.trim().is_empty() {
            return fail(None, "`operation` is empty");
        }
        for (i, entry) in overrides.entries.iter().enumerate() {
            if entry.reason.trim().is_empty() {
                return fail(
                    Some(i),
                    "`reason` is empty; every override says why it exists",
                );
            }
        }
        Ok(overrides)
    }

    /// Applies every entry; the spec is canonicalized afterwards.
    pub fn apply(&self, spec: &mut Spec) -> Result<(), OverrideError> {
        if spec.operation.name != self.operation {
            return fail(
                None,
                format!(
                    "overrides are for `{}` but the spec is `{}`",
                    self.operation, spec.operation.name
                ),
            );
        }
        for (i, entry) in self.entries.iter().enumerate() {
            let origin = Origin::Override {
                reason: entry.reason.clone(),
            };
            apply_entry(spec, &entry.change, origin).map_err(|message| OverrideError {
                entry: Some(i),
                message,
            })?;
        }
        spec.canonicalize();
        Ok(())
    }
}

fn override_constraint(rule: Rule, origin: &Origin) -> Constraint {
    Constraint::new(rule, 0, origin.clone())
}

fn has_code(spec: &Spec, code: &str) -> bool {
    spec.operation.errors.iter().any(|e| e.code == code)
}

fn top_level_wire(spec: &Spec, name: &str) -> Option<String> {
    let wanted = normalize_name(name);
    spec.operation
        .request
        .iter()
        .find(|p| normalize_name(&p.doc_name) == wanted || normalize_name(&p.wire_name) == wanted)
        .map(|p| p.wire_name.clone())
}

fn apply_entry(spec: &mut Spec, change: &Change, origin: Origin) -> Result<(), String> {
    let op = &mut spec.operation;
    match change {
        Change::AddParam(new) => {
            if find_mut(&mut op.request, &new.name).is_some() {
                return Err(format!(
                    "`{}` is already in the doc; this override is stale",
                    new.name
                ));
            }
            if let Some(code) = &new.error_code
                && !op.errors.iter().any(|e| &e.code == code)
            {
                return Err(format!("error code `{code}` is not in the spec"));
            }
            let segs = segments(&new.name);
            let Some(last) = segs.last() else {
                return Err("`name` is empty".into());
            };
            let ty = request::scalar_type(&new.ty)
                .or_else(|| {
                    new.ty
                        .eq_ignore_ascii_case("RepeatList")
                        .then_some(ScalarType::String)
                })
                .ok_or_else(|| format!("unknown type `{}`", new.ty))?;
            let scalar = Shape::Scalar { ty };
            let param = Param {
                wire_name: last.name.clone(),
                doc_name: new.name.clone(),
                rust_name: String::new(),
                shape: if last.list {
                    Shape::List {
                        item: Box::new(scalar),
                        json_array: false,
                    }
                } else {
                    scalar
                },
                required: new.required,
                example: new.example.clone(),
                description: new.description.clone(),
                line: 0,
                origin: origin.clone(),
                deprecated: None,
                sensitive: false,
                default: None,
                constraints: new
                    .constraints
                    .iter()
                    .map(|r| override_constraint(r.clone(), &origin))
                    .collect(),
                unparsed: Vec::new(),
                error_code: new.error_code.clone(),
            };
            request::insert(&mut op.request, &segs, param)?;
            if !hoist_counts(&mut op.request).is_empty() {
                return Err(format!(
                    "a `count` rule on `{}`, which is in no list",
                    new.name
                ));
            }
            let mut ctx = Ctx {
                file: op.source.clone(),
                lints: Vec::new(),
            };
            request::name_params(&mut ctx, &mut op.request).map_err(|e| e.reason)?;
            op.lints.extend(ctx.lints);
        }
        Change::AddConstraint { param, rule } => {
            let Some(target) = find_mut(&mut op.request, param) else {
                return Err(format!(
                    "param `{param}` is not in the spec (stale override?)"
                ));
            };
            // A reviewed rule that cannot be enforced on the param is a mistake in the override.
            if !rule.fits(target.shape.rule_target()) {
                return Err(format!(
                    "a `{}` rule needs {}; `{param}` is not",
                    rule.kind(),
                    rule.needs()
                ));
            }
            if target.constraints.iter().any(|c| &c.rule == rule) {
                return Err(format!(
                    "`{param}` already has this rule; this override is stale"
                ));
            }
            target
                .constraints
                .push(override_constraint(rule.clone(), &origin));
        }
        Change::RemoveConstraint { param, rule } => {
            let Some(target) = find_mut(&mut op.request, param) else {
                return Err(format!(
                    "param `{param}` is not in the spec (stale override?)"
                ));
            };
            let Some(at) = target
                .constraints
                .iter()
                .position(|c| c.origin.is_doc() && &c.rule == rule)
            else {
                return Err(format!(
                    "`{param}` has no such rule from the doc; this override is stale"
                ));
            };
            // The spec keeps a trace for review: the rule and why it is not enforced.
            let removed = target.constraints.remove(at);
            let reason = match &origin {
                Origin::Override { reason } => reason.as_str(),
                Origin::Doc | Origin::Common => "",
            };
            target.unparsed.push(crate::spec::SourceText {
                text: format!("not enforced ({}): {reason}", removed.rule),
                line: removed.line,
            });
        }
        Change::SetSeverity {
            param,
            rule,
            when,
            severity,
        } => {
            let Some(target) = find_mut(&mut op.request, param) else {
                return Err(format!(
                    "param `{param}` is not in the spec (stale override?)"
                ));
            };
            let mut found = target
                .constraints
                .iter_mut()
                .filter(|c| &c.rule == rule && (when.is_none() || c.when == *when));
            let (Some(c), None) = (found.next(), found.next()) else {
                return Err(format!(
                    "`{param}` has not exactly one such rule (give `when` to pick one); stale?"
                ));
            };
            if c.severity == *severity {
                return Err(format!(
                    "the rule on `{param}` is already {severity:?}; this override is stale"
                ));
            }
            c.severity = *severity;
            c.origin = origin;
        }
        Change::SetErrorCode { param, code } => {
            if !op.errors.iter().any(|e| &e.code == code) {
                return Err(format!("error code `{code}` is not in the spec"));
            }
            let Some(target) = find_mut(&mut op.request, param) else {
                return Err(format!(
                    "param `{param}` is not in the spec (stale override?)"
                ));
            };
            target.error_code = Some(code.clone());
        }
        Change::RemoveRelation(relation) => {
            let same = |r: &ecs_rules::Relation| {
                fn sorted(r: &ecs_rules::Relation) -> Vec<&str> {
                    let mut p = r.params();
                    p.sort_unstable();
                    p
                }
                // Direction matters for `requires`; the others are sets.
                r == relation
                    || (!matches!(r, ecs_rules::Relation::Requires { .. })
                        && r.kind() == relation.kind()
                        && sorted(r) == sorted(relation))
            };
            let Some(at) = op.relations.iter().position(|r| same(&r.relation)) else {
                return Err(format!(
                    "the doc states no relation `{relation}`; this override is stale"
                ));
            };
            let removed = op.relations.remove(at);
            let reason = match &origin {
                Origin::Override { reason } => reason.as_str(),
                Origin::Doc | Origin::Common => "",
            };
            op.lints.push(crate::spec::Lint {
                kind: "relation-not-enforced".into(),
                line: removed.line,
                message: format!("not enforced ({}): {reason}", removed.relation),
            });
        }
        Change::Exclusive(names) => {
            if names.len() < 2 {
                return Err("`exclusive` needs at least two params".into());
            }
            let mut wires = Vec::new();
            for name in names {
                match top_level_wire(spec, name) {
                    Some(w) => wires.push(w),
                    None => {
                        return Err(format!(
                            "param `{name}` is not a top-level param of the spec"
                        ));
                    }
                }
            }
            wires.sort();
            wires.dedup();
            let op = &mut spec.operation;
            if op.exclusive.iter().any(|e| e.params == wires) {
                return Err(format!(
                    "{wires:?} are already exclusive in the doc; this override is stale"
                ));
            }
            op.exclusive.push(Exclusive {
                params: wires,
                line: 0,
                origin,
            });
        }
        Change::IdempotencyToken(name) => {
            let Some(wire) = top_level_wire(spec, name) else {
                return Err(format!(
                    "param `{name}` is not a top-level param of the spec"
                ));
            };
            spec.operation.idempotency_token = Some(wire);
        }
        Change::Retryable { code, value } => {
            if !has_code(spec, code) {
                return Err(format!("error code `{code}` is not in the spec"));
            }
            for e in spec.operation.errors.iter_mut().filter(|e| &e.code == code) {
                e.retryable = *value;
            }
        }
    }
    Ok(())
}

/// `spec/common/errors.json`: errors every operation can return, and which codes are retryable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonErrors {
    pub errors: Vec<CommonError>,
    /// Codes a client may retry; every other code is not retryable.
    pub retryable: Vec<RetryRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonError {
    pub code: String,
    pub http_status: Option<u16>,
    /// As the service sends it; empty when only the situation is known.
    pub message: String,
    /// When the gateway returns it (for codes known from SDK handling rather than the table).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Matches one code exactly or every code with a prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    pub reason: String,
}

impl CommonErrors {
    pub fn from_json(text: &str) -> Result<CommonErrors, OverrideError> {
        let common: CommonErrors = serde_json::from_str(text).map_err(|e| OverrideError {
            entry: None,
            message: format!("invalid common errors file: {e}"),
        })?;
        for (i, rule) in common.retryable.iter().enumerate() {
            if rule.code.is_some() == rule.prefix.is_some() {
                return fail(
                    Some(i),
                    "a retryable rule has exactly one of `code` and `prefix`",
                );
            }
            if rule.reason.trim().is_empty() {
                return fail(Some(i), "a retryable rule needs a `reason`");
            }
        }
        if let Some(e) = common.errors.iter().find(|e| e.code.trim().is_empty()) {
            return fail(
                None,
                format!("a common error has an empty code (message `{}`)", e.message),
            );
        }
        Ok(common)
    }

    /// Whether the reviewed table says a code may be retried.
    pub fn is_retryable(&self, code: &str) -> bool {
        self.retryable.iter().any(|r| {
            r.code.as_deref() == Some(code)
                || r.prefix.as_deref().is_some_and(|p| code.starts_with(p))
        })
    }

    /// Decides `retryable` for every code the spec lists, from the reviewed table. The common
    /// codes themselves are not copied into the spec: the generated crate declares them once
    /// (`CommonErrorCode`) and every operation's error kind refers to that.
    pub fn merge_into(&self, spec: &mut Spec) -> Result<(), OverrideError> {
        for e in spec.operation.errors.iter_mut() {
            e.retryable = self.is_retryable(&e.code);
        }
        Ok(())
    }
}
