//! Valid values of one param stated per case of another (`When PeriodUnit is set to Month, valid
//! values of Duration are 1, 2, 3, 6, and 12`), inline and as bullets under `Valid values:`, in
//! both directions: what becomes a rule checked only in its case, and what stays a note.

use super::tests::{between, read_among};
use super::*;
use crate::spec::{ParamValue, Severity};

fn read_as(name: &str, text: &str) -> ProseFacts {
    let known = [
        "PeriodUnit",
        "Duration",
        "Period",
        "DiskCategory",
        "Size",
        "DataDisk.N.Category",
        "DataDisk.N.Size",
        "DiskImageSize.N",
    ];
    read_among(name, ScalarType::Integer, &known, text)
}

fn only_if(facts: &ProseFacts) -> Vec<(Rule, String, String, Severity)> {
    facts
        .constraints
        .iter()
        .map(|c| {
            let ParamValue { param, equals } = c.only_if.clone().unwrap_or(ParamValue {
                param: "-".into(),
                equals: "-".into(),
            });
            (c.rule.clone(), param, equals, c.severity)
        })
        .collect()
}

fn one_of(values: &[&str]) -> Rule {
    Rule::Enum {
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn case(rule: Rule, param: &str, equals: &str) -> (Rule, String, String, Severity) {
    (rule, param.into(), equals.into(), Severity::Error)
}

#[test]
fn integer_values_of_the_param_itself_in_a_case_become_a_rule_checked_then() {
    let facts = read_as(
        "Duration",
        "The renewal duration. When PeriodUnit is set to Year, valid values of Duration are 1, 2, and 3. When PeriodUnit is set to Month, valid values of Duration are 1, 2, 3, 6, and 12.",
    );
    assert_eq!(
        only_if(&facts),
        [
            case(one_of(&["1", "2", "3"]), "PeriodUnit", "Year"),
            case(one_of(&["1", "2", "3", "6", "12"]), "PeriodUnit", "Month"),
        ]
    );
    assert!(facts.unparsed.is_empty(), "{:?}", facts.unparsed);
    // `the valid values of the Period parameter`, and a range.
    let facts = read_as(
        "Period",
        "The period. When the PeriodUnit parameter is set to Week, the valid values of the Period parameter are 1 to 4.",
    );
    assert_eq!(only_if(&facts), [case(between(1, 4), "PeriodUnit", "Week")]);
}

#[test]
fn values_of_another_param_stay_notes() {
    for text in [
        "The renewal duration. When PeriodUnit is set to Month, valid values of Period are 1, 2, and 3.",
        "The renewal duration. When PeriodUnit is set to Month, the valid values of the Period parameter are 1 to 9.",
    ] {
        let facts = read_as("Duration", text);
        assert!(
            facts.constraints.is_empty(),
            "{text}: {:?}",
            facts.constraints
        );
        assert_eq!(facts.unparsed.len(), 1, "{text}");
    }
}

#[test]
fn case_bullets_under_valid_values_become_one_rule_per_case() {
    let text = "The size of the disk. Valid values:\n- Valid values when DiskCategory is set to cloud: 5 to 2000\n- Valid values when DiskCategory is set to cloud_essd: 20 to 32768";
    let facts = read_as("Size", text);
    assert_eq!(
        only_if(&facts),
        [
            case(between(5, 2000), "DiskCategory", "cloud"),
            case(between(20, 32768), "DiskCategory", "cloud_essd"),
        ]
    );
    // Each rule keeps its own bullet's line.
    let lines: Vec<usize> = facts.constraints.iter().map(|c| c.line).collect();
    assert_eq!(lines, [2, 3]);
    // `When X is set to Y: values`, and a member whose case is a sibling member.
    let text = "The period. Valid values:\n- When PeriodUnit is set to Month: 1, 2, 3, 6, and 12.\n- When PeriodUnit is set to Year: 1 to 5.";
    assert_eq!(
        only_if(&read_as("Period", text)),
        [
            case(one_of(&["1", "2", "3", "6", "12"]), "PeriodUnit", "Month"),
            case(between(1, 5), "PeriodUnit", "Year"),
        ]
    );
    let text = "The size of data disk N. Valid values:\n- Valid values when DataDisk.N.Category is set to cloud: 5 to 2000";
    assert_eq!(
        only_if(&read_as("DataDisk.N.Size", text)),
        [case(between(5, 2000), "DataDisk.N.Category", "cloud")]
    );
}

#[test]
fn case_bullets_the_reader_cannot_follow_stay_notes() {
    // A case on N (no param), a case on something that is no param, and a case whose values
    // depend on a third param: nothing is enforced, everything is kept to review.
    let text = "The size of disk N. Valid values:\n- When N is set to 1, the disk is the system disk and its size ranges from 5 GiB to 500 GiB.\n- When N is set to a value from 2 to 17, the disk is a data disk and its size ranges from 5 GiB to 1,000 GiB.";
    let facts = read_as("DiskImageSize.N", text);
    assert!(facts.constraints.is_empty(), "{:?}", facts.constraints);
    assert_eq!(facts.unparsed.len(), 2);
    let text = "The size. Valid values:\n- Valid values when DiskCategory is set to cloud_essd: the valid values depend on PerformanceLevel.\n- Valid values when DiskCategory is set to cloud: 5 to 2000";
    let facts = read_as("Size", text);
    assert_eq!(
        only_if(&facts),
        [case(between(5, 2000), "DiskCategory", "cloud")]
    );
    assert_eq!(facts.unparsed.len(), 1);
    assert!(facts.unparsed[0].text.contains("PerformanceLevel"));
    // A case the client cannot evaluate is a warning, never an error.
    let text = "The bandwidth. Valid values:\n- If the purchased outbound public bandwidth is less than or equal to 10 Mbit/s, the valid values of this parameter are 1 to 10.";
    let facts = read_as("Size", text);
    assert_eq!(facts.constraints.len(), 1);
    assert_eq!(facts.constraints[0].severity, Severity::Warning);
    assert!(facts.constraints[0].only_if.is_none());
}

#[test]
fn unconditional_integer_values_are_a_plain_rule() {
    let facts = read_as(
        "Period",
        "The statistical period. Unit: seconds. Valid values: 60, 600, and 3600.",
    );
    assert_eq!(
        only_if(&facts),
        [(
            one_of(&["60", "600", "3600"]),
            "-".into(),
            "-".into(),
            Severity::Error
        )]
    );
}
