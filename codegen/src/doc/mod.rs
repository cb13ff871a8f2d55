//! Markdown → a raw document model: title, level-2 sections, and inside them paragraphs, tables
//! (rows and cells with their physical lines) and fenced code blocks.
//!
//! Tables are read line by line rather than with a Markdown parser because the reference docs put
//! whole paragraphs, bullet lists and fenced code inside cells, spread over several physical lines.
//! pulldown-cmark renders the inline text of each line (code spans, links, emphasis, escapes).

mod inline;
mod table;

pub use inline::{plain_text, unescape};
pub use table::{Cell, Row, Table};

/// One physical line of cell or paragraph content, rendered as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    /// 1-based line in the doc.
    pub line: usize,
    /// Plain text: inline Markdown rendered, escapes undone, U+00A0 turned into spaces, trimmed.
    pub text: String,
    /// The raw line content (still Markdown).
    pub raw: String,
    /// Indentation of the bullet marker when the line starts a bullet item (`-   x`).
    pub bullet: Option<usize>,
    /// Inside a fenced code block (text kept verbatim).
    pub code: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// Info string after the opening fence (often empty or `{#request_demo}`).
    pub info: String,
    pub body: String,
    /// Line of the opening fence.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Consecutive non-blank lines outside tables and fences.
    Paragraph(Vec<TextLine>),
    Table(Table),
    Code(CodeBlock),
    /// A table that could not be read (e.g. a row that never closes). Fatal only where the parser
    /// needs that table.
    BrokenTable {
        line: usize,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Heading text without `## `, `{#...}` anchors and surrounding spaces.
    pub heading: String,
    pub line: usize,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// The `# Title` text (anchors stripped) and its line.
    pub title: Option<(String, usize)>,
    /// Blocks between the title and the first `##` heading.
    pub preamble: Vec<Block>,
    pub sections: Vec<Section>,
    /// Layout problems the reader recovered from, by line (an unclosed code fence).
    /// `(line, lint kind, message)`.
    pub recovered: Vec<(usize, &'static str, String)>,
}

impl Document {
    /// Parses Markdown text. Never fails: unreadable tables become [`Block::BrokenTable`].
    pub fn parse(text: &str) -> Document {
        let lines: Vec<&str> = text.lines().collect();
        let mut doc = Document::default();
        let mut current: Option<Section> = None;
        let mut paragraph: Vec<TextLine> = Vec::new();
        let mut i = 0;

        // Appends a block to the open section, or to the preamble before any section.
        fn push(doc: &mut Document, current: &mut Option<Section>, block: Block) {
            match current {
                Some(section) => section.blocks.push(block),
                None => doc.preamble.push(block),
            }
        }
        fn flush(doc: &mut Document, current: &mut Option<Section>, paragraph: &mut Vec<TextLine>) {
            if !paragraph.is_empty() {
                push(doc, current, Block::Paragraph(std::mem::take(paragraph)));
            }
        }

        while i < lines.len() {
            let raw = lines[i];
            let trimmed = raw.trim_start();
            if let Some(fence) = fence_marker(trimmed) {
                flush(&mut doc, &mut current, &mut paragraph);
                let info = trimmed[fence.len()..].trim().to_string();
                let start = i;
                let mut body = Vec::new();
                i += 1;
                while i < lines.len() && fence_marker(lines[i].trim_start()) != Some(fence) {
                    body.push(lines[i]);
                    i += 1;
                }
                // A fence left open swallows the rest of the page; code samples never hold a
                // `## ` heading, so the first one ends the block and the page reads on from it.
                if i >= lines.len()
                    && let Some(k) = body.iter().position(|l| heading(l, 2).is_some())
                {
                    doc.recovered.push((
                        start + 1,
                        "unclosed-code-fence",
                        format!(
                            "the code fence opened here is never closed; it is taken to end before the heading on line {}",
                            start + 2 + k
                        ),
                    ));
                    body.truncate(k);
                    i = start + 1 + k;
                    push(
                        &mut doc,
                        &mut current,
                        Block::Code(CodeBlock {
                            info,
                            body: body.join("\n"),
                            line: start + 1,
                        }),
                    );
                    continue;
                }
                push(
                    &mut doc,
                    &mut current,
                    Block::Code(CodeBlock {
                        info,
                        body: body.join("\n"),
                        line: start + 1,
                    }),
                );
                i += 1;
                continue;
            }
            if let Some(title) = heading(raw, 1) {
                flush(&mut doc, &mut current, &mut paragraph);
                if doc.title.is_none() && current.is_none() {
                    doc.title = Some((title, i + 1));
                } else {
                    // A second `#` heading is unusual; keep its text as a paragraph line.
                    paragraph.push(text_line(i + 1, raw));
                    flush(&mut doc, &mut current, &mut paragraph);
                }
                i += 1;
                continue;
            }
            if let Some(name) = heading(raw, 2) {
                flush(&mut doc, &mut current, &mut paragraph);
                if let Some(section) = current.take() {
                    doc.sections.push(section);
                }
                current = Some(Section {
                    heading: name,
                    line: i + 1,
                    blocks: Vec::new(),
                });
                i += 1;
                continue;
            }
            if table::is_table_start(&lines, i) {
                flush(&mut doc, &mut current, &mut paragraph);
                let (table, next, problems) = table::read_table(&lines, i);
                for (line, reason) in problems {
                    doc.recovered.push((line, "broken-table-row", reason));
                }
                push(&mut doc, &mut current, Block::Table(table));
                i = next.max(i + 1);
                continue;
            }
            if raw.trim_matches(is_space).is_empty() {
                flush(&mut doc, &mut current, &mut paragraph);
            } else {
                paragraph.extend(split_glued_bullets(i + 1, raw));
            }
            i += 1;
        }
        flush(&mut doc, &mut current, &mut paragraph);
        if let Some(section) = current.take() {
            doc.sections.push(section);
        }
        doc
    }
}

/// Unicode whitespace, which includes the U+00A0 the docs use in "empty" cells.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The fence string (```` ``` ```` or `~~~`) a line opens or closes with, if any.
pub(crate) fn fence_marker(trimmed: &str) -> Option<&'static str> {
    if trimmed.starts_with("```") {
        Some("```")
    } else if trimmed.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

/// `## Heading {#anchor .section}` → `Heading` for the given level.
fn heading(raw: &str, level: usize) -> Option<String> {
    let marks = "#".repeat(level);
    let rest = raw.strip_prefix(&marks)?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let mut text = rest.trim_matches(is_space);
    // Strip a trailing `{...}` attribute block (also `{ .section}` with a space).
    if text.ends_with('}')
        && let Some(open) = text.rfind('{')
    {
        text = text[..open].trim_matches(is_space);
    }
    Some(plain_text(text))
}

/// Makes a [`TextLine`] from one raw Markdown line.
pub(crate) fn text_line(line: usize, raw: &str) -> TextLine {
    let without_nbsp = raw.replace('\u{a0}', " ");
    let content = without_nbsp.trim_end();
    let indent = content.len() - content.trim_start().len();
    let body = content.trim_start();
    let (bullet, body) = match strip_bullet(body) {
        Some(rest) => (Some(indent), rest),
        None => (None, body),
    };
    TextLine {
        line,
        text: plain_text(body),
        raw: raw.to_string(),
        bullet,
        code: false,
    }
}

/// `-   text` / `* text` → `text`.
fn strip_bullet(body: &str) -> Option<&str> {
    for marker in ["-", "*", "+"] {
        if let Some(rest) = body.strip_prefix(marker)
            && rest.starts_with([' ', '\t'])
        {
            return Some(rest.trim_start());
        }
    }
    None
}

/// Legacy docs glue the first bullet to the sentence (`Optional values:-   PrePaid: ...`).
/// Splits such a line into the sentence and a bullet line, both with the same line number.
pub(crate) fn split_glued_bullets(line: usize, raw: &str) -> Vec<TextLine> {
    let mut out = Vec::new();
    let mut rest = raw;
    loop {
        match find_glued_bullet(rest) {
            Some(at) => {
                let (head, tail) = rest.split_at(at);
                out.push(text_line(line, head));
                rest = tail;
            }
            None => {
                out.push(text_line(line, rest));
                break;
            }
        }
    }
    out
}

/// Byte offset of a `-   ` bullet marker glued after `:` or `.` (not at the line start).
fn find_glued_bullet(raw: &str) -> Option<usize> {
    let bytes = raw.as_bytes();
    let lead = raw.len() - raw.trim_start().len();
    let mut i = lead + 1;
    while i + 2 < bytes.len() {
        if bytes[i] == b'-'
            && matches!(bytes[i - 1], b':' | b'.')
            && bytes[i + 1] == b' '
            && bytes[i + 2] == b' '
        {
            return Some(i);
        }
        i += 1;
    }
    None
}
