//! The code generator as a pure library: reference doc (Markdown) → [`spec::Spec`] → Rust tokens.
//!
//! Nothing here touches the file system; `xtask` reads and writes files.

pub mod diff;
pub mod doc;
pub mod emit;
pub mod infer;
pub mod naming;
pub mod overrides;
pub mod parse;
pub mod relations;
pub mod spec;

pub use parse::{ParseError, ServiceHint};

/// Parses one reference doc into a canonicalized [`spec::Spec`] (no overrides, no common errors).
/// The service comes from the page's OpenAPI Explorer link; a page without one is an error.
pub fn parse_doc(source_path: &str, text: &str) -> Result<spec::Spec, ParseError> {
    parse::parse(source_path, text, &ServiceHint::default())
}

/// [`parse_doc`] for pages that may not name their service: `hint` supplies what the page lacks.
pub fn parse_doc_with(
    source_path: &str,
    text: &str,
    hint: &ServiceHint,
) -> Result<spec::Spec, ParseError> {
    parse::parse(source_path, text, hint)
}
