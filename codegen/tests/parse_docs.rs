//! Parses the seed doc and the hand-made fixtures (one per layout variant) and snapshots the specs.

use codegen::overrides::{CommonErrors, Overrides};
use codegen::spec::{Rule, Shape, Spec};

/// Parses a test page that names no service, as `--product Test --version 2020-01-01` would.
fn parse_doc(path: &str, text: &str) -> Result<codegen::spec::Spec, codegen::ParseError> {
    let hint = codegen::ServiceHint {
        product: Some("Test".into()),
        version: Some("2020-01-01".into()),
    };
    codegen::parse_doc_with(path, text, &hint)
}

const SEED: &str = include_str!("../../spec/docs/ecs/Snapshots/CreateSnapshotGroup.md");
const OVERRIDES: &str = include_str!("../../spec/overrides/ecs/CreateSnapshotGroup.json");
const COMMON_ERRORS: &str = include_str!("../../spec/common/errors.json");

fn fixture(name: &str) -> Spec {
    let path = format!("{}/tests/fixtures/{name}.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    parse_doc(&format!("fixtures/{name}.md"), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn pretty(spec: &Spec) -> String {
    serde_json::to_string_pretty(spec).expect("spec serializes")
}

fn param<'a>(spec: &'a Spec, wire: &str) -> &'a codegen::spec::Param {
    spec.operation
        .request
        .iter()
        .find(|p| p.wire_name == wire)
        .unwrap_or_else(|| panic!("no param {wire}"))
}

fn rules(p: &codegen::spec::Param) -> Vec<Rule> {
    p.constraints.iter().map(|c| c.rule.clone()).collect()
}

#[test]
fn seed_doc() {
    let spec = parse_doc("ecs/CreateSnapshotGroup.md", SEED).unwrap();
    let op = &spec.operation;
    assert_eq!(op.name, "CreateSnapshotGroup");
    assert_eq!(op.request.len(), 7);
    assert!(param(&spec, "InstanceId").required && param(&spec, "RegionId").required);
    assert_eq!(
        rules(param(&spec, "ExcludeDiskId")),
        [Rule::Count {
            min: Some(1),
            max: Some(16),
            separator: None,
        }]
    );
    assert_eq!(
        param(&spec, "InstantAccess")
            .default
            .as_ref()
            .map(|d| d.value.as_str()),
        Some("false")
    );
    assert_eq!(
        rules(param(&spec, "InstantAccessRetentionDays")),
        [
            Rule::Range {
                min: Some(1),
                max: Some(65535),
                also: vec![]
            },
            Rule::Condition {
                param: "InstantAccess".into(),
                value: "true".into()
            }
        ]
    );
    let name_rules = rules(param(&spec, "Name"));
    assert!(name_rules.contains(&Rule::Charset {
        class: "A-Za-z0-9._:-".into()
    }));
    assert!(name_rules.contains(&Rule::FirstChar {
        class: "A-Za-z0-9".into()
    }));
    let internal = op
        .errors
        .iter()
        .find(|e| e.code == "InternalError")
        .unwrap();
    assert_eq!(internal.listings.len(), 2);
    let unknown: Vec<&str> = op
        .lints
        .iter()
        .filter(|l| l.kind == "error-names-unknown-param")
        .map(|l| l.message.as_str())
        .collect();
    for name in [
        "Tag.N.Key",
        "clientToken",
        "Category",
        "KMSKeyId",
        "DiskId",
        "SnapshotName",
        "RetentionDays",
    ] {
        assert!(
            unknown.iter().any(|m| m.contains(&format!("`{name}`"))),
            "no lint for {name}"
        );
    }
    insta::assert_snapshot!("seed_CreateSnapshotGroup", pretty(&spec));
}

