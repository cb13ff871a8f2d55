//! Generated files are what `cargo xtask regen` would write now, and the generated surface of each
//! operation is reviewed as a readable summary.

#[test]
fn generated_files_are_up_to_date() {
    let root = xtask::workspace_root();
    let plan = xtask::plan_workspace(&root).expect("regen plan");
    let drift = xtask::drift(&plan);
    assert!(
        drift.is_empty(),
        "generated files are out of date: run `cargo xtask regen` and commit the result\n{drift:#?}"
    );
}

#[test]
fn regen_is_deterministic() {
    let root = xtask::workspace_root();
    let a = xtask::plan_workspace(&root).expect("regen plan");
    let b = xtask::plan_workspace(&root).expect("regen plan");
    assert_eq!(a.files, b.files);
}

/// The generated public surface of every operation in one reviewable file: a doc change shows
/// in a PR as a diff of params, types, rules, paging and error codes.
#[test]
fn surface_of_every_operation() {
    let root = xtask::workspace_root();
    let dir = root.join(xtask::SPECS_DIR);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("spec dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    assert!(names.len() > 200, "every ECS operation has a spec");
    let mut surface = String::new();
    for path in names {
        let spec: codegen::spec::Spec =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        surface.push_str(&codegen::emit::summary(&spec));
        surface.push('\n');
    }
    insta::assert_snapshot!("surface", surface);
}

/// The page-choice rule (`xtask/src/select.rs`) keeps the most recently changed page of every
/// operation the ECS reference documents twice, by the dates in `MANIFEST.tsv`.
#[test]
fn duplicate_pages_resolve_to_the_newest() {
    let root = xtask::workspace_root();
    let manifest = std::fs::read_to_string(root.join("spec/docs/ecs/MANIFEST.tsv")).unwrap();
    let mut newest: std::collections::BTreeMap<String, (String, String)> = Default::default();
    let mut pages_per_op: std::collections::BTreeMap<String, usize> = Default::default();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (op, path, changed) = (cols[0].to_ascii_lowercase(), cols[2], cols[4]);
        *pages_per_op.entry(op.clone()).or_default() += 1;
        let entry = newest
            .entry(op)
            .or_insert_with(|| (changed.to_string(), path.to_string()));
        if changed > entry.0.as_str() {
            *entry = (changed.to_string(), path.to_string());
        }
    }
    let duplicated: Vec<&String> = pages_per_op
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(op, _)| op)
        .collect();
    assert_eq!(duplicated.len(), 10, "{duplicated:?}");
    let specs = root.join(xtask::SPECS_DIR);
    for entry in std::fs::read_dir(&specs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let spec: codegen::spec::Spec =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let key = spec.operation.name.to_ascii_lowercase();
        if pages_per_op.get(&key).copied().unwrap_or(0) > 1 {
            let want = format!("spec/docs/ecs/{}", newest[&key].1);
            assert_eq!(spec.operation.source, want, "{}", spec.operation.name);
        }
    }
}
