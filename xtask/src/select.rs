//! Which page documents an operation when several do. The rule, printed by regen:
//! 1. a page named `<Op>.legacy.md` loses to any other page;
//! 2. a page in the current layout beats one in the 2018-2019 layout (whose title carries a
//!    `{#… .reference}` anchor);
//! 3. otherwise the later path in ASCII order wins, so the choice never depends on the file system.
//!
//! On the ECS pages this picks the most recently changed page of every duplicate (a test checks
//! it against `spec/docs/ecs/MANIFEST.tsv`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use codegen::spec::Spec;

/// A parsed page.
pub struct Page {
    pub path: PathBuf,
    /// Path relative to the docs folder, `/`-separated.
    pub rel: String,
    /// The folder the page sits in (`Snapshots`), if any.
    pub category: Option<String>,
    pub old_layout: bool,
    pub spec: Spec,
}

/// The rule, as regen prints it.
pub const RULE: &str =
    "a `.legacy.md` page loses, then a page in the 2018-2019 layout, then the earlier path";

pub fn is_legacy(rel: &str) -> bool {
    rel.ends_with(".legacy.md")
}

/// Whether the page's title line uses the older platform layout (`# Name {#Name .reference}`).
pub fn is_old_layout(text: &str) -> bool {
    text.lines()
        .find(|l| l.starts_with("# "))
        .is_some_and(|l| l.contains("{#"))
}

/// Ranks a page: higher wins.
fn rank(p: &Page) -> (bool, bool, &str) {
    (!is_legacy(&p.rel), !p.old_layout, p.rel.as_str())
}

/// One page per operation, and a line for every page left out.
pub fn choose(pages: Vec<Page>) -> (BTreeMap<String, Page>, Vec<String>) {
    // Keyed case-insensitively: `DescribeUserdata` and `DescribeUserData` are one action (the
    // service matches names exactly, so the kept page's spelling is the one sent).
    let mut chosen: BTreeMap<String, Page> = BTreeMap::new();
    let mut notes = Vec::new();
    for page in pages {
        let name = page.spec.operation.name.to_ascii_lowercase();
        match chosen.remove(&name) {
            None => {
                chosen.insert(name, page);
            }
            Some(prev) => {
                let (kept, dropped) = if rank(&page) > rank(&prev) {
                    (page, prev)
                } else {
                    (prev, page)
                };
                notes.push(format!(
                    "{} is documented twice: using {}, ignoring {} ({})",
                    kept.spec.operation.name,
                    kept.rel,
                    dropped.rel,
                    if is_legacy(&dropped.rel) {
                        "a legacy copy"
                    } else if dropped.old_layout && !kept.old_layout {
                        "the older layout"
                    } else {
                        "the earlier path"
                    }
                ));
                chosen.insert(name, kept);
            }
        }
    }
    let chosen = chosen
        .into_values()
        .map(|p| (p.spec.operation.name.clone(), p))
        .collect();
    (chosen, notes)
}

/// The category of a page: its first folder under the docs root.
pub fn category(rel: &str) -> Option<String> {
    let (dir, _) = rel.split_once('/')?;
    Some(dir.to_string())
}
