//! `cargo xtask regen --docs DIR --out DIR`: the pipeline on any folder of reference docs. Writes
//! `OUT/specs/*.json`, `OUT/report.json`, and a standalone crate (`OUT/Cargo.toml`, `OUT/src`) that
//! depends on this workspace's `ecs-api`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::emit::{self, Target};
use codegen::overrides::CommonErrors;
use codegen::spec::Spec;
use serde_json::json;

use crate::{
    COMMON_ERRORS, Drift, Error, Plan, Result, build_spec, count_params, list_docs, spec_json,
    workspace_root,
};

/// One doc's line in `report.json`.
struct Entry {
    doc: String,
    status: &'static str,
    operation: Option<String>,
    params: usize,
    errors: usize,
    unparsed: usize,
    lints: Vec<String>,
    unparsed_notes: Vec<String>,
    error: Option<String>,
}

/// A legacy page (`X.legacy.md`) loses to the current page of the same operation.
fn is_legacy(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".legacy.md"))
}

pub fn plan(docs: &Path, out: &Path) -> Result<(Plan, bool)> {
    let root = workspace_root();
    let common = CommonErrors::from_json(
        &std::fs::read_to_string(root.join(COMMON_ERRORS))
            .map_err(|e| Error(format!("{COMMON_ERRORS}: {e}")))?,
    )
    .map_err(|e| Error(format!("{COMMON_ERRORS}: {e}")))?;
    let mut entries = Vec::new();
    let mut chosen: BTreeMap<String, (PathBuf, Spec)> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for doc in list_docs(docs)? {
        let rel = crate::rel(docs, &doc);
        match build_spec(docs, &doc, None, &common) {
            Ok(spec) => {
                let mut unparsed = Vec::new();
                let params = count_params(&spec.operation.request, &mut unparsed);
                let lints: Vec<String> = spec
                    .operation
                    .lints
                    .iter()
                    .map(|l| format!("line {}: [{}] {}", l.line, l.kind, l.message))
                    .collect();
                entries.push(Entry {
                    doc: rel.clone(),
                    status: if lints.is_empty() && unparsed.is_empty() {
                        "ok"
                    } else {
                        "warning"
                    },
                    operation: Some(spec.operation.name.clone()),
                    params,
                    errors: spec
                        .operation
                        .errors
                        .iter()
                        .filter(|e| e.origin.is_doc())
                        .count(),
                    unparsed: unparsed.len(),
                    lints,
                    unparsed_notes: unparsed,
                    error: None,
                });
                let name = spec.operation.name.clone();
                match chosen.get(&name) {
                    Some((prev, _)) => {
                        // Keep the current page over a legacy one; between two current pages the
                        // later path wins so the choice is stable.
                        let replace = is_legacy(prev) && !is_legacy(&doc)
                            || (is_legacy(prev) == is_legacy(&doc));
                        let (kept, dropped) = if replace {
                            (&doc, prev.clone())
                        } else {
                            (prev, doc.clone())
                        };
                        duplicates.push(format!(
                            "{name} is documented twice: using {}, ignoring {}",
                            kept.display(),
                            dropped.display()
                        ));
                        if replace {
                            chosen.insert(name, (doc.clone(), spec));
                        }
                    }
                    None => {
                        chosen.insert(name, (doc.clone(), spec));
                    }
                }
            }
            Err(e) => entries.push(Entry {
                doc: rel,
                status: "error",
                operation: None,
                params: 0,
                errors: 0,
                unparsed: 0,
                lints: Vec::new(),
                unparsed_notes: Vec::new(),
                error: Some(e.to_string()),
            }),
        }
    }
    let mut plan = Plan {
        owned_dirs: vec![(out.join("specs"), "json"), (out.join("src"), "rs")],
        ..Plan::default()
    };
    let mut modules = Vec::new();
    let mut all_ok = entries.iter().all(|e| e.status != "error");
    for (name, (_, spec)) in &chosen {
        let spec_rel = format!("specs/{name}.json");
        let json = spec_json(spec);
        match emit::emit_operation(spec, &spec_rel, &json, Target::Standalone) {
            Ok(code) => {
                let module = emit::module_name(name);
                plan.files
                    .insert(out.join("src").join(format!("{module}.rs")), code);
                modules.push((module, name.clone()));
            }
            Err(e) => {
                all_ok = false;
                if let Some(entry) = entries
                    .iter_mut()
                    .find(|en| en.operation.as_deref() == Some(name))
                {
                    entry.status = "error";
                    entry.error = Some(e.to_string());
                }
            }
        }
        plan.files.insert(out.join(&spec_rel), json);
        plan.summary.push(format!("{name}: ok"));
    }
    let header = "// @generated by `cargo xtask regen --docs DIR --out DIR` from specs/*.json. Do not edit by hand.\n";
    plan.files.insert(
        out.join("src/lib.rs"),
        emit::emit_mod(header, &modules).replace(
            "//! Generated operations, one module per operation.",
            "//! Generated ECS operations, one module per operation.\n#![allow(clippy::all)]",
        ),
    );
    let ecs_api = root.join("ecs-api");
    plan.files.insert(
        out.join("Cargo.toml"),
        format!(
            "# @generated by `cargo xtask regen --docs DIR --out DIR`. Do not edit by hand.\n\
             [package]\nname = \"ecs-api-generated\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\necs-api = {{ path = {:?} }}\n\n\
             # Not a member of the ecs-api workspace, even when written inside it.\n[workspace]\n",
            ecs_api.to_string_lossy()
        ),
    );
    let report = json!({
        "docs": entries.iter().map(|e| json!({
            "doc": e.doc,
            "status": e.status,
            "operation": e.operation,
            "params": e.params,
            "errors": e.errors,
            "unparsed": e.unparsed,
            "lints_count": e.lints.len(),
            "lints": e.lints,
            "unparsed_notes": e.unparsed_notes,
            "error": e.error,
        })).collect::<Vec<_>>(),
        "duplicates": duplicates,
    });
    let mut text = serde_json::to_string_pretty(&report).expect("report serializes");
    text.push('\n');
    plan.files.insert(out.join("report.json"), text);
    for e in &entries {
        let line = match &e.error {
            Some(err) => format!("{}: error: {err}", e.doc),
            None => format!(
                "{}: {} ({} params, {} errors, {} unparsed, {} lints)",
                e.doc,
                e.status,
                e.params,
                e.errors,
                e.unparsed,
                e.lints.len()
            ),
        };
        plan.lints.push(line);
    }
    plan.lints.extend(duplicates);
    Ok((plan, all_ok))
}

