//! The code generator as a pure library: reference doc (Markdown) → [`spec::Spec`] → Rust tokens.
//!
//! Nothing here touches the file system; `xtask` reads and writes files.

pub mod spec;
