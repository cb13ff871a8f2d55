//! The grammar of one value rule's attribute (`length(min = 2, max = 128)`, `charset = "a-z"`,
//! `one_of("A")`, `count(max = 100, separator = ",")`) into an `ecs_rules::Rule`.

use std::fmt::Display;

use ecs_rules::{Rule, RuleKind};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Error, Expr, ExprLit, Lit, LitStr, Meta, Result, Token, punctuated::Punctuated};

/// A value rule's attribute (`length(min = 2, max = 128)`, `charset = "a-z"`, `one_of("A")`).
pub(crate) fn rule(kind: RuleKind, meta: &Meta) -> Result<Rule> {
    let list = || -> Result<Vec<String>> { Ok(strings(meta)?.iter().map(LitStr::value).collect()) };
    let class = || -> Result<String> {
        Ok(char_class(lit_str(&meta.require_name_value()?.value)?)?.value())
    };
    Ok(match kind {
        RuleKind::Length => {
            let (min, max) = bounds(meta)?;
            Rule::Length { min, max }
        }
        RuleKind::Range => {
            let mut also = Vec::new();
            let (min, max) = bounds_also(meta, Some(&mut also))?;
            Rule::Range { min, max, also }
        }
        RuleKind::Bytes => {
            let mut decoded = false;
            let (min, max) = bounds_with(meta, None, &mut |item| {
                let flag = matches!(item, Meta::Path(p) if p.is_ident("decoded"));
                decoded |= flag;
                Ok(flag)
            })?;
            Rule::Bytes { min, max, decoded }
        }
        RuleKind::Format => {
            let lit = lit_str(&meta.require_name_value()?.value)?;
            if ecs_rules::Format::parse(&lit.value()).is_none() {
                return Err(Error::new(
                    lit.span(),
                    "unknown format; expected `base64`, `json` or a time picture (`yyyy-MM-ddTHH:mm:ssZ`)",
                ));
            }
            Rule::Format {
                format: lit.value(),
            }
        }
        RuleKind::Count => {
            let mut separator = None;
            let (min, max) = bounds_with(meta, None, &mut |item| match item {
                Meta::NameValue(nv) if nv.path.is_ident("separator") => {
                    let lit = lit_str(&nv.value)?;
                    if lit.value().is_empty() {
                        return Err(Error::new(lit.span(), "the separator cannot be empty"));
                    }
                    separator = Some(lit.value());
                    Ok(true)
                }
                _ => Ok(false),
            })?;
            Rule::Count {
                min,
                max,
                separator,
            }
        }
        RuleKind::Charset => Rule::Charset { class: class()? },
        RuleKind::FirstChar => Rule::FirstChar { class: class()? },
        RuleKind::NotPrefix => Rule::NotPrefix { prefixes: list()? },
        RuleKind::NotContains => Rule::NotContains { needles: list()? },
        RuleKind::Enum => Rule::Enum { values: list()? },
        RuleKind::Classes => classes(meta)?,
        // Flags and attributes with a grammar of their own, read by their callers.
        RuleKind::Required
        | RuleKind::Exclusive
        | RuleKind::AnyOf
        | RuleKind::Requires
        | RuleKind::Together
        | RuleKind::Condition
        | RuleKind::Malformed
        | RuleKind::Unknown => {
            return Err(Error::new(meta.path().span(), "not a value rule"));
        }
    })
}

/// `classes(min = 3, upper, lower, digit, special = "!@#")`: the types (`ecs_rules::CharType`
/// names) in order, `special` bare when the page lists no special characters.
fn classes(meta: &Meta) -> Result<Rule> {
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
    let (mut min, mut of, mut special) = (None, Vec::new(), None);
    for item in &items {
        let path = item.path();
        let name = path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match item {
            Meta::NameValue(nv) if name == "min" => min = Some(parse_int::<u64>(&nv.value)?),
            Meta::NameValue(nv) if name == "special" => {
                special = Some(lit_str(&nv.value)?.value());
                of.push(name);
            }
            Meta::Path(_) if ecs_rules::CharType::parse(&name).is_some() => of.push(name),
            _ => {
                return Err(Error::new(
                    path.span(),
                    "expected `min = N`, `upper`, `lower`, `digit`, `special` or `special = \"...\"`",
                ));
            }
        }
    }
    let Some(min) = min else {
        return Err(Error::new(list.span(), "`classes` needs `min = N`"));
    };
    if min == 0 || min > of.len() as u64 {
        return Err(Error::new(
            list.span(),
            "`min` must be between 1 and the number of types given",
        ));
    }
    Ok(Rule::Classes { min, of, special })
}

pub(crate) fn lit_str(expr: &Expr) -> Result<LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        other => Err(Error::new(other.span(), "expected a string literal")),
    }
}

fn parse_int<T: std::str::FromStr>(expr: &Expr) -> Result<T>
where
    T::Err: Display,
{
    // Accept `-5` as well as `5`.
    let text = quote!(#expr).to_string().replace(' ', "");
    text.parse::<T>()
        .map_err(|e| Error::new(expr.span(), format!("expected an integer: {e}")))
}

/// Reads `min = A, max = B` from `name(min = A, max = B)`.
fn bounds<T: std::str::FromStr>(meta: &Meta) -> Result<(Option<T>, Option<T>)>
where
    T::Err: Display,
{
    bounds_also(meta, None)
}

/// Bounds, and for `range` the values allowed outside them (`also = -1`, once per value).
fn bounds_also<T: std::str::FromStr>(
    meta: &Meta,
    also: Option<&mut Vec<T>>,
) -> Result<(Option<T>, Option<T>)>
where
    T::Err: Display,
{
    bounds_with(meta, also, &mut |_| Ok(false))
}

/// Bounds, with `extra` taking the items of a rule's own (`decoded`, `separator = ","`): it
/// answers whether it took the item.
fn bounds_with<T: std::str::FromStr>(
    meta: &Meta,
    mut also: Option<&mut Vec<T>>,
    extra: &mut dyn FnMut(&Meta) -> Result<bool>,
) -> Result<(Option<T>, Option<T>)>
where
    T::Err: Display,
{
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
    let (mut min, mut max) = (None, None);
    for item in &items {
        if extra(item)? {
            continue;
        }
        let nv = item.require_name_value()?;
        if let (true, Some(list)) = (nv.path.is_ident("also"), also.as_deref_mut()) {
            list.push(parse_int(&nv.value)?);
            continue;
        }
        let slot = if nv.path.is_ident("min") {
            &mut min
        } else if nv.path.is_ident("max") {
            &mut max
        } else {
            return Err(Error::new(nv.path.span(), "expected `min` or `max`"));
        };
        if slot.is_some() {
            return Err(Error::new(nv.path.span(), "duplicate bound: give it once"));
        }
        *slot = Some(parse_int(&nv.value)?);
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
fn char_class(lit: LitStr) -> Result<LitStr> {
    let pattern = format!("^[{}]$", lit.value());
    regex::Regex::new(&pattern)
        .map_err(|e| Error::new(lit.span(), format!("invalid character class: {e}")))?;
    Ok(lit)
}
