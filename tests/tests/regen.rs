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
