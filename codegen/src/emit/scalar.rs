//! The one mapping from spec scalar types to Rust types.
//!
//! Outputs widen `Integer` to `i64`: the pages type some 64-bit counters (sizes in bytes, ids) as
//! `Integer`, and a response that does not fit must still decode. Inputs keep the documented width
//! so that the validator's range checks see what the service will.

use proc_macro2::TokenStream;
use quote::quote;

use crate::spec::ScalarType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Input,
    Output,
}

/// The Rust type as text (`i32`, `String`), for tokens and the summary alike.
pub fn rust_name(ty: ScalarType, side: Side) -> &'static str {
    match (ty, side) {
        (ScalarType::String, _) => "String",
        (ScalarType::Integer, Side::Input) => "i32",
        (ScalarType::Integer, Side::Output) | (ScalarType::Long, _) => "i64",
        (ScalarType::Float | ScalarType::Double, _) => "f64",
        (ScalarType::Boolean, _) => "bool",
        (ScalarType::Json, _) => "serde_json::Value",
    }
}

/// The Rust type as a path usable from any generated module.
pub fn tokens(ty: ScalarType, side: Side) -> TokenStream {
    match rust_name(ty, side) {
        "String" => quote!(::std::string::String),
        "i32" => quote!(i32),
        "i64" => quote!(i64),
        "f64" => quote!(f64),
        "bool" => quote!(bool),
        _ => quote!(::ecs_api::__private::serde_json::Value),
    }
}

/// The lenient `ecs_api::de::Fields` reader of an output scalar (numbers and booleans also arrive
/// as strings).
pub fn field_reader(ty: ScalarType) -> &'static str {
    match ty {
        ScalarType::String => "string",
        ScalarType::Integer | ScalarType::Long => "integer",
        ScalarType::Float | ScalarType::Double => "float",
        ScalarType::Boolean => "boolean",
        ScalarType::Json => "json",
    }
}
