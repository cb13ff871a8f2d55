//! The rules of one sentence: each known phrasing found is cut out of the sentence, and what is
//! left decides whether the sentence is also reported as unparsed.

use std::ops::Range;

use regex::{Captures, Regex};

use super::lists::{charset_list, first_char_list, literal_list};
use super::numeric::{self, empty_allowed, qualified_after, range_tail};
use super::patterns::*;
use super::{
    ParamInfo, ProseFacts, doc_constraint, is_enum_value, is_literal_value, normalize_name,
    push_enum,
};
use crate::spec::{Origin, Rule, ScalarType, Severity, SourceText, Sourced};

/// What the rest of the description tells the reader of one sentence.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Context {
    /// The sentence speaks of the param's value (see `scope`): when it does not, only the
    /// readers of counts, of the decoded size and of rules between params run.
    pub own: bool,
    /// The value is items joined by commas, so a count is of those items.
    pub joined: bool,
    /// The value is Base64 text, so a size of the raw data is of what it decodes to.
    pub base64: bool,
    /// The value is a JSON array (`["i-1","i-2"]`), so a count is of its items.
    pub json_array: bool,
}

/// Collects facts from one sentence and records it as unparsed when something is left over.
pub(super) fn read_sentence(
    facts: &mut ProseFacts,
    info: &ParamInfo,
    sentence: &str,
    line: usize,
    cx: Context,
) {
    let mut spans: Vec<Range<usize>> = Vec::new();
    let free = |spans: &[Range<usize>], r: &Range<usize>| {
        spans.iter().all(|s| s.end <= r.start || r.end <= s.start)
    };
    let take = |spans: &mut Vec<Range<usize>>, r: Range<usize>| -> bool {
        if free(spans, &r) {
            spans.push(r);
            true
        } else {
            false
        }
    };

    if DEPRECATED.is_match(sentence) {
        facts.deprecated.get_or_insert_with(|| sentence.to_string());
        return;
    }
    let first = facts.constraints.len();

    // N range of a list.
    for pattern in COUNT_RANGE.iter() {
        for caps in pattern.captures_iter(sentence) {
            if let Some((min, max)) = two_numbers(sentence, &caps)
                && take(&mut spans, whole(&caps))
            {
                let rule = list_count(Some(min), max);
                facts.constraints.push(doc_constraint(rule, line));
            }
        }
    }
    for caps in COUNT_LIST.captures_iter(sentence) {
        let values: Vec<u64> = caps[1]
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        let consecutive = values.windows(2).all(|w| w[1] == w[0] + 1);
        if let (true, Some(&min), Some(&max)) = (consecutive, values.first(), values.last())
            && take(&mut spans, whole(&caps))
        {
            let rule = Rule::Count {
                min: Some(min),
                max: Some(max),
                separator: None,
            };
            facts.constraints.push(doc_constraint(rule, line));
        }
    }
    // `The maximum value of N is 20`; `The value of N in NetworkInterface.N cannot be greater
    // than 1` only on a direct member of the list it names (`NetworkInterface.N.VSwitchId`),
    // whose counts go up to that list: on a deeper list (`NetworkInterface.N.SecurityGroupIds.N`)
    // it stays a note, since that list's own count would take it.
    let direct_member = |list: &str| {
        info.name
            .strip_prefix(list)
            .and_then(|rest| rest.strip_prefix(".N."))
            .is_some_and(|member| !member.contains('.'))
    };
    let maxima = COUNT_OF_LIST
        .captures_iter(sentence)
        .filter(|caps| direct_member(&caps[1]))
        .map(|caps| (caps.get(2).map(|m| m.as_str()), whole(&caps)))
        .chain(
            COUNT_MAX
                .captures_iter(sentence)
                .map(|caps| (caps.get(1).map(|m| m.as_str()), whole(&caps))),
        );
    for (max, span) in maxima.collect::<Vec<_>>() {
        if let Some(max) = max.and_then(number)
            && take(&mut spans, span)
        {
            facts
                .constraints
                .push(doc_constraint(list_count(None, max), line));
        }
    }

    for (rule, span) in numeric::counts(info, sentence, cx) {
        if take(&mut spans, span) {
            facts.constraints.push(doc_constraint(rule, line));
        }
    }
    // How the items are joined is understood, not a rule of its own.
    if cx.joined
        && let Some(m) = JOINED_BY_COMMAS.find(sentence)
    {
        take(&mut spans, m.range());
    }
    if cx.base64
        && let Some((rule, span)) = numeric::decoded_size(info, sentence)
        && take(&mut spans, span)
    {
        facts.constraints.push(doc_constraint(rule, line));
    }
    if cx.own {
        read_value_rules(facts, info, sentence, line, &mut spans);
    }

    // Mutual exclusion with named params.
    if let Some(m) = EXCLUSIVE.find(sentence)
        && let Some((a, b)) = exclusive_pair(info, sentence)
    {
        spans.push(0..sentence.len().max(m.end()));
        facts.exclusive.push((a, b, line));
    }

    // `..., except for Chinese names`: the rules hold but for a case the client cannot tell, so
    // they only warn.
    if let Some(m) = EXCEPTION.find(sentence) {
        let when = sentence[m.start()..].trim_end_matches('.').to_string();
        for c in &mut facts.constraints[first..] {
            c.severity = Severity::Warning;
            c.when = Some(when.clone());
        }
    }

    let mut rest = String::new();
    let mut last = 0;
    let mut sorted = spans.clone();
    sorted.sort_by_key(|r| r.start);
    for span in &sorted {
        if span.start >= last {
            rest.push_str(sentence.get(last..span.start).unwrap_or(""));
            last = span.end;
        }
    }
    rest.push_str(sentence.get(last..).unwrap_or(""));
    if has_trigger(&rest) {
        facts.unparsed.push(SourceText {
            text: sentence.to_string(),
            line,
        });
    }
}

