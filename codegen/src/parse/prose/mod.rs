//! Constraints from the prose of a request row's Description cell.
//!
//! Each sentence is matched against known phrasings; the matched spans are cut out, and a sentence
//! whose rest still contains constraint-like words goes to `unparsed` whole. Nothing is guessed.

mod classes;
mod conditional;
#[cfg(test)]
mod conditional_tests;
#[cfg(test)]
mod items_tests;
#[cfg(test)]
mod kinds_tests;
mod lists;
mod numeric;
mod patterns;
#[cfg(test)]
mod phrasing_tests;
mod scope;
mod sentence;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_audit;
#[cfg(test)]
mod unseen_tests;
#[cfg(test)]
mod value_cases_tests;

use crate::doc::TextLine;
use crate::spec::{Constraint, Origin, Rule, ScalarType, SourceText, Sourced};
use patterns::{
    BASE64_WORD, CONDITION, DEPRECATED, ENUM_HEADER, EXCLUSIVE, EXCLUSIVE_WHEN_SET,
    JOINED_BY_COMMAS, NAME_TEMPLATE, QUALIFIED, TOLERANT_VALUES, has_trigger,
};
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
    let text = |pattern: &regex::Regex| lines.iter().any(|l| !l.code && pattern.is_match(&l.text));
    let string = info.ty == Some(ScalarType::String);
    let json_array = string && lines.iter().any(|l| crate::infer::says_json_array(&l.text));
    let cx = sentence::Context {
        own: true,
        // A text that joins items (`Separate multiple IDs with commas`): counts are of them.
        joined: string && !json_array && text(&JOINED_BY_COMMAS),
        base64: string && text(&BASE64_WORD),
        json_array,
    };
    // Indent of a bullet that opened a case (`For Linux instances,`); deeper bullets are in it.
    // -1: a paragraph line opened it (`When EnableParameter is set to true, ... rules:`), so
    // every bullet after it is in the case. With the condition it states, when it states one.
    let mut case: Option<(isize, Option<String>)> = None;
    // The text each rule was read from, in step with `facts.constraints` until `settle`.
    let mut said: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if line.code {
            i += 1;
            continue;
        }
        let sentences = split_sentences(&line.text);
        let in_case = match (line.bullet, &case) {
            (Some(indent), Some((open, _))) if indent as isize > *open => case.clone(),
            _ => {
                case = None;
                None
            }
        };
        let opens_case = sentences.first().is_some_and(|s| QUALIFIED.is_match(s))
            || line.text.ends_with(',')
            || (line.text.ends_with(':') && !ENUM_HEADER.is_match(&line.text));
        if let (Some(indent), true, None) = (line.bullet, opens_case, &in_case) {
            let cond = sentences
                .first()
                .and_then(|s| conditional::case_condition(s));
            case = Some((indent as isize, cond));
        }
        // A paragraph line that states a case and ends with a colon owns the bullets after it.
        if line.bullet.is_none()
            && line.text.ends_with(':')
            && !ENUM_HEADER.is_match(&line.text)
            && let Some(last) = sentences.last().filter(|s| QUALIFIED.is_match(s))
        {
            case = Some((-1, conditional::case_condition(last)));
        }
        let case_cond = match (&in_case, &case) {
            (Some((_, cond)), _) => Some(cond.clone()),
            (None, Some((_, cond))) if line.bullet.is_some() && opens_case => Some(cond.clone()),
            _ => None,
        };
        if let Some(cond) = case_cond {
            for (k, sentence) in sentences.iter().enumerate() {
                // The opener's own sentence states the condition before its rule.
                let split = (k == 0 && in_case.is_none())
                    .then(|| conditional::split(sentence))
                    .flatten();
                match (split, &cond) {
                    (Some((c, body)), _) => {
                        let under = (c, body, sentence.as_str());
                        conditional::read_under(&mut facts, info, &mut scope, under, line.line);
                    }
                    (None, Some(c)) if !(k == 0 && in_case.is_none()) => {
                        let under = (c.as_str(), sentence.as_str(), sentence.as_str());
                        conditional::read_under(&mut facts, info, &mut scope, under, line.line);
                    }
                    _ => note(&mut facts, sentence, line.line),
                }
                said.resize(facts.constraints.len(), sentence.clone());
            }
            i += 1;
            continue;
        }
        let last = sentences.len().saturating_sub(1);
        for (k, sentence) in sentences.iter().enumerate() {
            if QUALIFIED.is_match(sentence)
                && !DEPRECATED.is_match(sentence)
                && !EXCLUSIVE_WHEN_SET.is_match(sentence)
            {
                match conditional::split(sentence) {
                    Some((cond, body)) => {
                        let under = (cond, body, sentence.as_str());
                        conditional::read_under(&mut facts, info, &mut scope, under, line.line);
                    }
                    None => note(&mut facts, sentence, line.line),
                }
                said.resize(facts.constraints.len(), sentence.clone());
            } else if k == last && ENUM_HEADER.is_match(sentence) {
                let (items, between, next) = bullet_items(lines, i + 1);
                i = next - 1;
                if scope.is_own(sentence) {
                    enum_from_bullets(&mut facts, info, &mut scope, (sentence, line.line), &items);
                } else {
                    note_items(&mut facts, sentence, line.line, &items);
                }
                let mut text = sentence.clone();
                for item in &items {
                    text.push_str(" - ");
                    text.push_str(&item.text);
                }
                said.resize(facts.constraints.len(), text);
                for l in between {
                    for s in split_sentences(&l.text)
                        .into_iter()
                        .filter(|s| has_trigger(s))
                    {
                        facts.unparsed.push(SourceText {
                            text: s,
                            line: l.line,
                        });
                    }
                }
            } else if let Some((cond, body)) = conditional::split_trailing(sentence)
                && !EXCLUSIVE.is_match(sentence)
                && !CONDITION.is_match(sentence)
            {
                // A rule with its condition after it holds only then, as one with it before.
                let under = (cond, body, sentence.as_str());
                conditional::read_under(&mut facts, info, &mut scope, under, line.line);
                said.resize(facts.constraints.len(), sentence.clone());
            } else {
                let own = scope.is_own(sentence);
                let cx = sentence::Context { own, ..cx };
                read_sentence(&mut facts, info, sentence, line.line, cx);
                said.resize(facts.constraints.len(), sentence.clone());
            }
        }
        i += 1;
    }
    said.resize(facts.constraints.len(), String::new());
    settle(&mut facts, lines, said);
    classes::special_set(lines, &mut facts);
    merge_bounds(&mut facts.constraints);
    first_char_in_charset(&mut facts.constraints);
    if cx.joined {
        rules_of_each_joined_item(&mut facts);
    }
    facts
}

