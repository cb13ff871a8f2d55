//! Constraints from the prose of a request row's Description cell.
//!
//! Each sentence is matched against known phrasings; the matched spans are cut out, and a sentence
//! whose rest still contains constraint-like words goes to `unparsed` whole. Nothing is guessed.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::doc::TextLine;
use crate::spec::{Constraint, Origin, Rule, ScalarType, SourceText, Sourced};

/// What the prose of one param says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProseFacts {
    pub constraints: Vec<Constraint>,
    pub default: Option<Sourced<String>>,
    pub unparsed: Vec<SourceText>,
    /// The sentence saying the param is deprecated or going away.
    pub deprecated: Option<String>,
    /// Pairs of doc names that cannot be set together, with the line.
    pub exclusive: Vec<(String, String, usize)>,
}

/// What the prose reader needs to know about the param and its siblings.
pub struct ParamInfo<'a> {
    /// The doc name of the param (`ExcludeDiskId.N`).
    pub name: &'a str,
    /// Scalar type of the value (or of the list items).
    pub ty: Option<ScalarType>,
    /// Doc names of all request params, to recognise references in conditions and exclusions.
    pub known: &'a [String],
}

const NUM: &str = r"(-?\d{1,3}(?:,\d{3})+|-?\d+)";

fn re(pattern: &str) -> Regex {
    let full = format!("(?i){}", pattern.replace("NUM", NUM));
    // The patterns are constants of this file; a typo is a programming error caught by tests.
    Regex::new(&full).unwrap_or_else(|e| panic!("bad built-in pattern {pattern}: {e}"))
}

static COUNT_RANGE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(r"\bvalid values? of N(?: is| are)?:?\s*(?:from )?NUM\s*(?:to|-|~)\s*NUM"),
        re(r"\bN is an integer (?:from|between|in the range of|ranging from) NUM (?:to|and) NUM"),
        re(
            r"\b(?:the )?value of N (?:is|can be|must be|ranges)?\s*(?:from |between )?NUM (?:to|and) NUM",
        ),
        re(r"\bN ranges? from NUM to NUM"),
    ]
});
static COUNT_MAX: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:the )?maximum value of N is NUM"));

static LENGTH_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?:must|can|should|is) (?:be |contain )?)?(?:a string of |from )?(?:between )?NUM\s*(?:to|and|-)\s*NUM (?:characters|chars)(?: in length| long)?",
    )
});
static LENGTH_MAX: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(
            r"(?:(?:must|can|should|is) (?:be |contain )?)?(?:up to|at most|no more than|not more than|a maximum of|maximum of|no longer than) NUM (?:characters|chars)(?: in length| long)?",
        ),
        re(
            r"(?:cannot|can't|can not|must not|should not|shall not) (?:exceed|be longer than|be more than) NUM (?:characters|chars)(?: in length)?",
        ),
        re(r"(?:the )?maximum length (?:is|of) NUM (?:characters|chars)"),
    ]
});
static LENGTH_MIN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?:must|should) (?:be |contain ))?(?:at least|a minimum of|no less than|no fewer than) NUM (?:characters|chars)(?: in length| long)?",
    )
});
static LENGTH_LEGACY: LazyLock<Regex> =
    LazyLock::new(|| re(r"\blength:?\s*\[\s*NUM\s*,\s*NUM\s*\]"));

static RANGE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(
            r"\b(?:valid values?|value range|valid range|range of values|the range)(?: is)?:?\s*(?:from )?(?:between )?NUM\s*(?:to|and|-|~)\s*NUM",
        ),
        re(r"\b(?:valid values?|value range|valid range)(?: is)?:?\s*\[\s*NUM\s*,\s*NUM\s*\]"),
        re(r"\b(?:in the )?range of NUM to NUM"),
        re(r"\b(?:must be|is) between NUM and NUM"),
    ]
});
static RANGE_MIN: LazyLock<Regex> = LazyLock::new(|| re(r"\bminimum value(?: is|:)?\s*NUM"));
static RANGE_MAX: LazyLock<Regex> = LazyLock::new(|| re(r"\bmaximum value(?: is|:)?\s*NUM"));

