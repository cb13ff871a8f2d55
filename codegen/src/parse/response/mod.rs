//! Response tables → a tree of [`Field`]s.
//!
//! Modern tables carry no depth marker, so the tree is recovered from two hints: rows within one
//! level are sorted ASCII-wise (a drop means "the child level ended"), and the JSON sample shows
//! which keys live where. Where both are silent, the innermost possible level is chosen and a
//! `response-nesting-guess` lint is recorded.

mod containers;
mod legacy;

use super::json::{JsonNode, read_sample};
use super::request::scalar_type;
use super::{Columns, Ctx, ParseError};
use crate::doc::{Section, Table};
use crate::naming;
use crate::spec::{Field, FieldShape, ScalarType};
use legacy::{legacy_sub_table, typed_sub_tables};

/// A response row with its cells as plain text.
#[derive(Debug, Clone)]
struct RowData {
    name: String,
    /// Had a `└` prefix: one level below the last unmarked row.
    marked: bool,
    ty: String,
    /// Raw Markdown of the type cell (for legacy `[T](#T)` links).
    ty_raw: String,
    example: Option<String>,
    description: String,
    line: usize,
}

impl RowData {
    fn is_wrapper_like(&self) -> bool {
        self.ty.is_empty() && self.example.is_none()
    }
}

/// The only field a response always has.
pub(crate) fn request_id_only() -> Vec<Field> {
    vec![request_id()]
}

fn request_id() -> Field {
    Field {
        name: "RequestId".into(),
        rust_name: "request_id".into(),
        shape: FieldShape::Scalar {
            ty: ScalarType::String,
        },
        description: String::new(),
        example: None,
        line: 0,
    }
}

pub(crate) fn build(
    ctx: &mut Ctx,
    section: &Section,
    tables: &[&Table],
    json_sample: Option<&str>,
) -> Result<Vec<Field>, ParseError> {
    let Some(main) = tables.first() else {
        return Ok(request_id_only());
    };
    let sample = match json_sample.map(read_sample) {
        Some(Some((node, valid))) => {
            if !valid {
                ctx.lint(
                    "json-sample-invalid",
                    section.line,
                    "the JSON response sample is not valid JSON; read leniently",
                );
            }
            Some(node)
        }
        Some(None) => {
            ctx.lint(
                "json-sample-invalid",
                section.line,
                "the JSON response sample could not be read",
            );
            None
        }
        None => None,
    };
    let sub_tables = typed_sub_tables(section);
    let mut builder = Builder {
        ctx,
        sub_tables: &sub_tables,
    };
    let mut fields = builder.table_fields(main, sample, 0)?;
    if !fields.iter().any(|f| f.name == "RequestId") {
        fields.push(request_id());
    }
    Ok(fields)
}

/// How an open container turns into a field of its parent.
#[derive(Debug, Clone)]
enum Kind {
    Root,
    Struct {
        type_name: String,
    },
    Array {
        wrapper: Option<String>,
        type_name: String,
    },
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    /// The row that opened the frame (for Root: unused).
    head: Option<RowData>,
    fields: Vec<Field>,
    last_name: Option<String>,
    /// A row was placed here against the sort order (by the JSON sample): this level's rows are
    /// not sorted on this page.
    unsorted: bool,
    /// The JSON object of this level (the item object for arrays), when the sample shows it.
    json: Option<JsonNode>,
}

impl Frame {
    fn new(kind: Kind, head: Option<RowData>, json: Option<JsonNode>) -> Frame {
        Frame {
            kind,
            head,
            fields: Vec::new(),
            last_name: None,
            unsorted: false,
            json: json.filter(JsonNode::is_object),
        }
    }

    fn has_key(&self, key: &str) -> bool {
        self.json.as_ref().is_some_and(|j| j.get(key).is_some())
    }

    fn accepts_by_order(&self, name: &str) -> bool {
        self.last_name
            .as_deref()
            .is_none_or(|last| name.as_bytes() >= last.as_bytes())
    }
}

struct Builder<'a, 'c> {
    ctx: &'c mut Ctx,
    sub_tables: &'a [(String, &'a Table)],
}

impl Builder<'_, '_> {
    fn rows(&mut self, table: &Table) -> Result<Vec<RowData>, ParseError> {
        let cols = Columns::of(table);
        let Some(name_col) = cols.name else {
            return Err(self.ctx.error(
                table.line,
                "response table has no `Parameter`/`Name` column",
            ));
        };
        let mut out = Vec::new();
        for row in &table.rows {
            let raw_name = row
                .cells
                .get(name_col)
                .map(|c| c.text())
                .unwrap_or_default();
            let marked = raw_name.starts_with('└');
            let name = raw_name
                .trim_start_matches(|c: char| c == '└' || c.is_whitespace())
                .to_string();
            if name.is_empty() {
                continue;
            }
            let ty_cell = row.cell(cols.ty);
            out.push(RowData {
                name,
                marked,
                ty: ty_cell.map(|c| c.text()).unwrap_or_default(),
                ty_raw: ty_cell.map(|c| c.raw.clone()).unwrap_or_default(),
                example: row
                    .cell(cols.example)
                    .map(|c| c.text())
                    .filter(|e| !e.is_empty()),
                description: row
                    .cell(cols.description)
                    .map(|c| c.description())
                    .unwrap_or_default(),
                line: row.line,
            });
        }
        Ok(out)
    }

