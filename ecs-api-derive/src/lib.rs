//! Derives for ecs-api request types: `ToParams` (flatten to RPC query pairs), `FromParams` (parse
//! them back) and `Validate` (the documented constraints).
//!
//! The generator writes the attributes; a person can write them by hand for an operation that has
//! no doc yet:
//!
//! ```ignore
//! #[derive(ToParams, FromParams, Validate)]
//! #[ecs(exclusive(disk_ids, exclude_disk_ids))]
//! pub struct Input {
//!     #[ecs(wire = "Name", length(min = 2, max = 128), charset = "A-Za-z0-9._:-",
//!           first_char = "A-Za-z0-9", not_prefix("http://", "https://"),
//!           error_code = "InvalidSnapshotName.Malformed")]
//!     pub name: Option<String>,
//!     #[ecs(wire = "Tag", nested, count(max = 20))]
//!     pub tags: Vec<Tag>,
//!     // One param holding a JSON array: `InstanceIds=["i-1","i-2"]`. `count` limits the items,
//!     // the other rules apply to each item.
//!     #[ecs(wire = "InstanceIds", json, count(max = 100), length(max = 64))]
//!     pub instance_ids: Vec<String>,
//!     // IDs joined in one text (`t-1,t-2`): `separator` counts the items of the text.
//!     #[ecs(wire = "TaskIds", count(max = 100, separator = ","))]
//!     pub task_ids: Option<String>,
//!     // Base64 text: `decoded` limits the data it decodes to, not the text.
//!     #[ecs(wire = "UserData", format = "base64", bytes(max = 16384, decoded))]
//!     pub user_data: Option<String>,
//!     // A secret: violations say which rule it broke but never show the value (`(redacted)`).
//!     #[ecs(wire = "Password", sensitive, length(min = 8, max = 30))]
//!     pub password: Option<String>,
//! }
//! ```

// Split as serde_derive is: the attribute grammar, the checks against the field types, the
// model they build, and one module per derive.
mod attr;
mod check;
mod model;
mod params;
mod rule_attr;
mod validate;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;

use model::Model;

#[proc_macro_derive(ToParams, attributes(ecs))]
pub fn derive_to_params(input: TokenStream) -> TokenStream {
    expand(input, params::to_params)
}

#[proc_macro_derive(FromParams, attributes(ecs))]
pub fn derive_from_params(input: TokenStream) -> TokenStream {
    expand(input, params::from_params)
}

#[proc_macro_derive(Validate, attributes(ecs))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    expand(input, validate::validate)
}

fn expand(input: TokenStream, f: fn(&Model) -> TokenStream2) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match Model::parse(&input) {
        Ok(model) => f(&model).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

#[cfg(test)]
mod depth_tests;