/// Runs the folder pipeline; returns whether every doc parsed and generated.
pub fn run(docs: &Path, out: &Path, check: bool, deny_breaking: bool) -> Result<bool> {
    let (mut plan, ok) = plan(docs, out)?;
    for line in &plan.lints {
        println!("{line}");
    }
    let reports = crate::change_reports(&plan);
    if !reports.is_empty() {
        println!("API changes:");
        for r in &reports {
            print!("{}", r.render());
        }
    }
    let mut changes = serde_json::to_string_pretty(&reports).expect("reports serialize");
    changes.push('\n');
    // The report describes the last write; a check compares only what regen derives from docs.
    if !check {
        plan.files.insert(out.join("CHANGES.json"), changes);
    }
    if deny_breaking && reports.iter().any(|r| r.is_breaking()) {
        eprintln!("breaking API changes (see above); rerun without --deny-breaking to accept them");
        return Ok(false);
    }
    let drift: Drift = crate::drift(&plan);
    if check {
        if !drift.is_empty() {
            eprintln!("{} is out of date: rerun without --check", out.display());
            return Ok(false);
        }
        return Ok(ok);
    }
    crate::apply(&plan, &drift)?;
    println!(
        "wrote {} files under {} ({} docs)",
        plan.files.len(),
        out.display(),
        plan.summary.len()
    );
    Ok(ok)
}
