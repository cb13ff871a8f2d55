//! A product's endpoint rule as a constant the runtime reads: its code, host prefix and the
//! official per-region map's exceptions to `<prefix>.<region>.aliyuncs.com`, sorted by region.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::Target;

pub(crate) fn endpoints_file(
    product: &str,
    map: &BTreeMap<String, String>,
    target: Target,
) -> TokenStream {
    // BTreeMap iterates in byte order: the runtime's binary search relies on it.
    let regions = map.keys();
    let hosts = map.values();
    let prefix = endpoint_prefix(product);
    let ty = match target {
        Target::InCrate => quote!(super::Product),
        Target::Standalone => quote!(::ecs_api::config::Product),
    };
    let doc = format!(
        "The `{product}` product: `{prefix}.<region>.aliyuncs.com`, except in the regions listed \
         (sorted by region, byte order)."
    );
    quote! {
        //! Where the product's API is served, per region.

        #[doc = #doc]
        pub const PRODUCT: #ty = #ty {
            code: #product,
            endpoint_prefix: #prefix,
            endpoints: &[#((#regions, #hosts)),*],
        };
    }
}

/// The host prefix of a product code, as the official SDKs form it: lower case (`Ecs` → `ecs`).
pub fn endpoint_prefix(product: &str) -> String {
    product.to_ascii_lowercase()
}
