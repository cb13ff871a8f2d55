//! The phrasings of bounds, counts and formats beyond `Valid values: A to B`: comparisons
//! (`must be greater than 0`, `a positive integer`, `cannot be greater than 5`), intervals with
//! open ends (`(0, 100]`), a range with escape values in bullets (`-1: forever`, `1 to 65535:
//! days`), counts of a JSON array (`a JSON array that consists of up to 100 instance IDs`), sizes
//! in bytes (`cannot exceed 16 KB in size`), Base64, JSON, ASCII-only, and UTC time pictures
//! (`yyyy-MM-ddTHH:mm:ssZ`). Each reader returns the rules with the span it used; the sentence
//! reader decides, with the others, what is left over.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::ParamInfo;
use super::patterns::number;
use super::sentence::Context;
use crate::doc::TextLine;
use crate::spec::{Rule, ScalarType};

const NUM: &str = r"(-?\d{1,3}(?:,\d{3})+|-?\d+)";

fn re(pattern: &str) -> Regex {
    let full = format!("(?i){}", pattern.replace("NUM", NUM));
    Regex::new(&full).unwrap_or_else(|e| panic!("bad built-in pattern {pattern}: {e}"))
}

type Found = Vec<(Rule, Range<usize>)>;

fn range(min: Option<i64>, max: Option<i64>) -> Rule {
    Rule::Range {
        min,
        max,
        also: Vec::new(),
    }
}

/// The number ends a clause: not a decimal, not followed by a unit or a noun, which would make
/// it a bound on something else (`16 KB`, `3 hours`, `20 disks`).
fn bare_number_end(text: &str, end: usize) -> bool {
    let after = &text[end..];
    if after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '%') {
        return false;
    }
    let next = after
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    next.is_empty() || ["and", "or", "if", "when", "but", "otherwise"].contains(&next.as_str())
}

fn integer(info: &ParamInfo) -> bool {
    matches!(info.ty, Some(ScalarType::Integer | ScalarType::Long))
}

/// (pattern, what the number means): min/max, and the shift an exclusive bound needs.
static COMPARISONS: LazyLock<Vec<(Regex, bool, i64)>> = LazyLock::new(|| {
    vec![
        // Negated first: their spans cover the plain forms inside them.
        (
            re(
                r"\b(?:cannot|can't|can not|must not|should not|shall not) be (?:greater|more|larger) than NUM",
            ),
            false,
            0,
        ),
        (
            re(r"\b(?:cannot|can't|can not|must not|should not) be (?:less|smaller) than NUM"),
            true,
            0,
        ),
        (
            re(
                r"\b(?:(?:must|should|can) be |is )?(?:greater than or equal to|no less than|not less than) NUM",
            ),
            true,
            0,
        ),
        (
            re(
                r"\b(?:(?:must|should|can) be |is )?(?:less than or equal to|no greater than|not greater than) NUM",
            ),
            false,
            0,
        ),
        (
            re(r"\b(?:(?:must|should|can) be |is )?(?:greater|larger) than NUM"),
            true,
            1,
        ),
        (
            re(r"\b(?:(?:must|should|can) be |is )?(?:less|smaller) than NUM"),
            false,
            -1,
        ),
        (
            re(r"\b(?:(?:must|should|can) be |is )?at least NUM"),
            true,
            0,
        ),
        (
            re(
                r"\b(?:at most|no more than|not more than|cannot exceed|can't exceed|must not exceed|should not exceed)\s+NUM",
            ),
            false,
            0,
        ),
    ]
});
static POSITIVE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:must be |is |be )?a positive integer\b"));
/// `(0, 100]`, `[1, 30)`: an interval after a word that says it bounds the value.
static INTERVAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:valid values?|value range|valid range|range|values?)(?: is| are)?:?\s*(?:in )?(\(|\[)\s*NUM\s*,\s*NUM\s*(\)|\])",
    )
});

