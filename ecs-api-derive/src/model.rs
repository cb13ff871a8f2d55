//! The `#[ecs(...)]` attributes, parsed into a model of the struct and checked against the field
//! types (a rule that cannot apply is a compile error at the rule's span).

use ecs_rules::{Needs, Rule, RuleKind, Target};
use quote::quote;
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Error, Expr, ExprLit, Fields, GenericArgument, Ident, Lit, LitStr, Meta,
    PathArguments, Result, Token, Type, punctuated::Punctuated,
};

/// The struct as the attributes describe it.
pub(crate) struct Model {
    pub(crate) ident: Ident,
    pub(crate) fields: Vec<FieldModel>,
    /// Pairs of fields that cannot both be set.
    pub(crate) exclusive: Vec<(Ident, Ident)>,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Card {
    /// `T`: always present.
    Plain,
    /// `Option<T>`
    Optional,
    /// `Vec<T>`: sent as `wire.1`, `wire.2`, …
    List,
}

/// What a field's value (each item's, for a `Vec`) is: text, an integer, another `WireScalar`
/// (`bool`, `f64`, `serde_json::Value`), or a `nested` struct that derives these traits itself.
pub(crate) use ecs_rules::ValueKind as Kind;

pub(crate) struct FieldModel {
    pub(crate) ident: Ident,
    pub(crate) card: Card,
    pub(crate) kind: Kind,
    pub(crate) inner: Type,
    pub(crate) wire: LitStr,
    pub(crate) required: bool,
    pub(crate) error_code: Option<LitStr>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) condition: Option<(Ident, LitStr)>,
    /// `Vec<T>` sent as one param holding a JSON array (`InstanceIds=["i-1","i-2"]`).
    pub(crate) json: bool,
    /// A password, key or token: its value never appears in a violation.
    pub(crate) sensitive: bool,
    /// Rules on members of a `nested` value (`member(key, wire = "Key", length(max = 128))`):
    /// shared types carry no rules; each field that takes one states its page's.
    pub(crate) members: Vec<MemberRules>,
}

pub(crate) struct MemberRules {
    pub(crate) field: Ident,
    pub(crate) wire: LitStr,
    pub(crate) error_code: Option<LitStr>,
    pub(crate) rules: Vec<Rule>,
}

fn unwrap_generic<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

fn scalar_kind(ty: &Type) -> Kind {
    let Type::Path(p) = ty else {
        return Kind::Other;
    };
    match p
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .as_deref()
    {
        Some("String") => Kind::Text,
        Some("i32" | "i64" | "u32" | "u64") => Kind::Integer,
        _ => Kind::Other,
    }
}

fn lit_str(expr: &Expr) -> Result<LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        other => Err(Error::new(other.span(), "expected a string literal")),
    }
}

fn parse_int<T: std::str::FromStr>(expr: &Expr) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    // Accept `-5` as well as `5`.
    let text = quote!(#expr).to_string().replace(' ', "");
    text.parse::<T>()
        .map_err(|e| Error::new(expr.span(), format!("expected an integer: {e}")))
}

/// Reads `min = A, max = B` from `name(min = A, max = B)`.
fn bounds<T: std::str::FromStr>(meta: &Meta) -> Result<(Option<T>, Option<T>)>
where
    T::Err: std::fmt::Display,
{
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
    let (mut min, mut max) = (None, None);
    for item in &items {
        let nv = item.require_name_value()?;
        if nv.path.is_ident("min") {
            min = Some(parse_int(&nv.value)?);
        } else if nv.path.is_ident("max") {
            max = Some(parse_int(&nv.value)?);
        } else {
            return Err(Error::new(nv.path.span(), "expected `min` or `max`"));
        }
    }
    if min.is_none() && max.is_none() {
        return Err(Error::new(list.span(), "give `min`, `max` or both"));
    }
    Ok((min, max))
}

fn strings(meta: &Meta) -> Result<Vec<LitStr>> {
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated)?;
    if items.is_empty() {
        return Err(Error::new(list.span(), "give at least one string"));
    }
    Ok(items.into_iter().collect())
}

/// A character-class body must make a valid regex; checked here so a typo fails the build.
fn class(lit: LitStr) -> Result<LitStr> {
    let pattern = format!("^[{}]$", lit.value());
    regex::Regex::new(&pattern)
        .map_err(|e| Error::new(lit.span(), format!("invalid character class: {e}")))?;
    Ok(lit)
}

/// The value rules a field or member states with an attribute of its own, by the names
/// `ecs_rules` gives them (the generator writes the same names).
const RULE_KINDS: [RuleKind; 8] = [
    RuleKind::Length,
    RuleKind::Range,
    RuleKind::Count,
    RuleKind::Charset,
    RuleKind::FirstChar,
    RuleKind::NotPrefix,
    RuleKind::NotContains,
    RuleKind::Enum,
];

