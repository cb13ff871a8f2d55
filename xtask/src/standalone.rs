//! `cargo xtask regen --docs DIR --out DIR`: the pipeline on any folder of reference docs of one
//! product. Writes `OUT/specs/*.json`, `OUT/report.json`, and a standalone crate for the product
//! (`OUT/Cargo.toml`, `OUT/src`) that depends on this workspace's `ecs-api`.

use std::collections::BTreeMap;
use std::path::Path;

use codegen::ServiceHint;
use codegen::emit::{self, Target};
use codegen::overrides::CommonErrors;
use serde_json::json;

use crate::{COMMON_ERRORS, Drift, Error, Plan, Result, count_params, select, workspace_root};

/// The one product a folder of pages documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// As the pages' OpenAPI Explorer links name it (`Vpc`).
    pub code: String,
    /// The API versions its pages name, sorted.
    pub versions: Vec<String>,
}

impl Product {
    /// The crate's name: `<prefix>-api-generated` (`vpc-api-generated`).
    pub fn crate_name(&self) -> String {
        format!("{}-api-generated", emit::endpoint_prefix(&self.code))
    }
}

/// The product of `pages`; pages of several products are an error naming each with a page.
pub fn one_product(pages: &[select::Page]) -> Result<Product> {
    let mut by: BTreeMap<&str, (Vec<&str>, &str)> = BTreeMap::new();
    for p in pages {
        let e = by
            .entry(p.spec.service.product.as_str())
            .or_insert((Vec::new(), p.rel.as_str()));
        if !e.0.contains(&p.spec.service.version.as_str()) {
            e.0.push(&p.spec.service.version);
        }
    }
    match by.len() {
        0 => Err(Error(
            "no page could be read, so no product is known".into(),
        )),
        1 => {
            let (code, (mut versions, _)) = by.into_iter().next().expect("one entry");
            versions.sort_unstable();
            Ok(Product {
                code: code.to_string(),
                versions: versions.into_iter().map(String::from).collect(),
            })
        }
        _ => Err(Error(format!(
            "the folder mixes products ({}); give regen one product's pages per folder",
            by.iter()
                .map(|(code, (_, page))| format!("{code}, e.g. {page}"))
                .collect::<Vec<_>>()
                .join("; ")
        ))),
    }
}

/// The product's per-region endpoint exceptions: ECS's reviewed map, or `DIR/endpoints.json`
/// (same format) for another product, else none (every region follows the rule).
fn endpoint_map(root: &Path, docs: &Path, product: &Product) -> Result<BTreeMap<String, String>> {
    let own = docs.join("endpoints.json");
    if own.exists() {
        crate::read_endpoint_map(&own)
    } else if product.code == crate::DOCS_PRODUCT {
        crate::read_endpoint_map(&root.join(crate::ENDPOINTS))
    } else {
        Ok(BTreeMap::new())
    }
}

/// One doc's line in `report.json`.
struct Entry {
    doc: String,
    status: &'static str,
    product: Option<String>,
    version: Option<String>,
    operation: Option<String>,
    params: usize,
    errors: usize,
    unparsed: usize,
    lints: Vec<String>,
    unparsed_notes: Vec<String>,
    error: Option<String>,
}

