//! The published crates are ready for `cargo package`: complete metadata, versions on path
//! dependencies, and a `rust-version` no lower than any locked dependency needs.

use serde_json::Value;

const PUBLISHED: [&str; 3] = ["ecs-rules", "ecs-api-derive", "ecs-api"];

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Offline, so only what this platform builds is known: a clean clone has not downloaded the
    // other targets' dependencies (wasm's `bumpalo`), and a test must not fetch them.
    let host = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .expect("rustc -vV names the host");
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn version(v: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = v.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn published_crates_have_metadata_and_a_true_rust_version() {
    let m = metadata();
    let packages = m["packages"].as_array().unwrap();
    let by_id = |id: &str| packages.iter().find(|p| p["id"] == id).unwrap();
    let nodes = m["resolve"]["nodes"].as_array().unwrap();
    for name in PUBLISHED {
        let p = packages.iter().find(|p| p["name"] == name).unwrap();
        assert!(p["publish"].is_null(), "{name} must be publishable");
        for field in [
            "description",
            "license",
            "repository",
            "documentation",
            "readme",
            "rust_version",
        ] {
            assert!(
                p[field].as_str().is_some_and(|s| !s.is_empty()),
                "{name}: {field}"
            );
        }
        for field in ["keywords", "categories"] {
            assert!(!p[field].as_array().unwrap().is_empty(), "{name}: {field}");
        }
        for dep in p["dependencies"].as_array().unwrap() {
            let normal = dep["kind"].is_null() || dep["kind"] == "build";
            if normal && dep["path"].is_string() {
                assert_ne!(
                    dep["req"], "*",
                    "{name}: path dependency {} needs a version",
                    dep["name"]
                );
            }
        }
        // Every dependency compiled for users (normal and build, transitively) must accept it.
        let declared = version(p["rust_version"].as_str().unwrap());
        let mut stack = vec![p["id"].as_str().unwrap().to_owned()];
        let mut seen = std::collections::HashSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let dep_pkg = by_id(&id);
            if let Some(rv) = dep_pkg["rust_version"].as_str() {
                assert!(
                    version(rv) <= declared,
                    "{name} declares rust-version {declared:?} but {} {} needs {rv}",
                    dep_pkg["name"],
                    dep_pkg["version"]
                );
            }
            let node = nodes.iter().find(|n| n["id"] == id.as_str()).unwrap();
            for d in node["deps"].as_array().unwrap() {
                let used = d["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["kind"].is_null() || k["kind"] == "build");
                if used {
                    stack.push(d["pkg"].as_str().unwrap().to_owned());
                }
            }
        }
    }
}
