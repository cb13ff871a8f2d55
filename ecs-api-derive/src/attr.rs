//! The `#[ecs(...)]` grammar: every attribute name (defined once, in the tables below), the
//! parsing of a field's, a member's and the struct's attributes into what they say, and duplicate
//! detection. Nothing here knows the field's type; `check.rs` holds what attributes are checked
//! against. Every error is recorded in [`Errors`] and parsing goes on, so a build reports them all.

use std::fmt::Display;

use ecs_rules::{Rule, RuleKind};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{
    Attribute, Error, Expr, Ident, LitStr, Meta, Path, Result, Token, punctuated::Punctuated,
};

use crate::model::{Guarded, MemberRules};
use crate::rule_attr::{lit_str, rule};

/// Every error of an item, combined into one (`syn::Error::combine`), as serde_derive's `Ctxt`.
#[derive(Default)]
pub(crate) struct Errors {
    all: Option<Error>,
    count: usize,
}

impl Errors {
    pub(crate) fn push(&mut self, e: Error) {
        self.count += 1;
        match &mut self.all {
            Some(all) => all.combine(e),
            None => self.all = Some(e),
        }
    }

    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(Error::new(span, message));
    }

    /// The value, or `None` once its error is recorded.
    pub(crate) fn ok<T>(&mut self, result: Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    /// How many errors so far: a caller compares counts to know whether its part failed.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    pub(crate) fn finish(self) -> Result<()> {
        self.all.map_or(Ok(()), Err)
    }
}

/// One attribute name. Rules are named by `ecs_rules` ([`RuleKind::attribute`]), whose names
/// the generator writes too.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attr {
    Wire,
    Nested,
    Json,
    Sensitive,
    ErrorCode,
    Member,
    /// `when(...)`: rules stated under a condition.
    When,
    Rule(RuleKind),
}

impl Attr {
    fn name(self) -> &'static str {
        match self {
            Attr::Wire => "wire",
            Attr::Nested => "nested",
            Attr::Json => "json",
            Attr::Sensitive => "sensitive",
            Attr::ErrorCode => "error_code",
            Attr::Member => "member",
            Attr::When => "when",
            Attr::Rule(kind) => kind.attribute().unwrap_or_default(),
        }
    }
}

/// The value rules, in the order the tables list them.
const VALUE_RULES: [Attr; 11] = [
    Attr::Rule(RuleKind::Length),
    Attr::Rule(RuleKind::Range),
    Attr::Rule(RuleKind::Bytes),
    Attr::Rule(RuleKind::Format),
    Attr::Rule(RuleKind::Count),
    Attr::Rule(RuleKind::Charset),
    Attr::Rule(RuleKind::FirstChar),
    Attr::Rule(RuleKind::NotPrefix),
    Attr::Rule(RuleKind::NotContains),
    Attr::Rule(RuleKind::Enum),
    Attr::Rule(RuleKind::Classes),
];

/// A field's attributes, in the order "expected one of" lists them.
const FIELD: &[Attr] = &[
    Attr::Wire,
    Attr::Rule(RuleKind::Required),
    Attr::Nested,
    Attr::Json,
    Attr::Sensitive,
    Attr::ErrorCode,
    VALUE_RULES[0],
    VALUE_RULES[1],
    VALUE_RULES[2],
    VALUE_RULES[3],
    VALUE_RULES[4],
    VALUE_RULES[5],
    VALUE_RULES[6],
    VALUE_RULES[7],
    VALUE_RULES[8],
    VALUE_RULES[9],
    VALUE_RULES[10],
    Attr::Rule(RuleKind::Condition),
    Attr::When,
    Attr::Member,
];

/// What `member(name, ...)` takes after the member's name.
const MEMBER: &[Attr] = &[
    Attr::Wire,
    Attr::ErrorCode,
    VALUE_RULES[0],
    VALUE_RULES[1],
    VALUE_RULES[2],
    VALUE_RULES[3],
    VALUE_RULES[4],
    VALUE_RULES[5],
    VALUE_RULES[6],
    VALUE_RULES[7],
    VALUE_RULES[8],
    VALUE_RULES[9],
    Attr::When,
    VALUE_RULES[10],
];

/// What `when(...)` takes besides its value rules (`VALUE_RULES`).
const WHEN_KEYS: [&str; 4] = ["text", "warn", "field", "equals"];

/// The struct's own attributes, the rules between its fields: `exclusive(a, b)`,
/// `any_of(a, b, ...)`, `requires(a, b)`, `together(a, b, ...)`.
const STRUCT: &[Attr] = &[
    Attr::Rule(RuleKind::Exclusive),
    Attr::Rule(RuleKind::AnyOf),
    Attr::Rule(RuleKind::Requires),
    Attr::Rule(RuleKind::Together),
];

fn lookup(table: &[Attr], path: &Path) -> Option<Attr> {
    let name = path.get_ident()?.to_string();
    table.iter().copied().find(|a| a.name() == name)
}

