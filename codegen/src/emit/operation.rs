//! One operation's module: the operation marker and its `Operation` impl, the input with its
//! setters, the fluent request, the client entry point, the output, the error kind and, for
//! operations that page, the `Paginated` impl.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_text;
use super::fields::{self, dedupe_setters, is_region, redacting_debug, setter_methods};
use super::shapes::TypeTable;
use super::{
    EmitError, OpSource, Target, err, errors, feature_name, format_file, header, ident, output,
};
use crate::spec::{FieldShape, PageStyle, ScalarType, Shape, Spec};

pub(crate) fn emit(
    src: &OpSource<'_>,
    table: &TypeTable,
    target: Target,
    module: &str,
) -> Result<String, EmitError> {
    let tokens = tokens(src.spec, table, target, module)?;
    let mut code = format_file(
        &header(&src.spec_path, src.spec_json),
        tokens,
        &src.spec.operation.name,
    )?;
    if target == Target::InCrate
        && let Some(c) = &src.category
    {
        // Said once at the top so the reader knows why the module may be absent.
        code = code.replacen(
            "\n",
            &format!("\n// Compiled with the `{}` feature.\n", feature_name(c)),
            1,
        );
    }
    Ok(code)
}

fn tokens(
    spec: &Spec,
    table: &TypeTable,
    target: Target,
    module: &str,
) -> Result<TokenStream, EmitError> {
    let op = &spec.operation;
    let op_name = &op.name;
    let op_ident = ident(op_name);
    let input = format_ident!("{}Input", op_ident.to_string());
    let output = format_ident!("{}Output", op_ident.to_string());
    let error = format_ident!("{}Error", op_ident.to_string());
    let request = format_ident!("{}Request", op_ident.to_string());
    let method = ident(module);
    let version = &spec.service.version;

    let mut fields = Vec::new();
    for p in &op.request {
        fields.push(fields::field(op_name, p, true, false, &op.request, table)?);
    }
    dedupe_setters(&mut fields);

    let exclusive: Vec<TokenStream> = op
        .exclusive
        .iter()
        .filter_map(|e| {
            let find = |w: &str| {
                op.request
                    .iter()
                    .find(|p| p.wire_name == w || p.doc_name == w)
            };
            let (a, b) = (find(e.params.first()?)?, find(e.params.get(1)?)?);
            let (a, b) = (ident(&a.rust_name), ident(&b.rust_name));
            Some(quote!(#[ecs(exclusive(#a, #b))]))
        })
        .chain(op.relations.iter().filter_map(|r| {
            let find = |w: &str| op.request.iter().find(|p| p.wire_name == w);
            let names = r
                .relation
                .params()
                .into_iter()
                .map(|w| find(w).map(|p| ident(&p.rust_name)))
                .collect::<Option<Vec<_>>>()?;
            let attr = format_ident!("{}", r.relation.kind().attribute()?);
            Some(quote!(#[ecs(#attr(#(#names),*))]))
        }))
        .collect();

    let string_field = |wire: &str| {
        op.request
            .iter()
            .find(|p| {
                p.wire_name == wire
                    && matches!(
                        p.shape,
                        Shape::Scalar {
                            ty: ScalarType::String
                        }
                    )
                    && !p.required
            })
            .map(|p| ident(&p.rust_name))
    };
    let token_field = op.idempotency_token.as_deref().and_then(string_field);
    let token_const = match (&op.idempotency_token, &token_field) {
        (Some(t), Some(_)) => quote!(::std::option::Option::Some(#t)),
        _ => quote!(::std::option::Option::None),
    };
    let read_only = op.read_only;
    // Said only when true (no ECS page today), so that the runtime's default holds the rule.
    let response_has_code = ["Code", "Message"]
        .iter()
        .all(|n| op.response.iter().any(|f| f.name == *n))
        .then(|| {
            quote!(
                const RESPONSE_HAS_CODE: bool = true;
            )
        });
    let token_methods = token_field.as_ref().map(|f| {
        quote! {
            fn idempotency_token(&self) -> ::std::option::Option<&str> { self.#f.as_deref() }
            fn set_idempotency_token(&mut self, token: ::std::string::String) { self.#f = ::std::option::Option::Some(token); }
        }
    });
    let region_methods = op.request.iter().find(|p| is_region(p)).map(|p| {
        let f = ident(&p.rust_name);
        quote! {
            fn region_id(&self) -> ::std::option::Option<&str> { self.#f.as_deref() }
            fn set_region_id(&mut self, region: ::std::string::String) { self.#f = ::std::option::Option::Some(region); }
        }
    });

    let decls = fields.iter().map(|f| &f.decl);
    let ctor_fields: Vec<_> = fields.iter().filter(|f| f.ctor.is_some()).collect();
    let ctor_args: Vec<TokenStream> = ctor_fields
        .iter()
        .filter_map(|f| {
            let n = &f.ident;
            f.ctor.as_ref().map(|(arg, _)| quote!(#n: #arg))
        })
        .collect();
    let ctor_names: Vec<_> = ctor_fields.iter().map(|f| f.ident.clone()).collect();
    let ctor_inits = fields.iter().map(|f| {
        let n = &f.ident;
        match &f.ctor {
            Some((_, init)) if *n == init.to_string() => quote!(#n),
            Some((_, init)) => quote!(#n: #init),
            None => quote!(#n: ::std::default::Default::default()),
        }
    });
    let ctor_doc = if ctor_names.is_empty() {
        " An input with no params set.".to_owned()
    } else {
        format!(
            " An input with its required params: {}.",
            ctor_names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let input_setters = setter_methods(&fields, false);
    let request_setters = setter_methods(&fields, true);
    let input_debug = redacting_debug(&input, &fields);
    let input_derive_debug = input_debug.is_none().then(|| quote!(Debug,));
    let input_derive_default = ctor_args.is_empty().then(|| quote!(Default,));

    let from_params = from_params_derive(target);
    let out_fields = output::fields(&op.response, table, target == Target::InCrate);
    let out_decode = output::decode_impl(&output, &op.response, table, None);
    let out_derives = output::derives(target == Target::InCrate);
    let error_kind = errors::operation_error(spec);
    let paginated = paginated_impl(spec, table, &op_ident, &input, &output)?;
    let into_paginator = paginated.is_some().then(|| {
        quote! {
            /// Pages through every result: see [`Paginator`](::ecs_api::paginator::Paginator).
            pub fn into_paginator(self) -> ::ecs_api::paginator::Paginator<'c, #op_ident> {
                ::ecs_api::paginator::Paginator::new(self.client, self.input, self.options)
            }
        }
    });

    let summary = doc_text(op.summary.trim());
    let mut module_doc = format!("`{op_name}`: {summary}");
    if !op.rules.is_empty() {
        module_doc.push_str("\n\nFrom the reference page:");
        for r in &op.rules {
            let text = doc_text(r.text.trim()).replace('\n', " ");
            // A lead-in sentence ("take note of the following:") introduces the list; it is
            // not an item of it.
            if text.ends_with(':') {
                module_doc.push_str(&format!("\n\n{text}\n"));
            } else {
                module_doc.push_str(&format!("\n- {text}"));
            }
        }
    }
    let behaviour = match (read_only, &op.idempotency_token, &op.pagination) {
        (true, _, Some(_)) => {
            "\n\nRead-only (always retried on transient failures); pages with [`into_paginator`]("
                .to_string()
                + &format!("{request}::into_paginator).")
        }
        (true, _, None) => "\n\nRead-only: always retried on transient failures.".to_string(),
        (false, Some(t), _) => format!(
            "\n\nIdempotent through `{t}`: the client fills it once per call, so retries never repeat the effect."
        ),
        (false, None, _) => {
            "\n\nNot idempotent: never retried once a request may have reached the service."
                .to_string()
        }
    };
    module_doc.push_str(&behaviour);
    let module_doc_lines: Vec<String> = module_doc.lines().map(|l| format!(" {l}")).collect();
    let input_doc = format!(
        " Input of [`{op_name}`]. Build it with [`{input}::new`] and the setters, or use [`{request}`]."
    );
    let output_doc = format!(
        " Output of [`{op_name}`]. Unknown response fields are ignored; numbers and booleans are accepted as JSON values or strings."
    );
    let op_doc = format!(" The `{op_name}` operation. {summary}");
    let request_doc =
        format!(" A `{op_name}` call being built; finish it with [`send`]({request}::send).");
    let method_doc = format!(" Starts a `{op_name}` call. {summary}");

    let entry = match target {
        Target::InCrate => quote! {
            impl ::ecs_api::Client {
                #[doc = #method_doc]
                pub fn #method(&self, #(#ctor_args),*) -> #request<'_> {
                    #request { client: self, input: #input::new(#(#ctor_names),*), options: ::std::default::Default::default() }
                }
            }
        },
        Target::Standalone => {
            let trait_name = format_ident!("{}Ext", op_ident.to_string());
            let trait_doc =
                format!(" Adds [`{method}`]({trait_name}::{method}) to `ecs_api::Client`.");
            quote! {
                #[doc = #trait_doc]
                pub trait #trait_name {
                    #[doc = #method_doc]
                    fn #method(&self, #(#ctor_args),*) -> #request<'_>;
                }
                impl #trait_name for ::ecs_api::Client {
                    fn #method(&self, #(#ctor_args),*) -> #request<'_> {
                        #request { client: self, input: #input::new(#(#ctor_names),*), options: ::std::default::Default::default() }
                    }
                }
            }
        }
    };

    // A standalone crate holds one product, described by its generated `endpoints.rs`.
    let product = match target {
        Target::InCrate => quote!(::ecs_api::config::ECS),
        Target::Standalone => quote!(crate::endpoints::PRODUCT),
    };
    Ok(quote! {
        #(#![doc = #module_doc_lines])*
        #![allow(clippy::doc_lazy_continuation, clippy::too_many_arguments)]

        #[doc = #op_doc]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #op_ident;

        impl ::ecs_api::operation::Operation for #op_ident {
            const ACTION: &'static str = #op_name;
            const VERSION: &'static str = #version;
            const PRODUCT: &'static ::ecs_api::config::Product = &#product;
            const IDEMPOTENCY_TOKEN: ::std::option::Option<&'static str> = #token_const;
            const READ_ONLY: bool = #read_only;
            #response_has_code
            type Input = #input;
            type Output = #output;
            type Error = #error;
        }

        #[doc = #input_doc]
        #[derive(#input_derive_debug #input_derive_default Clone, PartialEq, ::ecs_api::ToParams, ::ecs_api::Validate)]
        #from_params
        #(#exclusive)*
        #[non_exhaustive]
        pub struct #input {
            #(#decls)*
        }

        #[allow(deprecated)]
        impl #input {
            #[doc = #ctor_doc]
            pub fn new(#(#ctor_args),*) -> Self {
                Self { #(#ctor_inits),* }
            }
            #(#input_setters)*
        }

        #input_debug

        impl ::ecs_api::operation::IdempotentInput for #input {
            #token_methods
            #region_methods
        }

        #[doc = #request_doc]
        #[derive(Debug)]
        pub struct #request<'c> {
            client: &'c ::ecs_api::Client,
            input: #input,
            options: ::ecs_api::client::CallOptions,
        }

        #[allow(deprecated)]
        impl<'c> #request<'c> {
            #(#request_setters)*
            /// Per-call options (timeouts, retries, validation mode) for this call only.
            pub fn call_options(mut self, options: ::ecs_api::client::CallOptions) -> Self { self.options = options; self }
            /// The input built so far.
            pub fn input(&self) -> &#input { &self.input }
            /// Takes the input out, e.g. to send it later with `Client::call`.
            pub fn into_input(self) -> #input { self.input }
            /// Validates, signs and sends the call, retrying as the client's policy allows.
            pub async fn send(self) -> ::std::result::Result<#output, ::ecs_api::SdkError<#error>> {
                self.client.call::<#op_ident>(self.input, &self.options).await
            }
            #into_paginator
        }

        #entry

        #[doc = #output_doc]
        #out_derives
        #[non_exhaustive]
        pub struct #output {
            #(#out_fields)*
        }

        #out_decode

        #error_kind

        #paginated
    })
}

/// `FromParams` (parsing wire params back) serves the emulator and the `ecs` command, not calls:
/// in-crate it is compiled with the `dynamic` feature only.
pub(crate) fn from_params_derive(target: Target) -> TokenStream {
    match target {
        Target::InCrate => quote!(#[cfg_attr(feature = "dynamic", derive(::ecs_api::FromParams))]),
        Target::Standalone => quote!(#[derive(::ecs_api::FromParams)]),
    }
}

/// The `Paginated` impl: which params page, and where the items and progress are in the output.
fn paginated_impl(
    spec: &Spec,
    table: &TypeTable,
    op_ident: &proc_macro2::Ident,
    input: &proc_macro2::Ident,
    output: &proc_macro2::Ident,
) -> Result<Option<TokenStream>, EmitError> {
    let op = &spec.operation;
    let Some(pg) = &op.pagination else {
        return Ok(None);
    };
    let param = |wire: &str| {
        op.request
            .iter()
            .find(|p| p.wire_name == wire)
            .ok_or_else(|| {
                err(
                    &op.name,
                    format!("pagination names a missing param `{wire}`"),
                )
            })
    };
    let size = param(&pg.page_size)?;
    let cursor = param(&pg.cursor)?;
    let size_f = ident(&size.rust_name);
    let cursor_f = ident(&cursor.rust_name);
    let out_names = output::field_names(&op.response);
    let out_field = |json: &str| {
        out_names
            .iter()
            .find(|(_, j)| j == json)
            .map(|(r, _)| ident(r))
    };
    let Some(items_f) = out_field(&pg.items) else {
        return Ok(None);
    };
    let Some(FieldShape::Array { item, .. }) = op
        .response
        .iter()
        .find(|f| f.name == pg.items)
        .map(|f| &f.shape)
    else {
        return Ok(None);
    };
    let item_ty = output::item_type(item, table);
    let int_ty = |p: &crate::spec::Param| match p.shape {
        Shape::Scalar {
            ty: ScalarType::Integer,
        } => quote!(i32),
        _ => quote!(i64),
    };
    let size_ty = int_ty(size);
    // i32 params widen to the trait's i64 and narrow back (a size that does not fit is unset).
    let get = |f: &proc_macro2::Ident, ty: &TokenStream| {
        if ty.to_string() == "i64" {
            quote!(input.#f)
        } else {
            quote!(input.#f.map(i64::from))
        }
    };
    let set = |f: &proc_macro2::Ident, ty: &TokenStream, v: TokenStream| {
        if ty.to_string() == "i64" {
            quote!(input.#f = ::std::option::Option::Some(#v);)
        } else {
            quote!(input.#f = <#ty>::try_from(#v).ok();)
        }
    };
    let (get_size, set_size_body) = (get(&size_f, &size_ty), set(&size_f, &size_ty, quote!(size)));
    let max = match pg.max_page_size {
        Some(m) => quote!(::std::option::Option::Some(#m)),
        None => quote!(::std::option::Option::None),
    };
    let set_size = quote! {
        fn page_size(input: &#input) -> ::std::option::Option<i64> { #get_size }
        fn set_page_size(input: &mut #input, size: i64) { #set_size_body }
    };
    let (style, style_methods) = match pg.style {
        PageStyle::PageNumber => {
            let cursor_ty = int_ty(cursor);
            let (get_n, set_n) = (
                get(&cursor_f, &cursor_ty),
                set(&cursor_f, &cursor_ty, quote!(n)),
            );
            let total = pg.progress.as_deref().and_then(out_field).map(|t| {
                quote! {
                    fn total_count(output: &#output) -> ::std::option::Option<i64> { output.#t }
                }
            });
            (
                quote!(PageNumber),
                quote! {
                    fn page_number(input: &#input) -> ::std::option::Option<i64> { #get_n }
                    fn set_page_number(input: &mut #input, n: i64) { #set_n }
                    #total
                },
            )
        }
        PageStyle::NextToken => {
            let next = pg.progress.as_deref().and_then(out_field).map(|t| {
                quote! {
                    fn next_token(output: &#output) -> ::std::option::Option<&str> { output.#t.as_deref() }
                }
            });
            (
                quote!(NextToken),
                quote! {
                    fn set_next_token(input: &mut #input, token: ::std::string::String) {
                        input.#cursor_f = ::std::option::Option::Some(token);
                    }
                    #next
                },
            )
        }
    };
    Ok(Some(quote! {
        impl ::ecs_api::paginator::Paginated for #op_ident {
            type Item = #item_ty;
            const STYLE: ::ecs_api::paginator::PageStyle = ::ecs_api::paginator::PageStyle::#style;
            const MAX_PAGE_SIZE: ::std::option::Option<i64> = #max;
            #set_size
            #style_methods
            fn take_items(output: &mut #output) -> ::std::vec::Vec<#item_ty> { ::std::mem::take(&mut output.#items_f) }
            fn put_items(output: &mut #output, items: ::std::vec::Vec<#item_ty>) { output.#items_f = items; }
        }
    }))
}
