//! Checks used by derived [`Validate`](super::Validate) impls. Each returns the violation it found,
//! if any, with the param left empty for [`ValidationReport::error`](super::ValidationReport::error) to fill.

use ecs_rules::Rule;

use super::{RuleKind, Violation};

fn violation(rule: RuleKind, limit: String, actual: String) -> Violation {
    Violation {
        param: String::new(),
        rule,
        limit,
        actual,
        error_code: None,
    }
}

/// A violation of a documented rule, its limit in the rule's one wording (`ecs_rules`), the
/// same text rustdoc shows. Built only once a check has failed.
#[cold]
fn broke(rule: Rule, actual: String) -> Violation {
    violation(rule.kind(), rule.to_string(), actual)
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Shows short values as they are and long ones by their length, so reports stay readable.
pub(crate) fn shown(value: &str) -> String {
    let chars = value.chars().count();
    if chars <= 40 {
        format!("{value:?}")
    } else {
        format!("{chars} characters")
    }
}

/// Length in characters, not bytes: the service counts characters.
pub fn length(value: &str, min: Option<u64>, max: Option<u64>) -> Option<Violation> {
    // Byte length bounds the character count from above, so most values skip the count.
    let bytes = value.len() as u64;
    if min.is_none_or(|m| bytes >= m) && max.is_none_or(|m| bytes <= m) && value.is_ascii() {
        return None;
    }
    let n = value.chars().count() as u64;
    let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
    (!ok).then(|| broke(Rule::Length { min, max }, format!("{n} characters")))
}

pub fn range(value: Option<i64>, min: Option<i64>, max: Option<i64>) -> Option<Violation> {
    range_or(value, min, max, &[])
}

/// The number a value holds, for range checks: an integer's own, text's when it is one
/// (`Priority` is a String on some pages). Text that is no number has none: the range does not
/// apply to it, and the service judges it.
pub trait Numeric {
    fn number(&self) -> Option<i64>;
}

impl Numeric for str {
    fn number(&self) -> Option<i64> {
        self.trim().parse().ok()
    }
}

impl<T: super::WireScalar> Numeric for T {
    fn number(&self) -> Option<i64> {
        self.as_i64()
            .or_else(|| self.as_text().and_then(Numeric::number))
    }
}

/// A range with the values the page also allows outside it (`-1` for "permanently").
pub fn range_or(
    value: Option<i64>,
    min: Option<i64>,
    max: Option<i64>,
    also: &[i64],
) -> Option<Violation> {
    let v = value?;
    let ok = (min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)) || also.contains(&v);
    (!ok).then(|| {
        let also = also.to_vec();
        broke(Rule::Range { min, max, also }, v.to_string())
    })
}

/// Size in bytes of the UTF-8 text, as the pages' `16 KB` limits count.
pub fn bytes(value: &str, min: Option<u64>, max: Option<u64>) -> Option<Violation> {
    let n = value.len() as u64;
    let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
    let rule = Rule::Bytes {
        min,
        max,
        decoded: false,
    };
    (!ok).then(|| broke(rule, format!("{n} bytes")))
}

/// Size in bytes of the data a Base64 text decodes to (`The maximum size of raw data is 16 KB`).
/// Text that is not Base64 is the `format` rule's to report.
pub fn decoded_bytes(value: &str, min: Option<u64>, max: Option<u64>) -> Option<Violation> {
    use base64::Engine as _;
    let n = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?
        .len() as u64;
    let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
    let rule = Rule::Bytes {
        min,
        max,
        decoded: true,
    };
    (!ok).then(|| broke(rule, format!("{n} bytes decoded")))
}

/// The documented form of a text value (`ecs_rules::Format`): Base64 (standard alphabet,
/// padded), a JSON document, or a UTC time at the picture's precision.
pub fn format(value: &str, format: &str) -> Option<Violation> {
    use base64::Engine as _;
    let ok = match ecs_rules::Format::parse(format) {
        Some(ecs_rules::Format::Base64) => base64::engine::general_purpose::STANDARD
            .decode(value)
            .is_ok(),
        Some(ecs_rules::Format::Json) => {
            serde_json::from_str::<serde::de::IgnoredAny>(value).is_ok()
        }
        Some(ecs_rules::Format::Time(picture)) => ecs_rules::Format::time_matches(picture, value),
        // The derive refuses unknown formats; nothing to check.
        None => true,
    };
    (!ok).then(|| {
        broke(
            Rule::Format {
                format: format.to_owned(),
            },
            shown(value),
        )
    })
}