/// Numeric bounds of an integer param in other words than `Valid values: A to B`.
pub(super) fn bounds(info: &ParamInfo, sentence: &str) -> Found {
    let mut out = Found::new();
    // A String that holds a number (`TotalTargetCapacity`): only the words that say so.
    if info.ty == Some(ScalarType::String) {
        if let Some(m) = POSITIVE.find(sentence) {
            out.push((range(Some(1), None), m.range()));
        }
        return out;
    }
    if !integer(info) {
        return out;
    }
    for caps in INTERVAL.captures_iter(sentence) {
        let (Some(a), Some(b)) = (num(&caps, 2), num(&caps, 3)) else {
            continue;
        };
        let lo = if &caps[1] == "(" { a + 1 } else { a };
        let hi = if &caps[4] == ")" { b - 1 } else { b };
        if lo <= hi && bare_number_end(sentence, caps.get(3).map_or(0, |m| m.end())) {
            out.push((range(Some(lo), Some(hi)), whole(&caps)));
        }
    }
    if let Some(m) = POSITIVE.find(sentence) {
        out.push((range(Some(1), None), m.range()));
    }
    for (pattern, is_min, shift) in COMPARISONS.iter() {
        for caps in pattern.captures_iter(sentence) {
            let Some(m) = caps.get(1) else { continue };
            let Some(n) = number(m.as_str()) else {
                continue;
            };
            if !bare_number_end(sentence, m.end()) {
                continue;
            }
            let n = n + shift;
            let rule = if *is_min {
                range(Some(n), None)
            } else {
                range(None, Some(n))
            };
            out.push((rule, whole(&caps)));
        }
    }
    out
}

static JSON_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bJSON(?:-formatted)? array (?:that )?(?:consists? of|consisting of|containing|contains|of|with) (?:up to|a maximum of|at most|no more than) NUM\b",
    )
});
static LIST_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:up to|a maximum of|at most) NUM (?:[A-Za-z]+ ){0,3}?(?:IDs|names|addresses|values|items|elements|instances|tags) can be (?:specified|entered|passed|set)",
    )
});

/// `You can specify up to 50 instance IDs in each request.`
static LIST_COUNT_YOU: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\byou can (?:specify|enter) (?:up to|a maximum of|at most) NUM (?:[A-Za-z]+ ){0,3}?(?:IDs|names|tasks|items|values|addresses|tags|points in time)\b",
    )
});

/// Counts of items: of a JSON array in one string, of an `X.N` list, or (`joined`) of the
/// comma-separated items of a text (`i-1,i-2`).
pub(super) fn counts(info: &ParamInfo, sentence: &str, cx: Context) -> Found {
    let mut out = Found::new();
    let joined = cx.joined;
    let list = info.name.ends_with(".N") || info.name.ends_with(".n") || cx.json_array;
    let json = JSON_COUNT.is_match(sentence);
    let patterns = [
        (&*JSON_COUNT, true, None),
        (&*LIST_COUNT, list, None),
        (&*LIST_COUNT_YOU, list, None),
        // A sentence about a JSON array is not about joined text.
        (&*LIST_COUNT, joined && !list && !json, Some(",")),
        (&*LIST_COUNT_YOU, joined && !list && !json, Some(",")),
    ];
    for (pattern, applies, separator) in patterns {
        if !applies {
            continue;
        }
        for caps in pattern.captures_iter(sentence) {
            if let Some(n) = num(&caps, 1).and_then(|n| u64::try_from(n).ok()) {
                let rule = Rule::Count {
                    min: None,
                    max: Some(n),
                    separator: separator.map(str::to_string),
                };
                out.push((rule, whole(&caps)));
            }
        }
    }
    out
}

static BASE64: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:must|should) be (?:encoded in Base64|Base64-encoded|Base64 encoded|encoded by using Base64)\b",
    )
});
static JSON_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:must be|is) (?:a |in )?(?:the )?(?:JSON string|JSON-formatted string|JSON format)\b")
});
static ASCII_ONLY: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bonly ASCII characters are (?:allowed|supported)\b"));
/// `cannot exceed 16 KB in size`, optionally `after (it is) encoded (in Base64)`; a limit
/// `before` encoding is on another text than the value, and does not match.
static SIZE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:cannot|can't|must not|should not) exceed NUM\s*(KB|KiB|MB|MiB|bytes)(?: in size)?(?: after (?:it is )?(?:encoded|encoding)(?: in Base64)?)?(?:[.,;]|$| and\b)",
    )
});
/// `must be 1 to 64 bytes in length`, `can be up to 64 bytes in length`: the text's own size.
static BYTES_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:must be|can be|is) (?:from )?NUM to NUM bytes(?: in length| long| in size)?")
});
static BYTES_MAX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:must be|can be|is) (?:up to|at most|no more than) NUM bytes(?: in length| long| in size)?",
    )
});