/// A sentence that reads like a rule, kept as a note.
fn note(facts: &mut ProseFacts, sentence: &str, line: usize) {
    if has_trigger(sentence) {
        facts.unparsed.push(SourceText {
            text: sentence.to_string(),
            line,
        });
    }
}

/// Rules the rest of the description makes stricter than the page, back to notes: a list of
/// values the page says is case-insensitive or tolerates other values (the check compares exactly),
/// and character rules on a value that may be a naming template (`node[1,4]`: the characters are
/// those of the names it expands to).
fn settle(facts: &mut ProseFacts, lines: &[TextLine], said: Vec<String>) {
    let says = |re: &regex::Regex| lines.iter().any(|l| !l.code && re.is_match(&l.text));
    let tolerant = says(&TOLERANT_VALUES);
    let template = says(&NAME_TEMPLATE);
    if !tolerant && !template {
        return;
    }
    let constraints = std::mem::take(&mut facts.constraints);
    for (c, text) in constraints.into_iter().zip(said) {
        let demoted = match c.rule {
            Rule::Enum { .. } => tolerant,
            Rule::Charset { .. } | Rule::FirstChar { .. } => template,
            _ => false,
        };
        if !demoted {
            facts.constraints.push(c);
        } else if !facts.unparsed.iter().any(|n| n.text == text) {
            facts.unparsed.push(SourceText { text, line: c.line });
        }
    }
}

/// A text that joins items with commas (`Available,Deprecated`), whose rules the page states of
/// each item: only those the whole text cannot break for its commas or its length hold for it
/// (a range reads no number from `80,443`; a prefix is the first item's). The others (valid
/// values, lengths, characters, formats) would refuse a valid list: they stay notes.
fn rules_of_each_joined_item(facts: &mut ProseFacts) {
    let (keep, each): (Vec<Constraint>, Vec<Constraint>) = std::mem::take(&mut facts.constraints)
        .into_iter()
        .partition(|c| {
            matches!(
                c.rule,
                Rule::Count { .. }
                    | Rule::Range { .. }
                    | Rule::FirstChar { .. }
                    | Rule::NotPrefix { .. }
                    | Rule::NotContains { .. }
                    | Rule::Condition { .. }
            )
        });
    facts.constraints = keep;
    for c in each {
        let text = format!(
            "not enforced ({}): the value joins several items with commas, and the page states this of each item",
            c.rule
        );
        facts.unparsed.push(SourceText { text, line: c.line });
    }
}