pub fn count(n: usize, min: Option<u64>, max: Option<u64>) -> Option<Violation> {
    let n64 = n as u64;
    // An empty list is the same as not setting it; `required` covers that case.
    let ok = n == 0 || (min.is_none_or(|m| n64 >= m) && max.is_none_or(|m| n64 <= m));
    let rule = Rule::Count {
        min,
        max,
        separator: None,
    };
    (!ok).then(|| broke(rule, format!("{n} items")))
}

/// The number of items of a text that joins them with `separator` (`i-1,i-2`); empty pieces
/// (`i-1,,i-2`, a trailing comma) are not items.
pub fn joined_count(
    value: &str,
    separator: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Option<Violation> {
    let n = value
        .split(separator)
        .filter(|item| !item.trim().is_empty())
        .count();
    let n64 = n as u64;
    let ok = n == 0 || (min.is_none_or(|m| n64 >= m) && max.is_none_or(|m| n64 <= m));
    let rule = Rule::Count {
        min,
        max,
        separator: Some(separator.to_owned()),
    };
    (!ok).then(|| broke(rule, format!("{n} items")))
}

fn charset_bad(value: &str, ok: impl Fn(char) -> bool, class: &str) -> Option<Violation> {
    let bad: String = value.chars().filter(|&c| !ok(c)).take(5).collect();
    (!bad.is_empty()).then(|| {
        broke(
            Rule::Charset {
                class: class.to_owned(),
            },
            format!("{bad:?}"),
        )
    })
}

fn first_char_bad(first: char, ok: bool, class: &str) -> Option<Violation> {
    (!ok).then(|| {
        broke(
            Rule::FirstChar {
                class: class.to_owned(),
            },
            format!("{first:?}"),
        )
    })
}

/// A character class (`^[class]$` matching one character) with its ASCII answers tabled, so
/// checking the usual ASCII value is a lookup per byte instead of a regex search per character.
#[derive(Debug)]
pub struct CharClass {
    re: regex::Regex,
    ascii: [bool; 128],
}

impl CharClass {
    /// `pattern` matches exactly one allowed character, e.g. `^[A-Za-z0-9._:-]$`.
    pub fn new(pattern: &str) -> Result<CharClass, regex::Error> {
        let re = regex::Regex::new(pattern)?;
        let mut ascii = [false; 128];
        for (b, slot) in ascii.iter_mut().enumerate() {
            let c = [b as u8];
            // Every byte below 128 is a one-byte char.
            *slot = std::str::from_utf8(&c).is_ok_and(|s| re.is_match(s));
        }
        Ok(CharClass { re, ascii })
    }

    pub fn matches(&self, c: char) -> bool {
        match self.ascii.get(c as usize) {
            Some(&ok) => ok,
            None => {
                let mut buf = [0u8; 4];
                self.re.is_match(c.encode_utf8(&mut buf))
            }
        }
    }
}

/// Every character of `value` must be in `class`; `spelled` is how the rule reads in the spec.
/// All-ASCII values are checked byte by byte against the table.
pub fn charset_in(value: &str, class: &CharClass, spelled: &str) -> Option<Violation> {
    if value
        .bytes()
        .all(|b| class.ascii.get(b as usize) == Some(&true))
    {
        return None;
    }
    charset_bad(value, |c| class.matches(c), spelled)
}

/// The first character of `value` must be in `class`.
pub fn first_char_in(value: &str, class: &CharClass, spelled: &str) -> Option<Violation> {
    let first = value.chars().next()?;
    first_char_bad(first, class.matches(first), spelled)
}

/// Case-insensitive, as the service checks `http://` and `aliyun` prefixes.
pub fn not_prefix(value: &str, prefixes: &[&str]) -> Option<Violation> {
    // On bytes: a head equal to a whole `&str` ends on a char boundary anyway.
    let hit = prefixes.iter().find(|p| {
        value
            .as_bytes()
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
    })?;
    // The limit names the prefix that matched, not every forbidden one.
    Some(broke(
        Rule::NotPrefix {
            prefixes: owned(&[hit]),
        },
        shown(value),
    ))
}

/// ASCII case-insensitive, without lower-casing copies (runs for every tag of every request).
pub fn not_contains(value: &str, needles: &[&str]) -> Option<Violation> {
    let hit = needles
        .iter()
        .find(|p| contains_ignore_ascii_case(value.as_bytes(), p.as_bytes()))?;
    Some(broke(
        Rule::NotContains {
            needles: owned(&[hit]),
        },
        shown(value),
    ))
}

fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let Some(last_start) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    // Scan for the first byte in either case, compare the rest only there.
    hay[..=last_start].iter().enumerate().any(|(i, &b)| {
        (b == lower || b == upper) && hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest)
    })
}