/// A limit on the data before Base64 encoding: `The maximum size of raw data is 16 KB`, `must be
/// no greater than 16 KB before it is encoded in Base64`.
static DECODED_SIZE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(r"\b(?:the )?maximum size of (?:the )?raw data is NUM\s*(KB|KiB|MB|MiB|bytes)\b"),
        re(
            r"\b(?:must be no greater than|cannot exceed|must not exceed|can be up to) NUM\s*(KB|KiB|MB|MiB|bytes)(?: in size)? before (?:it is )?(?:encoded|encoding)(?: in Base64)?",
        ),
    ]
});

/// The size limit of the data a Base64 value decodes to, with its span.
pub(super) fn decoded_size(info: &ParamInfo, sentence: &str) -> Option<(Rule, Range<usize>)> {
    if info.ty != Some(ScalarType::String) {
        return None;
    }
    DECODED_SIZE.iter().find_map(|pattern| {
        let caps = pattern.captures(sentence)?;
        let n = num(&caps, 1).and_then(|n| u64::try_from(n).ok())?;
        let rule = Rule::Bytes {
            min: None,
            max: Some(n * unit_bytes(&caps[2])),
            decoded: true,
        };
        Some((rule, whole(&caps)))
    })
}

fn unit_bytes(unit: &str) -> u64 {
    match unit.to_ascii_lowercase().as_str() {
        "kb" | "kib" => 1024,
        "mb" | "mib" => 1024 * 1024,
        _ => 1,
    }
}

static TIME_PICTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(yyyy-mm-dd)(?:(t)(hh)(:mm)?(:ss)?)?(z)?\b").expect("valid")
});
static FORMAT_WORD: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bformat\b|\bthe time must be in UTC\b"));

/// Forms of a text value: Base64, JSON, ASCII only, a byte size, a UTC time picture.
pub(super) fn formats(info: &ParamInfo, sentence: &str) -> Found {
    let mut out = Found::new();
    if info.ty != Some(ScalarType::String) {
        return out;
    }
    let format = |name: &str| Rule::Format {
        format: name.to_string(),
    };
    if let Some(m) = BASE64.find(sentence) {
        out.push((format("base64"), m.range()));
    }
    if let Some(m) = JSON_TEXT.find(sentence)
        && !sentence[m.end()..].trim_start().starts_with("array")
    {
        out.push((format("json"), m.range()));
    }
    if let Some(m) = ASCII_ONLY.find(sentence) {
        out.push((ascii(), m.range()));
    }
    for caps in BYTES_RANGE.captures_iter(sentence) {
        let (Some(min), Some(max)) = (num(&caps, 1), num(&caps, 2)) else {
            continue;
        };
        if let (Ok(min), Ok(max)) = (u64::try_from(min), u64::try_from(max))
            && min <= max
        {
            let rule = Rule::Bytes {
                min: Some(min),
                max: Some(max),
                decoded: false,
            };
            out.push((rule, whole(&caps)));
        }
    }
    for caps in BYTES_MAX.captures_iter(sentence) {
        if let Some(max) = num(&caps, 1).and_then(|n| u64::try_from(n).ok()) {
            let rule = Rule::Bytes {
                min: None,
                max: Some(max),
                decoded: false,
            };
            out.push((rule, whole(&caps)));
        }
    }
    for caps in SIZE.captures_iter(sentence) {
        let Some(n) = num(&caps, 1).and_then(|n| u64::try_from(n).ok()) else {
            continue;
        };
        let rule = Rule::Bytes {
            min: None,
            max: Some(n * unit_bytes(&caps[2])),
            decoded: false,
        };
        out.push((rule, whole(&caps)));
    }
    if FORMAT_WORD.is_match(sentence)
        && let Some(caps) = TIME_PICTURE.captures(sentence)
    {
        let mut picture = String::from("yyyy-MM-dd");
        if caps.get(2).is_some() {
            picture.push_str("THH");
            if caps.get(4).is_some() {
                picture.push_str(":mm");
                if caps.get(5).is_some() {
                    picture.push_str(":ss");
                }
            }
        }
        if caps.get(6).is_some() {
            picture.push('Z');
        }
        out.push((format(&picture), whole(&caps)));
    }
    out
}