fn rule_attr(name: &str) -> Option<RuleKind> {
    RULE_KINDS.into_iter().find(|k| k.attribute() == Some(name))
}

/// `length(min = 2, max = 128)`, `charset = "a-z"`, `one_of("A", "B")`, … as a rule.
fn parse_rule(name: &str, meta: &Meta) -> Result<Rule> {
    let list = || -> Result<Vec<String>> { Ok(strings(meta)?.iter().map(LitStr::value).collect()) };
    let Some(kind) = rule_attr(name) else {
        return Err(Error::new(meta.path().span(), "not a rule attribute"));
    };
    Ok(match kind {
        RuleKind::Length => {
            let (min, max) = bounds(meta)?;
            Rule::Length { min, max }
        }
        RuleKind::Range => {
            let (min, max) = bounds(meta)?;
            Rule::Range { min, max }
        }
        RuleKind::Count => {
            let (min, max) = bounds(meta)?;
            Rule::Count { min, max }
        }
        RuleKind::Charset => Rule::Charset {
            class: class(lit_str(&meta.require_name_value()?.value)?)?.value(),
        },
        RuleKind::FirstChar => Rule::FirstChar {
            class: class(lit_str(&meta.require_name_value()?.value)?)?.value(),
        },
        RuleKind::NotPrefix => Rule::NotPrefix { prefixes: list()? },
        RuleKind::NotContains => Rule::NotContains { needles: list()? },
        RuleKind::Enum => Rule::Enum { values: list()? },
        // Attributes with a grammar of their own, parsed where they are read.
        RuleKind::Required
        | RuleKind::Exclusive
        | RuleKind::Condition
        | RuleKind::Malformed
        | RuleKind::Unknown => {
            return Err(Error::new(meta.path().span(), "not a value rule"));
        }
    })
}

impl Model {
    pub(crate) fn parse(input: &DeriveInput) -> Result<Model> {
        let Data::Struct(data) = &input.data else {
            return Err(Error::new(
                input.ident.span(),
                "ecs-api derives support structs with named fields only",
            ));
        };
        let Fields::Named(named) = &data.fields else {
            return Err(Error::new(
                input.ident.span(),
                "ecs-api derives support structs with named fields only",
            ));
        };
        if !input.generics.params.is_empty() {
            return Err(Error::new(
                input.generics.span(),
                "ecs-api derives do not support generic structs",
            ));
        }
        let mut fields = Vec::new();
        for f in &named.named {
            fields.push(parse_field(f)?);
        }
        let mut exclusive = Vec::new();
        for attr in input.attrs.iter().filter(|a| a.path().is_ident("ecs")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("exclusive") {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                    let names: Vec<Ident> = names.into_iter().collect();
                    if names.len() != 2 {
                        return Err(meta.error("`exclusive` takes exactly two field names"));
                    }
                    for n in &names {
                        if !fields.iter().any(|f| f.ident == *n) {
                            return Err(Error::new(n.span(), format!("no field named `{n}`")));
                        }
                    }
                    exclusive.push((names[0].clone(), names[1].clone()));
                    Ok(())
                } else {
                    Err(meta.error("unknown struct attribute; expected `exclusive(a, b)`"))
                }
            })?;
        }
        for f in &fields {
            if let Some((other, _)) = &f.condition
                && !fields.iter().any(|g| g.ident == *other)
            {
                return Err(Error::new(
                    other.span(),
                    format!("no field named `{other}`"),
                ));
            }
        }
        Ok(Model {
            ident: input.ident.clone(),
            fields,
            exclusive,
        })
    }
}

