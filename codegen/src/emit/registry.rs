//! Crate-level lists: module names (collisions resolved), the module list with its feature
//! gates, and the dispatch table the `ecs` command and the emulator look actions up in.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{EmitError, OpSource, Target, feature_name, ident, module_name};

/// Module of every operation. Operations whose names differ only in case would share a module;
/// the later one (ASCII order) gets a numeric suffix.
pub(crate) fn module_names(ops: &[&OpSource<'_>]) -> Result<BTreeMap<String, String>, EmitError> {
    let mut out = BTreeMap::new();
    let mut used = std::collections::BTreeSet::new();
    for op in ops {
        let name = &op.spec.operation.name;
        let base = module_name(name);
        let mut module = base.clone();
        let mut n = 2;
        while !used.insert(module.clone()) {
            module = format!("{base}_{n}");
            n += 1;
        }
        out.insert(name.clone(), module);
    }
    Ok(out)
}

fn cfg(op: &OpSource<'_>, target: Target) -> Option<TokenStream> {
    let c = op.category.as_ref().filter(|_| target == Target::InCrate)?;
    let f = feature_name(c);
    Some(quote!(#[cfg(feature = #f)]))
}

/// `operations.rs`: one `pub mod` per operation (with its feature gate in-crate).
pub(crate) fn operations_file(
    ops: &[&OpSource<'_>],
    modules: &BTreeMap<String, String>,
    target: Target,
) -> TokenStream {
    let items = ops.iter().map(|op| {
        let module = &modules[&op.spec.operation.name];
        let m = ident(module);
        let path = format!("operation/{module}.rs");
        let cfg = cfg(op, target);
        quote! {
            #cfg
            #[path = #path]
            pub mod #m;
        }
    });
    quote! { #(#items)* }
}

/// `registry.rs`: every operation callable by name with wire params (feature `dynamic`).
pub(crate) fn registry_file(
    ops: &[&OpSource<'_>],
    modules: &BTreeMap<String, String>,
) -> TokenStream {
    let entries = ops.iter().map(|op| {
        let name = &op.spec.operation.name;
        let m = ident(&modules[name]);
        let t = ident(name);
        let kind = ident(&format!("{name}ErrorKind"));
        let category = op.category.clone().unwrap_or_default();
        let cfg = cfg(op, Target::InCrate);
        let all_pages = if op.spec.operation.pagination.is_some() {
            quote!(::std::option::Option::Some(crate::dynamic::boxed_all_pages::<crate::operation::#m::#t>))
        } else {
            quote!(::std::option::Option::None)
        };
        let read_only = op.spec.operation.read_only;
        let example = op
            .spec
            .operation
            .examples
            .responses
            .iter()
            .find(|r| r.kind == "success" && r.format == "json")
            .map(|r| r.body.as_str());
        let example = match example {
            Some(e) => quote!(::std::option::Option::Some(#e)),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            #cfg
            crate::dynamic::OperationEntry {
                action: #name,
                category: #category,
                check: crate::dynamic::check::<crate::operation::#m::#t>,
                read_only: #read_only,
                example_response: #example,
                documented: crate::dynamic::documented::<crate::operation::#m::#kind>,
                call: crate::dynamic::boxed_call::<crate::operation::#m::#t>,
                all_pages: #all_pages,
            },
        }
    });
    quote! {
        //! Every generated operation by action name, for calls built at run time.

        /// Every operation compiled in, sorted by action.
        pub static OPERATIONS: &[crate::dynamic::OperationEntry] = &[
            #(#entries)*
        ];
    }
}