/// Every character ASCII (`can contain only ASCII characters`).
pub(super) fn ascii() -> Rule {
    Rule::Charset {
        class: r"\x00-\x7F".to_string(),
    }
}

/// `Valid values:` bullets that are one integer range and escape values (`-1: forever`,
/// `1 to 65535: days`) on an integer param.
pub(super) fn range_bullets(info: &ParamInfo, items: &[&TextLine]) -> Option<Rule> {
    static SPAN: LazyLock<Regex> = LazyLock::new(|| re(r"^NUM\s*(?:to|-|~)\s*NUM$"));
    if !integer(info) || items.len() < 2 {
        return None;
    }
    let mut bounds = None;
    let mut also = Vec::new();
    for item in items {
        let head = item.text.split(':').next()?.trim();
        if let Some(caps) = SPAN.captures(head) {
            if bounds.is_some() {
                return None;
            }
            let (a, b) = (num(&caps, 1)?, num(&caps, 2)?);
            bounds = (a <= b).then_some((a, b));
            bounds?;
        } else {
            also.push(number(head).filter(|_| !head.contains(','))?);
        }
    }
    let (min, max) = bounds?;
    (!also.is_empty()).then_some(Rule::Range {
        min: Some(min),
        max: Some(max),
        also,
    })
}

fn num(caps: &Captures, i: usize) -> Option<i64> {
    number(caps.get(i)?.as_str())
}

fn whole(caps: &Captures) -> Range<usize> {
    caps.get(0).map_or(0..0, |m| m.range())
}

/// The values listed after a range (`1 to 9, 12, 24, and 36`): allowed too. `None` when the list
/// goes on with another range (`1 to 9, 12 to 20`), which one range cannot say; a clause after
/// the comma (`1 to 100, and the default is 10`) is no list.
pub(super) fn range_tail(sentence: &str, end: usize) -> Option<Vec<i64>> {
    let mut also = Vec::new();
    let mut rest = &sentence[end..];
    let next = rest.trim_start().to_ascii_lowercase();
    // `0 and 10 to 100`, `1 to 9 and 12`: more than the matched range, in words it cannot follow.
    let more = ["to ", "- ", "~", "and ", "or "]
        .iter()
        .any(|w| next.starts_with(w))
        || next.starts_with(|c: char| c.is_ascii_digit());
    if more || qualified_after(sentence, end) {
        return None;
    }
    while let Some(after) = rest.trim_start().strip_prefix(',') {
        let item = after.trim_start();
        let item = ["and ", "or "]
            .iter()
            .find_map(|w| item.strip_prefix(w))
            .unwrap_or(item);
        let digits = item
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
            .map_or(item.len(), |(i, _)| i);
        let Ok(value) = item[..digits].parse::<i64>() else {
            break;
        };
        rest = &item[digits..];
        if rest.trim_start().starts_with(|c: char| c.is_alphanumeric()) {
            // `12 to 20`, `12 GiB`: not a bare value.
            return None;
        }
        also.push(value);
    }
    Some(also)
}

/// `1 to 10 (for ESSDs)`, `2 to 15 characters (Windows only)`: a case right after a bound, which
/// the bound holds in only.
pub(super) fn qualified_after(sentence: &str, end: usize) -> bool {
    let next = sentence[end..].trim_start();
    let Some(inside) = next.strip_prefix('(').and_then(|t| t.split_once(')')) else {
        return false;
    };
    let inside = format!(" {} ", inside.0.to_ascii_lowercase());
    [" for ", " when ", " if ", " except ", " unless ", " only "]
        .iter()
        .any(|w| inside.contains(w))
}

/// `can be empty or 2 to 256 characters`, `2 to 128 characters in length, or empty`: the empty
/// text is allowed too.
pub(super) fn empty_allowed(sentence: &str, span: &Range<usize>) -> bool {
    let before = sentence[..span.start].trim_end().to_ascii_lowercase();
    let after = sentence[span.end..].trim_start().to_ascii_lowercase();
    before.ends_with("empty or")
        || [", or empty", "or empty", ", or left empty", "or left empty"]
            .iter()
            .any(|w| after.starts_with(w))
}
