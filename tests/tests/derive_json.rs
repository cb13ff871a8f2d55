//! `#[ecs(json)]`: a list sent as one param holding a JSON array (`InstanceIds=["i-1","i-2"]`).

use ecs_api::wire::{FromParams, RuleKind, ToParams, Validate, ValidationMode, Violation};
use ecs_api::{FromParams, ToParams, Validate};
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
struct DescribeInput {
    #[ecs(
        wire = "InstanceIds",
        json,
        count(max = 3),
        length(max = 8),
        error_code = "InvalidInstanceIds.Malformed"
    )]
    instance_ids: Vec<String>,
    #[ecs(wire = "Ports", json, range(min = 1, max = 65535))]
    ports: Vec<i64>,
    #[ecs(wire = "Flags", json)]
    flags: Vec<bool>,
    #[ecs(wire = "Weights", json)]
    weights: Vec<f64>,
    #[ecs(wire = "Status", json, one_of("Running", "Stopped"))]
    statuses: Vec<String>,
    #[ecs(wire = "Filter", nested)]
    filter: Option<Filter>,
}

#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
struct Filter {
    #[ecs(wire = "Ids", json, count(max = 2))]
    ids: Vec<String>,
}

fn owned(pairs: Vec<ecs_api::wire::Pair<'_>>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn parse(pairs: &[(&str, &str)]) -> Result<DescribeInput, Vec<Violation>> {
    DescribeInput::from_params(pairs.iter().copied())
}

fn rules(violations: &[Violation]) -> Vec<(&str, RuleKind)> {
    violations
        .iter()
        .map(|v| (v.param.as_str(), v.rule))
        .collect()
}

fn full() -> DescribeInput {
    DescribeInput {
        instance_ids: vec!["i-1".into(), "i-\"2\"".into()],
        ports: vec![22, 443],
        flags: vec![true, false],
        weights: vec![1.5, 2.0],
        statuses: vec!["Running".into()],
        filter: Some(Filter {
            ids: vec!["a".into()],
        }),
    }
}

#[test]
fn a_json_list_is_one_compact_array_param() {
    let input = full();
    let pairs = owned(input.to_params());
    assert_eq!(
        pairs,
        [
            ("InstanceIds", r#"["i-1","i-\"2\""]"#),
            ("Ports", "[22,443]"),
            ("Flags", "[true,false]"),
            ("Weights", "[1.5,2.0]"),
            ("Status", r#"["Running"]"#),
            ("Filter.Ids", r#"["a"]"#),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert_eq!(input.params_len_hint(), pairs.len());
}

#[test]
fn an_empty_json_list_is_not_sent() {
    let input = DescribeInput::default();
    assert!(input.to_params().is_empty());
    assert_eq!(input.params_len_hint(), 0);
    assert_eq!(parse(&[]).unwrap(), input);
}

#[test]
fn a_json_list_parses_back() {
    let input = full();
    let pairs = owned(input.to_params());
    let back =
        DescribeInput::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
    assert_eq!(back, input);
}

#[test]
fn numbers_and_bools_are_read_leniently() {
    let got = parse(&[
        ("Ports", r#"["22", 443]"#),
        ("Flags", r#"["True", false]"#),
        ("Weights", r#"[1, "2.5"]"#),
        ("InstanceIds", "[]"),
    ])
    .unwrap();
    assert_eq!(got.ports, [22, 443]);
    assert_eq!(got.flags, [true, false]);
    assert_eq!(got.weights, [1.0, 2.5]);
    assert!(got.instance_ids.is_empty());
}

#[test]
fn a_value_that_is_not_a_json_array_is_a_violation_naming_the_param() {
    for raw in ["i-1", "{\"a\":1}", "[", "\"i-1\"", "", "[1,"] {
        let errs = parse(&[("InstanceIds", raw)]).unwrap_err();
        assert_eq!(
            rules(&errs),
            [("InstanceIds", RuleKind::Malformed)],
            "{raw}"
        );
        assert_eq!(errs[0].error_code, Some("InvalidInstanceIds.Malformed"));
        assert!(errs[0].limit.contains("JSON array"), "{}", errs[0]);
    }
    // Items of the wrong type: each one reported, by its position.
    let errs = parse(&[
        ("InstanceIds", r#"["i-1", 2, null]"#),
        ("Ports", r#"[1, "x", 1.5]"#),
        ("Filter.Ids", r#"[["nested"]]"#),
    ])
    .unwrap_err();
    assert_eq!(
        rules(&errs),
        [
            ("InstanceIds", RuleKind::Malformed),
            ("InstanceIds", RuleKind::Malformed),
            ("Ports", RuleKind::Malformed),
            ("Ports", RuleKind::Malformed),
            ("Filter.Ids", RuleKind::Malformed),
        ]
    );
    assert_eq!(errs[0].actual, "item 2: \"2\"");
    assert_eq!(errs[3].actual, "item 3: \"1.5\"");
    // `wire.N` keys are not how a json list is sent.
    let errs = parse(&[("InstanceIds.1", "i-1")]).unwrap_err();
    assert_eq!(rules(&errs), [("InstanceIds.1", RuleKind::Unknown)]);
}

#[test]
fn count_applies_to_the_items_and_other_rules_to_each_item() {
    let mut input = full();
    input.instance_ids = vec![
        "i-1".into(),
        "i-123456789".into(),
        "i-3".into(),
        "i-4".into(),
    ];
    input.ports = vec![0, 80, 70000];
    input.statuses = vec!["Running".into(), "Gone".into()];
    input.filter = Some(Filter {
        ids: vec!["a".into(), "b".into(), "c".into()],
    });
    let report = input.validate(ValidationMode::Strict);
    assert_eq!(
        rules(&report.errors),
        [
            ("InstanceIds", RuleKind::Count),
            ("InstanceIds", RuleKind::Length),
            ("Ports", RuleKind::Range),
            ("Ports", RuleKind::Range),
            ("Status", RuleKind::Enum),
            ("Filter.Ids", RuleKind::Count),
        ]
    );
    assert_eq!(report.errors[0].actual, "4 items");
    assert_eq!(
        report.errors[1].error_code,
        Some("InvalidInstanceIds.Malformed")
    );
    assert_eq!(report.errors[2].actual, "0");
    // Lenient keeps counts and ranges only.
    let lenient = input.validate(ValidationMode::Lenient);
    assert_eq!(
        rules(&lenient.errors),
        [
            ("InstanceIds", RuleKind::Count),
            ("Ports", RuleKind::Range),
            ("Ports", RuleKind::Range),
            ("Filter.Ids", RuleKind::Count),
        ]
    );
    assert!(full().validate(ValidationMode::Strict).is_ok());
}

proptest! {
    #[test]
    fn any_strings_and_integers_round_trip(
        ids in prop::collection::vec(any::<String>(), 0..5),
        ports in prop::collection::vec(any::<i64>(), 0..5),
    ) {
        let input = DescribeInput { instance_ids: ids, ports, ..DescribeInput::default() };
        let pairs = owned(input.to_params());
        let back = DescribeInput::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert_eq!(back, Ok(input));
    }

    #[test]
    fn any_text_parses_without_panicking(raw in any::<String>()) {
        let _ = parse(&[("InstanceIds", &raw), ("Ports", &raw), ("Flags", &raw)]);
    }
}
