//! Response fields: lenient deserialisation of each JSON key into its Rust type.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
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

/// Field declarations of an output struct.
pub(crate) fn fields(fields: &[Field], table: &TypeTable) -> Vec<TokenStream> {
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
            let (ty, with) = field_type(&f.shape, table);
            let with = with.map(|w| quote!(deserialize_with = #w,));
            quote! {
                #docs
                #[serde(rename = #json, #with)]
                pub #name: #ty,
            }
        })
        .collect()
}

/// The Rust type of a response shape and the lenient deserializer it needs.
pub(crate) fn field_type(
    shape: &FieldShape,
    table: &TypeTable,
) -> (TokenStream, Option<&'static str>) {
    match shape {
        FieldShape::Scalar { ty } => {
            let t = scalar::tokens(*ty, Side::Output);
            (quote!(::std::option::Option<#t>), scalar::deserializer(*ty))
        }
        FieldShape::Struct { fields, .. } => {
            let t = table.response_type(fields);
            (quote!(::std::option::Option<#t>), None)
        }
        FieldShape::Array { item, .. } => {
            let t = item_type(item, table);
            (quote!(::std::vec::Vec<#t>), Some("::ecs_api::de::list"))
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
    let serialize = in_crate.then(
        || quote!(#[cfg_attr(feature = "dynamic", derive(::ecs_api::__private::serde::Serialize))]),
    );
    quote! {
        #[derive(Debug, Clone, PartialEq, Default, ::ecs_api::__private::serde::Deserialize)]
        #serialize
        #[serde(crate = "::ecs_api::__private::serde", default)]
    }
}
