//! Password complexity: `include at least three of the following character types: uppercase
//! letters, lowercase letters, digits, and special characters`, and the page's list of special
//! characters (`Special characters include:` then a code block, or the characters inline).

use std::ops::Range;
use std::sync::LazyLock;

use ecs_rules::CharType;
use regex::Regex;

use super::ProseFacts;
use crate::doc::TextLine;
use crate::spec::Rule;

static CLASSES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:must )?(?:include|contain|consist of) at least (two|three|four|2|3|4) of the following(?: characters? types| types of characters)?:\s*([a-z ,]+?)\s*\.?$",
    )
    .expect("valid")
});

/// `Special characters include:` (the list follows in a code block) or with the list inline.
static SPECIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^special characters (?:include|are)(?: the following)?:?\s*(.*?)\s*$")
        .expect("valid")
});

/// The rule of a sentence stating character types, with the span it takes. The special
/// characters are filled in by [`special_set`] once the whole description is read.
pub(super) fn read_sentence(sentence: &str) -> Option<(Rule, Range<usize>)> {
    let caps = CLASSES.captures(sentence)?;
    let min = match caps[1].to_ascii_lowercase().as_str() {
        "two" | "2" => 2,
        "three" | "3" => 3,
        _ => 4,
    };
    let mut of = Vec::new();
    for item in caps[2].split(',').flat_map(|p| p.split(" and ")) {
        let item = item.trim().trim_start_matches("and ").trim();
        if item.is_empty() {
            continue;
        }
        let t = CharType::ALL.into_iter().find(|t| {
            t.wording() == item || t.wording().trim_end_matches('s') == item.trim_end_matches('s')
        })?;
        if !of.contains(&t.name().to_string()) {
            of.push(t.name().to_string());
        }
    }
    (of.len() as u64 >= min).then(|| {
        let rule = Rule::Classes {
            min,
            of,
            special: None,
        };
        (rule, caps.get(0).map_or(0..0, |m| m.range()))
    })
}

/// Gives a classes rule that counts special characters the page's list of them, and drops the
/// note of the sentence that introduced the list. Without a list the rule keeps `special: None`
/// (any other character counts as special, none is refused).
pub(super) fn special_set(lines: &[TextLine], facts: &mut ProseFacts) {
    let Some(rule) = facts
        .constraints
        .iter_mut()
        .find_map(|c| match &mut c.rule {
            Rule::Classes { of, special, .. } if of.iter().any(|t| t == "special") => Some(special),
            _ => None,
        })
    else {
        return;
    };
    let Some(at) = facts
        .unparsed
        .iter()
        .position(|n| SPECIAL.is_match(n.text.trim()))
    else {
        return;
    };
    let note = &facts.unparsed[at];
    let inline = SPECIAL
        .captures(note.text.trim())
        .map(|c| c[1].to_string())
        .unwrap_or_default();
    let text = if inline.is_empty() {
        // The code block right after the line that holds the sentence.
        let Some(i) = lines
            .iter()
            .position(|l| !l.code && l.line == note.line && l.text.ends_with(note.text.trim()))
        else {
            return;
        };
        let block: Vec<&str> = lines[i + 1..]
            .iter()
            .skip_while(|l| !l.code && l.text.trim().is_empty())
            .take_while(|l| l.code)
            .map(|l| l.text.as_str())
            .collect();
        block.concat()
    } else {
        inline
    };
    let set: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // Only a plain list of punctuation is a list of characters.
    if set.is_empty() || !set.chars().all(|c| c.is_ascii_punctuation()) {
        return;
    }
    let mut unique = String::new();
    for c in set.chars() {
        if !unique.contains(c) {
            unique.push(c);
        }
    }
    *rule = Some(unique);
    facts.unparsed.remove(at);
}
