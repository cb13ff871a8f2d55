//! Line-based reader for pipe tables whose rows span several physical lines.
//!
//! A row ends at the line that completes its pipe count (one more pipe than columns) and ends
//! with a pipe; the 2019 docs close rows with a line holding only ` |`, legacy docs with `|`.
//! Pipes inside fenced code and escaped pipes (`\|`) are content.

use super::{TextLine, fence_marker, is_space, split_glued_bullets};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Header cells as plain text.
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    /// Line of the header row.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Exactly one cell per column (padded when the row is short).
    pub cells: Vec<Cell>,
    /// Line where the row starts.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cell {
    /// Non-empty content lines, with bullets and code lines marked.
    pub lines: Vec<TextLine>,
    /// The raw Markdown of the cell (lines joined with `\n`).
    pub raw: String,
}

impl Cell {
    /// All content as one line of plain text.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.lines.iter().map(|l| l.text.as_str()).collect();
        parts.join(" ").trim_matches(is_space).to_string()
    }

    /// Content with its line structure: bullets prefixed by `- `, one entry per line.
    pub fn description(&self) -> String {
        let parts: Vec<String> = self
            .lines
            .iter()
            .map(|l| match l.bullet {
                Some(indent) if !l.code => format!("{}- {}", " ".repeat(indent), l.text),
                _ => l.text.clone(),
            })
            .collect();
        parts.join("\n")
    }
}

impl Row {
    /// The cell of a column, or an empty one.
    pub fn cell(&self, column: Option<usize>) -> Option<&Cell> {
        column.and_then(|c| self.cells.get(c))
    }
}

/// A line is a table start when it begins with `|` and the next one is a `|---|` separator.
pub(crate) fn is_table_start(lines: &[&str], at: usize) -> bool {
    let starts_with_pipe = lines
        .get(at)
        .is_some_and(|l| l.trim_start_matches(is_space).starts_with('|'));
    starts_with_pipe && lines.get(at + 1).is_some_and(|l| is_separator(l))
}

fn is_separator(line: &str) -> bool {
    let t = line.trim_matches(is_space);
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// Splits a one-line row into raw cell texts (between the outer pipes).
fn split_simple(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut chars = line.trim_matches(is_space).chars();
    let mut seen_first = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            '|' => {
                if seen_first {
                    cells.push(std::mem::take(&mut current));
                } else {
                    current.clear();
                }
                seen_first = true;
            }
            _ => current.push(c),
        }
    }
    if !current.trim_matches(is_space).is_empty() {
        cells.push(current);
    }
    cells
}

/// One cell being collected: raw segments with their line numbers, code lines marked.
#[derive(Default)]
struct RawCell {
    segments: Vec<(usize, String, bool)>,
}

impl RawCell {
    fn push(&mut self, line: usize, text: &str, code: bool) {
        self.segments.push((line, text.to_string(), code));
    }

    fn into_cell(self) -> Cell {
        let mut lines = Vec::new();
        let mut raw = Vec::new();
        for (line, text, code) in self.segments {
            raw.push(text.clone());
            if code {
                lines.push(TextLine {
                    line,
                    text: text.trim_end().to_string(),
                    raw: text,
                    bullet: None,
                    code: true,
                });
            } else {
                // As in GFM tables, `\|` is a literal pipe even inside code spans.
                let text = text.replace("\\|", "|");
                lines.extend(
                    split_glued_bullets(line, &text)
                        .into_iter()
                        .filter(|l| !l.text.is_empty()),
                );
            }
        }
        Cell {
            lines,
            raw: raw.join("\n"),
        }
    }
}

