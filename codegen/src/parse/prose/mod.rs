//! Constraints from the prose of a request row's Description cell.
//!
//! Each sentence is matched against known phrasings; the matched spans are cut out, and a sentence
//! whose rest still contains constraint-like words goes to `unparsed` whole. Nothing is guessed.

mod classes;
#[cfg(test)]
mod kinds_tests;
mod lists;
mod numeric;
mod patterns;
mod scope;
mod sentence;
#[cfg(test)]
mod tests;

use crate::doc::TextLine;
use crate::spec::{Constraint, Origin, Rule, ScalarType, SourceText, Sourced};
use patterns::{DEPRECATED, ENUM_HEADER, QUALIFIED, has_trigger};
use sentence::read_sentence;

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

/// Reads the constraints of one param from its Description cell lines.
pub fn read(lines: &[TextLine], info: &ParamInfo) -> ProseFacts {
    let mut facts = ProseFacts::default();
    let intro = lines
        .iter()
        .find(|l| !l.code)
        .and_then(|l| split_sentences(&l.text).into_iter().next())
        .unwrap_or_default();
    let mut scope = scope::Scope::new(info.name, &intro);
    // Indent of a bullet that opened a case (`For Linux instances,`); deeper bullets are in it.
    // -1: a paragraph line opened it (`When EnableParameter is set to true, ... rules:`), so
    // every bullet after it is in the case.
    let mut case_indent: Option<isize> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if line.code {
            i += 1;
            continue;
        }
        let sentences = split_sentences(&line.text);
        let in_case = match (line.bullet, case_indent) {
            (Some(indent), Some(open)) if indent as isize > open => true,
            _ => {
                case_indent = None;
                false
            }
        };
        let opens_case = sentences.first().is_some_and(|s| QUALIFIED.is_match(s))
            || line.text.ends_with(',')
            || (line.text.ends_with(':') && !ENUM_HEADER.is_match(&line.text));
        if let (Some(indent), true, false) = (line.bullet, opens_case, in_case) {
            case_indent = Some(indent as isize);
        }
        // A paragraph line that states a case and ends with a colon owns the bullets after it.
        if line.bullet.is_none()
            && line.text.ends_with(':')
            && !ENUM_HEADER.is_match(&line.text)
            && sentences.last().is_some_and(|s| QUALIFIED.is_match(s))
        {
            case_indent = Some(-1);
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
                if scope.is_own(sentence) {
                    enum_from_bullets(&mut facts, info, sentence, line.line, &items);
                } else {
                    note_items(&mut facts, sentence, line.line, &items);
                }
            } else {
                let own = scope.is_own(sentence);
                read_sentence(&mut facts, info, sentence, line.line, own);
            }
        }
        i += 1;
    }
    classes::special_set(lines, &mut facts);
    merge_bounds(&mut facts.constraints);
    facts
}

/// Two bounds of one kind on a param (`Valid values: 20 to 500` and `at least 20`) are one rule
/// with both: each attribute is given once, and the page states both.
fn merge_bounds(constraints: &mut Vec<Constraint>) {
    fn tighter<T: Ord + Copy>(a: Option<T>, b: Option<T>, max: bool) -> Option<T> {
        match (a, b) {
            (Some(x), Some(y)) => Some(if max { x.min(y) } else { x.max(y) }),
            (x, y) => x.or(y),
        }
    }
    let mut out: Vec<Constraint> = Vec::new();
    for c in constraints.drain(..) {
        let Some(prev) = out.iter_mut().find(|p| p.rule.kind() == c.rule.kind()) else {
            out.push(c);
            continue;
        };
        match (&mut prev.rule, c.rule) {
            (
                Rule::Range { min, max, also },
                Rule::Range {
                    min: a,
                    max: b,
                    also: more,
                },
            ) => {
                *min = tighter(*min, a, false);
                *max = tighter(*max, b, true);
                also.retain(|v| more.contains(v));
            }
            (Rule::Length { min, max }, Rule::Length { min: a, max: b })
            | (Rule::Count { min, max }, Rule::Count { min: a, max: b })
            | (Rule::Bytes { min, max }, Rule::Bytes { min: a, max: b }) => {
                *min = tighter(*min, a, false);
                *max = tighter(*max, b, true);
            }
            // Other kinds keep the first statement.
            _ => {}
        }
    }
    *constraints = out;
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
    // A list that may go on ("such as", an `etc.` item) is no list of every valid value; a
    // meaning may say "such as" of its own value.
    let values = values.filter(|_| !INCOMPLETE.is_match(header));
    match values {
        Some(values) if !values.is_empty() => push_enum(facts, info, values, line),
        _ => match numeric::range_bullets(info, items) {
            Some(rule) => facts.constraints.push(doc_constraint(rule, line)),
            None => note_items(facts, header, line, items),
        },
    }
    // Bullet meanings may hold more rules ("Default value" is usually a separate line).
}

/// A header and its bullets kept whole as one note.
fn note_items(facts: &mut ProseFacts, header: &str, line: usize, items: &[&TextLine]) {
    let mut text = header.to_string();
    for item in items {
        text.push_str(" - ");
        text.push_str(&item.text);
    }
    facts.unparsed.push(SourceText { text, line });
}

/// `value: meaning` or a lone `value` → `value`, when it looks like a literal value. A value
/// may be words (`Windows Server 2012`, `No Upfront`), and its meaning may follow as a sentence
/// (`offline. After you resize ...`).
fn enum_value(item: &str) -> Option<String> {
    let head = match item.find([':', '：']) {
        Some(at) if item[at..].starts_with('：') => &item[..at],
        // `http://...` style values keep their colon; split only on `: ` or a trailing colon.
        Some(at) if item[at + 1..].starts_with(' ') || at + 1 == item.len() => &item[..at],
        _ => match item.find(". ") {
            // One token, then a sentence of its own.
            Some(at)
                if is_literal_value(&item[..at])
                    && item[at + 2..].starts_with(|c: char| c.is_ascii_uppercase()) =>
            {
                &item[..at]
            }
            _ => item,
        },
    };
    let value = head
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '`');
    let value = value.strip_suffix('.').unwrap_or(value);
    is_enum_value(value).then(|| value.to_string())
}

/// Words that end a list of valid values that is not complete.
static INCOMPLETE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\b(?:such as|e\.g\.|for example|examples?:|and more|and so on|etc)\b|\.\.\.|…",
    )
    .expect("valid")
});

/// A valid value: one literal token, or a few capitalised words (`Windows Server 2012`,
/// `NVIDIA P4`, `Ubuntu 18.04`), never a phrase of prose (`Default value`, `For Linux`).
pub(super) fn is_enum_value(value: &str) -> bool {
    if is_literal_value(value) {
        return !INCOMPLETE.is_match(value);
    }
    const PROSE: &[&str] = &[
        "For", "If", "When", "The", "This", "That", "Note", "Default", "Valid", "Unit", "Example",
        "Examples", "See", "Set", "Specify", "You", "It", "Only",
    ];
    let words: Vec<&str> = value.split(' ').collect();
    value.len() <= 64
        && (2..=4).contains(&words.len())
        && !PROSE.contains(&words[0])
        && words.iter().all(|w| {
            is_literal_value(w)
                && w.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
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
