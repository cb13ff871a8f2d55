//! The struct as its `#[ecs(...)]` attributes describe it: what the derives expand. Built from
//! the attributes (`attr.rs`) once they pass the checks against the field types (`check.rs`);
//! every error of the item is reported together.

use ecs_rules::{Rule, RuleKind};
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Error, Fields, GenericArgument, Ident, LitStr, PathArguments, Result, Type,
};

use crate::attr::{self, Errors};
use crate::check;

/// The struct as the attributes describe it.
pub(crate) struct Model {
    pub(crate) ident: Ident,
    pub(crate) fields: Vec<FieldModel>,
    /// Pairs of fields that cannot both be set.
    /// Rules between fields (`exclusive`, `any_of`, `requires`) with the fields they name.
    pub(crate) relations: Vec<(RuleKind, Vec<Ident>)>,
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
    pub(crate) guarded: Vec<Guarded>,
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
    pub(crate) guarded: Vec<Guarded>,
}

/// `when(text = "...", [warn,] [field = f, equals = "v",] <rules>)`: rules the page states under
/// a condition. With `field`, they are checked only when that sibling's wire value is `equals`;
/// with `warn`, what they find is a warning, never an error.
pub(crate) struct Guarded {
    pub(crate) text: LitStr,
    pub(crate) warn: bool,
    pub(crate) only_if: Option<(Ident, LitStr)>,
    pub(crate) rules: Vec<Rule>,
}

impl Model {
    pub(crate) fn parse(input: &DeriveInput) -> Result<Model> {
        let only_named = || {
            Error::new(
                input.ident.span(),
                "ecs-api derives support structs with named fields only",
            )
        };
        let Data::Struct(data) = &input.data else {
            return Err(only_named());
        };
        let Fields::Named(named) = &data.fields else {
            return Err(only_named());
        };
        let mut errors = Errors::default();
        if !input.generics.params.is_empty() {
            errors.at(
                input.generics.span(),
                "ecs-api derives do not support generic structs",
            );
        }
        let names: Vec<&Ident> = named
            .named
            .iter()
            .filter_map(|f| f.ident.as_ref())
            .collect();
        let mut fields = Vec::new();
        for f in &named.named {
            let attrs = attr::field(&f.attrs, &mut errors);
            if let Some((other, _)) = &attrs.condition {
                check::names_a_field(&names, other, &mut errors);
            }
            for (other, _) in attrs.guarded.iter().filter_map(|(_, g)| g.only_if.as_ref()) {
                check::names_a_field(&names, other, &mut errors);
            }
            fields.extend(check::field(f, attrs, &mut errors));
        }
        // A guard compares one value: a list cannot be `equals` anything.
        for (other, _) in fields
            .iter()
            .flat_map(|f| &f.guarded)
            .filter_map(|g| g.only_if.as_ref())
        {
            if fields
                .iter()
                .any(|g| g.ident == *other && g.card == Card::List)
            {
                errors.at(
                    other.span(),
                    "`when(field = ...)` names a single-valued field, not a `Vec`",
                );
            }
        }
        let relations = attr::relations(&input.attrs, &mut errors);
        for name in relations.iter().flat_map(|(_, names)| names) {
            check::names_a_field(&names, name, &mut errors);
        }
        errors.finish()?;
        Ok(Model {
            ident: input.ident.clone(),
            fields,
            relations,
        })
    }
}

/// `Option<T>`, `Vec<T>` or `T`, and the `T`.
pub(crate) fn card_of(ty: &Type) -> (Card, Type) {
    if let Some(t) = unwrap_generic(ty, "Option") {
        (Card::Optional, t.clone())
    } else if let Some(t) = unwrap_generic(ty, "Vec") {
        (Card::List, t.clone())
    } else {
        (Card::Plain, ty.clone())
    }
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

pub(crate) fn scalar_kind(ty: &Type) -> Kind {
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