pub fn plan(docs: &Path, out: &Path, hint: &ServiceHint) -> Result<(Plan, bool)> {
    let root = workspace_root();
    let common = CommonErrors::from_json(
        &std::fs::read_to_string(root.join(COMMON_ERRORS))
            .map_err(|e| Error(format!("{COMMON_ERRORS}: {e}")))?,
    )
    .map_err(|e| Error(format!("{COMMON_ERRORS}: {e}")))?;
    let (pages, failed) = crate::read_pages(docs, docs, None, &common, hint)?;
    if let (true, Some((doc, e))) = (pages.is_empty(), failed.first()) {
        return Err(Error(format!(
            "none of the {} pages could be read, so no product is known; first: {doc}: {e}",
            failed.len()
        )));
    }
    let product = one_product(&pages)?;
    let product_lines = crate::product_lines(&pages, failed.len());
    let mut entries: Vec<Entry> = failed
        .into_iter()
        .map(|(doc, e)| Entry {
            doc,
            status: "error",
            product: None,
            version: None,
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
            product: Some(spec.service.product.clone()),
            version: Some(spec.service.version.clone()),
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
    let coverage = crate::coverage::Coverage::of(chosen.values().map(|p| &p.spec));
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
    let (generated, failed) = emit_all_but_failing(&sources, &common)?;
    for (operation, error) in failed {
        all_ok = false;
        if let Some(entry) = entries
            .iter_mut()
            .find(|en| en.operation.as_deref() == Some(operation.as_str()))
        {
            entry.status = "error";
            entry.error = Some(error);
        }
    }
    for (path, code) in generated.files {
        plan.files.insert(out.join("src").join(path), code);
    }
    for (name, json) in &jsons {
        plan.files
            .insert(out.join(format!("specs/{name}.json")), json.clone());
        plan.summary.push(format!("{name}: ok"));
    }
    plan.files.insert(
        out.join("src/lib.rs"),
        lib_rs(
            "cargo xtask regen --docs DIR --out DIR",
            "specs/*.json",
            &product,
        ),
    );
    plan.files.insert(
        out.join("src/endpoints.rs"),
        emit::emit_endpoints(
            &product.code,
            &endpoint_map(&root, docs, &product)?,
            "the pages' product and its endpoint map",
            Target::Standalone,
        )
        .map_err(|e| Error(e.to_string()))?,
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
             [package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\necs-api = {{ version = \"{}\"{path} }}\n\n\
             # Not a member of the ecs-api workspace, even when written inside it.\n[workspace]\n",
            product.crate_name(),
            env!("CARGO_PKG_VERSION"),
        ),
    );
    let report = json!({
        "docs": entries.iter().map(|e| json!({
            "doc": e.doc,
            "status": e.status,
            "product": e.product,
            "version": e.version,
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
        "coverage": coverage.to_json(),
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
    plan.lints.push(coverage.line());
    plan.lints.extend(product_lines);
    Ok((plan, all_ok))
}

/// Emits the crate from every operation that can be generated: an operation the emitter refuses
/// (or panics on, a bug) is left out with its reason, and the others are generated without it.
fn emit_all_but_failing(
    sources: &[emit::OpSource<'_>],
    common: &CommonErrors,
) -> Result<(emit::Generated, Vec<(String, String)>)> {
    let emit = |ops: &[emit::OpSource<'_>]| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            emit::emit_crate(ops, common, Target::Standalone, "specs/*.json")
        }))
        .unwrap_or_else(|panic| {
            Err(emit::EmitError {
                operation: String::new(),
                reason: format!("the emitter panicked: {}", crate::panic_text(&*panic)),
            })
        })
    };
    let mut ops = sources.to_vec();
    let mut failed = Vec::new();
    loop {
        let e = match emit(&ops) {
            Ok(generated) => return Ok((generated, failed)),
            Err(e) => e,
        };
        let before = ops.len();
        if ops.iter().any(|o| o.spec.operation.name == e.operation) {
            ops.retain(|o| o.spec.operation.name != e.operation);
            failed.push((e.operation.clone(), e.to_string()));
        } else {
            // Not one operation's fault as far as the error says: find who fails alone.
            ops.retain(|o| match emit(std::slice::from_ref(o)) {
                Ok(_) => true,
                Err(alone) => {
                    let name = o.spec.operation.name.clone();
                    failed.push((
                        name.clone(),
                        format!("cannot generate {name}: {}", alone.reason),
                    ));
                    false
                }
            });
        }
        if ops.len() == before {
            return Err(Error(e.to_string()));
        }
    }
}

/// `lib.rs` of a standalone crate: the product, the operation modules and the shared types.
pub fn lib_rs(command: &str, from: &str, product: &Product) -> String {
    format!(
        "// @generated by `{command}` from {from}. Do not edit by hand.\n\
         //! Typed, validated, signed calls to the Alibaba Cloud `{code}` API (version {versions}),\n\
         //! generated from its reference pages: one module per operation under `operation`, shared\n\
         //! shapes in `types`, and where calls go in `endpoints` (`{prefix}.<region>.aliyuncs.com`\n\
         //! unless the product's map or the config's endpoint says otherwise).\n\
         #![allow(clippy::all)]\n\
         // Formatted by prettyplease, not rustfmt.\n\
         #[rustfmt::skip]\n\
         pub mod endpoints;\n\
         #[rustfmt::skip]\n\
         #[path = \"operations.rs\"]\n\
         pub mod operation;\n\
         #[rustfmt::skip]\n\
         pub mod types;\n",
        code = product.code,
        versions = product.versions.join(", "),
        prefix = emit::endpoint_prefix(&product.code),
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
pub fn run(
    docs: &Path,
    out: &Path,
    hint: &ServiceHint,
    check: bool,
    deny_breaking: bool,
) -> Result<bool> {
    refuse_foreign_crate(out)?;
    let (mut plan, ok) = plan(docs, out, hint)?;
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

    fn layout_page(name: &str) -> String {
        let path = workspace_root().join(format!("codegen/tests/layouts/{name}.md"));
        std::fs::read_to_string(path).unwrap()
    }

    /// A folder with the given pages (`(file name, text)`).
    fn folder(name: &str, pages: &[(&str, String)]) -> std::path::PathBuf {
        let dir = scratch(name);
        for (file, text) in pages {
            std::fs::write(dir.join(file), text).unwrap();
        }
        dir
    }

    #[test]
    fn a_folder_of_one_product_yields_its_crate_and_report() {
        // Another product's DescribeRegions-like name clash is no concern: one product per crate.
        let docs = folder(
            "sprocket",
            &[
                ("ListSprockets.md", layout_page("base")),
                (
                    "DescribeRegions.md",
                    layout_page("base").replace("ListSprockets", "DescribeRegions"),
                ),
            ],
        );
        let out = scratch("sprocket-out");
        let (plan, ok) = plan(&docs, &out, &ServiceHint::default()).unwrap();
        assert!(ok);
        let manifest = &plan.files[&out.join("Cargo.toml")];
        assert!(
            manifest.contains("name = \"sprocket-api-generated\""),
            "{manifest}"
        );
        let lib = &plan.files[&out.join("src/lib.rs")];
        assert!(
            lib.contains("Alibaba Cloud `Sprocket` API (version 2022-02-02)"),
            "{lib}"
        );
        let endpoints = &plan.files[&out.join("src/endpoints.rs")];
        assert!(
            endpoints.contains("endpoint_prefix: \"sprocket\""),
            "{endpoints}"
        );
        let op = &plan.files[&out.join("src/operation/list_sprockets.rs")];
        assert!(op.contains("crate::endpoints::PRODUCT"), "{op}");
        let report: serde_json::Value =
            serde_json::from_str(&plan.files[&out.join("report.json")]).unwrap();
        let page = &report["docs"][1];
        assert_eq!(page["product"], "Sprocket");
        assert_eq!(page["version"], "2022-02-02");
        assert!(
            plan.lints
                .iter()
                .any(|l| l == "product Sprocket 2022-02-02: 2 pages"),
            "{:?}",
            plan.lints
        );
    }

    #[test]
    fn a_page_without_a_link_needs_product_and_version() {
        let docs = folder("nolink", &[("ListSprockets.md", layout_page("no_link"))]);
        let out = scratch("nolink-out");
        // Without --product the page is an error and no product is known.
        let err = plan(&docs, &out, &ServiceHint::default()).unwrap_err();
        assert!(
            err.0.contains("no product is known") && err.0.contains("--product"),
            "{err}"
        );
        let hint = ServiceHint {
            product: Some("Sprocket".into()),
            version: Some("2022-02-02".into()),
        };
        let (plan, ok) = plan(&docs, &out, &hint).unwrap();
        assert!(ok);
        assert!(plan.files[&out.join("Cargo.toml")].contains("sprocket-api-generated"));
    }

    #[test]
    fn a_folder_mixing_products_is_an_error_naming_them() {
        let docs = folder(
            "mixed",
            &[
                ("ListSprockets.md", layout_page("base")),
                (
                    "ListCogs.md",
                    layout_page("base")
                        .replace("ListSprockets", "ListCogs")
                        .replace("product=Sprocket", "product=Cog"),
                ),
            ],
        );
        let err = plan(&docs, &scratch("mixed-out"), &ServiceHint::default()).unwrap_err();
        assert!(
            err.0.contains("mixes products")
                && err.0.contains("Cog, e.g. ListCogs.md")
                && err.0.contains("Sprocket, e.g. ListSprockets.md"),
            "{err}"
        );
    }

    #[test]
    fn every_doc_gets_a_report_entry_and_good_pages_are_generated() {
        let root = workspace_root();
        let docs = scratch("report-docs");
        let fixtures = root.join("codegen/tests/fixtures");
        for name in ["hostile_names.md", "case_collision.md"] {
            std::fs::copy(fixtures.join(name), docs.join(name)).unwrap();
        }
        std::fs::write(docs.join("Broken.md"), "no headline, no tables\n").unwrap();
        let out = scratch("report-out");
        let (plan, ok) = plan(&docs, &out, &ServiceHint::default()).unwrap();
        assert!(!ok, "a doc failed to parse");
        let report: serde_json::Value =
            serde_json::from_str(&plan.files[&out.join("report.json")]).unwrap();
        let status: Vec<(&str, &str)> = report["docs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["doc"].as_str().unwrap(), d["status"].as_str().unwrap()))
            .collect();
        assert_eq!(status.len(), 3, "{status:?}");
        assert!(status.contains(&("Broken.md", "error")), "{status:?}");
        // Written only once the emitter's syn parse and prettyplease accepted them.
        for op in ["match_.rs", "describe_boxes.rs"] {
            let file = out.join("src/operation").join(op);
            assert!(plan.files.contains_key(&file), "{op} not generated");
        }
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
