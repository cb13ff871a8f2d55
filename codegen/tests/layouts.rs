//! Layout tolerance: the same page written the ways the documentation platform writes tables
//! (cells split into paragraphs, rows broken by blank lines, other header names, error columns in
//! another order) gives the same spec; rows that cannot be closed become lints with their line.
//! The pages under `layouts/` are made up for these tests (product `Sprocket`).

use codegen::spec::Spec;
use codegen::{ServiceHint, parse_doc, parse_doc_with};
use proptest::prelude::*;
use serde_json::Value;

fn page(name: &str) -> String {
    let path = format!("{}/tests/layouts/{name}.md", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> Spec {
    parse_doc(&format!("layouts/{name}.md"), &page(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// The spec without what a layout legitimately changes: lines, source, summary and lints.
fn essence(spec: &Spec) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for key in ["line", "source", "summary", "lints"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(spec).unwrap();
    strip(&mut v);
    v
}

#[test]
fn every_layout_gives_the_base_spec() {
    let base = parse("base");
    assert_eq!(base.service.product, "Sprocket");
    assert_eq!(base.service.version, "2022-02-02");
    assert_eq!(base.operation.request.len(), 4, "Action is not a param");
    assert_eq!(base.operation.errors.len(), 2);
    for name in ["split_cells", "blank_lines", "header_names"] {
        let spec = parse(name);
        assert!(
            !spec
                .operation
                .lints
                .iter()
                .any(|l| l.kind == "broken-table-row"),
            "{name}: {:?}",
            spec.operation.lints
        );
        assert_eq!(essence(&spec), essence(&base), "{name}");
        insta::assert_json_snapshot!(name, spec);
    }
}

#[test]
fn rows_that_cannot_be_closed_are_lints_with_their_line() {
    let spec = parse("broken_rows");
    let broken: Vec<usize> = spec
        .operation
        .lints
        .iter()
        .filter(|l| l.kind == "broken-table-row")
        .map(|l| l.line)
        .collect();
    assert_eq!(broken, [15, 59], "{:?}", spec.operation.lints);
    // The short row keeps its cells; the one cut by a heading is left out, the rest read on.
    let names: Vec<&str> = spec
        .operation
        .request
        .iter()
        .map(|p| p.wire_name.as_str())
        .collect();
    assert!(names.contains(&"SprocketName") && names.contains(&"PageNumber"));
    assert_eq!(spec.operation.errors.len(), 1);
    insta::assert_json_snapshot!("broken_rows", spec);
}

#[test]
fn the_service_comes_from_the_page_else_the_command_line() {
    let text = page("no_link");
    let err = parse_doc("no_link.md", &text).unwrap_err();
    assert!(
        err.reason.contains("--product") && err.reason.contains("names no product"),
        "{err}"
    );
    let only_product = ServiceHint {
        product: Some("Sprocket".into()),
        version: None,
    };
    let err = parse_doc_with("no_link.md", &text, &only_product).unwrap_err();
    assert!(err.reason.contains("--version"), "{err}");
    let hint = ServiceHint {
        product: Some("Sprocket".into()),
        version: Some("2022-02-02".into()),
    };
    let spec = parse_doc_with("no_link.md", &text, &hint).unwrap();
    assert_eq!(essence(&spec), essence(&parse("base")));
    // A page's own link wins over the command line.
    let other = ServiceHint {
        product: Some("Other".into()),
        version: Some("1999-01-01".into()),
    };
    let spec = parse_doc_with("base.md", &page("base"), &other).unwrap();
    assert_eq!(
        (spec.service.product.as_str(), spec.service.version.as_str()),
        ("Sprocket", "2022-02-02")
    );
}

/// A table row as the platform may write it: cells split onto their own lines (each starting
/// with its `|`), blank lines between them, spaces around cell text.
fn rewrite_row(row: &str, splits: &[u8], pads: &[u8]) -> String {
    let cells: Vec<&str> = row.trim().trim_matches('|').split('|').collect();
    let mut out = String::new();
    for (i, cell) in cells.iter().enumerate() {
        let split = splits.get(i).copied().unwrap_or(0);
        if i > 0 && split > 0 {
            out.push('\n');
            for _ in 1..split {
                out.push('\n');
            }
        }
        let pad = " ".repeat(pads.get(i).copied().unwrap_or(0) as usize);
        out.push('|');
        out.push_str(&pad);
        out.push_str(cell.trim());
        out.push_str(&pad);
    }
    let last = splits.get(cells.len()).copied().unwrap_or(0);
    if last > 0 {
        out.push('\n');
        for _ in 1..last {
            out.push('\n');
        }
    }
    out.push('|');
    out
}

/// Reorders the columns of the error table (header, separator and rows alike).
fn permute_error_table(text: &str, order: &[usize]) -> String {
    let mut in_errors = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("## ") {
            in_errors = line.starts_with("## Error codes");
        }
        if in_errors && line.starts_with('|') {
            let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
            let moved: Vec<&str> = order.iter().map(|&i| cells[i]).collect();
            out.push(format!("|{}|", moved.join("|")));
        } else {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever whitespace, blank lines and error-column order the platform uses, the spec is
    /// the base page's.
    #[test]
    fn table_layout_does_not_change_the_spec(
        splits in prop::collection::vec(prop::collection::vec(0u8..3, 6), 20),
        pads in prop::collection::vec(prop::collection::vec(0u8..3, 6), 20),
        order in Just(vec![0usize, 1, 2, 3]).prop_shuffle(),
    ) {
        let base_text = page("base");
        let base = parse_doc("base.md", &base_text).unwrap();
        let permuted = permute_error_table(&base_text, &order);
        let mut row = 0;
        let mut lines = Vec::new();
        let mut previous_was_table = false;
        for line in permuted.lines() {
            let is_row = line.starts_with('|') && !line.starts_with("|--") && previous_was_table;
            previous_was_table = line.starts_with('|');
            if is_row {
                lines.push(rewrite_row(line, &splits[row % 20], &pads[row % 20]));
                row += 1;
            } else {
                lines.push(line.to_string());
            }
        }
        let text = lines.join("\n");
        let spec = parse_doc("mutated.md", &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(
            !spec.operation.lints.iter().any(|l| l.kind == "broken-table-row"),
            "{:?}\n{text}", spec.operation.lints
        );
        prop_assert_eq!(essence(&spec), essence(&base), "{}", text);
    }
}
