//! Lists after a trigger phrase: the character groups of `can contain letters, digits, and
//! periods (.)` as a regex class body, and the literals of `cannot start with http:// or https://`.

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
                for word in [" and ", " or ", " but "] {
                    if text[i..].starts_with(word) {
                        parts.push((start, i));
                        start = i + word.len() - 1;
                        i = start;
                        break;
                    }
                }
                // A conjunction glued to a URL prefix (`http:// orhttps://`, a typo of the pages).
                for word in [" or", " and"] {
                    let Some(rest) = text[i..].strip_prefix(word) else {
                        continue;
                    };
                    let token = rest.split_whitespace().next().unwrap_or("");
                    if token.contains("://") && rest.starts_with(|c: char| c.is_ascii_alphabetic())
                    {
                        parts.push((start, i));
                        start = i + word.len();
                        i = start - 1;
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

/// Words after which a list is over (`..., and must start with`, `acs: or contain http://`).
const STOP_WORDS: &[&str] = &[
    "must", "cannot", "can", "can't", "should", "it", "is", "which", "but", "the", "this", "they",
    "may", "does", "do", "not", "contain",
];

fn starts_with_stop_word(part: &str) -> bool {
    let first = part
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    STOP_WORDS.contains(&first.as_str())
}

/// `the following special characters: - _ .`: the list goes on with characters of its own,
/// so what was read so far is not all of it.
fn goes_on(part: &str) -> bool {
    let part = part.trim_start().to_ascii_lowercase();
    ["the following", "the special", "the characters"]
        .iter()
        .any(|w| part.starts_with(w))
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
        "ascii characters" | "ascii character" => Some(&[r"\x00-\x7F"]),
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
        r"\x00-\x7F" => -1,
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
            // A range of its own, kept as written.
            r"\x00-\x7F" => out.push_str(p),
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
pub(super) fn charset_list(text: &str) -> Option<(String, usize)> {
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
            None if i > 0 && starts_with_stop_word(part) && !goes_on(part) => break,
            None => return None,
        }
        if sentence_end < e - s {
            break;
        }
    }
    (!pieces.is_empty()).then(|| (class_body(&pieces), end))
}

/// `a letter or a digit` → class body of allowed first characters.
pub(super) fn first_char_list(text: &str) -> Option<(String, usize)> {
    let mut pieces = Vec::new();
    let mut end = 0;
    for (i, (s, e)) in list_parts(text).into_iter().enumerate() {
        let part = &text[s..e];
        match char_item(part) {
            Some(p) => {
                pieces.extend(p);
                end = s + part.trim_end().trim_end_matches('.').len();
            }
            None if i > 0 && starts_with_stop_word(part) && !goes_on(part) => break,
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
pub(super) fn literal_list(text: &str) -> Option<(Vec<String>, usize)> {
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