fn names(table: &[Attr]) -> String {
    let names: Vec<&str> = table.iter().map(|a| a.name()).collect();
    names.join(", ")
}

/// The attributes given so far on one field or member: a second one is an error at its span.
#[derive(Default)]
struct Seen(Vec<Attr>);

impl Seen {
    fn first(&mut self, attr: Attr, path: &Path, errors: &mut Errors) -> bool {
        if self.0.contains(&attr) {
            errors.at(
                path.span(),
                format!("duplicate `{}`: give it once", attr.name()),
            );
            return false;
        }
        self.0.push(attr);
        true
    }
}

/// What a field's attributes say, before they are checked against its type.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) wire: Option<LitStr>,
    /// Whether `wire` was given at all: a malformed one is not also reported as missing.
    pub(crate) wire_given: bool,
    pub(crate) required: Option<Span>,
    pub(crate) nested: bool,
    pub(crate) json: Option<Span>,
    pub(crate) sensitive: bool,
    pub(crate) error_code: Option<LitStr>,
    /// Each rule with the span of its attribute, where a rule that does not fit is reported.
    pub(crate) rules: Vec<(Span, Rule)>,
    /// `when(...)` groups, each with the span of its attribute.
    pub(crate) guarded: Vec<(Span, Guarded)>,
    pub(crate) condition: Option<(Ident, LitStr)>,
    pub(crate) members: Vec<MemberRules>,
}

fn metas(attr: &Attribute) -> Result<Punctuated<Meta, Token![,]>> {
    attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
}

/// The `#[ecs(...)]` attributes of one field (any number of them, read as one list).
pub(crate) fn field(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let mut seen = Seen::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("ecs")) {
        let Some(metas) = errors.ok(metas(attr)) else {
            continue;
        };
        for meta in &metas {
            let path = meta.path();
            let Some(which) = lookup(FIELD, path) else {
                errors.at(
                    path.span(),
                    format!("unknown ecs attribute; expected one of: {}", names(FIELD)),
                );
                continue;
            };
            // `member(...)` comes once per member, which `field_attr` checks.
            if matches!(which, Attr::Member | Attr::When) || seen.first(which, path, errors) {
                field_attr(&mut out, which, meta, errors);
            }
        }
    }
    out
}

fn field_attr(out: &mut FieldAttrs, which: Attr, meta: &Meta, errors: &mut Errors) {
    let span = meta.path().span();
    let value = || lit_str(&meta.require_name_value()?.value);
    let flag = || meta.require_path_only().map(|_| span);
    match which {
        Attr::Wire => {
            out.wire_given = true;
            out.wire = errors.ok(value());
        }
        Attr::ErrorCode => out.error_code = errors.ok(value()),
        Attr::Nested => out.nested = errors.ok(flag()).is_some(),
        Attr::Json => out.json = errors.ok(flag()),
        Attr::Sensitive => out.sensitive = errors.ok(flag()).is_some(),
        Attr::Member => {
            let Some(m) = member(meta, errors) else {
                return;
            };
            if out.members.iter().any(|o| o.field == m.field) {
                errors.at(
                    m.field.span(),
                    format!("duplicate `member({}, ...)`: give it once", m.field),
                );
            } else {
                out.members.push(m);
            }
        }
        Attr::When => out.guarded.extend(guarded(meta, errors).map(|g| (span, g))),
        Attr::Rule(RuleKind::Required) => out.required = errors.ok(flag()),
        Attr::Rule(RuleKind::Condition) => out.condition = errors.ok(condition(meta)),
        Attr::Rule(kind) => out
            .rules
            .extend(errors.ok(rule(kind, meta)).map(|r| (span, r))),
    }
}

/// `condition(field = name, equals = "value")`.
fn condition(meta: &Meta) -> Result<(Ident, LitStr)> {
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
    let (mut field, mut equals) = (None, None);
    for item in &items {
        let nv = item.require_name_value()?;
        if nv.path.is_ident("field") {
            match &nv.value {
                Expr::Path(p) if p.path.get_ident().is_some() => {
                    field = p.path.get_ident().cloned()
                }
                other => return Err(Error::new(other.span(), "expected a field name")),
            }
        } else if nv.path.is_ident("equals") {
            equals = Some(lit_str(&nv.value)?);
        } else {
            return Err(Error::new(nv.path.span(), "expected `field` or `equals`"));
        }
    }
    match (field, equals) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(Error::new(
            list.span(),
            "`condition` needs `field = name, equals = \"value\"`",
        )),
    }
}

