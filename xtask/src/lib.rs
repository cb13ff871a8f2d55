//! `cargo xtask regen`: reads reference docs, writes specs and generated Rust.
//!
//! All file contents are computed in memory first ([`Plan`]); writing, checking and reporting are
//! then simple comparisons, so `--check` and a unit test can share the exact same logic.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use codegen::ServiceHint;
use codegen::emit::{self, Target};
use codegen::overrides::{CommonErrors, Overrides};
use codegen::spec::Spec;

pub mod coverage;
pub mod features;
pub mod rules;
pub mod select;
pub mod standalone;

/// Where things live in the workspace, relative to its root.
pub const DOCS_DIR: &str = "spec/docs/ecs";
pub const SPECS_DIR: &str = "spec/ecs";
pub const OVERRIDES_DIR: &str = "spec/overrides/ecs";
pub const COMMON_ERRORS: &str = "spec/common/errors.json";
pub const ENDPOINTS: &str = "spec/common/endpoints.json";
/// The emitter's fixture docs and the crate their generated Rust is compiled in (golden output).
pub const FIXTURES_DIR: &str = "codegen/tests/fixtures";
pub const GOLDEN_DIR: &str = "codegen/tests/golden/src";
pub const GENERATED_DIR: &str = "ecs-api/src/generated";
/// The service of the `spec/docs/ecs` pages whose `## Debugging` section lacks an OpenAPI
/// Explorer link (most pages name it themselves).
pub const DOCS_PRODUCT: &str = "Ecs";
pub const DOCS_VERSION: &str = "2014-05-26";

#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error(format!("{}: {e}", path.display())))
}

/// Every file regen owns, with the content it should have. Directories listed in `owned_dirs`
/// hold nothing else: files there that the plan lacks are stale and get deleted.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: BTreeMap<PathBuf, String>,
    pub owned_dirs: Vec<(PathBuf, &'static str)>,
    /// One line per operation for the terminal.
    pub summary: Vec<String>,
    pub lints: Vec<String>,
    /// Wall time of each phase, for `--timings` and the regen measurement script.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// How the files on disk differ from a plan.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    pub changed: Vec<PathBuf>,
    pub missing: Vec<PathBuf>,
    pub stale: Vec<PathBuf>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.stale.is_empty()
    }
}

