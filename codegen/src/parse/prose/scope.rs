//! What a sentence is about. A rule is read from a sentence only when the sentence speaks of the
//! param's own value (or each item of it): `A custom parameter name can contain only letters` on
//! `CommandContent`, or `The key cannot be an empty string. It can be up to 64 characters` on a
//! JSON map, state rules on something inside the value, and stay notes.
//!
//! The subject is the text before the sentence's first verb. It is the param's own when every
//! word of it is a word of the param's name or of its description's first sentence (`The instance
//! name prefix` on `InstanceName` described as "The default instance name prefix"), leaving out
//! the generic words (`the`, `value`, `parameter`, …). `It` and `They` mean the last subject.
//! A sentence with no subject found (`Valid values: 1 to 10.`) is about the value, as before.

use std::collections::BTreeSet;

/// Words that say nothing about which thing a subject is.
const GENERIC: &[&str] = &[
    "the",
    "a",
    "an",
    "each",
    "every",
    "this",
    "that",
    "these",
    "its",
    "of",
    "new",
    "specified",
    "parameter",
    "value",
    "string",
    "default",
    "format",
    "length",
    "note",
    "input",
    "entered",
    "valid",
    "maximum",
    "minimum",
    "optional",
    "possible",
    "allowed",
    "unit",
    "n",
    "also",
    "only",
    "you",
];

/// Nouns naming a part of a value (a map's keys, the names inside a template): a subject with one
/// of these is about that part unless the param's name or its first sentence says it is one.
const PART_NOUNS: &[&str] = &["key", "name", "element", "item", "field", "entry"];

/// The first verb of a sentence, or a clause word, ends its subject.
const VERBS: &[&str] = &[
    "must",
    "can",
    "cannot",
    "can't",
    "may",
    "should",
    "is",
    "are",
    "has",
    "have",
    "contains",
    "supports",
    "consists",
    "needs",
    "will",
    "does",
    "do",
    "takes",
    "take",
    "applies",
    "apply",
    "ranges",
    "range",
    "defaults",
    "indicates",
    "specifies",
    "becomes",
    "was",
    "were",
    "only",
    "when",
    "if",
    "which",
    "that",
];

pub(super) struct Scope {
    own: BTreeSet<String>,
    /// The last segment of the param's name, lower case (`key` for `Tag.N.Key`).
    name_tail: String,
    /// The words of the description's first sentence, hyphenated ones whole (`key-value`).
    intro: BTreeSet<String>,
    /// Whether the last sentence with a subject was about something else.
    last_foreign: bool,
}

fn singular(word: &str) -> String {
    let w = word.to_ascii_lowercase();
    match w.strip_suffix("ies") {
        Some(stem) if !stem.is_empty() => format!("{stem}y"),
        _ if ["ss", "us", "is"].iter().any(|e| w.ends_with(e)) => w,
        _ => match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 2 => stem.to_string(),
            _ => w,
        },
    }
}

/// `InstanceName` → `instance`, `name`; `Tag.N.Key` → `tag`, `key`.
fn name_words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in name.split(['.', '_']) {
        if seg.eq_ignore_ascii_case("n") || seg.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        out.push(singular(seg));
        let mut word = String::new();
        let chars: Vec<char> = seg.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = c.is_uppercase()
                && i > 0
                && (chars[i - 1].is_lowercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
            if boundary && !word.is_empty() {
                out.push(singular(&word));
                word.clear();
            }
            word.push(c);
        }
        if !word.is_empty() {
            out.push(singular(&word));
        }
    }
    out
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty() && !GENERIC.contains(&w.to_ascii_lowercase().as_str()))
        .map(singular)
}

impl Scope {
    /// `name` is the param's doc name, `intro` the first sentence of its description.
    pub(super) fn new(name: &str, intro: &str) -> Scope {
        let mut own: BTreeSet<String> = name_words(name).into_iter().collect();
        own.extend(words(intro));
        let tail = name
            .rsplit('.')
            .find(|s| !s.eq_ignore_ascii_case("n"))
            .unwrap_or(name)
            .to_ascii_lowercase();
        let intro = intro
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| !w.is_empty())
            .map(singular)
            .collect();
        Scope {
            own,
            name_tail: tail,
            intro,
            last_foreign: false,
        }
    }

    /// Whether `sentence` speaks of the param's own value; remembers the answer for `It`.
    pub(super) fn is_own(&mut self, sentence: &str) -> bool {
        let Some(subject) = subject(sentence) else {
            return true;
        };
        let ws: Vec<String> = words(&subject)
            .filter(|w| !GENERIC.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        if ws.iter().all(|w| w == "it" || w == "they") && !ws.is_empty() {
            return !self.last_foreign;
        }
        let foreign = ws.iter().any(|w| {
            let part = PART_NOUNS.contains(&w.as_str())
                && !self.name_tail.contains(w.as_str())
                && !self.intro.contains(w);
            part || !(self.own.contains(w) || self.name_tail == *w)
        });
        self.last_foreign = foreign;
        !foreign
    }
}

/// The text before the first verb, when it is a short noun phrase.
fn subject(sentence: &str) -> Option<String> {
    let clean: String = sentence
        .chars()
        .filter(|c| !matches!(c, '*' | '`' | '"'))
        .collect();
    let lower = clean.to_ascii_lowercase();
    let lower = lower.strip_prefix("note:").unwrap_or(&lower).trim_start();
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    let at = tokens
        .iter()
        .position(|t| VERBS.contains(&t.trim_end_matches(',')))?;
    let head = &tokens[..at];
    // A subject with punctuation inside (`Valid values: a, b`) or a long clause is not a noun
    // phrase this reader can judge.
    if head.len() > 8 || head.iter().any(|t| t.contains([':', ',', '(', ')'])) {
        return None;
    }
    Some(head.join(" "))
}
