//! `ToParams` and `FromParams`: flattening to RPC query pairs and parsing them back.

use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::{Ident, LitStr};

use ecs_rules::Rule;

use crate::model::{Card, Kind, Model};

/// Lists longer than this get their item keys formatted at run time (keeps the tables small).
const MAX_STATIC_ITEM_KEYS: u64 = 128;

pub(crate) fn to_params(m: &Model) -> TokenStream2 {
    let ident = &m.ident;
    let writes = m.fields.iter().map(|f| {
        let name = &f.ident;
        let wire = &f.wire;
        let span = f.ident.span();
        let scalar = quote_spanned!(span=> ::ecs_api::wire::WireScalar::to_wire(v));
        match (f.card, f.kind) {
            (Card::Plain, Kind::Nested) => quote! {
                { let v = &self.#name; ::ecs_api::wire::ToParams::write_params(v, &::ecs_api::wire::key(prefix, #wire), out); }
            },
            (Card::Optional, Kind::Nested) => quote! {
                if let Some(v) = &self.#name {
                    ::ecs_api::wire::ToParams::write_params(v, &::ecs_api::wire::key(prefix, #wire), out);
                }
            },
            (Card::List, Kind::Nested) => quote! {
                if !self.#name.is_empty() {
                    let list_key = ::ecs_api::wire::key(prefix, #wire);
                    // One buffer for every item's prefix: the items copy what they keep.
                    let mut item = ::std::string::String::with_capacity(list_key.len() + 4);
                    for (i, v) in self.#name.iter().enumerate() {
                        ::ecs_api::wire::item_key_into(&mut item, &list_key, i);
                        ::ecs_api::wire::ToParams::write_params(v, &item, out);
                    }
                }
            },
            (Card::Plain, _) => quote! {
                { let v = &self.#name; out.push((::ecs_api::wire::key(prefix, #wire), #scalar)); }
            },
            (Card::Optional, _) => quote! {
                if let Some(v) = &self.#name {
                    out.push((::ecs_api::wire::key(prefix, #wire), #scalar));
                }
            },
            (Card::List, _) if f.json => {
                let array = quote_spanned!(span=> ::ecs_api::wire::json_array(&self.#name));
                quote! {
                    // One param for the whole list; an empty list is not sent, like `wire.N` lists.
                    if !self.#name.is_empty() {
                        out.push((::ecs_api::wire::key(prefix, #wire), ::std::borrow::Cow::Owned(#array)));
                    }
                }
            }
            (Card::List, _) => {
                // Top-level item keys up to the documented count are static: no allocation per item.
                let max = f
                    .rules
                    .iter()
                    .find_map(|r| if let Rule::Count { max, .. } = r { *max } else { None })
                    .unwrap_or(0)
                    .min(MAX_STATIC_ITEM_KEYS);
                let keys = (1..=max).map(|n| format!("{}.{n}", wire.value()));
                quote! {
                    if !self.#name.is_empty() {
                        const KEYS: &[&str] = &[#(#keys),*];
                        let list_key = ::ecs_api::wire::key(prefix, #wire);
                        for (i, v) in self.#name.iter().enumerate() {
                            let k = match KEYS.get(i) {
                                ::std::option::Option::Some(k) if prefix.is_empty() => ::std::borrow::Cow::Borrowed(*k),
                                _ => ::std::borrow::Cow::Owned(::ecs_api::wire::item_key(&list_key, i)),
                            };
                            out.push((k, #scalar));
                        }
                    }
                }
            }
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
            fn write_params<'ecs>(&'ecs self, prefix: &str, out: &mut ::std::vec::Vec<::ecs_api::wire::Pair<'ecs>>) {
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
            .find_map(|r| if let Rule::Count { max, .. } = r { *max } else { None });
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