/// Markdown docs under `dir`, recursively, sorted by path.
pub fn list_docs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error(format!("{}: {e}", d.display())))?;
        for entry in entries {
            let path = entry.map_err(|e| Error(e.to_string()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `path` relative to `root`, with `/` separators on every platform.
pub(crate) fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Parses a doc and applies the override file next to it, if any, and the common errors.
pub fn build_spec(
    root: &Path,
    doc: &Path,
    text: &str,
    overrides_dir: Option<&Path>,
    common: &CommonErrors,
    hint: &ServiceHint,
) -> Result<Spec> {
    let source = rel(root, doc);
    let mut spec =
        codegen::parse_doc_with(&source, text, hint).map_err(|e| Error(e.to_string()))?;
    // Common errors first: they set `retryable`, which an override may then change.
    common
        .merge_into(&mut spec)
        .map_err(|e| Error(format!("{}: {e}", doc.display())))?;
    if let Some(dir) = overrides_dir {
        let path = dir.join(format!("{}.json", spec.operation.name));
        if path.exists() {
            let overrides = Overrides::from_json(&read(&path)?)
                .map_err(|e| Error(format!("{}: {e}", path.display())))?;
            overrides
                .apply(&mut spec)
                .map_err(|e| Error(format!("{}: {e}", path.display())))?;
        }
    }
    spec.canonicalize();
    Ok(spec)
}

pub fn spec_json(spec: &Spec) -> String {
    let mut s = serde_json::to_string_pretty(spec).expect("a spec always serializes");
    s.push('\n');
    s
}

/// Counts params including struct members, collecting their unparsed notes as text.
pub fn count_params(ps: &[codegen::spec::Param], unparsed: &mut Vec<String>) -> usize {
    let mut n = 0;
    for p in ps {
        n += 1;
        for u in &p.unparsed {
            unparsed.push(format!("{} (line {}): {}", p.doc_name, u.line, u.text));
        }
        if let Some(m) = codegen::parse::request::members(p) {
            n += count_params(m, unparsed);
        }
    }
    n
}

fn one_line(spec: &Spec) -> String {
    let op = &spec.operation;
    let mut notes = Vec::new();
    let params = count_params(&op.request, &mut notes);
    let unparsed = notes.len();
    let from_doc = op.errors.iter().filter(|e| e.origin.is_doc()).count();
    format!(
        "{}: {} params, {} response fields, {} error codes ({} from the doc), {} unparsed notes, {} lints",
        op.name,
        params,
        op.response.len(),
        op.errors.len(),
        from_doc,
        unparsed,
        op.lints.len()
    )
}

/// Docs that could not be parsed: `(relative path, error)`.
pub type Failures = Vec<(String, String)>;

/// Reads and parses every doc under `docs`, applying overrides and common errors. Pages are
/// parsed in parallel (each is independent); the result is in path order whatever the threads do.
pub fn read_pages(
    docs: &Path,
    source_root: &Path,
    overrides_dir: Option<&Path>,
    common: &CommonErrors,
    hint: &ServiceHint,
) -> Result<(Vec<select::Page>, Failures)> {
    let paths = list_docs(docs)?;
    let read_one = |doc: &PathBuf| -> Result<std::result::Result<select::Page, (String, String)>> {
        let rel_path = rel(docs, doc);
        let text = read(doc)?;
        // A parser panic is a bug, but it must cost only its own page.
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            build_spec(source_root, doc, &text, overrides_dir, common, hint)
        }))
        .unwrap_or_else(|panic| {
            Err(Error(format!(
                "the parser panicked: {}",
                panic_text(&*panic)
            )))
        });
        Ok(match built {
            Ok(spec) => Ok(select::Page {
                category: select::category(&rel_path),
                old_layout: select::is_old_layout(&text),
                path: doc.clone(),
                rel: rel_path,
                spec,
            }),
            Err(e) => Err((rel_path, e.0)),
        })
    };
    let results = emit::parallel_map(&paths, read_one);
    let mut pages = Vec::new();
    let mut failed = Vec::new();
    for r in results {
        match r? {
            Ok(page) => pages.push(page),
            Err(f) => failed.push(f),
        }
    }
    Ok((pages, failed))
}

/// One line per product of the pages read: `Ecs 2014-05-26: 230 pages`.
pub fn product_lines(pages: &[select::Page], failed: usize) -> Vec<String> {
    let mut by: BTreeMap<&str, (std::collections::BTreeSet<&str>, usize)> = BTreeMap::new();
    for p in pages {
        let e = by.entry(&p.spec.service.product).or_default();
        e.0.insert(&p.spec.service.version);
        e.1 += 1;
    }
    let mut out: Vec<String> = by
        .into_iter()
        .map(|(product, (versions, n))| {
            let versions: Vec<&str> = versions.into_iter().collect();
            format!("product {product} {}: {n} pages", versions.join(", "))
        })
        .collect();
    if failed > 0 {
        out.push(format!("{failed} pages unreadable (no product known)"));
    }
    out
}