/// The rules on the param's own value: lengths, ranges, formats, characters, values, defaults,
/// conditions. Each match takes its span of the sentence.
fn read_value_rules(
    facts: &mut ProseFacts,
    info: &ParamInfo,
    sentence: &str,
    line: usize,
    spans: &mut Vec<Range<usize>>,
) {
    let free = |spans: &[Range<usize>], r: &Range<usize>| {
        spans.iter().all(|s| s.end <= r.start || r.end <= s.start)
    };
    let take = |spans: &mut Vec<Range<usize>>, r: Range<usize>| -> bool {
        if free(spans, &r) {
            spans.push(r);
            true
        } else {
            false
        }
    };

    // Length in characters.
    for pattern in std::iter::once(&*LENGTH_LEGACY).chain(std::iter::once(&*LENGTH_RANGE)) {
        for caps in pattern.captures_iter(sentence) {
            if let Some((min, max)) = two_numbers(sentence, &caps)
                && min >= 0
                && !qualified_after(sentence, whole(&caps).end)
                && take(spans, whole(&caps))
            {
                let min = (!empty_allowed(sentence, &whole(&caps))).then_some(min as u64);
                let rule = Rule::Length {
                    min,
                    max: Some(max as u64),
                };
                facts.constraints.push(doc_constraint(rule, line));
            }
        }
    }
    for pattern in LENGTH_MAX.iter() {
        for caps in pattern.captures_iter(sentence) {
            if let Some(max) = caps.get(1).and_then(|m| number(m.as_str()))
                && max >= 0
                && !qualified_after(sentence, whole(&caps).end)
                && take(spans, whole(&caps))
            {
                let rule = Rule::Length {
                    min: None,
                    max: Some(max as u64),
                };
                facts.constraints.push(doc_constraint(rule, line));
            }
        }
    }
    for caps in LENGTH_MIN.captures_iter(sentence) {
        if let Some(min) = caps.get(1).and_then(|m| number(m.as_str()))
            && min >= 0
            && !qualified_after(sentence, whole(&caps).end)
            && take(spans, whole(&caps))
        {
            let rule = Rule::Length {
                min: Some(min as u64),
                max: None,
            };
            facts.constraints.push(doc_constraint(rule, line));
        }
    }

    if let Some(m) = ANY_CHARACTERS.find(sentence) {
        take(spans, m.range());
    }

    // `cannot be an empty string`: at least one character.
    if info.ty == Some(ScalarType::String)
        && let Some(m) = NOT_EMPTY.find(sentence)
        && take(spans, m.range())
    {
        let rule = Rule::Length {
            min: Some(1),
            max: None,
        };
        facts.constraints.push(doc_constraint(rule, line));
    }

    // Numeric ranges only mean something for numeric params.
    let numeric = matches!(
        info.ty,
        Some(ScalarType::Integer | ScalarType::Long | ScalarType::Float | ScalarType::Double)
    );
    // A text param whose value is a number (`Priority`, a String, `Valid values: 1 to 100`):
    // only the `Valid values:` phrasings, and no unit after the bound (`1 to 64 characters`).
    let numeric_text = info.ty == Some(ScalarType::String);
    let unit_after = |end: usize| {
        sentence[end..]
            .trim_start()
            .starts_with(|c: char| c.is_alphabetic())
    };
    if numeric || numeric_text {
        for (k, pattern) in RANGE.iter().enumerate() {
            if !numeric && k >= 2 {
                break;
            }
            for caps in pattern.captures_iter(sentence) {
                if let Some((min, max)) = two_numbers(sentence, &caps)
                    && (numeric || !unit_after(whole(&caps).end))
                    && let Some(also) = range_tail(sentence, whole(&caps).end)
                    && take(spans, whole(&caps))
                {
                    let rule = Rule::Range {
                        min: Some(min),
                        max: Some(max),
                        also,
                    };
                    facts.constraints.push(doc_constraint(rule, line));
                }
            }
        }
    }
    if numeric {
        for (pattern, is_min) in [(&*RANGE_MIN, true), (&*RANGE_MAX, false)] {
            for caps in pattern.captures_iter(sentence) {
                let Some(value) = caps.get(1).filter(|m| clean_number_end(sentence, m.end()))
                else {
                    continue;
                };
                if let Some(n) = number(value.as_str())
                    && take(spans, whole(&caps))
                {
                    let rule = if is_min {
                        Rule::Range {
                            min: Some(n),
                            max: None,
                            also: Vec::new(),
                        }
                    } else {
                        Rule::Range {
                            min: None,
                            max: Some(n),
                            also: Vec::new(),
                        }
                    };
                    facts.constraints.push(doc_constraint(rule, line));
                }
            }
        }
    }

    // Defaults.
    if let Some(m) = EMPTY_DEFAULT.find(sentence) {
        take(spans, m.range());
    }
    for pattern in DEFAULT.iter() {
        if let Some(caps) = pattern.captures(sentence) {
            let value = caps.get(1).map_or("", |m| m.as_str()).trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'' || c == '`');
            if is_literal_value(value) && free(spans, &whole(&caps)) && facts.default.is_none() {
                spans.push(whole(&caps));
                facts.default = Some(Sourced {
                    value: value.to_string(),
                    line,
                    origin: Origin::Doc,
                });
            }
        }
    }

    // Character types a password needs (before `must contain` reads a character set).
    if let Some((rule, span)) = super::classes::read_sentence(sentence)
        && take(spans, span)
    {
        facts.constraints.push(doc_constraint(rule, line));
    }

    // Allowed characters, first character, forbidden prefixes and substrings: a trigger phrase,
    // then a list read from the text after it.
    type ReadAfter = fn(&str) -> Option<(Rule, usize)>;
    let phrase_rules: [(&Regex, ReadAfter); 4] = [
        (&CONTAIN, |s| {
            charset_list(s).map(|(class, end)| (Rule::Charset { class }, end))
        }),
        (&FIRST_CHAR, |s| {
            first_char_list(s).map(|(class, end)| (Rule::FirstChar { class }, end))
        }),
        (&NOT_PREFIX, |s| {
            literal_list(s).map(|(prefixes, end)| (Rule::NotPrefix { prefixes }, end))
        }),
        (&NOT_CONTAIN, |s| {
            literal_list(s).map(|(needles, end)| (Rule::NotContains { needles }, end))
        }),
    ];
    for m in OR_CONTAIN.find_iter(sentence) {
        if NOT_PREFIX.is_match(&sentence[..m.start()])
            && let Some((needles, end)) = literal_list(&sentence[m.end()..])
            && take(spans, m.start()..m.end() + end)
        {
            let rule = Rule::NotContains { needles };
            facts.constraints.push(doc_constraint(rule, line));
        }
    }
    for (trigger, read_after) in phrase_rules {
        for m in trigger.find_iter(sentence) {
            if let Some((rule, end)) = read_after(&sentence[m.end()..])
                && take(spans, m.start()..m.end() + end)
            {
                facts.constraints.push(doc_constraint(rule, line));
            }
        }
    }

    // Inline enumeration: `Valid values: A, B, and C.`
    if let Some(caps) = ENUM_INLINE.captures(sentence)
        && let Some(values) = caps.get(1).and_then(|m| inline_values(m.as_str()))
        && take(spans, whole(&caps))
    {
        push_enum(facts, info, values, line);
    }

    // `The valid values of Period are 1 to 9` / `... are 1, 2, and 3`, of the param itself only.
    if let Some(caps) = VALUES_OF_RANGE.captures(sentence)
        && names_self(info, &caps[1])
        && let (Some(a), Some(b)) = (caps.get(2), caps.get(3))
        && clean_number_start(sentence, a.start())
        && clean_number_end(sentence, b.end())
        && let (Some(min), Some(max)) = (number(a.as_str()), number(b.as_str()))
        && min <= max
        && numeric
        && take(spans, whole(&caps))
    {
        let rule = Rule::Range {
            min: Some(min),
            max: Some(max),
            also: Vec::new(),
        };
        facts.constraints.push(doc_constraint(rule, line));
    }
    if let Some(caps) = VALUES_OF_LIST.captures(sentence)
        && names_self(info, &caps[1])
        && let Some(values) = caps.get(2).and_then(|m| inline_values(m.as_str()))
        && take(spans, whole(&caps))
    {
        push_enum(facts, info, values, line);
    }

    // Dependency on another param's value.
    if let Some(caps) = CONDITION.captures(sentence) {
        let param = caps.get(1).map_or("", |m| m.as_str());
        let value = caps
            .get(2)
            .map_or("", |m| m.as_str())
            .trim_matches(['"', '\'']);
        if let Some(known) = known_param(info, param)
            && !value.is_empty()
            && take(spans, whole(&caps))
        {
            let rule = Rule::Condition {
                param: known,
                value: value.to_string(),
            };
            facts.constraints.push(doc_constraint(rule, line));
        }
    }

    // Bounds, sizes and forms in other words than the ones above.
    let more = numeric::bounds(info, sentence)
        .into_iter()
        .chain(numeric::formats(info, sentence));
    for (rule, span) in more {
        if take(spans, span) {
            facts.constraints.push(doc_constraint(rule, line));
        }
    }
}

