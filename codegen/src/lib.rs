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

pub use parse::ParseError;

/// Parses one reference doc into a canonicalized [`spec::Spec`] (no overrides, no common errors).
pub fn parse_doc(source_path: &str, text: &str) -> Result<spec::Spec, ParseError> {
    parse::parse(source_path, text)
}