#[test]
fn seed_with_common_errors_and_overrides() {
    let mut spec = parse_doc("ecs/CreateSnapshotGroup.md", SEED).unwrap();
    CommonErrors::from_json(COMMON_ERRORS)
        .unwrap()
        .merge_into(&mut spec)
        .unwrap();
    Overrides::from_json(OVERRIDES)
        .unwrap()
        .apply(&mut spec)
        .unwrap();
    let op = &spec.operation;
    assert_eq!(op.idempotency_token.as_deref(), Some("ClientToken"));
    let tag = param(&spec, "Tag");
    assert!(matches!(tag.shape, Shape::List { .. }));
    assert_eq!(
        rules(tag),
        [Rule::Count {
            min: Some(1),
            max: Some(20),
            separator: None,
        }]
    );
    assert_eq!(
        param(&spec, "Name").error_code.as_deref(),
        Some("InvalidSnapshotName.Malformed")
    );
    assert_eq!(op.exclusive[0].params, ["DiskId", "ExcludeDiskId"]);
    let retryable: Vec<&str> = op
        .errors
        .iter()
        .filter(|e| e.retryable)
        .map(|e| e.code.as_str())
        .collect();
    assert!(retryable.contains(&"InternalError") && retryable.contains(&"IdempotentProcessing"));
    assert!(!retryable.contains(&"IncorrectDiskStatus"));
    // Common codes are not copied into the spec: the generated crate declares them once.
    assert!(!op.errors.iter().any(|e| e.code == "Throttling"));
    // A doc-listed code keeps its doc listings only.
    let mismatch = op
        .errors
        .iter()
        .find(|e| e.code == "IdempotentParameterMismatch")
        .unwrap();
    assert_eq!(mismatch.listings.len(), 1);
    assert_eq!(mismatch.listings[0].http_status, Some(403));
    insta::assert_snapshot!("seed_CreateSnapshotGroup_reviewed", pretty(&spec));
}

#[test]
fn output_is_deterministic_and_row_order_free() {
    let a = pretty(&parse_doc("x.md", SEED).unwrap());
    assert_eq!(a, pretty(&parse_doc("x.md", SEED).unwrap()));
    // Swap two request rows and two error rows: only line numbers may change.
    let lines: Vec<&str> = SEED.lines().collect();
    let mut swapped = lines.clone();
    let name_row = lines.iter().position(|l| l.starts_with("|Name|")).unwrap();
    let desc_row = lines
        .iter()
        .position(|l| l.starts_with("|Description|"))
        .unwrap();
    swapped.swap(name_row, desc_row);
    let first_err = lines
        .iter()
        .position(|l| l.starts_with("|404|InvalidDiskId"))
        .unwrap();
    swapped.swap(first_err, first_err + 1);
    let b = parse_doc("x.md", &swapped.join("\n")).unwrap();
    // Lints are ordered by line, so compare them as a set.
    let strip = |s: &str| {
        let mut v = strip_lines(serde_json::from_str(s).unwrap());
        if let Some(serde_json::Value::Array(lints)) = v.pointer_mut("/operation/lints") {
            lints.sort_by_key(|l| l.to_string());
        }
        v
    };
    assert_eq!(strip(&a), strip(&pretty(&b)));
}

fn strip_lines(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| k != "line")
                .map(|(k, v)| (k, strip_lines(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_lines).collect()),
        other => other,
    }
}

macro_rules! fixture_snapshot {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!($name, pretty(&fixture($name)));
        }
    };
}

fixture_snapshot!(style_2019, "style_2019");
fixture_snapshot!(legacy, "legacy");
fixture_snapshot!(position_2021, "position_2021");
fixture_snapshot!(response_shapes, "response_shapes");
fixture_snapshot!(custom_struct, "custom_struct");
fixture_snapshot!(no_response_table, "no_response_table");
fixture_snapshot!(code_fence_cell, "code_fence_cell");
fixture_snapshot!(case_collision, "case_collision");
fixture_snapshot!(rule_phrasings, "rule_phrasings");
fixture_snapshot!(conditional_rules, "conditional_rules");
fixture_snapshot!(rule_kinds, "rule_kinds");

