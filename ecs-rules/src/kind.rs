//! Which rule a value broke: the documented rule kinds plus the checks of the request's shape
//! (required, exclusive, well formed, known).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    Required,
    Length,
    Range,
    Bytes,
    Format,
    Count,
    Charset,
    FirstChar,
    NotPrefix,
    NotContains,
    Enum,
    /// Too few of the character types a password needs, or a character of none of them.
    Classes,
    Exclusive,
    /// Not a value of the param's type (`abc` for an integer).
    Malformed,
    /// A param the operation does not have.
    Unknown,
    /// Set while the param it depends on does not have the value that makes it take effect.
    Condition,
    /// None of a group of params of which the page requires at least one is set.
    AnyOf,
    /// Set without a param the page says it needs.
    Requires,
    /// One of a group of params the page says go together is set without the others.
    Together,
}

impl RuleKind {
    /// The stable name (`first_char`), as reports and the change report key rules.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Required => "required",
            RuleKind::Length => "length",
            RuleKind::Range => "range",
            RuleKind::Bytes => "bytes",
            RuleKind::Format => "format",
            RuleKind::Count => "count",
            RuleKind::Charset => "charset",
            RuleKind::FirstChar => "first_char",
            RuleKind::NotPrefix => "not_prefix",
            RuleKind::NotContains => "not_contains",
            RuleKind::Enum => "enum",
            RuleKind::Exclusive => "exclusive",
            RuleKind::Malformed => "malformed",
            RuleKind::Unknown => "unknown",
            RuleKind::Condition => "condition",
            RuleKind::AnyOf => "any_of",
            RuleKind::Requires => "requires",
            RuleKind::Classes => "classes",
            RuleKind::Together => "together",
        }
    }

    /// Checked in lenient validation mode too. The live API has widened some documented text
    /// limits, so lenient mode keeps only what docs rarely get wrong: required params, exclusive
    /// pairs, numeric ranges and counts, and the wire form itself.
    pub fn is_lenient(self) -> bool {
        match self {
            RuleKind::Required
            | RuleKind::Exclusive
            | RuleKind::Range
            | RuleKind::Count
            | RuleKind::Malformed
            | RuleKind::Unknown => true,
            RuleKind::Length
            | RuleKind::Charset
            | RuleKind::FirstChar
            | RuleKind::NotPrefix
            | RuleKind::NotContains
            | RuleKind::Enum
            | RuleKind::Bytes
            | RuleKind::Format
            | RuleKind::AnyOf
            | RuleKind::Requires
            | RuleKind::Classes
            | RuleKind::Together
            | RuleKind::Condition => false,
        }
    }

    /// The `#[ecs(...)]` attribute that states this kind (the grammar the generator writes and
    /// the derive reads); `None` for the checks of the wire form, which nothing states.
    pub const fn attribute(self) -> Option<&'static str> {
        match self {
            RuleKind::Required => Some("required"),
            RuleKind::Length => Some("length"),
            RuleKind::Range => Some("range"),
            RuleKind::Bytes => Some("bytes"),
            RuleKind::Format => Some("format"),
            RuleKind::AnyOf => Some("any_of"),
            RuleKind::Requires => Some("requires"),
            RuleKind::Together => Some("together"),
            RuleKind::Classes => Some("classes"),
            RuleKind::Count => Some("count"),
            RuleKind::Charset => Some("charset"),
            RuleKind::FirstChar => Some("first_char"),
            RuleKind::NotPrefix => Some("not_prefix"),
            RuleKind::NotContains => Some("not_contains"),
            // `enum` is a Rust keyword, and `one_of` reads better in an attribute.
            RuleKind::Enum => Some("one_of"),
            RuleKind::Exclusive => Some("exclusive"),
            RuleKind::Condition => Some("condition"),
            RuleKind::Malformed | RuleKind::Unknown => None,
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