/// The message of a caught panic.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// The plan for the workspace: specs from `spec/docs/ecs`, generated code in `ecs-api`.
pub fn plan_workspace(root: &Path) -> Result<Plan> {
    let common = CommonErrors::from_json(&read(&root.join(COMMON_ERRORS))?)
        .map_err(|e| Error(format!("{COMMON_ERRORS}: {e}")))?;
    let generated = root.join(GENERATED_DIR);
    let mut plan = Plan {
        owned_dirs: vec![
            (root.join(SPECS_DIR), "json"),
            (generated.clone(), "rs"),
            (generated.join("operation"), "rs"),
        ],
        ..Plan::default()
    };
    let hint = ServiceHint {
        product: Some(DOCS_PRODUCT.into()),
        version: Some(DOCS_VERSION.into()),
    };
    let t0 = std::time::Instant::now();
    let (pages, failed) = read_pages(
        &root.join(DOCS_DIR),
        root,
        Some(&root.join(OVERRIDES_DIR)),
        &common,
        &hint,
    )?;
    if let Some((doc, e)) = failed.first() {
        return Err(Error(format!(
            "{} of the docs could not be parsed; first: {doc}: {e}",
            failed.len()
        )));
    }
    plan.timings.push(("read and parse", t0.elapsed()));
    plan.summary.extend(product_lines(&pages, 0));
    let (chosen, notes) = select::choose(pages);
    plan.summary.push(format!("page choice: {}", select::RULE));
    plan.summary.extend(notes);
    let coverage = coverage::Coverage::of(chosen.values().map(|p| &p.spec));
    let jsons = spec_jsons(&chosen);
    let sources = op_sources(
        &chosen,
        &jsons,
        |name, _| format!("{SPECS_DIR}/{name}.json"),
        true,
    );
    let t1 = std::time::Instant::now();
    let out = emit::emit_crate(
        &sources,
        &common,
        Target::InCrate,
        &format!("{SPECS_DIR}/*.json"),
    )
    .map_err(|e| Error(e.to_string()))?;
    plan.timings.push(("emit and format", t1.elapsed()));
    for (path, code) in out.files {
        plan.files.insert(generated.join(path), code);
    }
    for (name, page) in &chosen {
        plan.files.insert(
            root.join(format!("{SPECS_DIR}/{name}.json")),
            jsons[name].clone(),
        );
        plan.summary.push(one_line(&page.spec));
        for l in &page.spec.operation.lints {
            plan.lints.push(format!(
                "{name}: line {}: [{}] {}",
                l.line, l.kind, l.message
            ));
        }
    }
    let map = read_endpoint_map(&root.join(ENDPOINTS))?;
    plan.files.insert(
        generated.join("endpoints.rs"),
        emit::emit_endpoints(DOCS_PRODUCT, &map, ENDPOINTS, Target::InCrate)
            .map_err(|e| Error(e.to_string()))?,
    );
    plan.summary.push(coverage.line());
    let t2 = std::time::Instant::now();
    golden(root, &common, &mut plan)?;
    plan.timings.push(("golden crate", t2.elapsed()));
    let manifest = root.join("ecs-api/Cargo.toml");
    plan.files.insert(
        manifest.clone(),
        features::with_features(&read(&manifest)?, &out.features)?,
    );
    Ok(plan)
}

/// A product's per-region endpoint map (`{"endpoints": {"region": "host"}}`).
pub fn read_endpoint_map(path: &Path) -> Result<BTreeMap<String, String>> {
    #[derive(serde::Deserialize)]
    struct File {
        endpoints: BTreeMap<String, String>,
    }
    let file: File = serde_json::from_str(&read(path)?)
        .map_err(|e| Error(format!("{}: {e}", path.display())))?;
    Ok(file.endpoints)
}

/// The spec JSON of each chosen page, by operation (the emitter hashes it into file headers).
pub fn spec_jsons(chosen: &BTreeMap<String, select::Page>) -> BTreeMap<String, String> {
    chosen
        .iter()
        .map(|(name, page)| (name.clone(), spec_json(&page.spec)))
        .collect()
}

/// What the emitter needs of each chosen page; `spec_path` names the spec in file headers.
pub fn op_sources<'a>(
    chosen: &'a BTreeMap<String, select::Page>,
    jsons: &'a BTreeMap<String, String>,
    spec_path: impl Fn(&str, &select::Page) -> String,
    with_category: bool,
) -> Vec<emit::OpSource<'a>> {
    chosen
        .iter()
        .map(|(name, page)| emit::OpSource {
            spec: &page.spec,
            spec_path: spec_path(name, page),
            spec_json: &jsons[name],
            category: page.category.clone().filter(|_| with_category),
        })
        .collect()
}

