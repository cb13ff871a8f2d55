//! `remove_relation`: a maintainer drops a rule between params that the live API does not
//! enforce, with a reason; the spec keeps a lint for review, and a stale entry fails.

use codegen::overrides::Overrides;
use codegen::spec::Spec;

fn spec() -> Spec {
    let path = format!(
        "{}/tests/fixtures/rule_kinds.md",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    codegen::parse_doc("fixtures/rule_kinds.md", &text).expect("fixture parses")
}

fn apply(spec: &mut Spec, entry: &str) -> Result<(), String> {
    let file = format!(r#"{{"operation":"SecureGadgets","entries":[{entry}]}}"#);
    Overrides::from_json(&file)
        .and_then(|o| o.apply(spec))
        .map_err(|e| e.to_string())
}

fn any_of_owner(spec: &Spec) -> bool {
    spec.operation
        .relations
        .iter()
        .any(|r| r.relation.to_string().contains("OwnerId"))
}

#[test]
fn remove_relation_drops_the_rule_in_any_param_order_and_leaves_a_lint() {
    let mut spec = spec();
    assert!(any_of_owner(&spec));
    let entry = r#"{"reason":"The live API also takes OwnerAccount.","remove_relation":{"relation":"any_of","params":["RenewalStatus","OwnerId"]}}"#;
    apply(&mut spec, entry).unwrap();
    assert!(!any_of_owner(&spec));
    let lint = spec
        .operation
        .lints
        .iter()
        .find(|l| l.kind == "relation-not-enforced")
        .expect("a lint records the removal");
    assert!(lint.message.contains("OwnerAccount"), "{}", lint.message);
    // The same again is stale, and so is a relation of another kind over the same params.
    assert!(apply(&mut spec, entry).unwrap_err().contains("stale"));
    let together = r#"{"reason":"r","remove_relation":{"relation":"together","params":["OwnerId","RenewalStatus"]}}"#;
    assert!(apply(&mut spec, together).unwrap_err().contains("stale"));
}