/// Reads the table starting at `start` (header line). Returns the table, the index of the first
/// line after it, and what was wrong: a row that cannot be closed ends the table there (the rows
/// before it are kept and the page reads on), so one broken row never costs the whole page.
pub(crate) fn read_table(lines: &[&str], start: usize) -> (Table, usize, Vec<(usize, String)>) {
    let header_raw = split_simple(lines[start]);
    let separator_cols = split_simple(lines[start + 1]).len();
    let columns = header_raw.len().max(separator_cols).max(1);
    let mut header: Vec<String> = header_raw.iter().map(|c| super::plain_text(c)).collect();
    header.resize(columns, String::new());

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut i = start + 2;
    while let Some(at) = next_row(lines, i) {
        match read_row(lines, at, columns) {
            Ok((row, next, short)) => {
                if let Some(reason) = short {
                    problems.push((at + 1, reason));
                }
                rows.push(row);
                i = next;
            }
            // Resynchronise: the reader stopped where the next row or section starts.
            Err((reason, next)) => {
                problems.push((at + 1, format!("{reason}; the row is left out")));
                i = next.max(at + 1);
            }
        }
    }
    (
        Table {
            header,
            rows,
            line: start + 1,
        },
        i,
        problems,
    )
}

/// Where the next row of a table starts, from `i` on: blank lines between rows do not end the
/// table, another table (a header over a separator) or any other line does.
fn next_row(lines: &[&str], mut i: usize) -> Option<usize> {
    while lines.get(i)?.trim_matches(is_space).is_empty() {
        i += 1;
    }
    let is_row =
        lines[i].trim_start_matches(is_space).starts_with('|') && !is_table_start(lines, i);
    is_row.then_some(i)
}

/// Pipes outside `\`-escapes in a line.
fn count_pipes(line: &str) -> usize {
    let mut n = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => n += 1,
            _ => {}
        }
    }
    n
}

/// Reads one row starting at `start`; returns it and the index after its last line.
/// A row closed early (the next row started while it was short) comes with a note saying so.
type RowRead = Result<(Row, usize, Option<String>), (String, usize)>;

fn read_row(lines: &[&str], start: usize, columns: usize) -> RowRead {
    let needed = columns + 1;
    let mut pipes = 0usize;
    let mut in_fence: Option<&'static str> = None;
    let mut cells: Vec<RawCell> = vec![RawCell::default()];
    let mut i = start;
    loop {
        let Some(&raw) = lines.get(i) else {
            return Err((
                format!("table row starting at line {} never closes", start + 1),
                i,
            ));
        };
        let line_no = i + 1;
        let trimmed = raw.trim_start_matches(is_space);
        let mut scan_from = Some(raw);
        if let Some(fence) = in_fence {
            if fence_marker(trimmed) == Some(fence) {
                // Closing fence; what follows it (often ` |`) is table syntax again.
                in_fence = None;
                scan_from = Some(&trimmed[fence.len()..]);
            } else {
                if let Some(cell) = cells.last_mut() {
                    cell.push(line_no, raw, true);
                }
                scan_from = None;
            }
        } else if i > start
            && let Some(fence) = fence_marker(trimmed)
        {
            in_fence = Some(fence);
            scan_from = None;
        }
        if let Some(text) = scan_from {
            let mut current = String::new();
            let mut chars = text.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        current.push(c);
                        if let Some(n) = chars.next() {
                            current.push(n);
                        }
                    }
                    '|' => {
                        pipes += 1;
                        if let Some(cell) = cells.last_mut()
                            && !current.trim_matches(is_space).is_empty()
                        {
                            cell.push(line_no, &current, false);
                        }
                        current.clear();
                        cells.push(RawCell::default());
                    }
                    _ => current.push(c),
                }
            }
            if !current.trim_matches(is_space).is_empty()
                && let Some(cell) = cells.last_mut()
            {
                cell.push(line_no, &current, false);
            }
        }
        let ends_with_pipe = in_fence.is_none() && raw.trim_end_matches(is_space).ends_with('|');
        if pipes >= needed && ends_with_pipe {
            return Ok((finish_row(cells, columns, start), i + 1, None));
        }
        // Decide whether the next line continues this row.
        let Some(next) = lines.get(i + 1) else {
            return Err((
                format!("table row starting at line {} never closes", start + 1),
                i + 1,
            ));
        };
        if in_fence.is_none() {
            let next_trimmed = next.trim_matches(is_space);
            if next.starts_with("## ") || next.starts_with("# ") {
                return Err((
                    format!(
                        "table row starting at line {} never closes before the heading at line {}",
                        start + 1,
                        i + 2
                    ),
                    i + 1,
                ));
            }
            // A line starting with `|` continues a short row when its pipes still fit in it (a
            // table whose cells each sit on their own line or paragraph); one that would overflow
            // the row starts the next row, and the short one is closed (padded).
            if next_trimmed.starts_with('|') && pipes + count_pipes(next_trimmed) > needed {
                let note = format!(
                    "table row starting at line {} is still open ({} of its {needed} `|`) when \
                     the next row starts at line {}; it ends there, missing cells empty",
                    start + 1,
                    pipes,
                    i + 2
                );
                return Ok((finish_row(cells, columns, start), i + 1, Some(note)));
            }
        }
        i += 1;
    }
}

