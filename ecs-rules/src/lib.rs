//! The documented rules of an ECS request param (length, range, count, characters, forbidden
//! prefixes and substrings, allowed values, conditions) as one model for the three crates that
//! handle them: the generator (`codegen`) reads them from the docs and writes them as
//! `#[ecs(...)]` attributes, the derive (`ecs-api-derive`) reads the attributes and expands the
//! checks, and the runtime (`ecs-api`) reports what a value broke.
//!
//! A plain library that depends on none of its users, as `serde_derive_internals` is for
//! `serde_derive`: a proc-macro cannot depend on the runtime it expands into.
//!
//! Everything about a rule that does not depend on who holds it lives here: its kind
//! ([`Rule::kind`]), what it can be stated on ([`Rule::needs`], [`Rule::fits`]), whether lenient
//! validation keeps it ([`RuleKind::is_lenient`]), its attribute name ([`RuleKind::attribute`]),
//! whether one rule accepts all another did ([`Rule::accepts_all_of`]) and its one wording as text
//! (`Display`). A new kind is a variant here, the prose reader that finds it
//! (`codegen/src/parse/prose.rs`) and the runtime check that enforces it
//! (`ecs-api/src/wire/check.rs`); every other place is an exhaustive `match` the compiler names.

#![forbid(unsafe_code)]

mod kind;

use std::collections::BTreeSet;
use std::fmt;

pub use kind::RuleKind;

/// The one wording of each rule (`Display`).
mod wording;

/// Cross-param rules of an operation (`ecs_rules::Relation`).
mod relation;
pub use relation::Relation;

/// One documented rule on a param's value. For a list it applies to each scalar item, except
/// [`Rule::Count`], which applies to the list.
// The serde form is the spec's JSON (`spec/ecs/*.json`, overrides): changing it changes every spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "rule", rename_all = "snake_case")
)]
pub enum Rule {
    /// Length in Unicode scalar values (characters, not bytes).
    Length {
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        min: Option<u64>,
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        max: Option<u64>,
    },
    /// Numeric range, inclusive, with the values the page also allows outside it (`-1` for
    /// "permanently" next to `1 to 65535`).
    Range {
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        min: Option<i64>,
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        max: Option<i64>,
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Vec::is_empty")
        )]
        also: Vec<i64>,
    },
    /// Length in bytes of the UTF-8 text (`cannot exceed 16 KB in size`), or with `decoded` of
    /// the data a Base64 text decodes to (`The maximum size of raw data is 16 KB`).
    Bytes {
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        min: Option<u64>,
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        max: Option<u64>,
        #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
        decoded: bool,
    },
    /// The text has a documented form: see [`Format`].
    Format { format: String },
    /// Number of items of an `X.N` list (the N range) or of a JSON array, or with `separator` of
    /// the items of a text that joins them (`i-1,i-2`: `Separate multiple IDs with commas`).
    Count {
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        min: Option<u64>,
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        max: Option<u64>,
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        separator: Option<String>,
    },
    /// Every character must be in this class (a regex character-class body, e.g. `A-Za-z0-9._:-`).
    Charset { class: String },
    /// The first character must be in this class.
    FirstChar { class: String },
    /// The value must not start with any of these (case-insensitive, as the service checks).
    NotPrefix { prefixes: Vec<String> },
    /// The value must not contain any of these.
    NotContains { needles: Vec<String> },
    /// The value must be one of these.
    Enum { values: Vec<String> },
    /// At least `min` of the character types `of` ([`CharType`] names) must occur, as passwords
    /// need. `special` is the page's list of special characters: when given, a character of none
    /// of the types is refused; without it, every other character counts as special.
    Classes {
        min: u64,
        of: Vec<String>,
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        special: Option<String>,
    },
    /// Only meaningful when another param has a value; reported as a warning, never an error.
    Condition { param: String, value: String },
}

/// How a broken rule is reported: an error stops the request (in strict mode), a warning is
/// reported and never blocks it. A rule the parser is sure of is an error; one read from a
/// sentence under a condition the client cannot evaluate (`For Windows instances, ...`) is a
/// warning, until a reviewed override promotes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