/// The count of an `X.N` list's items; a negative bound says nothing.
fn list_count(min: Option<i64>, max: i64) -> Rule {
    Rule::Count {
        min: min.and_then(|m| u64::try_from(m).ok()),
        max: u64::try_from(max).ok(),
        separator: None,
    }
}

fn whole(caps: &Captures) -> Range<usize> {
    caps.get(0).map_or(0..0, |m| m.range())
}

/// A number match must not be part of a decimal (`0.5`) or a longer token.
fn clean_number_end(text: &str, end: usize) -> bool {
    let after = &text[end..];
    let decimal = after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit());
    let longer_token = after.starts_with(|c: char| c.is_ascii_alphanumeric());
    !decimal && !longer_token
}

fn clean_number_start(text: &str, start: usize) -> bool {
    !text[..start].ends_with(|c: char| c == '.' || c.is_ascii_digit())
}

fn two_numbers(text: &str, caps: &Captures) -> Option<(i64, i64)> {
    let a = caps.get(1)?;
    let b = caps.get(2)?;
    if !clean_number_start(text, a.start()) || !clean_number_end(text, b.end()) {
        return None;
    }
    let (min, max) = (number(a.as_str())?, number(b.as_str())?);
    (min <= max).then_some((min, max))
}

/// Whether `mention` (`this`, `Period`, `DataDisk.N.Size`) is the param itself.
fn names_self(info: &ParamInfo, mention: &str) -> bool {
    let own = normalize_name(info.name);
    let wanted = normalize_name(mention.trim_end_matches('.'));
    let last = own.rsplit('.').next().unwrap_or(&own);
    wanted == "this" || wanted == own || wanted == last
}

