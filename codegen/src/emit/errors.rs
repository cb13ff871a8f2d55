//! Error kinds: per operation, a variant for every code its page documents, plus `Common(..)` for
//! the codes every ECS operation shares (declared once, in `CommonErrorCode`) and `Unhandled`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc_attr, doc_text, error_doc};
use super::ident;
use crate::naming;
use crate::overrides::CommonErrors;
use crate::spec::Spec;

/// The `<Op>ErrorKind` enum, its `ErrorKind` impl and the `<Op>Error` alias.
pub(crate) fn operation_error(spec: &Spec) -> TokenStream {
    let op = &spec.operation.name;
    let kind = format_ident!("{}ErrorKind", op);
    let error = format_ident!("{}Error", op);
    // Sorted by code: the runtime looks codes up by binary search.
    let mut errors: Vec<_> = spec
        .operation
        .errors
        .iter()
        .filter(|e| !matches!(e.rust_name.as_str(), "Common" | "Unhandled"))
        .collect();
    errors.sort_by(|a, b| a.code.cmp(&b.code));
    let variants: Vec<Ident> = errors.iter().map(|e| ident(&e.rust_name)).collect();
    let docs: Vec<TokenStream> = errors.iter().map(|e| doc_attr(&error_doc(e))).collect();
    let table: Vec<TokenStream> = errors
        .iter()
        .zip(&variants)
        .map(|(e, v)| {
            let l = e.listings.first();
            let status = l.and_then(|l| l.http_status).unwrap_or(400);
            let message = l.map(|l| l.message.trim()).unwrap_or_default();
            let code = &e.code;
            let retryable = e.retryable;
            quote! {
                ::ecs_api::operation::DocumentedCode {
                    code: #code, kind: Self::#v, http_status: #status, message: #message, retryable: #retryable,
                }
            }
        })
        .collect();
    let kind_doc = format!(
        " What went wrong in a `{op}` call: one variant per code its reference page documents, \
         [`Common`]({kind}::Common) for the codes every ECS operation can return, and \
         [`Unhandled`]({kind}::Unhandled) for any other code. A code the page lists is its own \
         variant even when it is also common.\n\n Match it through [`{error}::kind`](::ecs_api::operation::OperationError::kind)."
    );
    let alias_doc = format!(
        " The error of a failed `{op}` call: its [`{kind}`] and what the service said (code, message, request id)."
    );
    quote! {
        #[doc = #kind_doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #kind {
            #( #docs #variants, )*
            /// A code every ECS operation can return (gateway, authentication, throttling).
            Common(::ecs_api::error::CommonErrorCode),
            /// A code neither the page nor the common list has; see the error's `code()`.
            Unhandled,
        }

        impl ::ecs_api::operation::ErrorKind for #kind {
            const DOCUMENTED: &'static [::ecs_api::operation::DocumentedCode<Self>] = &[#(#table),*];
            const UNHANDLED: Self = Self::Unhandled;
            fn common(code: ::ecs_api::error::CommonErrorCode) -> Self {
                Self::Common(code)
            }
            fn as_common(&self) -> ::std::option::Option<::ecs_api::error::CommonErrorCode> {
                match self {
                    Self::Common(c) => ::std::option::Option::Some(*c),
                    _ => ::std::option::Option::None,
                }
            }
        }

        #[doc = #alias_doc]
        pub type #error = ::ecs_api::operation::OperationError<#kind>;
    }
}

/// `CommonErrorCode`, from `spec/common/errors.json`: one variant per code, with the status,
/// message and retry decision the reviewed table gives.
pub(crate) fn common_file(common: &CommonErrors) -> TokenStream {
    let mut codes: Vec<&crate::overrides::CommonError> = Vec::new();
    for e in &common.errors {
        if !codes.iter().any(|c| c.code == e.code) {
            codes.push(e);
        }
    }
    codes.sort_by(|a, b| a.code.cmp(&b.code));
    let mut names: Vec<String> = codes
        .iter()
        .map(|c| naming::error_variant(&c.code))
        .collect();
    {
        let mut pairs: Vec<(&str, &mut String)> = codes
            .iter()
            .map(|c| c.code.as_str())
            .zip(names.iter_mut())
            .collect();
        naming::resolve_collisions(&mut pairs);
    }
    let variants: Vec<Ident> = names.iter().map(|n| ident(n)).collect();
    let code_strs: Vec<&str> = codes.iter().map(|c| c.code.as_str()).collect();
    let statuses: Vec<u16> = codes.iter().map(|c| c.http_status.unwrap_or(400)).collect();
    let messages: Vec<&str> = codes.iter().map(|c| c.message.as_str()).collect();
    let docs: Vec<TokenStream> = codes
        .iter()
        .map(|c| {
            let mut text = format!("`{}`: {}", c.code, doc_text(c.message.trim()));
            if common.is_retryable(&c.code) {
                text.push_str(" Retryable.");
            }
            doc_attr(&text)
        })
        .collect();
    let retryable: Vec<&Ident> = codes
        .iter()
        .zip(&variants)
        .filter(|(c, _)| common.is_retryable(&c.code))
        .map(|(_, v)| v)
        .collect();
    let prefixes: Vec<&str> = common
        .retryable
        .iter()
        .filter_map(|r| r.prefix.as_deref())
        .collect();
    let retry_body = if retryable.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(self, #(Self::#retryable)|*))
    };
    quote! {
        //! The error codes every ECS operation can return, from the reviewed common table.

        /// A code every ECS operation can return. Operation error kinds wrap it in their
        /// `Common` variant.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CommonErrorCode {
            #( #docs #variants, )*
        }

        impl CommonErrorCode {
            /// Every common code, sorted.
            pub const ALL: &'static [CommonErrorCode] = &[#(Self::#variants),*];

            /// Code prefixes the reviewed table marks retryable whatever their suffix.
            pub const RETRYABLE_PREFIXES: &'static [&'static str] = &[#(#prefixes),*];

            /// The code, verbatim.
            pub fn from_code(code: &str) -> ::std::option::Option<Self> {
                match code {
                    #(#code_strs => ::std::option::Option::Some(Self::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }
            /// The code as the service sends it.
            pub fn code(self) -> &'static str {
                match self { #(Self::#variants => #code_strs,)* }
            }
            /// The HTTP status the service answers it with.
            pub fn http_status(self) -> u16 {
                match self { #(Self::#variants => #statuses,)* }
            }
            /// The documented message.
            pub fn message(self) -> &'static str {
                match self { #(Self::#variants => #messages,)* }
            }
            /// Whether a retry can succeed.
            pub fn is_retryable(self) -> bool {
                #retry_body
            }
        }
    }
}