/// The emitter's output for the fixture docs, as a standalone crate that the workspace compiles:
/// an emitter change shows in review as a diff of Rust, and must still build.
fn golden(root: &Path, common: &CommonErrors, plan: &mut Plan) -> Result<()> {
    let dir = root.join(GOLDEN_DIR);
    plan.owned_dirs.push((dir.clone(), "rs"));
    plan.owned_dirs.push((dir.join("operation"), "rs"));
    // The fixture pages name their (made-up) product themselves.
    let (pages, failed) = read_pages(
        &root.join(FIXTURES_DIR),
        root,
        None,
        common,
        &ServiceHint::default(),
    )?;
    if let Some((doc, e)) = failed.first() {
        return Err(Error(format!("fixture {doc}: {e}")));
    }
    let product = standalone::one_product(&pages)?;
    plan.files.insert(
        dir.join("endpoints.rs"),
        emit::emit_endpoints(
            &product.code,
            &BTreeMap::new(),
            &format!("the product of {FIXTURES_DIR}"),
            Target::Standalone,
        )
        .map_err(|e| Error(e.to_string()))?,
    );
    let (chosen, _) = select::choose(pages);
    let jsons = spec_jsons(&chosen);
    let sources = op_sources(
        &chosen,
        &jsons,
        |_, p| p.spec.operation.source.clone(),
        false,
    );
    let glob = format!("{FIXTURES_DIR}/*.md");
    let out = emit::emit_crate(&sources, common, Target::Standalone, &glob)
        .map_err(|e| Error(e.to_string()))?;
    for (path, code) in out.files {
        plan.files.insert(dir.join(path), code);
    }
    plan.files.insert(
        dir.join("lib.rs"),
        standalone::lib_rs("cargo xtask regen", &glob, &product),
    );
    Ok(())
}

/// Newlines normalised so that a checkout with CRLF line endings is not reported as stale.
fn normalized(s: &str) -> String {
    s.replace("\r\n", "\n")
}

pub fn drift(plan: &Plan) -> Drift {
    let mut d = Drift::default();
    for (path, want) in &plan.files {
        match std::fs::read_to_string(path) {
            Ok(have) if normalized(&have) == *want => {}
            Ok(_) => d.changed.push(path.clone()),
            Err(_) => d.missing.push(path.clone()),
        }
    }
    for (dir, ext) in &plan.owned_dirs {
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == *ext))
                .filter(|p| !plan.files.contains_key(p))
                .collect();
            found.sort();
            d.stale.extend(found);
        }
    }
    d
}

/// Semantic change reports for every spec the plan would overwrite (compared with what is on
/// disk). Specs that are new, or whose old file does not parse, have no report.
pub fn change_reports(plan: &Plan) -> Vec<codegen::diff::ChangeReport> {
    let mut out = Vec::new();
    for (path, new_text) in &plan.files {
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Ok(old_text) = std::fs::read_to_string(path) else {
            continue;
        };
        if normalized(&old_text) == *new_text {
            continue;
        }
        let (Ok(old), Ok(new)) = (
            serde_json::from_str::<Spec>(&old_text),
            serde_json::from_str::<Spec>(new_text),
        ) else {
            continue;
        };
        out.push(codegen::diff::diff(&old, &new));
    }
    out
}

/// Writes changed and missing files and deletes stale ones.
pub fn apply(plan: &Plan, drift: &Drift) -> Result<()> {
    for path in drift.changed.iter().chain(&drift.missing) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(path, &plan.files[path])
            .map_err(|e| Error(format!("{}: {e}", path.display())))?;
    }
    for path in &drift.stale {
        std::fs::remove_file(path).map_err(|e| Error(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// The workspace root: the parent of this crate's manifest dir.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
