//! `Validate`: the documented constraints, checked before anything is sent.

use proc_macro2::TokenStream as TokenStream2;
use quote::quote;

use ecs_rules::{Needs, Rule, RuleKind};

use crate::model::{Card, FieldModel, Guarded, Kind, Model};
use crate::params::option_code;

fn opt_tokens<T: quote::ToTokens>(v: &Option<T>) -> TokenStream2 {
    match v {
        Some(x) => quote!(::std::option::Option::Some(#x)),
        None => quote!(::std::option::Option::None),
    }
}

/// Whether a field counts as set, for `required`, `exclusive` and `condition`.
fn is_set(f: &FieldModel) -> TokenStream2 {
    let name = &f.ident;
    match f.card {
        Card::Plain => quote!(true),
        Card::Optional => quote!(self.#name.is_some()),
        Card::List => quote!(!self.#name.is_empty()),
    }
}

/// `stmt`, also run in lenient mode when `ecs_rules` keeps `kind` there.
fn gated(kind: RuleKind, stmt: TokenStream2) -> TokenStream2 {
    if kind.is_lenient() {
        stmt
    } else {
        quote!(if strict { #stmt })
    }
}

/// The check of one rule on a value `v`: a `&str` for text rules, any `WireScalar` for `range`.
/// `None` for the rules checked elsewhere: `count` on the list, `condition` as a warning.
fn value_check(rule: &Rule) -> Option<TokenStream2> {
    let class_check = |class: &str, check: TokenStream2| {
        let pattern = format!("^[{class}]$");
        quote! {{
            static CLASS: ::std::sync::LazyLock<::ecs_api::wire::check::CharClass> =
                ::std::sync::LazyLock::new(|| ::ecs_api::wire::check::CharClass::new(#pattern).expect("checked at compile time"));
            ::ecs_api::wire::check::#check(v, &CLASS, #class)
        }}
    };
    Some(match rule {
        Rule::Length { min, max } => {
            let (a, b) = (opt_tokens(min), opt_tokens(max));
            quote!(::ecs_api::wire::check::length(v, #a, #b))
        }
        Rule::Range { min, max, also } => {
            let (a, b) = (opt_tokens(min), opt_tokens(max));
            quote!(::ecs_api::wire::check::range_or(::ecs_api::wire::check::Numeric::number(v), #a, #b, &[#(#also),*]))
        }
        Rule::Bytes { min, max, decoded } => {
            let (a, b) = (opt_tokens(min), opt_tokens(max));
            if *decoded {
                quote!(::ecs_api::wire::check::decoded_bytes(v, #a, #b))
            } else {
                quote!(::ecs_api::wire::check::bytes(v, #a, #b))
            }
        }
        Rule::Format { format } => quote!(::ecs_api::wire::check::format(v, #format)),
        Rule::Charset { class } => class_check(class, quote!(charset_in)),
        Rule::FirstChar { class } => class_check(class, quote!(first_char_in)),
        Rule::NotPrefix { prefixes } => {
            quote!(::ecs_api::wire::check::not_prefix(v, &[#(#prefixes),*]))
        }
        Rule::NotContains { needles } => {
            quote!(::ecs_api::wire::check::not_contains(v, &[#(#needles),*]))
        }
        Rule::Enum { values } => quote!(::ecs_api::wire::check::one_of(v, &[#(#values),*])),
        Rule::Classes { min, of, special } => {
            let special = opt_tokens(special);
            quote!(::ecs_api::wire::check::classes(v, #min, &[#(#of),*], #special))
        }
        // Items joined in one text are counted on the text.
        Rule::Count {
            min,
            max,
            separator: Some(sep),
        } => {
            let (a, b) = (opt_tokens(min), opt_tokens(max));
            quote!(::ecs_api::wire::check::joined_count(v, #sep, #a, #b))
        }
        Rule::Count {
            separator: None, ..
        }
        | Rule::Condition { .. } => return None,
    })
}

/// The count check of a list's length `len`, when `rule` is a count of list items.
fn count_check(rule: &Rule, len: TokenStream2) -> Option<TokenStream2> {
    let Rule::Count {
        min,
        max,
        separator: None,
    } = rule
    else {
        return None;
    };
    let (a, b) = (opt_tokens(min), opt_tokens(max));
    Some(quote!(::ecs_api::wire::check::count(#len, #a, #b)))
}

/// Records what `check` found for a rule of `g`: a warning or an error naming the condition,
/// checked only when the guard's field has its value.
fn guarded_record(
    g: &Guarded,
    check: TokenStream2,
    key: &TokenStream2,
    code: &TokenStream2,
    met: Option<TokenStream2>,
) -> TokenStream2 {
    let text = &g.text;
    let warn = g.warn;
    let record = quote!(report.guarded(#check, &#key, #code, #text, #warn););
    match met {
        Some(met) => quote!(if #met { #record }),
        None => record,
    }
}

/// Whether a single-valued `value` (`Option<T>` or `T` place expression) has the wire form
/// `equals`.
fn value_is(card: Card, value: TokenStream2, equals: &syn::LitStr) -> TokenStream2 {
    match card {
        Card::Optional => quote! {
            #value.as_ref().is_some_and(|v| ::ecs_api::wire::WireScalar::to_wire(v) == #equals)
        },
        // Lists are refused in `Model::parse`.
        Card::Plain | Card::List => {
            quote!(::ecs_api::wire::WireScalar::to_wire(&#value) == #equals)
        }
    }
}

/// `check` (of a value `v`) run on a member value `mv`, whose type is the nested struct's
/// business: text rules skip non-text values, `one_of` compares the wire form.
fn member_value_check(rule: &Rule, check: TokenStream2) -> TokenStream2 {
    match rule.needs() {
        Needs::Text => quote!(::ecs_api::wire::WireScalar::as_text(mv).and_then(|v| #check)),
        // `Numeric` reads a number from any scalar.
        Needs::Scalar if rule.kind() == RuleKind::Range => quote!({ let v = mv; #check }),
        Needs::Scalar => quote!({
            let w = ::ecs_api::wire::WireScalar::to_wire(mv);
            let v: &str = &w;
            #check
        }),
        Needs::Integer | Needs::List | Needs::Anything => quote!({ let v = mv; #check }),
    }
}

/// `check` (of a `&str` value `v` when the rule needs text or a scalar) on a field value `v` of
/// `kind`: a non-text value is compared by its wire form (`one_of("1", "3")` on an integer).
fn field_value_check(rule: &Rule, kind: Kind, check: TokenStream2) -> TokenStream2 {
    match (rule.needs(), kind) {
        (Needs::Scalar, Kind::Integer | Kind::Other) if rule.kind() == RuleKind::Enum => quote!({
            let w = ::ecs_api::wire::WireScalar::to_wire(v);
            let v: &str = &w;
            #check
        }),
        _ => check,
    }
}

/// Checks of `member(...)` rules on one nested value `it` whose key is `item_prefix`.
fn member_checks(f: &FieldModel) -> TokenStream2 {
    let per_member = f.members.iter().map(|m| {
        let field = &m.field;
        let wire = &m.wire;
        let code = option_code(&m.error_code);
        let key = quote!(|| ::ecs_api::wire::join(item_prefix, #wire));
        let len = quote!(::ecs_api::wire::MemberValues::member_count(&it.#field));
        let counts = m.rules.iter().filter_map(|r| {
            let check = count_check(r, len.clone())?;
            Some(gated(r.kind(), quote!(report.error(#check, &#key, #code);)))
        });
        // A member's type is the nested struct's business: text rules skip non-text values.
        let checks: Vec<TokenStream2> = m
            .rules
            .iter()
            .filter_map(|r| {
                let check = value_check(r)?;
                let check = member_value_check(r, check);
                Some(gated(r.kind(), quote!(report.error(#check, &#key, #code);)))
            })
            .collect();
        let mut checks = checks;
        let mut guarded_counts = Vec::new();
        for g in &m.guarded {
            let met = g.only_if.as_ref().map(|(other, equals)| {
                quote! {
                    ::ecs_api::wire::MemberValues::member_values(&it.#other)
                        .next()
                        .is_some_and(|v| ::ecs_api::wire::WireScalar::to_wire(v) == #equals)
                }
            });
            for r in &g.rules {
                if let Some(check) = count_check(r, len.clone()) {
                    guarded_counts.push(gated(
                        r.kind(),
                        guarded_record(g, check, &key, &code, met.clone()),
                    ));
                }
                let Some(check) = value_check(r) else {
                    continue;
                };
                let check = member_value_check(r, check);
                checks.push(gated(
                    r.kind(),
                    guarded_record(g, check, &key, &code, met.clone()),
                ));
            }
        }
        let values = (!checks.is_empty()).then(|| {
            quote! {
                for mv in ::ecs_api::wire::MemberValues::member_values(&it.#field) {
                    #(#checks)*
                }
            }
        });
        quote! {
            #(#counts)*
            #(#guarded_counts)*
            #values
        }
    });
    quote!(#(#per_member)*)
}

pub(crate) fn validate(m: &Model) -> TokenStream2 {
    let ident = &m.ident;
    let mut body = Vec::new();
    for f in &m.fields {
        let mut field_body = Vec::new();
        let name = &f.ident;
        let wire = &f.wire;
        let code = option_code(&f.error_code);
        let key = quote!(|| ::ecs_api::wire::key(prefix, #wire).into_owned());
        if f.required {
            let set = is_set(f);
            field_body.push(gated(
                RuleKind::Required,
                quote! {
                    report.error(::ecs_api::wire::check::required(#set), &#key, ::std::option::Option::Some("MissingParameter"));
                },
            ));
        }
        if let Some((other, value)) = &f.condition {
            let set = is_set(f);
            let other_field = m
                .fields
                .iter()
                .find(|g| g.ident == *other)
                .expect("checked in Model::parse");
            let other_wire = &other_field.wire;
            let met = match other_field.card {
                Card::Optional => quote! {
                    self.#other.as_ref().is_some_and(|v| ::ecs_api::wire::WireScalar::to_wire(v) == #value)
                },
                Card::Plain => quote!(::ecs_api::wire::WireScalar::to_wire(&self.#other) == #value),
                Card::List => quote!(!self.#other.is_empty()),
            };
            field_body.push(gated(
                RuleKind::Condition,
                quote! {
                    report.warning(::ecs_api::wire::check::condition(#set, #met, #other_wire, #value), &#key);
                },
            ));
        }
        // Per-value checks, applied to the value, each item of a list, or recursed into.
        let mut value_checks: Vec<TokenStream2> = f
            .rules
            .iter()
            .filter_map(|rule| {
                let check = field_value_check(rule, f.kind, value_check(rule)?);
                Some(gated(
                    rule.kind(),
                    quote!(report.error(#check, &item_key, #code);),
                ))
            })
            .collect();
        for g in &f.guarded {
            let met = g.only_if.as_ref().map(|(other, equals)| {
                let card = m
                    .fields
                    .iter()
                    .find(|o| o.ident == *other)
                    .map_or(Card::Plain, |o| o.card);
                value_is(card, quote!(self.#other), equals)
            });
            for rule in &g.rules {
                if let Some(check) = count_check(rule, quote!(self.#name.len())) {
                    field_body.push(gated(
                        rule.kind(),
                        guarded_record(g, check, &key, &code, met.clone()),
                    ));
                }
                if let Some(check) = value_check(rule) {
                    let check = field_value_check(rule, f.kind, check);
                    let item_key = quote!(item_key);
                    value_checks.push(gated(
                        rule.kind(),
                        guarded_record(g, check, &item_key, &code, met.clone()),
                    ));
                }
            }
        }
        for rule in &f.rules {
            if let Some(check) = count_check(rule, quote!(self.#name.len())) {
                field_body.push(gated(
                    rule.kind(),
                    quote!(report.error(#check, &#key, #code);),
                ));
            }
        }
        let text_binding = if f.kind == Kind::Text {
            quote!(let v: &str = v.as_str();)
        } else {
            quote!()
        };
        let members = member_checks(f);
        match (f.card, f.kind) {
            (Card::Plain, Kind::Nested) => field_body.push(quote! {
                let item_prefix: &str = &::ecs_api::wire::key(prefix, #wire);
                let it = &self.#name;
                ::ecs_api::wire::Validate::validate_into(it, item_prefix, mode, report);
                #members
            }),
            (Card::Optional, Kind::Nested) => field_body.push(quote! {
                if let Some(it) = &self.#name {
                    let item_prefix: &str = &::ecs_api::wire::key(prefix, #wire);
                    ::ecs_api::wire::Validate::validate_into(it, item_prefix, mode, report);
                    #members
                }
            }),
            (Card::List, Kind::Nested) => field_body.push(quote! {
                if !self.#name.is_empty() {
                    let list_key = ::ecs_api::wire::key(prefix, #wire);
                    // One buffer for every item's prefix: reports copy what they keep.
                    let mut item = ::std::string::String::with_capacity(list_key.len() + 4);
                    for (i, it) in self.#name.iter().enumerate() {
                        ::ecs_api::wire::item_key_into(&mut item, &list_key, i);
                        ::ecs_api::wire::Validate::validate_into(it, &item, mode, report);
                        let item_prefix: &str = &item;
                        #members
                    }
                }
            }),
            _ if value_checks.is_empty() => {}
            (Card::Plain, _) => field_body.push(quote! {
                { let v = &self.#name; #text_binding let item_key = #key; #(#value_checks)* }
            }),
            (Card::Optional, _) => field_body.push(quote! {
                if let Some(v) = &self.#name { #text_binding let item_key = #key; #(#value_checks)* }
            }),
            // One param on the wire: every item's violation names it.
            (Card::List, _) if f.json => field_body.push(quote! {
                let item_key = #key;
                for v in &self.#name {
                    #text_binding
                    #(#value_checks)*
                }
            }),
            (Card::List, _) => field_body.push(quote! {
                for (i, v) in self.#name.iter().enumerate() {
                    #text_binding
                    let item_key = || ::ecs_api::wire::item_key(&::ecs_api::wire::key(prefix, #wire), i);
                    #(#value_checks)*
                }
            }),
        }
        // One block per field: its `let`s must not nest the next field's scope (thousands of
        // nested debuginfo scopes overflow LLVM's stack).
        if f.sensitive {
            // Whatever the rules quote of the value (characters, prefixes, length) is replaced.
            body.push(quote! {{
                let mark = (report.errors.len(), report.warnings.len());
                #(#field_body)*
                report.redact_since(mark.0, mark.1);
            }});
        } else if !field_body.is_empty() {
            body.push(quote! {{ #(#field_body)* }});
        }
    }
    for (kind, names) in &m.relations {
        let fields: Vec<&FieldModel> = names
            .iter()
            .map(|n| m.fields.iter().find(|f| f.ident == *n).expect("checked"))
            .collect();
        let set: Vec<TokenStream2> = fields.iter().map(|f| is_set(f)).collect();
        let wires: Vec<&syn::LitStr> = fields.iter().map(|f| &f.wire).collect();
        let (wa, wb) = (wires[0], wires[1]);
        let (sa, sb) = (&set[0], &set[1]);
        let check = match kind {
            RuleKind::Exclusive => quote!(::ecs_api::wire::check::exclusive(#sa && #sb, #wb)),
            RuleKind::Requires => quote!(::ecs_api::wire::check::requires(#sa, #sb, #wb)),
            RuleKind::Together => {
                quote!(::ecs_api::wire::check::together(&[#(#set),*], &[#(#wires),*]))
            }
            _ => quote!(::ecs_api::wire::check::any_of(false #(|| #set)*, &[#(#wires),*])),
        };
        let code = if *kind == RuleKind::Exclusive {
            "InvalidParameter"
        } else {
            "MissingParameter"
        };
        body.push(gated(
            *kind,
            quote! {
                report.error(
                    #check,
                    &|| ::ecs_api::wire::key(prefix, #wa).into_owned(),
                    ::std::option::Option::Some(#code),
                );
            },
        ));
    }
    quote! {
        #[automatically_derived]
        #[allow(deprecated, unused_variables, clippy::redundant_closure)]
        impl ::ecs_api::wire::Validate for #ident {
            fn validate_into(
                &self,
                prefix: &str,
                mode: ::ecs_api::wire::ValidationMode,
                report: &mut ::ecs_api::wire::ValidationReport,
            ) {
                if mode == ::ecs_api::wire::ValidationMode::Off {
                    return;
                }
                let strict = mode == ::ecs_api::wire::ValidationMode::Strict;
                #(#body)*
            }
        }
    }
}