/// The known request param a prose reference means (case-insensitive, `.N` forms accepted).
fn known_param(info: &ParamInfo, mention: &str) -> Option<String> {
    let wanted = normalize_name(mention.trim_end_matches('.'));
    info.known
        .iter()
        .find(|k| normalize_name(k) == wanted)
        .cloned()
}

fn exclusive_pair(info: &ParamInfo, sentence: &str) -> Option<(String, String)> {
    let mut mentioned: Vec<String> = Vec::new();
    for word in sentence.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')) {
        let word = word.trim_end_matches('.');
        if word.is_empty() {
            continue;
        }
        for known in info.known {
            let base = known.split('.').next().unwrap_or(known);
            if (known == word || base == word) && !mentioned.contains(known) {
                mentioned.push(known.clone());
            }
        }
    }
    let others: Vec<&String> = mentioned
        .iter()
        .filter(|m| m.as_str() != info.name)
        .collect();
    let mentions_self = mentioned.iter().any(|m| m == info.name)
        || sentence.to_ascii_lowercase().contains("this parameter");
    let pair = match (others.as_slice(), mentions_self) {
        ([other], _) => (info.name.to_string(), (*other).clone()),
        ([a, b], false) => ((*a).clone(), (*b).clone()),
        _ => return None,
    };
    // Two members of one list item (`NetworkInterface.N.SecurityGroupId` and `…SecurityGroupIds.N`)
    // are not two params of the operation: the sentence stays a note.
    let top = |n: &str| n.split('.').next().unwrap_or(n).to_string();
    (top(&pair.0) != top(&pair.1)).then_some(pair)
}

/// `A, B, and C.` → values, when every item is a literal-looking token and there are at least two.
fn inline_values(text: &str) -> Option<Vec<String>> {
    // `a, b, and more`: a list that goes on is not every valid value.
    if super::INCOMPLETE.is_match(text) {
        return None;
    }
    let text = text.trim().trim_end_matches('.');
    let mut values = Vec::new();
    for part in text.split(',') {
        for piece in part.split(" and ").flat_map(|p| p.split(" or ")) {
            let piece = piece.trim();
            let piece = piece
                .strip_prefix("and ")
                .or_else(|| piece.strip_prefix("or "))
                .unwrap_or(piece);
            let piece = piece.trim().trim_matches(['"', '\'', '`']);
            if piece.is_empty() {
                continue;
            }
            if !is_enum_value(piece) {
                return None;
            }
            values.push(piece.to_string());
        }
    }
    (values.len() >= 2).then_some(values)
}