    fn table_fields(
        &mut self,
        table: &Table,
        json: Option<JsonNode>,
        depth: usize,
    ) -> Result<Vec<Field>, ParseError> {
        let rows = self.rows(table)?;
        let has_marks = rows.iter().any(|r| r.marked);
        let mut stack = vec![Frame::new(Kind::Root, None, json)];
        let mut i = 0;
        while i < rows.len() {
            let row = rows[i].clone();
            let level = self.choose_level(&stack, &row, has_marks);
            while stack.len() > level + 1 {
                self.close(&mut stack);
            }
            let json_here = stack
                .last()
                .and_then(|f| f.json.as_ref())
                .and_then(|j| j.get(&row.name))
                .cloned();
            let next = rows.get(i + 1);
            i += 1;
            let ty_lower = row.ty.to_ascii_lowercase();
            let array_of = ty_lower
                .strip_prefix("array of")
                .map(|_| row.ty[8..].trim().to_string());

            // Legacy `Array of [T](#T)` with a `**T**` sub-table.
            if let Some(sub) = legacy_sub_table(self.sub_tables, &row) {
                let field = self.legacy_array(&row, sub, json_here.as_ref(), depth)?;
                push_field(&mut stack, field);
                continue;
            }

            if let Some(scalar) = scalar_type(&row.ty) {
                push_field(&mut stack, leaf(&row, FieldShape::Scalar { ty: scalar }));
                continue;
            }

            match (array_of, ty_lower.as_str()) {
                (Some(item), _) if scalar_type(&item).is_some() => {
                    let ty = scalar_type(&item).unwrap_or(ScalarType::String);
                    let wrapper = if next
                        .is_some_and(|n| n.is_wrapper_like() && n.name.eq_ignore_ascii_case(&item))
                    {
                        i += 1;
                        next.map(|n| n.name.clone())
                    } else {
                        self.wrapper_from_json(&row, json_here.as_ref())
                    };
                    let shape = FieldShape::Array {
                        wrapper,
                        item: Box::new(FieldShape::Scalar { ty }),
                    };
                    push_field(&mut stack, leaf(&row, shape));
                }
                (Some(item), _) => {
                    let wrapper_row =
                        next.filter(|n| n.is_wrapper_like() && n.name.eq_ignore_ascii_case(&item));
                    self.open_array(&mut stack, &row, &item, wrapper_row, json_here.as_ref());
                    if wrapper_row.is_some() {
                        i += 1;
                    }
                }
                (None, "array") => {
                    let wrapper_row = next.filter(|n| n.is_wrapper_like());
                    let item = wrapper_row.map_or(row.name.clone(), |w| w.name.clone());
                    self.open_array(&mut stack, &row, &item, wrapper_row, json_here.as_ref());
                    if wrapper_row.is_some() {
                        i += 1;
                    }
                }
                (None, "list") => {
                    let field = self.scalar_list(&row, json_here.as_ref());
                    push_field(&mut stack, field);
                }
                (None, "struct") => {
                    let kind = Kind::Struct {
                        type_name: naming::type_name(&row.name),
                    };
                    open(&mut stack, kind, row, json_here);
                }
                (None, "") => self.open_untyped(&mut stack, row, json_here),
                _ => {
                    self.ctx.lint(
                        "unknown-type",
                        row.line,
                        format!(
                            "response field `{}` has type `{}`; read as String",
                            row.name, row.ty
                        ),
                    );
                    push_field(
                        &mut stack,
                        leaf(
                            &row,
                            FieldShape::Scalar {
                                ty: ScalarType::String,
                            },
                        ),
                    );
                }
            }
        }
        while stack.len() > 1 {
            self.close(&mut stack);
        }
        let root = stack.pop().map(|f| f.fields).unwrap_or_default();
        Ok(self.finish_fields(root))
    }

