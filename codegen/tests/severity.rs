//! Severity overrides: a maintainer promotes a warning read under a condition to an error, or
//! silences it, each with a reason; stale entries fail.

use codegen::overrides::Overrides;
use codegen::spec::{Origin, Severity, Spec};

fn spec() -> Spec {
    let path = format!(
        "{}/tests/fixtures/conditional_rules.md",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    codegen::parse_doc("fixtures/conditional_rules.md", &text).expect("fixture parses")
}

fn apply(spec: &mut Spec, entry: &str) -> Result<(), String> {
    let file = format!(r#"{{"operation":"GuardGizmos","entries":[{entry}]}}"#);
    Overrides::from_json(&file)
        .and_then(|o| o.apply(spec))
        .map_err(|e| e.to_string())
}

fn password(spec: &Spec) -> &codegen::spec::Param {
    spec.operation
        .request
        .iter()
        .find(|p| p.wire_name == "Password")
        .expect("Password")
}

const PREFIXES: &str = r#"{"rule":"not_prefix","prefixes":["http://","https://"]}"#;

#[test]
fn set_severity_promotes_a_warning_with_its_reason() {
    let mut spec = spec();
    let before = password(&spec).constraints[1].clone();
    assert_eq!(before.severity, Severity::Warning);
    let entry = format!(
        r#"{{"reason":"The live API refuses these prefixes on every OS.","set_severity":{{"param":"Password","rule":{PREFIXES},"severity":"error"}}}}"#
    );
    apply(&mut spec, &entry).unwrap();
    let after = &password(&spec).constraints[1];
    assert_eq!(after.severity, Severity::Error);
    assert_eq!((&after.when, after.line), (&before.when, before.line));
    assert!(matches!(&after.origin, Origin::Override { reason } if reason.contains("every OS")));
    assert!(!after.described().contains("[warning]"));
    // The same again is stale.
    let err = apply(&mut spec, &entry).unwrap_err();
    assert!(err.contains("already"), "{err}");
}

#[test]
fn set_severity_needs_one_matching_rule_and_a_reason() {
    let mut spec = spec();
    let two = r#"{"reason":"r","set_severity":{"param":"HostName","rule":{"rule":"length","min":2,"max":15},"when":"For Linux","severity":"error"}}"#;
    assert!(apply(&mut spec, two).unwrap_err().contains("exactly one"));
    let picked = r#"{"reason":"r","set_severity":{"param":"HostName","rule":{"rule":"length","min":2,"max":15},"when":"For Windows instances","severity":"error"}}"#;
    apply(&mut spec, picked).unwrap();
    let no_reason = format!(
        r#"{{"reason":"","set_severity":{{"param":"Password","rule":{PREFIXES},"severity":"error"}}}}"#
    );
    assert!(apply(&mut spec, &no_reason).is_err());
}

#[test]
fn remove_constraint_silences_a_warning() {
    let mut spec = spec();
    let entry = format!(
        r#"{{"reason":"Only a recommendation in practice.","remove_constraint":{{"param":"Password","rule":{PREFIXES}}}}}"#
    );
    apply(&mut spec, &entry).unwrap();
    let p = password(&spec);
    assert_eq!(p.constraints.len(), 1);
    assert!(p.unparsed.iter().any(|n| n.text.contains("recommendation")));
}