static ENUM_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:valid values?|optional values?|possible values?|options|values|valid options)(?: include)?:\s*$",
    )
});
static ENUM_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:valid values?|optional values?|possible values?|options)(?: include)?:?\s*(.+)$")
});
static DEFAULT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(r"\bdefault(?: value)?:\s*(.+?)\.?$"),
        re(r"\bthe default(?: value)? is (.+?)\.?$"),
        re(r"\bdefaults to (.+?)\.?$"),
    ]
});
static EMPTY_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:is |are )?(?:empty|null|not specified|left empty) by default|\bdefault(?: value)?(?: is|:)\s*(?:null|empty)\.?",
    )
});
static CONTAIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:can|may|must) (?:only )?contain(?: only)?\s+"));
static FIRST_CHAR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:must|should) (?:start|begin) with\s+"));
static NOT_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:cannot|can't|can not|must not|should not|shall not) (?:start|begin) with\s+")
});
static NOT_CONTAIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:cannot|can't|can not|must not|should not) contain\s+"));
static CONDITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:takes? effect|is valid|is available|is used|is effective|applies|can be (?:set|specified|used)) only (?:when|if) (?:the )?`?([A-Za-z][\w.]*)`?(?: parameter)? is set to `?([^\s`,]+?)`?(?:\.|,|$)",
    )
});
static EXCLUSIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"cannot be (?:specified|set|used|configured) (?:at the same time|together|simultaneously)|cannot specify both|mutually exclusive",
    )
});
static DEPRECATED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"will be removed|\bdeprecated\b|no longer (?:supported|available|maintained)|discontinued")
});

/// Words that make a sentence look like a constraint (matched as whole words).
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:valid values?|optional values?|possible values?|characters?|must|cannot|can not|can't|ranges?|maximum value|minimum value|a maximum of|a minimum of|maximum length|minimum length|only when|only if|at the same time|default|at most|up to|no more than|exceed|length|can contain|may contain|must contain|only contain|contains only|cannot contain|start with|begin with|between|required if|required when|mutually exclusive|allowed)\b",
    )
});

fn has_trigger(text: &str) -> bool {
    TRIGGER.is_match(text)
}

/// Sentences that only hold in some case (`For Windows instances, ...`, `If ...`) give no rules.
static QUALIFIED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:note:\s*)?(?:for|if|when|whenever|unless|in|on|after|before|once)\b")
});

fn number(text: &str) -> Option<i64> {
    text.replace(',', "").parse().ok()
}

/// Reads the constraints of one param from its Description cell lines.
pub fn read(lines: &[TextLine], info: &ParamInfo) -> ProseFacts {
    let mut facts = ProseFacts::default();
    // Indent of a bullet that opened a case (`For Linux instances,`); deeper bullets are in it.
    let mut case_indent: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if line.code {
            i += 1;
            continue;
        }
        let sentences = split_sentences(&line.text);
        let in_case = match (line.bullet, case_indent) {
            (Some(indent), Some(open)) if indent > open => true,
            _ => {
                case_indent = None;
                false
            }
        };
        let opens_case = sentences.first().is_some_and(|s| QUALIFIED.is_match(s))
            || line.text.ends_with(',')
            || (line.text.ends_with(':') && !ENUM_HEADER.is_match(&line.text));
        if let (Some(indent), true, false) = (line.bullet, opens_case, in_case) {
            case_indent = Some(indent);
        }
        if in_case || (line.bullet.is_some() && opens_case) {
            for sentence in &sentences {
                if has_trigger(sentence) {
                    facts.unparsed.push(SourceText {
                        text: sentence.clone(),
                        line: line.line,
                    });
                }
            }
            i += 1;
            continue;
        }
        let last = sentences.len().saturating_sub(1);
        for (k, sentence) in sentences.iter().enumerate() {
            if QUALIFIED.is_match(sentence) && !DEPRECATED.is_match(sentence) {
                if has_trigger(sentence) {
                    facts.unparsed.push(SourceText {
                        text: sentence.clone(),
                        line: line.line,
                    });
                }
            } else if k == last && ENUM_HEADER.is_match(sentence) {
                let (items, next) = bullet_items(lines, i + 1);
                i = next - 1;
                enum_from_bullets(&mut facts, info, sentence, line.line, &items);
            } else {
                read_sentence(&mut facts, info, sentence, line.line);
            }
        }
        i += 1;
    }
    facts
}

/// Bullet items directly after `start` (top level only; deeper bullets belong to an item).
fn bullet_items(lines: &[TextLine], start: usize) -> (Vec<&TextLine>, usize) {
    let mut items = Vec::new();
    let mut top: Option<usize> = None;
    let mut j = start;
    while let Some(line) = lines.get(j) {
        let Some(indent) = line.bullet else { break };
        if line.code {
            break;
        }
        let level = *top.get_or_insert(indent);
        if indent <= level {
            items.push(line);
        }
        j += 1;
    }
    (items, j)
}

fn enum_from_bullets(
    facts: &mut ProseFacts,
    info: &ParamInfo,
    header: &str,
    line: usize,
    items: &[&TextLine],
) {
    let values: Option<Vec<String>> = items.iter().map(|l| enum_value(&l.text)).collect();
    match values {
        Some(values) if !values.is_empty() => push_enum(facts, info, values, line),
        _ => {
            let mut text = header.to_string();
            for item in items {
                text.push_str(" - ");
                text.push_str(&item.text);
            }
            facts.unparsed.push(SourceText { text, line });
        }
    }
    // Bullet meanings may hold more rules ("Default value" is usually a separate line).
}

/// `value: meaning` or a lone `value` → `value`, when it looks like a literal value.
fn enum_value(item: &str) -> Option<String> {
    let head = match item.find(':') {
        // `http://...` style values keep their colon; split only on `: ` or a trailing colon.
        Some(at) if item[at + 1..].starts_with(' ') || at + 1 == item.len() => &item[..at],
        _ => item,
    };
    let value = head
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '`');
    let value = value.strip_suffix('.').unwrap_or(value);
    is_literal_value(value).then(|| value.to_string())
}