/// `It can contain digits, periods (.) and hyphens (-). It must start with a letter.`: the
/// characters a value may start with are characters it may contain, even when the list of those
/// leaves them out; otherwise no value could pass both rules.
fn first_char_in_charset(constraints: &mut [Constraint]) {
    let firsts: Vec<(String, Constraint)> = constraints
        .iter()
        .filter_map(|c| match &c.rule {
            Rule::FirstChar { class } => Some((class.clone(), c.clone())),
            _ => None,
        })
        .collect();
    for (first, fc) in firsts {
        for c in constraints.iter_mut() {
            let same_case =
                (&c.when, &c.only_if, c.severity) == (&fc.when, &fc.only_if, fc.severity);
            if let Rule::Charset { class } = &mut c.rule
                && same_case
                && !class_tokens(&first)
                    .iter()
                    .all(|t| class.contains(t.as_str()))
            {
                *class = format!("{first}{class}");
            }
        }
    }
}

/// The ranges and characters of a character-class body (`A-Za-z_` → `A-Z`, `a-z`, `_`).
fn class_tokens(class: &str) -> Vec<String> {
    let chars: Vec<char> = class.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            // An escape: the rest is taken whole, which only ever adds a duplicate.
            out.push(chars[i..].iter().collect());
            break;
        }
        if chars.get(i + 1) == Some(&'-') && i + 2 < chars.len() {
            out.push(chars[i..i + 3].iter().collect());
            i += 3;
        } else {
            out.push(chars[i].to_string());
            i += 1;
        }
    }
    out
}

/// Two bounds of one measure on a param (`Valid values: 20 to 500` and `at least 20`) are one rule
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
        // Rules under different conditions stay apart.
        let Some(prev) = out.iter_mut().find(|p| {
            p.rule.measure() == c.rule.measure()
                && (&p.when, &p.only_if, p.severity) == (&c.when, &c.only_if, c.severity)
        }) else {
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
            | (Rule::Count { min, max, .. }, Rule::Count { min: a, max: b, .. })
            | (Rule::Bytes { min, max, .. }, Rule::Bytes { min: a, max: b, .. }) => {
                *min = tighter(*min, a, false);
                *max = tighter(*max, b, true);
            }
            // Other kinds keep the first statement.
            _ => {}
        }
    }
    *constraints = out;
}

/// Bullet items directly after `start` (top level only; deeper bullets belong to an item), the
/// paragraph lines found between two items, and where the list ends. A paragraph line between
/// two value items (`- Migrate: ...`, `If ..., the default value is Migrate.`, `- Stop: ...`)
/// does not end the list: the items after it are values too.
fn bullet_items(lines: &[TextLine], start: usize) -> (Vec<&TextLine>, Vec<&TextLine>, usize) {
    let mut items: Vec<&TextLine> = Vec::new();
    let mut between = Vec::new();
    let mut top: Option<usize> = None;
    let mut j = start;
    while let Some(line) = lines.get(j) {
        if line.code {
            break;
        }
        let Some(indent) = line.bullet else {
            let mut k = j;
            while lines
                .get(k)
                .is_some_and(|l| l.bullet.is_none() && !l.code && !l.text.ends_with(':'))
            {
                k += 1;
            }
            let resumes =
                |l: &TextLine| l.bullet == top && !l.code && enum_value(&l.text).is_some();
            let value_before = items.last().is_some_and(|l| enum_value(&l.text).is_some());
            if k > j && value_before && lines.get(k).is_some_and(resumes) {
                between.extend(&lines[j..k]);
                j = k;
                continue;
            }
            break;
        };
        let level = *top.get_or_insert(indent);
        if indent <= level {
            items.push(line);
        }
        j += 1;
    }
    (items, between, j)
}

fn enum_from_bullets(
    facts: &mut ProseFacts,
    info: &ParamInfo,
    scope: &mut scope::Scope,
    (header, line): (&str, usize),
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
            None if conditional::value_cases(facts, info, scope, header, items) => {}
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
pub(super) static INCOMPLETE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
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
    Constraint::new(rule, line, Origin::Doc)
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
