//! What the attributes are checked against: the field's type (each rule must fit it, as
//! `ecs_rules` says; `json` needs a `Vec` of scalars; `member` a `nested` value; `required` an
//! `Option` or `Vec`), the form of a wire name, and the fields that `condition` and `exclusive`
//! name. Every failure is recorded at the span of what caused it; none stops the others.

use ecs_rules::{Needs, Target};
use syn::Ident;

use crate::attr::{Errors, FieldAttrs};
use crate::model::{Card, FieldModel, Kind, card_of, scalar_kind};

/// The field's model, or `None` when its attributes had an error (recorded in `errors`).
pub(crate) fn field(f: &syn::Field, attrs: FieldAttrs, errors: &mut Errors) -> Option<FieldModel> {
    let before = errors.count();
    // The caller hands only fields of a struct with named fields.
    let ident = f.ident.clone()?;
    let (card, inner) = card_of(&f.ty);
    let kind = if attrs.nested {
        Kind::Nested
    } else {
        scalar_kind(&inner)
    };
    match &attrs.wire {
        None if attrs.wire_given => {}
        None => errors.at(
            ident.span(),
            format!("field `{ident}` needs #[ecs(wire = \"WireName\")]"),
        ),
        Some(wire) if wire.value().is_empty() || wire.value().contains(['.', '&', '=']) => {
            errors.at(
                wire.span(),
                "a wire name is one segment without `.`, `&` or `=`",
            );
        }
        Some(_) => {}
    }
    let target = Target {
        value: kind,
        list: card == Card::List,
    };
    let guarded = attrs
        .guarded
        .iter()
        .flat_map(|(span, g)| g.rules.iter().map(move |r| (*span, r)));
    for (span, rule) in attrs.rules.iter().map(|(s, r)| (*s, r)).chain(guarded) {
        if !rule.fits(target) {
            let what = match rule.needs() {
                Needs::Text => "a `String` field",
                Needs::Integer => "an integer field (i32, i64, u32, u64)",
                Needs::Scalar => "a `String` or integer field",
                Needs::List => "a `Vec` field",
                Needs::Anything => "any field",
            };
            errors.at(span, format!("this rule applies only to {what}"));
        }
    }
    if let Some(span) = attrs.json {
        if card != Card::List {
            errors.at(
                span,
                "`json` applies only to a `Vec` field: its items are sent as one JSON array",
            );
        } else if kind == Kind::Nested {
            errors.at(
                span,
                "`json` lists hold scalars (`WireScalar` items), not `nested` structs",
            );
        }
    }
    if let Some(m) = attrs.members.first()
        && kind != Kind::Nested
    {
        errors.at(
            m.field.span(),
            "`member(...)` applies only to a `nested` field",
        );
    }
    if let Some(span) = attrs.required
        && card == Card::Plain
    {
        errors.at(
            span,
            "`required` is for `Option` or `Vec` fields; a plain field is always set",
        );
    }
    if errors.count() > before {
        return None;
    }
    Some(FieldModel {
        ident,
        card,
        kind,
        inner,
        wire: attrs.wire?,
        required: attrs.required.is_some(),
        error_code: attrs.error_code,
        rules: attrs.rules.into_iter().map(|(_, rule)| rule).collect(),
        guarded: attrs.guarded.into_iter().map(|(_, g)| g).collect(),
        condition: attrs.condition,
        json: attrs.json.is_some(),
        sensitive: attrs.sensitive,
        members: attrs.members,
    })
}

/// `condition(field = x)` and `exclusive(x, y)` name fields of the struct.
pub(crate) fn names_a_field(fields: &[&Ident], name: &Ident, errors: &mut Errors) {
    if !fields.contains(&name) {
        errors.at(name.span(), format!("no field named `{name}`"));
    }
}