pub fn one_of(value: &str, allowed: &[&str]) -> Option<Violation> {
    (!allowed.contains(&value)).then(|| {
        broke(
            Rule::Enum {
                values: owned(allowed),
            },
            shown(value),
        )
    })
}

/// At least `min` of the character types `of` (`ecs_rules::CharType` names) must occur; with
/// the page's `special` list, a character of no type is refused. Passwords: what is reported is
/// a count or a position class, never a character of the value.
pub fn classes(value: &str, min: u64, of: &[&str], special: Option<&str>) -> Option<Violation> {
    use ecs_rules::CharType;
    let mut seen = [false; CharType::ALL.len()];
    let mut stray = false;
    for c in value.chars() {
        match CharType::of(c, special) {
            Some(t) if of.contains(&t.name()) => seen[t as usize] = true,
            _ => stray = true,
        }
    }
    let n = seen.iter().filter(|s| **s).count() as u64;
    let actual = if stray {
        "a character of none of these types".to_owned()
    } else if n < min {
        format!("{n} of these types")
    } else {
        return None;
    };
    Some(broke(
        Rule::Classes {
            min,
            of: owned(of),
            special: special.map(str::to_owned),
        },
        actual,
    ))
}

pub fn required(is_set: bool) -> Option<Violation> {
    (!is_set).then(|| violation(RuleKind::Required, "set".into(), String::new()))
}

pub fn exclusive(both_set: bool, other: &str) -> Option<Violation> {
    both_set.then(|| {
        violation(
            RuleKind::Exclusive,
            format!("cannot be set together with {other}"),
            String::new(),
        )
    })
}

/// `set_needs` is whether the param this one needs is set too.
pub fn requires(is_set: bool, set_needs: bool, needs: &str) -> Option<Violation> {
    (is_set && !set_needs).then(|| {
        violation(
            RuleKind::Requires,
            format!("needs {needs} to be set too"),
            String::new(),
        )
    })
}

/// `set` says, for each of `params`, whether it is set: all or none must be.
pub fn together(set: &[bool], params: &[&str]) -> Option<Violation> {
    let some = set.iter().any(|s| *s);
    (some && !set.iter().all(|s| *s)).then(|| {
        let missing: Vec<&str> = params
            .iter()
            .zip(set)
            .filter(|(_, s)| !**s)
            .map(|(p, _)| *p)
            .collect();
        violation(
            RuleKind::Together,
            ecs_rules::Relation::Together {
                params: owned(params),
            }
            .to_string(),
            format!("{} not set", missing.join(", ")),
        )
    })
}

/// `any_set` is whether at least one of `params` is set.
pub fn any_of(any_set: bool, params: &[&str]) -> Option<Violation> {
    (!any_set).then(|| {
        violation(
            RuleKind::AnyOf,
            ecs_rules::Relation::AnyOf {
                params: owned(params),
            }
            .to_string(),
            String::new(),
        )
    })
}

/// `met` is whether the param this one depends on has the value that makes it take effect.
pub fn condition(is_set: bool, met: bool, depends_on: &str, value: &str) -> Option<Violation> {
    (is_set && !met).then(|| {
        broke(
            Rule::Condition {
                param: depends_on.to_owned(),
                value: value.to_owned(),
            },
            String::new(),
        )
    })
}
