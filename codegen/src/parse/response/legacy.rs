//! The legacy layout: `Array of [T](#T)` type cells whose items are described by a separate table
//! under a `**T**` paragraph.

use std::sync::LazyLock;

use regex::Regex;

use super::{Builder, ParseError, RowData, leaf};
use crate::doc::{Block, Section, Table};
use crate::naming;
use crate::parse::json::JsonNode;
use crate::spec::{Field, FieldShape};

static LEGACY_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\s*`?([^\]`]*?)`?\s*\]\(#([^)]*)\)")
        .unwrap_or_else(|e| panic!("bad pattern: {e}"))
});

/// Legacy `**TypeName**` paragraphs followed by a table.
pub(super) fn typed_sub_tables(section: &Section) -> Vec<(String, &Table)> {
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    for block in &section.blocks {
        match block {
            Block::Paragraph(lines) => {
                pending = match lines.as_slice() {
                    [only]
                        if only.raw.trim().starts_with("**") && only.raw.trim().ends_with("**") =>
                    {
                        Some(only.text.trim().to_string())
                    }
                    _ => None,
                };
            }
            Block::Table(t) => {
                if let Some(name) = pending.take() {
                    out.push((name, t));
                }
            }
            _ => {}
        }
    }
    out
}

pub(super) fn legacy_sub_table<'a>(
    sub_tables: &'a [(String, &'a Table)],
    row: &RowData,
) -> Option<&'a Table> {
    if !row.ty.to_ascii_lowercase().starts_with("array") {
        return None;
    }
    let caps = LEGACY_LINK.captures(&row.ty_raw)?;
    let text = caps.get(1).map_or("", |m| m.as_str()).trim();
    let anchor = caps.get(2).map_or("", |m| m.as_str()).trim();
    sub_tables
        .iter()
        .find(|(name, _)| (!anchor.is_empty() && name == anchor) || name == text)
        .map(|(_, t)| *t)
}

impl Builder<'_, '_> {
    pub(super) fn legacy_array(
        &mut self,
        row: &RowData,
        table: &Table,
        json: Option<&JsonNode>,
        depth: usize,
    ) -> Result<Field, ParseError> {
        let caps = LEGACY_LINK.captures(&row.ty_raw);
        let type_text = caps
            .as_ref()
            .and_then(|c| c.get(1))
            .map_or("", |m| m.as_str())
            .trim()
            .to_string();
        let (wrapper, item_json) = match json {
            Some(JsonNode::Array(_)) => (None, json.and_then(JsonNode::item)),
            Some(j) => match j.single_array_entry() {
                Some((key, array)) => (Some(key.to_string()), array.item()),
                None => (None, None),
            },
            None => {
                // XML-derived docs wrap items in an element named after the type.
                let guess = type_text
                    .strip_suffix("Type")
                    .unwrap_or(&type_text)
                    .to_string();
                self.ctx.lint(
                    "response-nesting-guess",
                    row.line,
                    format!(
                        "`{}`: wrapper `{guess}` guessed from the type name (no JSON evidence)",
                        row.name
                    ),
                );
                (Some(guess), None)
            }
        };
        let fields = if depth < 8 {
            self.table_fields(table, item_json, depth + 1)?
        } else {
            Vec::new()
        };
        let item = FieldShape::Struct {
            type_name: naming::type_name(&type_text),
            fields,
        };
        Ok(leaf(
            row,
            FieldShape::Array {
                wrapper,
                item: Box::new(item),
            },
        ))
    }
}
