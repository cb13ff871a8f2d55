//! The per-region endpoint map (`spec/common/endpoints.json`) as a sorted table the runtime
//! searches: the official map's exceptions to `ecs.<region>.aliyuncs.com`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn endpoints_file(map: &BTreeMap<String, String>) -> TokenStream {
    // BTreeMap iterates in byte order: the runtime's binary search relies on it.
    let regions = map.keys();
    let hosts = map.values();
    quote! {
        //! Per-region ECS hosts that differ from `ecs.<region>.aliyuncs.com`, sorted by region.

        /// `(region, host)`, sorted by region (byte order).
        pub static ENDPOINTS: &[(&str, &str)] = &[#((#regions, #hosts)),*];
    }
}
