//! `cargo xtask rules [--op X] [--kind K]`: every rule the specs hold, next to the sentence it was
//! read from, for reviewing the prose reader against the pages ("never stricter than the page").
//!
//! Specs store a rule's doc line, not its sentence: the sentence is found again by reading each
//! sentence of that line alone and keeping those that give a rule of the same kind. A rule from a
//! `Valid values:` header shows the header and its bullets; one no single sentence gives (an
//! override, an inference from the whole page) shows the whole line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use codegen::doc::{Block, Document, TextLine};
use codegen::parse::prose::{self, ParamInfo};
use codegen::spec::{Origin, Param, ScalarType, Shape, Spec};

use crate::{Error, Result, SPECS_DIR};

/// Which rules to print.
#[derive(Debug, Default)]
pub struct Filter {
    pub op: Option<String>,
    /// A rule kind (`charset`) or a relation kind (`exclusive`).
    pub kind: Option<String>,
}

/// The review listing for the workspace's specs, one block per rule.
pub fn listing(root: &Path, filter: &Filter) -> Result<String> {
    let mut out = String::new();
    let mut names: Vec<_> = std::fs::read_dir(root.join(SPECS_DIR))
        .map_err(|e| Error(format!("{SPECS_DIR}: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error(format!("{}: {e}", path.display())))?;
        let spec: Spec =
            serde_json::from_str(&text).map_err(|e| Error(format!("{}: {e}", path.display())))?;
        let op = &spec.operation;
        if filter.op.as_ref().is_some_and(|o| o != &op.name) {
            continue;
        }
        let page = std::fs::read_to_string(root.join(&op.source))
            .map_err(|e| Error(format!("{}: {e}", op.source)))?;
        out.push_str(&op_listing(&spec, &page, filter));
    }
    Ok(out)
}

/// The listing of one operation, given its page.
pub fn op_listing(spec: &Spec, page: &str, filter: &Filter) -> String {
    let op = &spec.operation;
    let lines = cell_lines(&Document::parse(page));
    let known: Vec<String> = op.request.iter().map(|p| p.doc_name.clone()).collect();
    let mut out = String::new();
    let mut params = Vec::new();
    flatten(&op.request, &mut params);
    for p in params {
        let path = &p.doc_name;
        for c in &p.constraints {
            let kind = c.rule.kind().as_str();
            if filter.kind.as_ref().is_some_and(|k| k != kind) {
                continue;
            }
            let info = ParamInfo {
                name: &p.doc_name,
                ty: item_type(&p.shape),
                known: &known,
            };
            let from = match c.origin {
                Origin::Doc => source(&lines, c.line, kind, &info),
                _ => format!("(override) line {}", c.line),
            };
            let _ = writeln!(
                out,
                "{} {path} [{kind}] {}\n  line {}: {from}",
                op.name, c.rule, c.line
            );
        }
    }
    for r in &op.relations {
        let kind = r.relation.kind().as_str();
        if filter.kind.as_ref().is_none_or(|k| k == kind) {
            let _ = writeln!(
                out,
                "{} - [{kind}] {}\n  line {}: {}",
                op.name, r.relation, r.line, r.text
            );
        }
    }
    for x in &op.exclusive {
        if filter.kind.as_ref().is_none_or(|k| k == "exclusive") {
            let text = lines.get(&x.line).map_or("", |l| l.text.as_str());
            let _ = writeln!(
                out,
                "{} - [exclusive] {}\n  line {}: {text}",
                op.name,
                x.params.join(" / "),
                x.line
            );
        }
    }
    out
}

/// Every line of every table cell and paragraph, by doc line; a row's first line holds all its
/// cells, and the last one (the description) wins.
fn cell_lines(doc: &Document) -> BTreeMap<usize, TextLine> {
    let mut map = BTreeMap::new();
    let blocks = doc
        .preamble
        .iter()
        .chain(doc.sections.iter().flat_map(|s| &s.blocks));
    for block in blocks {
        match block {
            Block::Paragraph(lines) => {
                for l in lines {
                    map.entry(l.line).or_insert_with(|| l.clone());
                }
            }
            Block::Table(t) => {
                for cell in t.rows.iter().flat_map(|r| &r.cells) {
                    for l in &cell.lines {
                        map.insert(l.line, l.clone());
                    }
                }
            }
            _ => {}
        }
    }
    map
}

/// Params and their members, depth first (a member's doc name is its whole path).
fn flatten<'a>(params: &'a [Param], out: &mut Vec<&'a Param>) {
    for p in params {
        out.push(p);
        if let Some(m) = codegen::parse::request::members(p) {
            flatten(m, out);
        }
    }
}

fn item_type(shape: &Shape) -> Option<ScalarType> {
    match shape {
        Shape::Scalar { ty } => Some(*ty),
        Shape::List { item, .. } => item_type(item),
        Shape::Struct { .. } => None,
    }
}

/// The sentences of `line` that, read alone, give a rule of `kind`; else the header and bullets
/// of a list, else the whole line.
fn source(lines: &BTreeMap<usize, TextLine>, line: usize, kind: &str, info: &ParamInfo) -> String {
    let Some(l) = lines.get(&line) else {
        return "(line not in a table or paragraph)".into();
    };
    let hits: Vec<String> = prose::split_sentences(&l.text)
        .into_iter()
        .filter(|s| {
            let alone = TextLine {
                line,
                text: s.clone(),
                raw: s.clone(),
                bullet: None,
                code: false,
            };
            prose::read(&[alone], info)
                .constraints
                .iter()
                .any(|c| c.rule.kind().as_str() == kind)
        })
        .collect();
    if !hits.is_empty() {
        return hits.join(" | ");
    }
    let mut text = l.text.clone();
    if text.ends_with(':') {
        let items = lines.range(line + 1..).map(|(_, i)| i);
        for item in items.take_while(|i| i.bullet.is_some()) {
            text.push_str(" - ");
            text.push_str(&item.text);
        }
    }
    format!("(whole line) {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_shows_the_sentence_it_came_from() {
        let root = crate::workspace_root();
        let page =
            std::fs::read_to_string(root.join(crate::FIXTURES_DIR).join("rule_phrasings.md"))
                .expect("fixture page");
        let spec = codegen::parse_doc("rule_phrasings.md", &page).expect("fixture parses");
        let all = op_listing(&spec, &page, &Filter::default());
        assert!(
            all.contains("[bytes] size at most 16384 bytes\n  line 31: The parameter value must be Base64-encoded and cannot exceed 16 KB in size after encoding."),
            "{all}"
        );
        // Not the other sentence of the same line.
        assert!(
            !all.contains("line 31: The Base64-encoded script."),
            "{all}"
        );
        let filter = Filter {
            op: None,
            kind: Some("charset".into()),
        };
        let charsets = op_listing(&spec, &page, &filter);
        assert!(charsets.lines().all(|l| !l.contains("[bytes]")));
        assert!(charsets.contains("ASCII characters"), "{charsets}");
    }
}
