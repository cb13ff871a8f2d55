//! Rustdoc text: doc prose made safe for rustdoc, and the layout of param, setter and error docs
//! (description first, constraints in the rules' one wording from `ecs_rules`, provenance folded
//! away).

use std::fmt::Write as _;
use std::sync::LazyLock;

use proc_macro2::TokenStream;
use quote::quote;

use crate::spec::{ErrorCode, Origin, Param, Shape};

/// Plain doc prose with Markdown and HTML specials neutralised. Links keep their text and their
/// target when it is a web address; doc-internal links (`~~123~~`, relative) keep only the text.
pub fn doc_text(text: &str) -> String {
    static LINK: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\[([^\]]*)\]\(([^)]*)\)").expect("static regex"));
    static MARKER: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"~~\d+~~").expect("static regex"));
    let text = LINK.replace_all(text, |c: &regex::Captures<'_>| {
        let (label, target) = (c[1].trim(), c[2].trim());
        if target.starts_with("http://") || target.starts_with("https://") {
            format!("{label} ({target})")
        } else {
            label.to_string()
        }
    });
    let text = MARKER.replace_all(&text, "");
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut words = Vec::new();
        for word in line.trim_end().split(' ') {
            let word = if word.contains("://") {
                word.trim_matches('`')
            } else {
                word
            };
            if let Some(pos) = word.find("http://").or_else(|| word.find("https://")) {
                let (head, url) = word.split_at(pos);
                let url = url.trim_end_matches(['.', ',', ';', ')']);
                let tail = &word[pos + url.len()..];
                words.push(format!(
                    "{}`{}`{}",
                    escape_md(head),
                    url.replace('`', "'"),
                    escape_md(tail)
                ));
            } else {
                words.push(escape_md(word));
            }
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// Escapes Markdown specials and drops bidi and other invisible control characters, which would
/// make the generated source misleading to read.
pub fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_invisible_control(c) {
            continue;
        }
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn is_invisible_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `#[doc = " …"]` attributes, one per line.
pub fn doc_attr(text: &str) -> TokenStream {
    let lines: Vec<String> = text.lines().map(|l| format!(" {l}")).collect();
    quote! { #(#[doc = #lines])* }
}

/// The first sentence of a description, on one line: what a setter's doc leads with.
pub fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = flat
        .char_indices()
        .find(|&(i, c)| c == '.' && flat[i + 1..].starts_with(' ') && !flat[..i].ends_with("e.g"))
        .map(|(i, _)| i + 1)
        .unwrap_or(flat.len());
    flat[..end].to_string()
}

/// The constraint lines of a param (`- length 2 to 128 characters`), without provenance; for a
/// nested value, its members' rules too (`Key: length at most 128 characters`).
pub fn constraint_lines(p: &Param) -> Vec<String> {
    let mut out = Vec::new();
    if p.required {
        out.push("required".to_string());
    }
    for c in &p.constraints {
        out.push(escape_md(&c.described()));
    }
    for m in members_of(&p.shape) {
        for c in &m.constraints {
            out.push(format!(
                "`{}`: {}",
                m.wire_name.replace('`', "'"),
                escape_md(&c.described())
            ));
        }
    }
    if let Some(d) = &p.default {
        out.push(format!("default: {}", escape_md(&d.value)));
    }
    if p.sensitive {
        out.push("sensitive: never shown in `Debug` output or error messages".to_string());
    }
    out
}

fn members_of(shape: &Shape) -> &[Param] {
    match shape {
        Shape::Struct { members, .. } => members,
        Shape::List { item, .. } => members_of(item),
        Shape::Scalar { .. } => &[],
    }
}

/// The rustdoc of a param field: description, constraints, then where each fact came from,
/// folded in a `<details>` block. An override's reason is printed once. Members of shared types
/// document no constraints: those depend on the operation, and sit on the field that takes the
/// type.
pub fn param_doc(p: &Param, shared_member: bool) -> String {
    let mut text = doc_text(p.description.trim());
    if text.is_empty() {
        text = format!("The `{}` parameter.", p.doc_name.replace('`', "'"));
    }
    if shared_member {
        if !p.constraints.is_empty() {
            text.push_str("\n\nThe rules on this value depend on the operation; the field or setter that takes this type lists them.");
        }
        return text;
    }
    let lines = constraint_lines(p);
    if !lines.is_empty() {
        text.push_str("\n\nConstraints:");
        for l in lines {
            let _ = write!(text, "\n- {l}");
        }
    }
    let _ = write!(
        text,
        "\n\n<details><summary>Provenance</summary>\n\nWire name `{}`",
        p.doc_name.replace('`', "'")
    );
    if p.line > 0 {
        let _ = write!(text, ", doc line {}", p.line);
    }
    text.push('.');
    let mut reasons: Vec<&str> = Vec::new();
    if let Origin::Override { reason } = &p.origin {
        reasons.push(reason);
    }
    for c in &p.constraints {
        if let Origin::Override { reason } = &c.origin
            && !reasons.contains(&reason.as_str())
        {
            reasons.push(reason);
        }
    }
    for reason in reasons {
        let _ = write!(text, " Reviewed override: {}", doc_text(reason));
    }
    text.push_str("\n\n</details>");
    text
}

/// A setter's doc: what it does, the param's first sentence and its constraints, so the limits
/// show where a user types.
pub fn setter_doc(action: &str, p: &Param, with_constraints: bool) -> String {
    let mut text = format!("{action} `{}`.", p.doc_name.replace('`', "'"));
    let lead = first_sentence(&doc_text(p.description.trim()));
    if !lead.is_empty() {
        let _ = write!(text, " {lead}");
    }
    let lines = constraint_lines(p);
    if with_constraints && !lines.is_empty() {
        let _ = write!(text, "\n\nConstraints: {}.", lines.join("; "));
    }
    text
}

pub fn error_doc(e: &ErrorCode) -> String {
    let mut text = format!("`{}`", e.code.replace('`', "'"));
    for l in &e.listings {
        let status = l
            .http_status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "?".into());
        let msg = if l.message.trim().is_empty() {
            "(no message)".to_owned()
        } else {
            doc_text(l.message.trim()).replace('\n', " ")
        };
        let _ = write!(text, "\n- HTTP {status}: {msg}");
        if !l.description.trim().is_empty() {
            let _ = write!(
                text,
                " {}",
                doc_text(l.description.trim()).replace('\n', " ")
            );
        }
    }
    if let Origin::Override { reason } = &e.origin {
        let _ = write!(
            text,
            "\n\nAdded by a reviewed override: {}",
            doc_text(reason)
        );
    }
    text.push_str(if e.retryable {
        "\n\nRetryable."
    } else {
        "\n\nNot retryable."
    });
    text
}
