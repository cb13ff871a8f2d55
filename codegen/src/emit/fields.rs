//! Request fields: the `#[ecs(...)]` attributes a param becomes (the contract with the derives in
//! `ecs-api-derive`), its Rust type, and its setters.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc_attr, doc_text, param_doc, setter_doc};
use super::scalar::{self, Side};
use super::shapes::TypeTable;
use super::{EmitError, err, ident};
use crate::spec::{Constraint, Param, Rule, ScalarType, Severity, Shape};

/// A generated struct field with its setters.
pub(crate) struct FieldOut {
    pub ident: Ident,
    pub decl: TokenStream,
    pub setters: Vec<Setter>,
    /// `(argument type, initialiser)` when the field is a constructor argument.
    pub ctor: Option<(TokenStream, TokenStream)>,
    pub sensitive: bool,
}

pub(crate) struct Setter {
    pub name: Ident,
    pub doc: String,
    pub arg: TokenStream,
    /// Statement applied to `self`, with `v` as the argument.
    pub apply: TokenStream,
    pub deprecated: Option<String>,
}

pub(crate) fn is_region(p: &Param) -> bool {
    p.wire_name.eq_ignore_ascii_case("RegionId")
        && matches!(
            p.shape,
            Shape::Scalar {
                ty: ScalarType::String
            }
        )
}

/// `length(min = 2, max = 128)`, or nothing when neither bound is known.
fn bounds_attr(name: &Ident, min: Option<Literal>, max: Option<Literal>) -> Option<TokenStream> {
    bounds_attr_with(name, min, max, None)
}