impl Severity {
    pub fn is_error(&self) -> bool {
        *self == Severity::Error
    }
}

#[cfg(feature = "serde")]
fn is_false(b: &bool) -> bool {
    !*b
}

/// The one wording of a rule stated under a condition, as rustdoc and violations print it:
/// `must not start with / (when: For Windows instances)`.
pub fn with_condition(rule: &str, when: &str) -> String {
    format!("{rule} (when: {when})")
}

/// What a rule needs of the value it is stated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Text (each item's, for a list).
    Text,
    /// An integer (each item's, for a list).
    Integer,
    /// Text or an integer: `one of 1, 2, 3` compares the wire form, a range the number (text
    /// that is no number is not checked).
    Scalar,
    /// A list.
    List,
    /// Anything.
    Anything,
}

impl fmt::Display for Needs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Needs::Text => "text",
            Needs::Integer => "an integer",
            Needs::Scalar => "text or an integer",
            Needs::List => "a list",
            Needs::Anything => "any value",
        })
    }
}

/// What a rule is stated on, as far as fitting goes. Each holder maps its own types here: the
/// generator its spec shapes, the derive the field's Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The value, or each item of a list.
    pub value: ValueKind,
    pub list: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Integer,
    /// Booleans, floats, JSON documents.
    Other,
    /// A structure with members of its own.
    Nested,
}

impl Needs {
    pub fn met_by(self, target: Target) -> bool {
        match self {
            Needs::Text => target.value == ValueKind::Text,
            Needs::Integer => target.value == ValueKind::Integer,
            Needs::Scalar => matches!(target.value, ValueKind::Text | ValueKind::Integer),
            Needs::List => target.list,
            Needs::Anything => true,
        }
    }
}

impl Rule {
    /// What the rule bounds: its kind, told apart where one kind measures two things (the text's
    /// size or its decoded data's, list items or joined items). Two rules of one measure on a
    /// param are one rule (merged by the reader, compared by the change report).
    pub fn measure(&self) -> String {
        match self {
            Rule::Bytes { decoded: true, .. } => "bytes decoded".to_string(),
            Rule::Count {
                separator: Some(sep),
                ..
            } => format!("count separated by {sep}"),
            _ => self.kind().as_str().to_string(),
        }
    }

    pub fn kind(&self) -> RuleKind {
        match self {
            Rule::Length { .. } => RuleKind::Length,
            Rule::Range { .. } => RuleKind::Range,
            Rule::Bytes { .. } => RuleKind::Bytes,
            Rule::Format { .. } => RuleKind::Format,
            Rule::Count { .. } => RuleKind::Count,
            Rule::Charset { .. } => RuleKind::Charset,
            Rule::FirstChar { .. } => RuleKind::FirstChar,
            Rule::NotPrefix { .. } => RuleKind::NotPrefix,
            Rule::NotContains { .. } => RuleKind::NotContains,
            Rule::Enum { .. } => RuleKind::Enum,
            Rule::Classes { .. } => RuleKind::Classes,
            Rule::Condition { .. } => RuleKind::Condition,
        }
    }

    /// What the rule can be stated on: the one answer to "does this rule fit this shape".
    pub fn needs(&self) -> Needs {
        match self {
            Rule::Length { .. }
            | Rule::Charset { .. }
            | Rule::FirstChar { .. }
            | Rule::NotPrefix { .. }
            | Rule::NotContains { .. }
            | Rule::Bytes { .. }
            | Rule::Format { .. }
            | Rule::Classes { .. } => Needs::Text,
            // A range on text holds for text that is a number (`Priority`, a String).
            Rule::Enum { .. } | Rule::Range { .. } => Needs::Scalar,
            Rule::Count {
                separator: Some(_), ..
            } => Needs::Text,
            Rule::Count {
                separator: None, ..
            } => Needs::List,
            Rule::Condition { .. } => Needs::Anything,
        }
    }

    pub fn fits(&self, target: Target) -> bool {
        self.needs().met_by(target)
    }