fn finish_row(mut cells: Vec<RawCell>, columns: usize, start: usize) -> Row {
    // The text before the first pipe is not a cell; an empty tail after the last pipe is not either.
    if !cells.is_empty() {
        cells.remove(0);
    }
    if cells.last().is_some_and(|c| c.segments.is_empty()) {
        cells.pop();
    }
    // Extra cells come from a raw `|` in the text: fold them back into the last column.
    while cells.len() > columns && columns > 0 {
        if let Some(extra) = cells.pop()
            && let Some(last) = cells.last_mut()
        {
            let mut extra_segments = extra.segments;
            if let (Some(prev), Some(first)) = (last.segments.last_mut(), extra_segments.first())
                && prev.0 == first.0
                && !prev.2
                && !first.2
            {
                prev.1.push_str(" | ");
                prev.1.push_str(&first.1);
                extra_segments.remove(0);
            }
            last.segments.extend(extra_segments);
        }
    }
    let mut out: Vec<Cell> = cells.into_iter().map(RawCell::into_cell).collect();
    out.resize(columns, Cell::default());
    Row {
        cells: out,
        line: start + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        let lines: Vec<&str> = text.lines().collect();
        let (table, _, problems) = read_table(&lines, 0);
        assert!(problems.is_empty(), "{problems:?}");
        table
    }

    #[test]
    fn multi_line_rows_with_2019_terminator() {
        let t = table("|A|B|C|\n|-|-|-|\n|x|String| first\n\nsecond\n |\n|y|Integer|z|");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[2].text(), "first second");
        assert_eq!(t.rows[0].cells[2].lines[1].line, 5);
        assert_eq!(t.rows[1].line, 7);
    }

    #[test]
    fn legacy_bare_pipe_and_glued_bullets() {
        let t = table("|A|B|\n|:-|:-|\n|Force|Values:-   true: yes\n-   false: no\n\n|\n");
        let cell = &t.rows[0].cells[1];
        assert_eq!(cell.lines.len(), 3);
        assert_eq!(cell.lines[1].bullet, Some(0));
        assert_eq!(cell.lines[1].text, "true: yes");
        assert_eq!(cell.lines[1].line, 3);
    }

    #[test]
    fn escaped_pipe_and_nbsp() {
        let t = table("|A|B|\n|-|-|\n|\u{a0}|ps \\| grep|");
        assert_eq!(t.rows[0].cells[0].text(), "");
        assert_eq!(t.rows[0].cells[1].text(), "ps | grep");
    }

    #[test]
    fn code_fence_with_pipes_in_cell() {
        let t = table("|A|B|\n|-|-|\n|Password|Special:\n\n```\n\n( ) | { }\n\n``` |\n|Next|x|");
        assert_eq!(t.rows.len(), 2);
        let cell = &t.rows[0].cells[1];
        assert!(
            cell.lines
                .iter()
                .any(|l| l.code && l.text.contains("( ) | { }"))
        );
        assert_eq!(t.rows[1].cells[0].text(), "Next");
    }

    #[test]
    fn an_unterminated_row_ends_the_table_and_is_reported() {
        let lines = ["|A|B|", "|-|-|", "|ok|row|", "|x|never closed", "more"];
        let (table, _, problems) = read_table(&lines, 0);
        assert_eq!(table.rows.len(), 1, "the rows before it are kept");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 4, "the line of the broken row");
    }
}