fn is_literal_value(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:/+-*".contains(c))
}

fn push_enum(facts: &mut ProseFacts, info: &ParamInfo, values: Vec<String>, line: usize) {
    // true/false on a Boolean says nothing the type does not.
    if info.ty == Some(ScalarType::Boolean) {
        return;
    }
    let mut unique = Vec::new();
    for v in values {
        if !unique.contains(&v) {
            unique.push(v);
        }
    }
    facts
        .constraints
        .push(doc_constraint(Rule::Enum { values: unique }, line));
}

fn doc_constraint(rule: Rule, line: usize) -> Constraint {
    Constraint {
        rule,
        line,
        origin: Origin::Doc,
    }
}

/// Splits a line into sentences at `. ` followed by a capital letter or digit.
pub fn split_sentences(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        current.push(c);
        if matches!(c, '.' | '!' | '?' | '。')
            && chars.get(i + 1).is_some_and(|n| n.is_whitespace())
            && chars
                .get(i + 2)
                .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || *n == '`')
        {
            out.push(current.trim().to_string());
            current.clear();
        }
        i += 1;
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// Collects facts from one sentence and records it as unparsed when something is left over.
fn read_sentence(facts: &mut ProseFacts, info: &ParamInfo, sentence: &str, line: usize) {
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

    // N range of a list.
    for pattern in COUNT_RANGE.iter() {
        for caps in pattern.captures_iter(sentence) {
            if let Some((min, max)) = two_numbers(sentence, &caps)
                && take(&mut spans, whole(&caps))
            {
                let rule = Rule::Count {
                    min: u64::try_from(min).ok(),
                    max: u64::try_from(max).ok(),
                };
                facts.constraints.push(doc_constraint(rule, line));
            }
        }
    }
    for caps in COUNT_MAX.captures_iter(sentence) {
        if let Some(max) = caps.get(1).and_then(|m| number(m.as_str()))
            && take(&mut spans, whole(&caps))
        {
            let rule = Rule::Count {
                min: None,
                max: u64::try_from(max).ok(),
            };
            facts.constraints.push(doc_constraint(rule, line));
        }
    }

    // Length in characters.
    for pattern in std::iter::once(&*LENGTH_LEGACY).chain(std::iter::once(&*LENGTH_RANGE)) {
        for caps in pattern.captures_iter(sentence) {
            if let Some((min, max)) = two_numbers(sentence, &caps)
                && min >= 0
                && take(&mut spans, whole(&caps))
            {
                let rule = Rule::Length {
                    min: Some(min as u64),
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
                && take(&mut spans, whole(&caps))
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
            && take(&mut spans, whole(&caps))
        {
            let rule = Rule::Length {
                min: Some(min as u64),
                max: None,
            };
            facts.constraints.push(doc_constraint(rule, line));
        }
    }

    // Numeric ranges only mean something for numeric params.
    let numeric = matches!(
        info.ty,
        Some(ScalarType::Integer | ScalarType::Long | ScalarType::Float | ScalarType::Double)
    );
    if numeric {
        for pattern in RANGE.iter() {
            for caps in pattern.captures_iter(sentence) {
                if let Some((min, max)) = two_numbers(sentence, &caps)
                    && take(&mut spans, whole(&caps))
                {
                    let rule = Rule::Range {
                        min: Some(min),
                        max: Some(max),
                    };
                    facts.constraints.push(doc_constraint(rule, line));
                }
            }
        }
        for (pattern, is_min) in [(&*RANGE_MIN, true), (&*RANGE_MAX, false)] {
            for caps in pattern.captures_iter(sentence) {
                let Some(value) = caps.get(1).filter(|m| clean_number_end(sentence, m.end()))
                else {
                    continue;
                };
                if let Some(n) = number(value.as_str())
                    && take(&mut spans, whole(&caps))
                {
                    let rule = if is_min {
                        Rule::Range {
                            min: Some(n),
                            max: None,
                        }
                    } else {
                        Rule::Range {
                            min: None,
                            max: Some(n),
                        }
                    };
                    facts.constraints.push(doc_constraint(rule, line));
                }
            }
        }
    }

    // Defaults.
    if let Some(m) = EMPTY_DEFAULT.find(sentence) {
        take(&mut spans, m.range());
    }
    for pattern in DEFAULT.iter() {
        if let Some(caps) = pattern.captures(sentence) {
            let value = caps.get(1).map_or("", |m| m.as_str()).trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'' || c == '`');
            if is_literal_value(value) && free(&spans, &whole(&caps)) && facts.default.is_none() {
                spans.push(whole(&caps));
                facts.default = Some(Sourced {
                    value: value.to_string(),
                    line,
                    origin: Origin::Doc,
                });
            }
        }
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
    for (trigger, read_after) in phrase_rules {
        for m in trigger.find_iter(sentence) {
            if let Some((rule, end)) = read_after(&sentence[m.end()..])
                && take(&mut spans, m.start()..m.end() + end)
            {
                facts.constraints.push(doc_constraint(rule, line));
            }
        }
    }

    // Inline enumeration: `Valid values: A, B, and C.`
    if let Some(caps) = ENUM_INLINE.captures(sentence)
        && let Some(values) = caps.get(1).and_then(|m| inline_values(m.as_str()))
        && take(&mut spans, whole(&caps))
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
            && take(&mut spans, whole(&caps))
        {
            let rule = Rule::Condition {
                param: known,
                value: value.to_string(),
            };
            facts.constraints.push(doc_constraint(rule, line));
        }
    }

    // Mutual exclusion with named params.
    if let Some(m) = EXCLUSIVE.find(sentence)
        && let Some((a, b)) = exclusive_pair(info, sentence)
    {
        spans.push(0..sentence.len().max(m.end()));
        facts.exclusive.push((a, b, line));
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

/// The known request param a prose reference means (case-insensitive, `.N` forms accepted).
fn known_param(info: &ParamInfo, mention: &str) -> Option<String> {
    let wanted = normalize_name(mention.trim_end_matches('.'));
    info.known
        .iter()
        .find(|k| normalize_name(k) == wanted)
        .cloned()
}

/// Lower-case with `.n`/`.1` segments turned into `.n`.
pub fn normalize_name(name: &str) -> String {
    name.split('.')
        .map(|seg| {
            if seg.eq_ignore_ascii_case("n")
                || (!seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()))
            {
                "n".to_string()
            } else {
                seg.to_ascii_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
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
    match (others.as_slice(), mentions_self) {
        ([other], _) => Some((info.name.to_string(), (*other).clone())),
        ([a, b], false) => Some(((*a).clone(), (*b).clone())),
        _ => None,
    }
}

/// `A, B, and C.` → values, when every item is a literal-looking token and there are at least two.
fn inline_values(text: &str) -> Option<Vec<String>> {
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
            if !is_literal_value(piece) {
                return None;
            }
            values.push(piece.to_string());
        }
    }
    (values.len() >= 2).then_some(values)
}

/// Parts of a list (`a, b, and c (x)`) with byte ranges, split at top-level commas and and/or.
fn list_parts(text: &str) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth <= 0 => {
                parts.push((start, i));
                start = i + 1;
            }
            b' ' if depth <= 0 => {
                for word in [" and ", " or "] {
                    if text[i..].starts_with(word) {
                        parts.push((start, i));
                        start = i + word.len() - 1;
                        i = start;
                        break;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    parts.push((start, text.len()));
    parts
        .into_iter()
        .filter_map(|(s, e)| {
            let piece = &text[s..e];
            let lead = piece.len() - piece.trim_start().len();
            let trimmed = piece.trim();
            let trimmed_start = s + lead;
            let (skip, _) = ["and ", "or "]
                .iter()
                .find_map(|w| trimmed.strip_prefix(w).map(|r| (w.len(), r)))
                .unwrap_or((0, trimmed));
            let begin = trimmed_start + skip;
            let end = trimmed_start + trimmed.len();
            (begin < end).then_some((begin, end))
        })
        .collect()
}

/// Words after which a list of characters is over (`..., and must start with`).
const STOP_WORDS: &[&str] = &[
    "must", "cannot", "can", "can't", "should", "it", "is", "which", "but", "the", "this", "they",
    "may", "does", "do", "not",
];

fn starts_with_stop_word(part: &str) -> bool {
    let first = part
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    STOP_WORDS.contains(&first.as_str())
}

/// A named character group (`letters`, `periods (.)`) → its class pieces.
fn char_item(item: &str) -> Option<Vec<String>> {
    let item = item.trim().trim_end_matches('.').trim();
    let (name, literal) = match (item.find('('), item.rfind(')')) {
        (Some(open), Some(close)) if close > open => {
            (item[..open].trim(), Some(item[open + 1..close].trim()))
        }
        _ => (item, None),
    };
    let name = name.to_ascii_lowercase();
    let name = name.trim_start_matches("a ").trim_start_matches("an ");
    let named: Option<&[&str]> = match name {
        "letters" | "letter" | "english letters" | "english letter" | "alphabetic characters" => {
            Some(&["A-Z", "a-z"])
        }
        "uppercase letters" | "upper-case letters" | "uppercase english letters" => Some(&["A-Z"]),
        "lowercase letters" | "lower-case letters" | "lowercase english letters" => Some(&["a-z"]),
        "digits" | "digit" | "numbers" | "numerals" | "numeric characters" => Some(&["0-9"]),
        "chinese characters" | "chinese character" => Some(&[r"\p{Han}"]),
        "spaces" | "space" => Some(&[" "]),
        "periods" | "period" | "dots" | "dot" => Some(&["."]),
        "underscores" | "underscore" => Some(&["_"]),
        "hyphens" | "hyphen" | "dashes" | "minus signs" => Some(&["-"]),
        "colons" | "colon" => Some(&[":"]),
        "commas" | "comma" => Some(&[","]),
        "forward slashes" | "slashes" | "slash" => Some(&["/"]),
        "at signs" | "at sign" => Some(&["@"]),
        "plus signs" | "plus sign" => Some(&["+"]),
        "equal signs" | "equal sign" | "equals signs" => Some(&["="]),
        _ => None,
    };
    if let Some(pieces) = named {
        return Some(pieces.iter().map(|p| p.to_string()).collect());
    }
    // An unnamed group with its characters in parentheses: `number signs (#)`.
    let literal = literal?;
    let chars: Vec<char> = literal.chars().filter(|c| !c.is_whitespace()).collect();
    (!chars.is_empty() && chars.len() <= 3 && chars.iter().all(|c| c.is_ascii_punctuation()))
        .then(|| chars.iter().map(|c| c.to_string()).collect())
}

/// Builds a regex class body: letters, digits, Han, other characters, and `-` last.
fn class_body(pieces: &[String]) -> String {
    let mut order: Vec<&str> = Vec::new();
    for p in pieces {
        if !order.contains(&p.as_str()) {
            order.push(p);
        }
    }
    let rank = |p: &str| match p {
        "A-Z" => 0,
        "a-z" => 1,
        "0-9" => 2,
        r"\p{Han}" => 3,
        "-" => 5,
        _ => 4,
    };
    order.sort_by_key(|p| rank(p));
    let mut out = String::new();
    for p in order {
        match p {
            "\\" | "]" | "[" | "^" => {
                out.push('\\');
                out.push_str(p);
            }
            _ => out.push_str(p),
        }
    }
    out
}

/// `letters, digits, periods (.), and colons (:)` → class body and the byte end of the list.
fn charset_list(text: &str) -> Option<(String, usize)> {
    let mut pieces = Vec::new();
    let mut end = 0;
    for (i, (s, e)) in list_parts(text).into_iter().enumerate() {
        let part = &text[s..e];
        let sentence_end = part.find(". ").map_or(part.len(), |p| p);
        let part = &part[..sentence_end];
        match char_item(part) {
            Some(p) => {
                pieces.extend(p);
                end = s + part.trim_end().trim_end_matches('.').len();
            }
            None if i > 0 && starts_with_stop_word(part) => break,
            None => return None,
        }
        if sentence_end < e - s {
            break;
        }
    }
    (!pieces.is_empty()).then(|| (class_body(&pieces), end))
}

/// `a letter or a digit` → class body of allowed first characters.
fn first_char_list(text: &str) -> Option<(String, usize)> {
    let mut pieces = Vec::new();
    let mut end = 0;
    for (i, (s, e)) in list_parts(text).into_iter().enumerate() {
        let part = &text[s..e];
        match char_item(part) {
            Some(p) => {
                pieces.extend(p);
                end = s + part.trim_end().trim_end_matches('.').len();
            }
            None if i > 0 && starts_with_stop_word(part) => break,
            None => return None,
        }
    }
    (!pieces.is_empty()).then(|| (class_body(&pieces), end))
}

/// Words that name a kind of character rather than a literal prefix.
const CLASS_WORDS: &[&str] = &[
    "a",
    "an",
    "letter",
    "letters",
    "digit",
    "digits",
    "number",
    "numbers",
    "underscore",
    "underscores",
    "hyphen",
    "hyphens",
    "space",
    "spaces",
    "special",
    "uppercase",
    "lowercase",
    "period",
    "periods",
    "the",
    "characters",
    "character",
];

/// `http:// or https://` / `aliyun, acs:` → literals and the byte end of the list.
fn literal_list(text: &str) -> Option<(Vec<String>, usize)> {
    let mut literals = Vec::new();
    let mut end = 0;
    for (i, (s, e)) in list_parts(text).into_iter().enumerate() {
        let part = &text[s..e];
        let token = part
            .trim()
            .trim_end_matches(['.', ';'])
            .trim_matches(['"', '\'', '`']);
        let looks_literal = !token.is_empty()
            && !token.contains(char::is_whitespace)
            && !CLASS_WORDS.contains(&token.to_ascii_lowercase().as_str())
            && token.chars().all(|c| c.is_ascii_graphic());
        if looks_literal {
            literals.push(token.to_string());
            end = s + part.trim_end().len();
            // A literal followed by more words ends the list (`http://. It must`).
        } else if i > 0 && starts_with_stop_word(part) {
            break;
        } else {
            return None;
        }
    }
    (!literals.is_empty()).then_some((literals, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str, ty: ScalarType) -> ProseFacts {
        let lines: Vec<TextLine> = text
            .lines()
            .enumerate()
            .flat_map(|(i, l)| crate::doc::split_glued_bullets(i + 1, l))
            .filter(|l| !l.text.is_empty())
            .collect();
        let known = vec![
            "InstantAccess".to_string(),
            "DiskId.N".to_string(),
            "Self.N".to_string(),
        ];
        read(
            &lines,
            &ParamInfo {
                name: "Self.N",
                ty: Some(ty),
                known: &known,
            },
        )
    }

    fn rules(text: &str, ty: ScalarType) -> Vec<Rule> {
        facts(text, ty)
            .constraints
            .into_iter()
            .map(|c| c.rule)
            .collect()
    }

    fn len(min: Option<u64>, max: Option<u64>) -> Rule {
        Rule::Length { min, max }
    }

    #[test]
    fn length_phrasings() {
        use ScalarType::String as S;
        assert_eq!(
            rules("It must be 2 to 128 characters in length.", S),
            [len(Some(2), Some(128))]
        );
        assert_eq!(
            rules("It can be up to 64 characters in length.", S),
            [len(None, Some(64))]
        );
        assert_eq!(
            rules("The value can be at most 10 characters long.", S),
            [len(None, Some(10))]
        );
        assert_eq!(
            rules("It can be no more than 256 characters.", S),
            [len(None, Some(256))]
        );
        assert_eq!(
            rules("The name cannot exceed 1,000 characters.", S),
            [len(None, Some(1000))]
        );
        assert_eq!(rules("Length: \\[2, 128\\]", S), [len(Some(2), Some(128))]);
        assert_eq!(rules("Length: [2, 128]", S), [len(Some(2), Some(128))]);
        assert_eq!(
            rules("It must be at least 8 characters in length.", S),
            [len(Some(8), None)]
        );
    }

    #[test]
    fn range_phrasings() {
        use ScalarType::Integer as I;
        let r = |min, max| Rule::Range { min, max };
        assert_eq!(
            rules("Valid values: 1 to 65535.", I),
            [r(Some(1), Some(65535))]
        );
        assert_eq!(
            rules("Valid values: 1 to 65,536.", I),
            [r(Some(1), Some(65536))]
        );
        assert_eq!(rules("Minimum value: 1.", I), [r(Some(1), None)]);
        assert_eq!(rules("Maximum value: 100.", I), [r(None, Some(100))]);
        assert_eq!(
            rules("Value range: 0 to 1,000,000.", I),
            [r(Some(0), Some(1_000_000))]
        );
        // Decimals are not integer ranges: left unparsed.
        let f = facts("Valid values: 0.5 to 1.", ScalarType::Float);
        assert!(f.constraints.is_empty());
        assert_eq!(f.unparsed.len(), 1);
        // A range on a String param is not enforced.
        assert_eq!(
            facts("Valid values: 1 to 5.", ScalarType::String)
                .unparsed
                .len(),
            1
        );
    }

    #[test]
    fn count_phrasings() {
        use ScalarType::String as S;
        let c = |min, max| Rule::Count { min, max };
        assert_eq!(
            rules("Valid values of N: 1 to 16.", S),
            [c(Some(1), Some(16))]
        );
        assert_eq!(
            rules("N is an integer from 1 to 20.", S),
            [c(Some(1), Some(20))]
        );
        assert_eq!(
            rules("The value of N ranges from 1 to 100.", S),
            [c(Some(1), Some(100))]
        );
        assert_eq!(
            rules("The maximum value of N is 100.", S),
            [c(None, Some(100))]
        );
        let f = facts(
            "The valid values of N are based on the maximum number of groups.",
            S,
        );
        assert!(f.constraints.is_empty());
        assert_eq!(f.unparsed.len(), 1);
    }

    #[test]
    fn charset_first_char_and_prefixes() {
        let got = rules(
            "The name must be 2 to 128 characters in length, and can contain letters, digits, periods (.), underscores (_), hyphens (-), and colons (:). It must start with a letter or a digit and cannot start with http:// or https://.",
            ScalarType::String,
        );
        assert_eq!(
            got,
            [
                len(Some(2), Some(128)),
                Rule::Charset {
                    class: "A-Za-z0-9._:-".into()
                },
                Rule::FirstChar {
                    class: "A-Za-z0-9".into()
                },
                Rule::NotPrefix {
                    prefixes: vec!["http://".into(), "https://".into()]
                },
            ]
        );
        assert_eq!(
            rules(
                "It can contain Chinese characters and digits.",
                ScalarType::String
            ),
            [Rule::Charset {
                class: r"0-9\p{Han}".into()
            }]
        );
        assert_eq!(
            rules("It cannot start with aliyun or acs:.", ScalarType::String),
            [Rule::NotPrefix {
                prefixes: vec!["aliyun".into(), "acs:".into()]
            }]
        );
        assert_eq!(
            rules("It cannot contain http:// or https://.", ScalarType::String),
            [Rule::NotContains {
                needles: vec!["http://".into(), "https://".into()]
            }]
        );
        // Unknown character groups are never guessed.
        let f = facts(
            "It can contain letters, digits, and special characters.",
            ScalarType::String,
        );
        assert!(f.constraints.is_empty());
        assert_eq!(f.unparsed.len(), 1);
        let f = facts("It cannot start with a digit.", ScalarType::String);
        assert!(f.constraints.is_empty());
        assert_eq!(f.unparsed.len(), 1);
    }

    #[test]
    fn enumerations() {
        let e = |v: &[&str]| Rule::Enum {
            values: v.iter().map(|s| s.to_string()).collect(),
        };
        let bullets = "The mode. Valid values:\n-   Standard: normal.\n-   Fast: quick.\nDefault value: Standard.";
        let f = facts(bullets, ScalarType::String);
        assert_eq!(
            f.constraints
                .iter()
                .map(|c| c.rule.clone())
                .collect::<Vec<_>>(),
            [e(&["Standard", "Fast"])]
        );
        assert_eq!(f.constraints[0].line, 1);
        assert_eq!(
            f.default.as_ref().map(|d| (d.value.as_str(), d.line)),
            Some(("Standard", 4))
        );
        assert!(f.unparsed.is_empty());

        let glued =
            "Billing. Optional values:-   PrePaid: Subscription.\n-   PostPaid: Pay-As-You-Go.";
        assert_eq!(
            rules(glued, ScalarType::String),
            [e(&["PrePaid", "PostPaid"])]
        );
        assert_eq!(
            rules("Valid values: A, B, and C.", ScalarType::String),
            [e(&["A", "B", "C"])]
        );
        // A true/false enumeration on a Boolean is the type itself; on a String it is kept.
        let tf = "Whether. Valid values:\n-   true: yes\n-   false: no";
        assert!(rules(tf, ScalarType::Boolean).is_empty());
        assert_eq!(rules(tf, ScalarType::String), [e(&["true", "false"])]);
        // Bullets that are not values make the whole enumeration unparsed.
        let f = facts(
            "Valid values:\n-   If you set this, something happens.",
            ScalarType::String,
        );
        assert!(f.constraints.is_empty());
        assert_eq!(f.unparsed.len(), 1);
    }

    #[test]
    fn defaults_conditions_exclusion_deprecation() {
        let f = facts("Default value: false.", ScalarType::Boolean);
        assert_eq!(f.default.map(|d| d.value), Some("false".into()));
        let f = facts("Default: NoSpot.", ScalarType::String);
        assert_eq!(f.default.map(|d| d.value), Some("NoSpot".into()));
        let f = facts("This parameter is empty by default.", ScalarType::String);
        assert!(f.default.is_none() && f.unparsed.is_empty());
        assert_eq!(
            rules(
                "This parameter takes effect only when InstantAccess is set to true.",
                ScalarType::Integer
            ),
            [Rule::Condition {
                param: "InstantAccess".into(),
                value: "true".into()
            }]
        );
        let f = facts(
            "This parameter and DiskId.N cannot be specified at the same time.",
            ScalarType::String,
        );
        assert_eq!(
            f.exclusive,
            [("Self.N".to_string(), "DiskId.N".to_string(), 1)]
        );
        let f = facts(
            "You cannot specify both this and Unknown at the same time.",
            ScalarType::String,
        );
        assert!(f.exclusive.is_empty());
        let f = facts(
            "This parameter will be removed in the future.",
            ScalarType::String,
        );
        assert!(f.deprecated.is_some());
        // A condition on an unknown param is not guessed.
        let f = facts(
            "It takes effect only when Foo is set to true.",
            ScalarType::String,
        );
        assert!(f.constraints.is_empty() && f.unparsed.len() == 1);
    }

    #[test]
    fn qualified_sentences_give_no_rules() {
        let text = "The hostname.\n-   For Windows instances, it must be 2 to 15 characters in length.\n-   For other instances,\n    -   it must be 2 to 64 characters in length.\n-   It cannot start with http://.";
        let f = facts(text, ScalarType::String);
        assert_eq!(
            f.constraints
                .iter()
                .map(|c| c.rule.clone())
                .collect::<Vec<_>>(),
            [Rule::NotPrefix {
                prefixes: vec!["http://".into()]
            }]
        );
        assert_eq!(
            f.unparsed.iter().map(|u| u.line).collect::<Vec<_>>(),
            [2, 4]
        );
        // Ordinary prose without constraint words is not reported.
        assert!(
            facts(
                "The ID of the security group to which it belongs.",
                ScalarType::String
            )
            .unparsed
            .is_empty()
        );
    }

    #[test]
    fn sentences_split_on_capitals_only() {
        assert_eq!(
            split_sentences("Unit: days. Valid values: 1 to 5. e.g. x periods (.), y."),
            [
                "Unit: days.",
                "Valid values: 1 to 5. e.g. x periods (.), y."
            ]
        );
    }
}
