//! `ToParams` and `FromParams`: flattening to RPC query pairs and parsing them back.

use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::{Ident, LitStr};

use ecs_rules::Rule;

use crate::model::{Card, Kind, Model};

pub(crate) fn to_params(m: &Model) -> TokenStream2 {
    let ident = &m.ident;
    // One sink call per field: the sink builds the keys, so each field costs a line, not a loop.
    let writes = m.fields.iter().map(|f| {
        let name = &f.ident;
        let wire = &f.wire;
        let sink = quote!(::ecs_api::wire::ParamSink);
        // Spanned so that a field type without `WireScalar` is reported at the field.
        let span = f.ident.span();
        match (f.card, f.kind) {
            (Card::Plain, Kind::Nested) => quote!(#sink::nested(sink, #wire, &self.#name);),
            (Card::Optional, Kind::Nested) => quote! {
                if let ::std::option::Option::Some(v) = &self.#name { #sink::nested(sink, #wire, v); }
            },
            (Card::List, Kind::Nested) => quote!(#sink::nested_list(sink, #wire, &self.#name);),
            (Card::Plain, _) => quote_spanned!(span=> #sink::value(sink, #wire, &self.#name);),
            (Card::Optional, _) => quote_spanned! {span=>
                if let ::std::option::Option::Some(v) = &self.#name { #sink::value(sink, #wire, v); }
            },
            (Card::List, _) if f.json => {
                let array = quote_spanned!(span=> ::ecs_api::wire::json_array(&self.#name));
                quote! {
                    // One param for the whole list; an empty list is not sent, like `wire.N` lists.
                    if !self.#name.is_empty() { #sink::param(sink, #wire, &#array); }
                }
            }
            (Card::List, _) => quote_spanned!(span=> #sink::list(sink, #wire, &self.#name);),
        }
    });
    let counts = m.fields.iter().map(|f| {
        let name = &f.ident;
        match (f.card, f.kind) {
            (Card::Plain, Kind::Nested) => {
                quote!(::ecs_api::wire::ToParams::params_len_hint(&self.#name))
            }
            (Card::Optional, Kind::Nested) => quote! {
                self.#name.as_ref().map_or(0, ::ecs_api::wire::ToParams::params_len_hint)
            },
            (Card::List, Kind::Nested) => quote! {
                self.#name.iter().map(::ecs_api::wire::ToParams::params_len_hint).sum::<usize>()
            },
            (Card::Plain, _) => quote!(1usize),
            (Card::Optional, _) => quote!(usize::from(self.#name.is_some())),
            (Card::List, _) if f.json => quote!(usize::from(!self.#name.is_empty())),
            (Card::List, _) => quote!(self.#name.len()),
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl ::ecs_api::wire::ToParams for #ident {
            fn write_params(&self, sink: &mut ::ecs_api::wire::ParamSink) {
                #(#writes)*
            }
            fn params_len_hint(&self) -> usize {
                // Statements, not one `a + b + …` expression as deep as the field count.
                let mut n = 0usize;
                #(n += #counts;)*
                n
            }
        }
    }
}

pub(crate) fn option_code(code: &Option<LitStr>) -> TokenStream2 {
    match code {
        Some(c) => quote!(::std::option::Option::Some(#c)),
        None => quote!(::std::option::Option::None),
    }
}

pub(crate) fn from_params(m: &Model) -> TokenStream2 {
    let ident = &m.ident;
    let locals: Vec<Ident> = m
        .fields
        .iter()
        .map(|f| {
            let name = f.ident.to_string();
            Ident::new(
                &format!("field_{}", name.trim_start_matches("r#")),
                Span::call_site(),
            )
        })
        .collect();
    // Each field is read in its own block inside the struct literal: a `let` per field at the
    // top of the function would nest one debuginfo scope per field, and LLVM overflows its stack
    // on pages with thousands of params.
    let reads = m.fields.iter().zip(&locals).map(|(f, local)| {
        let wire = &f.wire;
        let inner = &f.inner;
        let code = option_code(&f.error_code);
        let key = quote!(&::ecs_api::wire::key(prefix, #wire));
        let read = match (f.card, f.kind) {
            (Card::List, Kind::Nested) => {
                quote!(::ecs_api::wire::read::nested_list::<#inner>(params, #key, &mut errors))
            }
            (_, Kind::Nested) => {
                quote!(::ecs_api::wire::read::nested::<#inner>(params, #key, &mut errors))
            }
            (Card::List, _) if f.json => {
                quote!(::ecs_api::wire::read::json_list::<#inner>(params, #key, #code, &mut errors))
            }
            (Card::List, _) => {
                quote!(::ecs_api::wire::read::list::<#inner>(params, #key, #code, &mut errors))
            }
            (_, _) => {
                quote!(::ecs_api::wire::read::scalar::<#inner>(params, #key, #code, &mut errors))
            }
        };
        // `Tag.1000.Key` alone is one item, which the count rule lets through: the index itself
        // must be within the documented maximum.
        let count_max = f
            .rules
            .iter()
            .find_map(|r| match r {
                Rule::Count {
                    max,
                    separator: None,
                    ..
                } => *max,
                _ => None,
            });
        let index_check = match (f.card, f.json, count_max) {
            (Card::List, false, Some(max)) => {
                quote!(::ecs_api::wire::read::max_index(params, #key, #max, &mut errors);)
            }
            _ => quote!(),
        };
        let missing = if f.card == Card::Plain {
            quote! {
                if #local.is_none() && !errors.iter().any(|e| e.param.starts_with(&*::ecs_api::wire::key(prefix, #wire))) {
                    errors.push(::ecs_api::wire::read::missing(::ecs_api::wire::key(prefix, #wire).into_owned()));
                }
            }
        } else {
            quote!()
        };
        let name = &f.ident;
        let value = if f.card == Card::Plain {
            quote!(#local.unwrap_or_default())
        } else {
            quote!(#local)
        };
        if f.sensitive {
            // Malformed-value reports quote what was sent: not for a password or key.
            quote! {
                #name: {
                    let mark = errors.len();
                    #index_check
                    let #local = #read;
                    if let ::std::option::Option::Some(tail) = errors.get_mut(mark..) {
                        ::ecs_api::wire::redact_actual(tail);
                    }
                    #missing
                    #value
                }
            }
        } else {
            quote! { #name: { #index_check let #local = #read; #missing #value } }
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl ::ecs_api::wire::FromParams for #ident {
            fn read_params(
                params: &mut ::ecs_api::wire::ParamMap,
                prefix: &str,
            ) -> ::std::result::Result<Self, ::std::vec::Vec<::ecs_api::wire::Violation>> {
                let mut errors = ::std::vec::Vec::new();
                // Fields are initialised in order, so violations are reported in field order.
                let read = Self { #(#reads),* };
                if !errors.is_empty() {
                    return ::std::result::Result::Err(errors);
                }
                ::std::result::Result::Ok(read)
            }
        }
    }
}
