//! Inline Markdown → plain text.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Renders inline Markdown as plain text: code spans keep their content, links keep their text,
/// emphasis markers go, backslash escapes are undone, whitespace (including U+00A0) is collapsed.
pub fn plain_text(markdown: &str) -> String {
    let source = protect_link_targets(markdown);
    let mut out = String::new();
    for event in Parser::new(&source) {
        match event {
            Event::Text(text) | Event::Code(text) | Event::InlineHtml(text) | Event::Html(text) => {
                out.push_str(&text)
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::Start(Tag::Paragraph | Tag::Item | Tag::Heading { .. })
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push(' '),
            _ => {}
        }
    }
    collapse_spaces(&out)
}

/// Undoes Markdown backslash escapes (`\*` → `*`, `\\` → `\`) in text that is not rendered.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Legacy docs link to repo paths with spaces (`[x](intl.en-US/API Reference/a.md#)`), which
/// CommonMark does not accept as a link; wrapping the target in `<...>` makes it one.
fn protect_link_targets(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("](") {
        let (head, tail) = rest.split_at(at + 2);
        out.push_str(head);
        match tail.find(')') {
            Some(close) if tail[..close].contains(' ') && !tail[..close].contains(['<', '>']) => {
                out.push('<');
                out.push_str(&tail[..close]);
                out.push('>');
                rest = &tail[close..];
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_inline_markup() {
        assert_eq!(
            plain_text("**Running** \\(`Running`\\)"),
            "Running (Running)"
        );
        assert_eq!(
            plain_text("see [DescribeRegions](~~25609~~)."),
            "see DescribeRegions."
        );
        assert_eq!(plain_text("i-j6ca\\*\\*\\*\\*"), "i-j6ca****");
        assert_eq!(
            plain_text("a \\| b \\_c\\_ \\{x\\} \\\\"),
            "a | b _c_ {x} \\"
        );
        assert_eq!(
            plain_text("call [DescribeRegions](intl.en-US/API Reference/Regions/D.md#) now"),
            "call DescribeRegions now"
        );
        assert_eq!(plain_text(" \u{a0} "), "");
    }

    #[test]
    fn unescape_keeps_other_backslashes() {
        assert_eq!(unescape("\\*\\(x\\) c:\\dir"), "*(x) c:\\dir");
    }
}