/// Bounds and one item of the rule's own: `count(max = 100, separator = ",")`.
fn bounds_attr_with(
    name: &Ident,
    min: Option<Literal>,
    max: Option<Literal>,
    more: Option<TokenStream>,
) -> Option<TokenStream> {
    let bounds = [min.map(|l| quote!(min = #l)), max.map(|l| quote!(max = #l))];
    if bounds.iter().all(Option::is_none) {
        return None;
    }
    let parts = bounds.into_iter().chain([more]).flatten();
    Some(quote!(#name(#(#parts),*)))
}

/// The `#[ecs(...)]` attribute of a rule, named as `ecs_rules` names it for the derive.
fn rule_attr(rule: &Rule) -> Option<TokenStream> {
    let name = format_ident!("{}", rule.kind().attribute()?);
    let unsigned = |v: &Option<u64>| v.map(Literal::u64_unsuffixed);
    match rule {
        Rule::Length { min, max }
        | Rule::Count {
            min,
            max,
            separator: None,
        } => bounds_attr(&name, unsigned(min), unsigned(max)),
        Rule::Count {
            min,
            max,
            separator: Some(sep),
        } => bounds_attr_with(
            &name,
            unsigned(min),
            unsigned(max),
            Some(quote!(separator = #sep)),
        ),
        Rule::Range { min, max, also } => {
            let also = also.iter().map(|v| {
                let v = Literal::i64_unsuffixed(*v);
                quote!(also = #v)
            });
            let bounds = [
                min.map(Literal::i64_unsuffixed).map(|l| quote!(min = #l)),
                max.map(Literal::i64_unsuffixed).map(|l| quote!(max = #l)),
            ]
            .into_iter()
            .flatten()
            .chain(also)
            .collect::<Vec<_>>();
            (!bounds.is_empty()).then(|| quote!(#name(#(#bounds),*)))
        }
        Rule::Bytes { min, max, decoded } => bounds_attr_with(
            &name,
            unsigned(min),
            unsigned(max),
            decoded.then(|| quote!(decoded)),
        ),
        Rule::Format { format } => Some(quote!(#name = #format)),
        Rule::Charset { class } | Rule::FirstChar { class } => Some(quote!(#name = #class)),
        Rule::NotPrefix { prefixes: list }
        | Rule::NotContains { needles: list }
        | Rule::Enum { values: list } => (!list.is_empty()).then(|| quote!(#name(#(#list),*))),
        Rule::Classes { min, of, special } => {
            let min = Literal::u64_unsuffixed(*min);
            let types = of.iter().map(|t| match (t.as_str(), special) {
                ("special", Some(set)) => quote!(special = #set),
                _ => {
                    let t = format_ident!("{t}");
                    quote!(#t)
                }
            });
            Some(quote!(#name(min = #min, #(#types),*)))
        }
        // Written by `rule_attrs`: the attribute names the sibling field, not its wire name.
        Rule::Condition { .. } => None,
    }
}

/// `instances` → `instance`: the name of the append-one setter of a list.
fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name
        .strip_suffix("ses")
        .filter(|s| s.ends_with("ss") || s.ends_with('s'))
    {
        format!("{stem}s")
    } else if let Some(stem) = name
        .strip_suffix('s')
        .filter(|s| !s.ends_with('s') && !s.is_empty())
    {
        stem.to_owned()
    } else {
        format!("add_{name}")
    }
}

fn text_arg(ty: &TokenStream, is_text: bool, var: &Ident) -> (TokenStream, TokenStream) {
    if is_text {
        (
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(#var.into()),
        )
    } else {
        (ty.clone(), quote!(#var))
    }
}

/// The rule attributes of one param: `error_code`, conditions on siblings, and every rule that
/// fits its shape. One that does not fit (the prose reader found a length on an integer, say) is
/// not enforced and stays a line of rustdoc: never stricter than the page.
fn rule_attrs(p: &Param, siblings: &[Param]) -> Vec<TokenStream> {
    let mut out = Vec::new();
    if let Some(code) = &p.error_code {
        out.push(quote!(error_code = #code));
    }
    for c in &p.constraints {
        if let Rule::Condition { param, value } = &c.rule
            && let Some(other) = siblings
                .iter()
                .find(|s| s.wire_name == *param || s.doc_name == *param)
            && matches!(other.shape, Shape::Scalar { .. })
            && other.rust_name != p.rust_name
        {
            let f = ident(&other.rust_name);
            out.push(quote!(condition(field = #f, equals = #value)));
        }
    }
    out.extend(rule_list(p, siblings));
    out
}

/// Whether a constraint is a plain rule: no condition, an error.
fn plain(c: &Constraint) -> bool {
    c.when.is_none() && c.only_if.is_none() && c.severity == Severity::Error
}

/// The value rules of `p` that fit its shape: plain ones as attributes, the others grouped by
/// condition as `when(text = ..., [warn,] [field = f, equals = v,] rules...)`. A guard naming a
/// param that is not a single-valued sibling leaves its rules out (documented, not enforced).
fn rule_list(p: &Param, siblings: &[Param]) -> Vec<TokenStream> {
    let fits = |c: &&Constraint| c.rule.fits(p.shape.rule_target());
    let mut out: Vec<TokenStream> = p
        .constraints
        .iter()
        .filter(fits)
        .filter(|c| plain(c))
        .filter_map(|c| rule_attr(&c.rule))
        .collect();
    let mut groups: Vec<(&Constraint, Vec<TokenStream>)> = Vec::new();
    for c in p.constraints.iter().filter(fits).filter(|c| !plain(c)) {
        let Some(attr) = rule_attr(&c.rule) else {
            continue;
        };
        let same =
            |g: &Constraint| (&g.when, &g.only_if, g.severity) == (&c.when, &c.only_if, c.severity);
        match groups.iter_mut().find(|(g, _)| same(g)) {
            Some((_, rules)) => rules.push(attr),
            None => groups.push((c, vec![attr])),
        }
    }
    for (c, rules) in groups {
        let text = c.when.clone().unwrap_or_default();
        let mut head = vec![quote!(text = #text)];
        if c.severity == Severity::Warning {
            head.push(quote!(warn));
        }
        if let Some(cond) = &c.only_if {
            let other = siblings.iter().find(|s| {
                (s.doc_name == cond.param || s.wire_name == cond.param)
                    && s.rust_name != p.rust_name
                    && matches!(s.shape, Shape::Scalar { .. })
            });
            let Some(other) = other else { continue };
            let f = ident(&other.rust_name);
            let equals = &cond.equals;
            head.push(quote!(field = #f, equals = #equals));
        }
        out.push(quote!(when(#(#head,)* #(#rules),*)));
    }
    out
}

/// `member(key, length(max = 128))` for each member of a nested value that has rules: shared
/// types carry no rules of their own, since each operation's page states its own.
fn member_attrs(shape: &Shape) -> Vec<TokenStream> {
    let members: &[Param] = match shape {
        Shape::Struct { members, .. } => members,
        Shape::List { item, .. } => match item.as_ref() {
            Shape::Struct { members, .. } => members,
            _ => &[],
        },
        Shape::Scalar { .. } => &[],
    };
    members
        .iter()
        .filter_map(|m| {
            // Conditions between members are documentation only (warnings at most).
            let mut rules = rule_list(m, members);
            if rules.is_empty() {
                return None;
            }
            if let Some(code) = &m.error_code {
                rules.insert(0, quote!(error_code = #code));
            }
            let f = ident(&m.rust_name);
            let wire = &m.wire_name;
            Some(quote!(member(#f, wire = #wire, #(#rules),*)))
        })
        .collect()
}

/// One request field. `top_level` fields of the input may become constructor arguments; the
/// members of a shared type (`shared_member`) carry no rules (see [`member_attrs`]).
pub(crate) fn field(
    op: &str,
    p: &Param,
    top_level: bool,
    shared_member: bool,
    siblings: &[Param],
    table: &TypeTable,
) -> Result<FieldOut, EmitError> {
    let name = ident(&p.rust_name);
    let wire = &p.wire_name;
    let mut ecs = vec![quote!(wire = #wire)];
    let region = top_level && is_region(p);
    let ctor = top_level && p.required && !region && matches!(p.shape, Shape::Scalar { .. });
    let (ty, is_text, item_ty) = match &p.shape {
        Shape::Scalar { ty } => (
            scalar::tokens(*ty, Side::Input),
            *ty == ScalarType::String,
            None,
        ),
        Shape::List { item, json_array } => {
            if *json_array {
                ecs.push(quote!(json));
            }
            let (t, text) = match item.as_ref() {
                Shape::Scalar { ty } => {
                    (scalar::tokens(*ty, Side::Input), *ty == ScalarType::String)
                }
                Shape::Struct { members, .. } if !json_array => {
                    ecs.push(quote!(nested));
                    (table.request_type(members), false)
                }
                _ => {
                    return Err(err(
                        op,
                        format!("{}: this list has no wire form", p.doc_name),
                    ));
                }
            };
            (quote!(::std::vec::Vec<#t>), false, Some((t, text)))
        }
        Shape::Struct { members, .. } => {
            ecs.push(quote!(nested));
            (table.request_type(members), false, None)
        }
    };
    let is_list = item_ty.is_some();
    if p.required && !ctor {
        ecs.push(quote!(required));
    }
    if p.sensitive {
        ecs.push(quote!(sensitive));
    }
    if !shared_member {
        ecs.extend(rule_attrs(p, siblings));
    }
    ecs.extend(member_attrs(&p.shape));
    let deprecated = p
        .deprecated
        .as_ref()
        .map(|note| doc_text(note).replace('\n', " "));
    let dep_attr = deprecated
        .as_ref()
        .map(|n| quote!(#[deprecated(note = #n)]));
    let docs = doc_attr(&param_doc(p, shared_member));
    let decl_ty = if ctor || is_list {
        ty.clone()
    } else {
        quote!(::std::option::Option<#ty>)
    };
    let decl = quote! {
        #docs
        #dep_attr
        #[ecs(#(#ecs),*)]
        pub #name: #decl_ty,
    };
    let mut setters = Vec::new();
    let v = format_ident!("v");
    if let Some((item, item_text)) = item_ty {
        let (arg, conv) = text_arg(&item, item_text, &v);
        setters.push(Setter {
            name: ident(&singular(&p.rust_name)),
            doc: setter_doc("Appends one item to", p, !shared_member),
            arg,
            apply: quote!(self.#name.push(#conv);),
            deprecated: deprecated.clone(),
        });
        let (iarg, iconv) = if item_text {
            (
                quote!(
                    impl ::std::iter::IntoIterator<
                        Item = impl ::std::convert::Into<::std::string::String>,
                    >
                ),
                quote!(v.into_iter().map(::std::convert::Into::into).collect()),
            )
        } else {
            (
                quote!(impl ::std::iter::IntoIterator<Item = #item>),
                quote!(v.into_iter().collect()),
            )
        };
        setters.push(Setter {
            name: format_ident!("set_{}", p.rust_name.trim_start_matches("r#")),
            doc: setter_doc("Replaces all items of", p, !shared_member),
            arg: iarg,
            apply: quote!(self.#name = #iconv;),
            deprecated,
        });
    } else {
        let (arg, conv) = text_arg(&ty, is_text, &v);
        let apply = if ctor {
            quote!(self.#name = #conv;)
        } else {
            quote!(self.#name = ::std::option::Option::Some(#conv);)
        };
        setters.push(Setter {
            name: name.clone(),
            doc: setter_doc("Sets", p, !shared_member),
            arg,
            apply,
            deprecated,
        });
    }
    let ctor = ctor.then(|| text_arg(&ty, is_text, &name));
    Ok(FieldOut {
        ident: name,
        decl,
        setters,
        ctor,
        sensitive: p.sensitive,
    })
}

/// Setter names must be unique and must not shadow the request builder's own methods
/// (`SecurityGroupId` next to `SecurityGroupIds.N` would both want `security_group_id`).
pub(crate) fn dedupe_setters(fields: &mut [FieldOut]) {
    let reserved = [
        "new",
        "send",
        "input",
        "into_input",
        "call_options",
        "into_paginator",
        "fmt",
        "clone",
    ];
    let mut seen = BTreeSet::new();
    for s in fields.iter_mut().flat_map(|f| f.setters.iter_mut()) {
        let mut n = s.name.to_string().trim_start_matches("r#").to_string();
        if reserved.contains(&n.as_str()) {
            n = format!("{n}_param");
        }
        while seen.contains(&n) {
            n.push('_');
        }
        seen.insert(n.clone());
        s.name = ident(&n);
    }
}

/// Setter methods (`pub fn name(mut self, v: T) -> Self`), applied to `self` or to `self.input`.
pub(crate) fn setter_methods(fields: &[FieldOut], through_input: bool) -> Vec<TokenStream> {
    fields
        .iter()
        .flat_map(|f| &f.setters)
        .map(|s| {
            let Setter {
                name,
                doc,
                arg,
                apply,
                deprecated,
            } = s;
            let docs = doc_attr(doc);
            let dep = deprecated
                .as_ref()
                .map(|n| quote!(#[deprecated(note = #n)]));
            let body = if through_input {
                quote!(self.input = self.input.#name(v);)
            } else {
                quote!(#apply)
            };
            quote! {
                #docs
                #dep
                pub fn #name(mut self, v: #arg) -> Self { #body self }
            }
        })
        .collect()
}

/// A `Debug` impl that shows sensitive fields as `"(redacted)"`; `None` when no field is
/// sensitive (the type derives `Debug` then).
pub(crate) fn redacting_debug(type_name: &Ident, fields: &[FieldOut]) -> Option<TokenStream> {
    if !fields.iter().any(|f| f.sensitive) {
        return None;
    }
    let name = type_name.to_string();
    let entries = fields.iter().map(|f| {
        let id = &f.ident;
        let label = id.to_string().trim_start_matches("r#").to_string();
        if f.sensitive {
            quote!(d.field(#label, &"(redacted)");)
        } else {
            quote!(d.field(#label, &self.#id);)
        }
    });
    // Statements, not one method chain: a chain is an expression as deep as the field count.
    Some(quote! {
        #[allow(deprecated)]
        impl ::std::fmt::Debug for #type_name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut d = f.debug_struct(#name);
                #(#entries)*
                d.finish()
            }
        }
    })
}