/// `member(field, wire = "Wire", error_code = "...", <rules>)`. The member's type is the nested
/// struct's business; the runtime reads its values through `MemberValues`.
fn member(meta: &Meta, errors: &mut Errors) -> Option<MemberRules> {
    let list = errors.ok(meta.require_list())?;
    let items = errors.ok(list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated))?;
    let mut items = items.iter();
    let field = match items.next() {
        Some(Meta::Path(p)) => p.get_ident().cloned(),
        _ => None,
    };
    let Some(field) = field else {
        errors.at(list.span(), "`member` starts with the member's field name");
        return None;
    };
    let (mut wire, mut error_code, mut rules, mut when) = (None, None, Vec::new(), Vec::new());
    let mut seen = Seen::default();
    for item in items {
        let path = item.path();
        let Some(which) = lookup(MEMBER, path) else {
            errors.at(
                path.span(),
                format!(
                    "unknown member attribute; expected one of: {}",
                    names(MEMBER)
                ),
            );
            continue;
        };
        if which != Attr::When && !seen.first(which, path, errors) {
            continue;
        }
        let value = || lit_str(&item.require_name_value()?.value);
        match which {
            Attr::Wire => wire = errors.ok(value()),
            Attr::ErrorCode => error_code = errors.ok(value()),
            Attr::Rule(kind) => rules.extend(errors.ok(rule(kind, item))),
            Attr::When => when.extend(guarded(item, errors)),
            Attr::Nested | Attr::Json | Attr::Sensitive | Attr::Member => {
                errors.at(path.span(), "not a member attribute");
            }
        }
    }
    let Some(wire) = wire else {
        errors.at(
            field.span(),
            "`member` needs `wire = \"WireName\"` for its messages",
        );
        return None;
    };
    Some(MemberRules {
        field,
        wire,
        error_code,
        rules,
        guarded: when,
    })
}

/// `when(text = "For Windows instances", warn, not_prefix("/"))`,
/// `when(text = "When Category is cloud_essd", field = category, equals = "cloud_essd", range(min = 20))`.
fn guarded(meta: &Meta, errors: &mut Errors) -> Option<Guarded> {
    let list = errors.ok(meta.require_list())?;
    let items = errors.ok(list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated))?;
    let before = errors.count();
    let (mut text, mut warn, mut field, mut equals) = (None, false, None, None);
    let mut rules = Vec::new();
    let mut seen = Seen::default();
    for item in &items {
        let path = item.path();
        let value = || lit_str(&item.require_name_value()?.value);
        if path.is_ident("text") {
            text = errors.ok(value());
        } else if path.is_ident("warn") {
            warn = errors.ok(item.require_path_only()).is_some();
        } else if path.is_ident("equals") {
            equals = errors.ok(value());
        } else if path.is_ident("field") {
            let name = item.require_name_value().and_then(|nv| match &nv.value {
                Expr::Path(p) if p.path.get_ident().is_some() => Ok(p.path.get_ident().cloned()),
                other => Err(Error::new(other.span(), "expected a field name")),
            });
            field = errors.ok(name).flatten();
        } else if let Some(which @ Attr::Rule(kind)) = lookup(&VALUE_RULES, path) {
            if seen.first(which, path, errors) {
                rules.extend(errors.ok(rule(kind, item)));
            }
        } else {
            errors.at(
                path.span(),
                format!(
                    "unknown `when` attribute; expected one of: {}, {}",
                    WHEN_KEYS.join(", "),
                    names(&VALUE_RULES)
                ),
            );
        }
    }
    let Some(text) = text else {
        errors.at(
            list.span(),
            "`when` needs `text = \"...\"`: the condition as the page states it",
        );
        return None;
    };
    let only_if = match (field, equals) {
        (Some(f), Some(v)) => Some((f, v)),
        (None, None) => None,
        _ => {
            errors.at(list.span(), "`when` takes `field` and `equals` together");
            return None;
        }
    };
    if rules.is_empty() {
        errors.at(list.span(), "`when` needs at least one rule");
    }
    (errors.count() == before).then_some(Guarded {
        text,
        warn,
        only_if,
        rules,
    })
}

/// The struct's rules between fields, each with the fields it names (two for `exclusive` and
/// `requires`, two or more for `any_of` and `together`).
pub(crate) fn relations(attrs: &[Attribute], errors: &mut Errors) -> Vec<(RuleKind, Vec<Ident>)> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("ecs")) {
        let Some(metas) = errors.ok(metas(attr)) else {
            continue;
        };
        for meta in &metas {
            let Some(Attr::Rule(kind)) = lookup(STRUCT, meta.path()) else {
                errors.at(
                    meta.path().span(),
                    format!(
                        "unknown struct attribute; expected one of {}",
                        names(STRUCT)
                    ),
                );
                continue;
            };
            let names = meta.require_list().and_then(|list| {
                list.parse_args_with(Punctuated::<Ident, Token![,]>::parse_terminated)
            });
            let Some(names) = errors.ok(names) else {
                continue;
            };
            let names: Vec<Ident> = names.into_iter().collect();
            let many = matches!(kind, RuleKind::AnyOf | RuleKind::Together);
            let ok = if many {
                names.len() >= 2
            } else {
                names.len() == 2
            };
            if ok {
                out.push((kind, names));
            } else {
                let want = if many { "two or more" } else { "exactly two" };
                let name = kind.attribute().unwrap_or_default();
                errors.at(meta.span(), format!("`{name}` takes {want} field names"));
            }
        }
    }
    out
}