#[test]
fn malformed_docs_are_errors() {
    let no_title = "Some text\n\n## Request parameters\n\n|Name|Type|\n|-|-|\n|A|String|\n";
    let err = parse_doc("a.md", no_title).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("a.md", 1));

    let no_request = "# Op\n\nText.\n\n## Response parameters\n";
    assert!(
        parse_doc("a.md", no_request)
            .unwrap_err()
            .reason
            .contains("Request parameters")
    );

    let no_table = "# Op\n\n## Request parameters\n\nNothing here.\n";
    assert!(parse_doc("a.md", no_table).is_err());

    // A row that cannot be closed ends its table with a lint; the page still parses.
    let unclosed = "# Op\n\n## Request parameters\n\n|Name|Type|Required|Description|\n|-|-|-|-|\n|B|String|No|fine|\n|A|String|No|never closed\n\nmore text\n";
    let spec = parse_doc("a.md", unclosed).unwrap();
    assert_eq!(spec.operation.request.len(), 1);
    let lint = &spec.operation.lints[0];
    assert_eq!((lint.kind.as_str(), lint.line), ("broken-table-row", 8));
    assert!(lint.message.contains("never closes"), "{lint:?}");

    let no_name = "# Op\n\n## Request parameters\n\n|Key|Type|\n|-|-|\n|A|String|\n";
    let err = parse_doc("a.md", no_name).unwrap_err();
    assert!(err.reason.contains("Parameter"), "{err}");
    assert!(err.to_string().starts_with("a.md:5:"), "{err}");
}

#[test]
fn stale_or_unreasoned_overrides_fail() {
    let mut spec = parse_doc("x.md", SEED).unwrap();
    let no_reason = r#"{"operation":"CreateSnapshotGroup","entries":[{"reason":" ","idempotency_token":"InstanceId"}]}"#;
    assert!(Overrides::from_json(no_reason).is_err());
    let stale = r#"{"operation":"CreateSnapshotGroup","entries":[{"reason":"r","add_constraint":{"param":"Gone","rule":{"rule":"length","max":3}}}]}"#;
    let err = Overrides::from_json(stale)
        .unwrap()
        .apply(&mut spec)
        .unwrap_err();
    assert!(err.to_string().contains("Gone"), "{err}");
    let already = r#"{"operation":"CreateSnapshotGroup","entries":[{"reason":"r","add_param":{"name":"Name","type":"String"}}]}"#;
    assert!(
        Overrides::from_json(already)
            .unwrap()
            .apply(&mut spec)
            .is_err()
    );
    let unknown_code = r#"{"operation":"CreateSnapshotGroup","entries":[{"reason":"r","set_error_code":{"param":"Name","code":"Nope"}}]}"#;
    assert!(
        Overrides::from_json(unknown_code)
            .unwrap()
            .apply(&mut spec)
            .is_err()
    );
    let other_op = r#"{"operation":"Other","entries":[]}"#;
    assert!(
        Overrides::from_json(other_op)
            .unwrap()
            .apply(&mut spec)
            .is_err()
    );
}

#[test]
fn colliding_error_codes_are_resolved_with_a_lint() {
    let doc = "# Op\n\n## Request parameters\n\n|Name|Type|Required|Description|\n|-|-|-|-|\n|A|String|No|x|\n\n## Error codes\n\n|HTTP status code|Error code|Error message|Description|\n|-|-|-|-|\n|400|Foo.Bar|m|d|\n|400|FooBar|m|d|\n";
    let spec = parse_doc("a.md", doc).unwrap();
    let names: Vec<(&str, &str)> = spec
        .operation
        .errors
        .iter()
        .map(|e| (e.code.as_str(), e.rust_name.as_str()))
        .collect();
    // The code spelled like the name keeps it; the other is numbered.
    assert_eq!(names, [("Foo.Bar", "FooBar2"), ("FooBar", "FooBar")]);
    let lint = spec
        .operation
        .lints
        .iter()
        .find(|l| l.kind == "error-name-collision")
        .expect("a lint records the renaming");
    assert!(lint.message.contains("Foo.Bar") && lint.message.contains("FooBar2"));
}
