//! `cargo xtask regen --docs DIR --out DIR`: the pipeline on any folder of reference docs. Writes
//! `OUT/specs/*.json`, `OUT/report.json`, and a standalone crate (`OUT/Cargo.toml`, `OUT/src`) that
//! depends on this workspace's `ecs-api`.

use std::path::Path;

use codegen::emit::{self, Target};
use codegen::overrides::CommonErrors;
use serde_json::json;

use crate::{COMMON_ERRORS, Drift, Error, Plan, Result, count_params, select, workspace_root};

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

pub fn plan(docs: &Path, out: &Path) -> Result<(Plan, bool)> {
    let root = workspace_root();
    let common = CommonErrors::from_json(
        &std::fs::read_to_string(root.join(COMMON_ERRORS))
            .map_err(|e| Error(format!("{COMMON_ERRORS}: {e}")))?,
    )
    .map_err(|e| Error(format!("{COMMON_ERRORS}: {e}")))?;
    let (pages, failed) = crate::read_pages(docs, docs, None, &common)?;
    let mut entries: Vec<Entry> = failed
        .into_iter()
        .map(|(doc, e)| Entry {
            doc,
            status: "error",
            operation: None,
            params: 0,
            errors: 0,
            unparsed: 0,
            lints: Vec::new(),
            unparsed_notes: Vec::new(),
            error: Some(e),
        })
        .collect();
    for page in &pages {
        let spec = &page.spec;
        let mut unparsed = Vec::new();
        let params = count_params(&spec.operation.request, &mut unparsed);
        let lints: Vec<String> = spec
            .operation
            .lints
            .iter()
            .map(|l| format!("line {}: [{}] {}", l.line, l.kind, l.message))
            .collect();
        entries.push(Entry {
            doc: page.rel.clone(),
            status: if lints.is_empty() && unparsed.is_empty() {
                "ok"
            } else {
                "warning"
            },
            operation: Some(spec.operation.name.clone()),
            params,
            errors: spec.operation.errors.len(),
            unparsed: unparsed.len(),
            lints,
            unparsed_notes: unparsed,
            error: None,
        });
    }
    entries.sort_by(|a, b| a.doc.cmp(&b.doc));
    let (chosen, mut duplicates) = select::choose(pages);
    duplicates.insert(0, format!("page choice: {}", select::RULE));
    let mut plan = Plan {
        owned_dirs: vec![
            (out.join("specs"), "json"),
            (out.join("src"), "rs"),
            (out.join("src/operation"), "rs"),
        ],
        ..Plan::default()
    };
    let mut all_ok = entries.iter().all(|e| e.status != "error");
    let jsons = crate::spec_jsons(&chosen);
    let sources = crate::op_sources(
        &chosen,
        &jsons,
        |name, _| format!("specs/{name}.json"),
        true,
    );
    match emit::emit_crate(&sources, &common, Target::Standalone, "specs/*.json") {
        Ok(generated) => {
            for (path, code) in generated.files {
                plan.files.insert(out.join("src").join(path), code);
            }
        }
        Err(e) => {
            all_ok = false;
            if let Some(entry) = entries
                .iter_mut()
                .find(|en| en.operation.as_deref() == Some(e.operation.as_str()))
            {
                entry.status = "error";
                entry.error = Some(e.to_string());
            } else {
                return Err(Error(e.to_string()));
            }
        }
    }
    for (name, json) in &jsons {
        plan.files
            .insert(out.join(format!("specs/{name}.json")), json.clone());
        plan.summary.push(format!("{name}: ok"));
    }
    plan.files.insert(
        out.join("src/lib.rs"),
        lib_rs("cargo xtask regen --docs DIR --out DIR", "specs/*.json"),
    );
    // By version (the workspace's, which ecs-api shares), plus a relative path while the crate
    // sits beside this checkout: never an absolute path, so the crate can be moved or published.
    let path = relative_path(out, &root.join("ecs-api"))
        .map(|p| format!(", path = {:?}", p.to_string_lossy().replace('\\', "/")))
        .unwrap_or_default();
    plan.files.insert(
        out.join("Cargo.toml"),
        format!(
            "{MANIFEST_MARK}. Do not edit by hand.\n\
             [package]\nname = \"ecs-api-generated\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\necs-api = {{ version = \"{}\"{path} }}\n\n\
             # Not a member of the ecs-api workspace, even when written inside it.\n[workspace]\n",
            env!("CARGO_PKG_VERSION"),
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

/// `lib.rs` of a standalone crate: the operation modules and the shared types.
pub fn lib_rs(command: &str, from: &str) -> String {
    format!(
        "// @generated by `{command}` from {from}. Do not edit by hand.\n\
         //! Generated operations: one module per operation under `operation`, shared shapes in `types`.\n\
         #![allow(clippy::all)]\n\
         // Formatted by prettyplease, not rustfmt.\n\
         #[rustfmt::skip]\n\
         #[path = \"operations.rs\"]\n\
         pub mod operation;\n\
         #[rustfmt::skip]\n\
         pub mod types;\n"
    )
}

/// The first line of every `Cargo.toml` this command writes.
const MANIFEST_MARK: &str = "# @generated by `cargo xtask regen --docs DIR --out DIR`";

/// `--out` may be empty, new, or a crate this command wrote: regen deletes the `src/*.rs` it no
/// longer generates and rewrites `Cargo.toml`, which must never happen to someone's own crate.
pub fn refuse_foreign_crate(out: &Path) -> Result<()> {
    let manifest = out.join("Cargo.toml");
    match std::fs::read_to_string(&manifest) {
        Ok(text) if !text.starts_with(MANIFEST_MARK) => Err(Error(format!(
            "{} holds a crate that regen did not write ({} lacks the line `{MANIFEST_MARK}`); \
             choose another --out folder",
            out.display(),
            manifest.display()
        ))),
        Ok(_) => Ok(()),
        Err(_) if out.join("src").exists() => Err(Error(format!(
            "{} has a src/ folder but no Cargo.toml written by regen; choose another --out folder",
            out.display()
        ))),
        Err(_) => Ok(()),
    }
}

/// Runs the folder pipeline; returns whether every doc parsed and generated.
pub fn run(docs: &Path, out: &Path, check: bool, deny_breaking: bool) -> Result<bool> {
    refuse_foreign_crate(out)?;
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

/// `to` relative to the folder `from` (both made absolute, compared by components); `None` when
/// they share no root (another drive).
fn relative_path(from: &Path, to: &Path) -> Option<std::path::PathBuf> {
    use std::path::Component;
    let from = std::path::absolute(from).ok()?;
    let to = std::path::absolute(to).ok()?;
    fn norm(p: &Path) -> Vec<Component<'_>> {
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    }
    let (from, to) = (norm(&from), norm(&to));
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut rel = std::path::PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c.as_os_str());
    }
    Some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_standalone_crate_points_at_ecs_api_relatively() {
        fn p(s: &str) -> &std::path::Path {
            std::path::Path::new(s)
        }
        assert_eq!(
            super::relative_path(p("/w/out/crate"), p("/w/repo/ecs-api")).unwrap(),
            p("../../repo/ecs-api")
        );
        assert_eq!(
            super::relative_path(p("/w/repo/x/../gen"), p("/w/repo/ecs-api")).unwrap(),
            p("../ecs-api")
        );
    }

    #[test]
    fn a_crate_regen_did_not_write_is_left_alone() {
        let dir = scratch("foreign");
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
        let err = refuse_foreign_crate(&dir).unwrap_err();
        assert!(err.0.contains("did not write"), "{err}");
        let dir = scratch("src-only");
        std::fs::create_dir_all(dir.join("src")).unwrap();
        assert!(refuse_foreign_crate(&dir).is_err());
        let dir = scratch("ours");
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("{MANIFEST_MARK}. Do not edit.\n"),
        )
        .unwrap();
        assert!(refuse_foreign_crate(&dir).is_ok());
        assert!(refuse_foreign_crate(&scratch("empty")).is_ok());
    }
}