    /// Kept in lenient validation mode (see [`RuleKind::is_lenient`]).
    pub fn is_lenient(&self) -> bool {
        self.kind().is_lenient()
    }

    /// The same rule with its lists sorted and deduplicated, so that two rules accepting the same
    /// values compare (and read) the same.
    pub fn normalized(&self) -> Rule {
        fn sorted(v: &[String]) -> Vec<String> {
            let set: BTreeSet<&String> = v.iter().collect();
            set.into_iter().cloned().collect()
        }
        match self {
            Rule::NotPrefix { prefixes } => Rule::NotPrefix {
                prefixes: sorted(prefixes),
            },
            Rule::NotContains { needles } => Rule::NotContains {
                needles: sorted(needles),
            },
            Rule::Enum { values } => Rule::Enum {
                values: sorted(values),
            },
            Rule::Range { min, max, also } => {
                let mut also = also.clone();
                also.sort_unstable();
                also.dedup();
                Rule::Range {
                    min: *min,
                    max: *max,
                    also,
                }
            }
            Rule::Length { .. }
            | Rule::Bytes { .. }
            | Rule::Format { .. }
            | Rule::Count { .. }
            | Rule::Charset { .. }
            | Rule::FirstChar { .. }
            | Rule::Classes { .. }
            | Rule::Condition { .. } => self.clone(),
        }
    }

    /// Whether this rule accepts every value `old` accepted (false for rules of another kind).
    pub fn accepts_all_of(&self, old: &Rule) -> bool {
        fn subset(a: &[String], b: &[String]) -> bool {
            a.iter().all(|x| b.contains(x))
        }
        // A class that only gains characters (`A-Za-z` → `A-Za-z0-9`) accepts more.
        fn class_widened(old: &str, new: &str) -> bool {
            let chars = |s: &str| s.chars().collect::<BTreeSet<_>>();
            chars(old).is_subset(&chars(new)) && new.starts_with(old)
        }
        match old {
            Rule::Length { min, max } => {
                matches!(self, Rule::Length { min: a, max: b } if widened((*min, *max), (*a, *b)))
            }
            Rule::Count {
                min,
                max,
                separator,
            } => matches!(
                self,
                Rule::Count { min: a, max: b, separator: s }
                    if s == separator && widened((*min, *max), (*a, *b))
            ),
            Rule::Range { min, max, also } => matches!(
                self,
                Rule::Range { min: a, max: b, also: more }
                    if widened((*min, *max), (*a, *b)) && also.iter().all(|v| more.contains(v))
            ),
            Rule::Bytes { min, max, decoded } => matches!(
                self,
                Rule::Bytes { min: a, max: b, decoded: d }
                    if d == decoded && widened((*min, *max), (*a, *b))
            ),
            Rule::Format { format } => {
                matches!(self, Rule::Format { format: new } if new == format)
            }
            Rule::Charset { class } => {
                matches!(self, Rule::Charset { class: new } if class_widened(class, new))
            }
            Rule::FirstChar { class } => {
                matches!(self, Rule::FirstChar { class: new } if class_widened(class, new))
            }
            // Fewer forbidden prefixes or needles accept more.
            Rule::NotPrefix { prefixes } => {
                matches!(self, Rule::NotPrefix { prefixes: new } if subset(new, prefixes))
            }
            Rule::NotContains { needles } => {
                matches!(self, Rule::NotContains { needles: new } if subset(new, needles))
            }
            Rule::Enum { values } => {
                matches!(self, Rule::Enum { values: new } if subset(values, new))
            }
            // Fewer types needed, the same types, and no fewer special characters accept more.
            Rule::Classes { min, of, special } => matches!(
                self,
                Rule::Classes { min: a, of: more, special: s }
                    if a <= min && more == of && match (special, s) {
                        (_, None) => true,
                        (None, Some(_)) => false,
                        (Some(old), Some(new)) => old.chars().all(|c| new.contains(c)),
                    }
            ),
            // A condition only ever warns.
            Rule::Condition { .. } => matches!(self, Rule::Condition { .. }),
        }
    }
}

