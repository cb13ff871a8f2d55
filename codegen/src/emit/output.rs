//! Response fields: lenient deserialisation of each JSON key into its Rust type.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attr, doc_text};
use super::ident;
use super::scalar::{self, Side};
use super::shapes::TypeTable;
use crate::spec::{Field, FieldShape};

/// `(rust field name, JSON key)` of every field, names made unique the way [`fields`] does.
pub(crate) fn field_names(fields: &[Field]) -> Vec<(String, String)> {
    let mut used = BTreeSet::new();
    fields
        .iter()
        .map(|f| {
            let mut rust = f.rust_name.clone();
            while !used.insert(rust.clone()) {
                rust.push('_');
            }
            (rust, f.name.clone())
        })
        .collect()
}

/// Field declarations of an output struct. In-crate, the wire name is kept for `Serialize`
/// (feature `dynamic`), so printed responses look like the service's.
pub(crate) fn fields(fields: &[Field], table: &TypeTable, in_crate: bool) -> Vec<TokenStream> {
    field_names(fields)
        .into_iter()
        .zip(fields)
        .map(|((rust, json), f)| {
            let name = ident(&rust);
            let mut doc = doc_text(f.description.trim());
            if doc.is_empty() {
                doc = format!("`{json}` in the response.");
            }
            let docs = doc_attr(&doc);
            let (ty, _) = field_type(&f.shape, table);
            // Printed responses show what the service sent: absent fields stay absent.
            let skip = if matches!(f.shape, FieldShape::Array { .. }) {
                "Vec::is_empty"
            } else {
                "Option::is_none"
            };
            let rename = in_crate.then(|| {
                quote!(#[cfg_attr(feature = "dynamic", serde(rename = #json, skip_serializing_if = #skip))])
            });
            quote! {
                #docs
                #rename
                pub #name: #ty,
            }
        })
        .collect()
}

/// `Deserialize` through `ecs_api::de::Fields`: one lenient call per field, a small body however
/// many response types the API has (serde's derive writes a visitor per type and a wrapper type
/// per `deserialize_with` field).
/// `cfg` gates both impls when the type itself is gated.
pub(crate) fn decode_impl(
    type_name: &Ident,
    fields: &[Field],
    table: &TypeTable,
    cfg: Option<&TokenStream>,
) -> TokenStream {
    let inits = field_names(fields)
        .into_iter()
        .zip(fields)
        .map(|((rust, json), f)| {
            let name = ident(&rust);
            let reader = Ident::new(field_type(&f.shape, table).1, Span::call_site());
            quote!(#name: f.#reader(#json)?)
        });
    let f = Ident::new(
        if fields.is_empty() { "_f" } else { "f" },
        Span::call_site(),
    );
    quote! {
        #cfg
        impl<'de> ::ecs_api::__private::serde::Deserialize<'de> for #type_name {
            fn deserialize<D: ::ecs_api::__private::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                ::ecs_api::de::deserialize_fields(d)
            }
        }
        #cfg
        impl ::ecs_api::de::FromFields for #type_name {
            fn from_fields(#f: &mut ::ecs_api::de::Fields) -> ::std::result::Result<Self, ::ecs_api::de::FieldError> {
                ::std::result::Result::Ok(Self { #(#inits,)* })
            }
        }
    }
}

/// The Rust type of a response shape and the `ecs_api::de::Fields` method that reads it.
pub(crate) fn field_type(shape: &FieldShape, table: &TypeTable) -> (TokenStream, &'static str) {
    match shape {
        FieldShape::Scalar { ty } => {
            let t = scalar::tokens(*ty, Side::Output);
            (quote!(::std::option::Option<#t>), scalar::field_reader(*ty))
        }
        FieldShape::Struct { fields, .. } => {
            let t = table.response_type(fields);
            (quote!(::std::option::Option<#t>), "nested")
        }
        FieldShape::Array { item, .. } => {
            let t = item_type(item, table);
            (quote!(::std::vec::Vec<#t>), "list")
        }
    }
}

/// The item type of a response list.
pub(crate) fn item_type(item: &FieldShape, table: &TypeTable) -> TokenStream {
    match item {
        FieldShape::Scalar { ty } => scalar::tokens(*ty, Side::Output),
        FieldShape::Struct { fields, .. } => table.response_type(fields),
        FieldShape::Array { .. } => quote!(::ecs_api::__private::serde_json::Value),
    }
}

/// Derives of every response struct: `Serialize` too when the crate's `dynamic` feature is on,
/// so that the `ecs` command can print responses.
pub(crate) fn derives(in_crate: bool) -> TokenStream {
    let serialize = in_crate.then(|| {
        quote! {
            #[cfg_attr(feature = "dynamic", derive(::ecs_api::__private::serde::Serialize), serde(crate = "::ecs_api::__private::serde"))]
        }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, Default)]
        #serialize
    }
}