fn parse_field(f: &syn::Field) -> Result<FieldModel> {
    let ident = f
        .ident
        .clone()
        .ok_or_else(|| Error::new(f.span(), "expected a named field"))?;
    let (card, inner) = if let Some(t) = unwrap_generic(&f.ty, "Option") {
        (Card::Optional, t.clone())
    } else if let Some(t) = unwrap_generic(&f.ty, "Vec") {
        (Card::List, t.clone())
    } else {
        (Card::Plain, f.ty.clone())
    };
    let mut wire = None;
    let mut required = false;
    let mut nested = false;
    let mut json = None;
    let mut sensitive = false;
    let mut error_code = None;
    let mut rules = Vec::new();
    let mut condition = None;
    let mut members = Vec::new();
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("ecs")) {
        let metas = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
        for meta in &metas {
            let path = meta.path();
            let name = path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match name.as_str() {
                "wire" => wire = Some(lit_str(&meta.require_name_value()?.value)?),
                "required" => {
                    meta.require_path_only()?;
                    required = true;
                }
                "nested" => {
                    meta.require_path_only()?;
                    nested = true;
                }
                "json" => {
                    meta.require_path_only()?;
                    json = Some(path.span());
                }
                "sensitive" => {
                    meta.require_path_only()?;
                    sensitive = true;
                }
                "error_code" => error_code = Some(lit_str(&meta.require_name_value()?.value)?),
                "member" => members.push(parse_member(meta)?),
                other if rule_attr(other).is_some() => {
                    rules.push((path.span(), parse_rule(other, meta)?));
                }
                "condition" => {
                    let list = meta.require_list()?;
                    let items =
                        list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
                    let (mut field, mut equals) = (None, None);
                    for item in &items {
                        let nv = item.require_name_value()?;
                        if nv.path.is_ident("field") {
                            match &nv.value {
                                Expr::Path(p) if p.path.get_ident().is_some() => {
                                    field = p.path.get_ident().cloned()
                                }
                                other => {
                                    return Err(Error::new(other.span(), "expected a field name"));
                                }
                            }
                        } else if nv.path.is_ident("equals") {
                            equals = Some(lit_str(&nv.value)?);
                        } else {
                            return Err(Error::new(nv.path.span(), "expected `field` or `equals`"));
                        }
                    }
                    match (field, equals) {
                        (Some(a), Some(b)) => condition = Some((a, b)),
                        _ => {
                            return Err(Error::new(
                                list.span(),
                                "`condition` needs `field = name, equals = \"value\"`",
                            ));
                        }
                    }
                }
                _ => {
                    return Err(Error::new(
                        path.span(),
                        "unknown ecs attribute; expected one of: wire, required, nested, \
                         json, sensitive, error_code, length, range, count, charset, first_char, \
                         not_prefix, not_contains, one_of, condition, member",
                    ));
                }
            }
        }
    }
    let wire = wire.ok_or_else(|| {
        Error::new(
            ident.span(),
            format!("field `{ident}` needs #[ecs(wire = \"WireName\")]"),
        )
    })?;
    if wire.value().is_empty() || wire.value().contains(['.', '&', '=']) {
        return Err(Error::new(
            wire.span(),
            "a wire name is one segment without `.`, `&` or `=`",
        ));
    }
    let kind = if nested {
        Kind::Nested
    } else {
        scalar_kind(&inner)
    };
    // Type checks: a rule that cannot apply to the field's type is a mistake.
    let mut checked = Vec::new();
    for (span, rule) in rules {
        let target = Target {
            value: kind,
            list: card == Card::List,
        };
        if !rule.fits(target) {
            let what = match rule.needs() {
                Needs::Text => "a `String` field",
                Needs::Integer => "an integer field (i32, i64, u32, u64)",
                Needs::List => "a `Vec` field",
                Needs::Anything => "any field",
            };
            return Err(Error::new(
                span,
                format!("this rule applies only to {what}"),
            ));
        }
        checked.push(rule);
    }
    if let Some(span) = json {
        if card != Card::List {
            return Err(Error::new(
                span,
                "`json` applies only to a `Vec` field: its items are sent as one JSON array",
            ));
        }
        if kind == Kind::Nested {
            return Err(Error::new(
                span,
                "`json` lists hold scalars (`WireScalar` items), not `nested` structs",
            ));
        }
    }
    if let Some(m) = members.first()
        && kind != Kind::Nested
    {
        return Err(Error::new(
            m.field.span(),
            "`member(...)` applies only to a `nested` field",
        ));
    }
    if required && card == Card::Plain {
        return Err(Error::new(
            ident.span(),
            "`required` is for `Option` or `Vec` fields; a plain field is always set",
        ));
    }
    Ok(FieldModel {
        ident,
        card,
        kind,
        inner,
        wire,
        required,
        error_code,
        rules: checked,
        condition,
        json: json.is_some(),
        sensitive,
        members,
    })
}

/// `member(field, wire = "Wire", error_code = "...", <rules>)`. The member's type is the nested
/// struct's business; the runtime reads its values through `MemberValues`.
fn parse_member(meta: &Meta) -> Result<MemberRules> {
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
    let mut it = items.iter();
    let field = match it.next() {
        Some(Meta::Path(p)) if p.get_ident().is_some() => p.get_ident().cloned(),
        _ => None,
    }
    .ok_or_else(|| Error::new(list.span(), "`member` starts with the member's field name"))?;
    let (mut wire, mut error_code, mut rules) = (None, None, Vec::new());
    for item in it {
        let name = item
            .path()
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        match name.as_str() {
            "wire" => wire = Some(lit_str(&item.require_name_value()?.value)?),
            "error_code" => error_code = Some(lit_str(&item.require_name_value()?.value)?),
            other if rule_attr(other).is_some() => rules.push(parse_rule(other, item)?),
            _ => {
                return Err(Error::new(
                    item.path().span(),
                    "unknown member attribute; expected wire, error_code or a rule",
                ));
            }
        }
    }
    let wire = wire.ok_or_else(|| {
        Error::new(
            field.span(),
            "`member` needs `wire = \"WireName\"` for its messages",
        )
    })?;
    Ok(MemberRules {
        field,
        wire,
        error_code,
        rules,
    })
}