/// The documented forms of a text value that [`Rule::Format`] names: `base64`, `json`, or a UTC
/// time picture as the pages write it (`yyyy-MM-ddTHH:mm:ssZ`, `yyyy-MM-ddTHH:mmZ`,
/// `yyyy-MM-ddTHHZ`, `yyyy-MM-dd`), whose precision is the one the page states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format<'a> {
    Base64,
    Json,
    /// A picture of `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss` and literal characters.
    Time(&'a str),
}

/// The fields of a time picture, in the order the parser tries them.
pub const TIME_FIELDS: [(&str, u32, u32); 6] = [
    ("yyyy", 0, 9999),
    ("MM", 1, 12),
    ("dd", 1, 31),
    ("HH", 0, 23),
    ("mm", 0, 59),
    ("ss", 0, 59),
];

impl<'a> Format<'a> {
    /// The format a [`Rule::Format`] names; `None` for a name nothing checks.
    pub fn parse(name: &'a str) -> Option<Format<'a>> {
        match name {
            "base64" => Some(Format::Base64),
            "json" => Some(Format::Json),
            _ if name.starts_with("yyyy") && name.is_ascii() => Some(Format::Time(name)),
            _ => None,
        }
    }

    /// Whether `value` has this form (for `Time`, the picture's fields with their ranges).
    /// `Base64` and `Json` are checked by the runtime, which has the decoders.
    pub fn time_matches(picture: &str, value: &str) -> bool {
        let (mut p, mut v) = (picture, value);
        'outer: while !p.is_empty() {
            for (field, lo, hi) in TIME_FIELDS {
                if let Some(rest) = p.strip_prefix(field) {
                    let Some(digits) = v.get(..field.len()) else {
                        return false;
                    };
                    if !digits.bytes().all(|b| b.is_ascii_digit()) {
                        return false;
                    }
                    let n: u32 = digits.parse().unwrap_or(u32::MAX);
                    if n < lo || n > hi {
                        return false;
                    }
                    p = rest;
                    v = &v[field.len()..];
                    continue 'outer;
                }
            }
            let mut chars = p.chars();
            let lit = chars.next().unwrap_or_default();
            match v.strip_prefix(lit) {
                Some(rest) => {
                    p = chars.as_str();
                    v = rest;
                }
                None => return false,
            }
        }
        v.is_empty()
    }
}

/// The character types a [`Rule::Classes`] counts, by the names the spec and attributes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharType {
    Upper,
    Lower,
    Digit,
    Special,
}

impl CharType {
    pub const ALL: [CharType; 4] = [
        CharType::Upper,
        CharType::Lower,
        CharType::Digit,
        CharType::Special,
    ];

    pub fn parse(name: &str) -> Option<CharType> {
        CharType::ALL.into_iter().find(|t| t.name() == name)
    }

    pub const fn name(self) -> &'static str {
        match self {
            CharType::Upper => "upper",
            CharType::Lower => "lower",
            CharType::Digit => "digit",
            CharType::Special => "special",
        }
    }

    /// As the pages say it.
    pub const fn wording(self) -> &'static str {
        match self {
            CharType::Upper => "uppercase letters",
            CharType::Lower => "lowercase letters",
            CharType::Digit => "digits",
            CharType::Special => "special characters",
        }
    }

    /// The type of `c`: ASCII letters and digits by case; with a `special` list, only its
    /// characters are special (anything else has no type), without one everything else is.
    pub fn of(c: char, special: Option<&str>) -> Option<CharType> {
        match c {
            'A'..='Z' => Some(CharType::Upper),
            'a'..='z' => Some(CharType::Lower),
            '0'..='9' => Some(CharType::Digit),
            _ => match special {
                Some(set) if !set.contains(c) => None,
                _ => Some(CharType::Special),
            },
        }
    }
}

/// Whether the new bounds accept everything the old ones did.
fn widened<T: PartialOrd + Copy>(old: (Option<T>, Option<T>), new: (Option<T>, Option<T>)) -> bool {
    let min_ok = match (old.0, new.0) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => b <= a,
    };
    let max_ok = match (old.1, new.1) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => b >= a,
    };
    min_ok && max_ok
}

#[cfg(test)]
mod tests;