    /// Picks the stack level a row belongs to (0 = the table's top level).
    fn choose_level(&mut self, stack: &[Frame], row: &RowData, has_marks: bool) -> usize {
        let top = stack.len() - 1;
        // `└` rows are below the last unmarked row; unmarked rows in such a table are top level.
        let (lowest, highest) = match (has_marks, row.marked) {
            (true, true) => (1.min(top), top),
            (true, false) => (0, 0),
            (false, _) => (0, top),
        };
        let allowed = || (lowest..=highest).rev();
        let duplicate = |l: usize| stack[l].fields.iter().any(|f| f.name == row.name);
        let json_level = allowed().find(|&l| stack[l].has_key(&row.name) && !duplicate(l));
        // No level takes the row by order: a level already known to be unsorted on this page
        // keeps it (a page listing a struct's fields in its own order).
        let sort_level = allowed()
            .find(|&l| stack[l].accepts_by_order(&row.name) && !duplicate(l))
            .or_else(|| allowed().find(|&l| stack[l].unsorted && !duplicate(l)))
            .unwrap_or(lowest);
        if let Some(level) = json_level {
            if level > sort_level {
                self.ctx.lint(
                    "response-nesting",
                    row.line,
                    format!(
                        "`{}` breaks the sort order of its level; placed by the JSON sample",
                        row.name
                    ),
                );
            }
            return level;
        }
        let compatible = allowed()
            .filter(|&l| stack[l].accepts_by_order(&row.name))
            .count();
        // The first row after a container opens is its first child: the natural reading.
        let first_child = stack[top].fields.is_empty();
        if sort_level == top
            && top > lowest
            && compatible > 1
            && stack[top].json.is_none()
            && !first_child
        {
            self.ctx.lint(
                "response-nesting-guess",
                row.line,
                format!("`{}` could belong to several levels; placed in the innermost (no JSON evidence)", row.name),
            );
        }
        sort_level
    }

    fn close(&mut self, stack: &mut Vec<Frame>) {
        let Some(frame) = stack.pop() else { return };
        let fields = self.finish_fields(frame.fields);
        let Some(head) = frame.head else { return };
        let shape = match frame.kind {
            Kind::Root => return,
            Kind::Struct { type_name } => FieldShape::Struct { type_name, fields },
            Kind::Array { wrapper, type_name } => FieldShape::Array {
                wrapper,
                item: Box::new(FieldShape::Struct { type_name, fields }),
            },
        };
        push_field(stack, leaf(&head, shape));
    }

    /// Groups dotted names into structs and makes Rust names unique.
    fn finish_fields(&mut self, fields: Vec<Field>) -> Vec<Field> {
        let mut fields = group_dotted(fields);
        let mut seen: Vec<String> = Vec::new();
        for field in &mut fields {
            let base = naming::snake_case(&field.name);
            let mut name = base.clone();
            let mut n = 2;
            while seen.contains(&name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            if name != base {
                self.ctx.lint(
                    "case-collision",
                    field.line,
                    format!(
                        "response field `{}` renamed `{name}` to stay unique",
                        field.name
                    ),
                );
            }
            seen.push(name.clone());
            field.rust_name = name;
            // Structs made from dotted names have unnamed members.
            if let FieldShape::Struct {
                fields: members, ..
            } = &mut field.shape
                && members.iter().any(|m| m.rust_name.is_empty())
            {
                *members = self.finish_fields(std::mem::take(members));
            }
        }
        fields
    }
}

fn leaf(row: &RowData, shape: FieldShape) -> Field {
    Field {
        name: row.name.clone(),
        rust_name: String::new(),
        shape,
        description: row.description.clone(),
        example: row.example.clone(),
        line: row.line,
    }
}

fn push_field(stack: &mut [Frame], field: Field) {
    if let Some(top) = stack.last_mut() {
        top.unsorted |= !top.accepts_by_order(&field.name);
        top.last_name = Some(field.name.clone());
        top.fields.push(field);
    }
}

fn open(stack: &mut Vec<Frame>, kind: Kind, row: RowData, json: Option<JsonNode>) {
    if let Some(top) = stack.last_mut() {
        top.unsorted |= !top.accepts_by_order(&row.name);
        top.last_name = Some(row.name.clone());
    }
    stack.push(Frame::new(kind, Some(row), json));
}

/// `SystemDisk.Category` rows become member `Category` of a struct field `SystemDisk`.
fn group_dotted(fields: Vec<Field>) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    for mut field in fields {
        let Some((head, tail)) = field
            .name
            .split_once('.')
            .map(|(h, t)| (h.to_string(), t.to_string()))
        else {
            out.push(field);
            continue;
        };
        field.name = tail;
        let index = match out
            .iter()
            .position(|f| f.name == head && matches!(f.shape, FieldShape::Struct { .. }))
        {
            Some(i) => i,
            None => {
                out.push(Field {
                    name: head.clone(),
                    rust_name: String::new(),
                    shape: FieldShape::Struct {
                        type_name: naming::type_name(&head),
                        fields: Vec::new(),
                    },
                    description: String::new(),
                    example: None,
                    line: field.line,
                });
                out.len() - 1
            }
        };
        if let FieldShape::Struct {
            fields: members, ..
        } = &mut out[index].shape
        {
            members.push(field);
            let grouped = group_dotted(std::mem::take(members));
            *members = grouped;
        }
    }
    out
}
