//! The one wording of a rule: in rustdoc's constraint lists, the review summary, the change
//! report and the runtime's violation messages.

use std::fmt;

use crate::{CharType, Format, Rule};

/// `2 to 128 characters`, `at most 20`, …
struct Bounds<T>(Option<T>, Option<T>, &'static str);

impl<T: fmt::Display> fmt::Display for Bounds<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = self.2;
        match (&self.0, &self.1) {
            (Some(a), Some(b)) => write!(f, "{a} to {b}{unit}"),
            (Some(a), None) => write!(f, "at least {a}{unit}"),
            (None, Some(b)) => write!(f, "at most {b}{unit}"),
            (None, None) => f.write_str("unbounded"),
        }
    }
}

/// The one wording of a rule: in rustdoc's constraint lists, the review summary, the change
/// report and the runtime's violation messages (`Name: length 2 to 128 characters, got 129 …`).
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Length { min, max } => write!(f, "length {}", Bounds(*min, *max, " characters")),
            Rule::Range { min, max, also } => {
                write!(f, "value {}", Bounds(*min, *max, ""))?;
                for v in also {
                    write!(f, " or {v}")?;
                }
                Ok(())
            }
            Rule::Bytes { min, max, decoded } => {
                write!(f, "size {}", Bounds(*min, *max, " bytes"))?;
                if *decoded {
                    f.write_str(" once Base64-decoded")?;
                }
                Ok(())
            }
            Rule::Format { format } => match Format::parse(format) {
                Some(Format::Base64) => f.write_str("Base64-encoded"),
                Some(Format::Json) => f.write_str("a JSON document"),
                Some(Format::Time(_)) | None => write!(f, "in the {format} format"),
            },
            Rule::Count {
                min,
                max,
                separator,
            } => {
                let bounds = Bounds(*min, *max, "");
                match separator.as_deref() {
                    None => write!(f, "{bounds} items"),
                    Some(",") => write!(f, "{bounds} comma-separated items"),
                    Some(sep) => write!(f, "{bounds} items separated by `{sep}`"),
                }
            }
            Rule::Charset { class } => write!(f, "characters in [{class}]"),
            Rule::FirstChar { class } => write!(f, "first character in [{class}]"),
            Rule::NotPrefix { prefixes } => {
                write!(f, "must not start with {}", prefixes.join(" or "))
            }
            Rule::NotContains { needles } => write!(f, "must not contain {}", needles.join(" or ")),
            Rule::Enum { values } => write!(f, "one of {}", values.join(", ")),
            Rule::Classes { min, of, special } => {
                write!(f, "at least {min} of")?;
                for (i, name) in of.iter().enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    let words: &str = match CharType::parse(name) {
                        Some(t) => t.wording(),
                        None => name,
                    };
                    write!(f, "{sep}{words}")?;
                }
                match special {
                    Some(set) => write!(f, " (special: {set})"),
                    None => Ok(()),
                }
            }
            Rule::Condition { param, value } => {
                write!(f, "takes effect only when {param} is {value}")
            }
        }
    }
}
