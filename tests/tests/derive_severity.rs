//! Severity by confidence: a rule the page states under a condition the client cannot evaluate
//! warns and never blocks; one under a condition on a sibling param's value is checked exactly
//! then; a warning promoted by an override (`when` without `warn`) blocks. Through the generated
//! golden crate (`codegen/tests/fixtures/conditional_rules.md`) and a hand-written input.

use codegen_golden::operation::guard_gizmos::GuardGizmosInput;
use codegen_golden::types::GuardGizmosDataDisk;
use ecs_api::Validate;
use ecs_api::wire::{RuleKind, Validate as _, ValidationMode};

fn input() -> GuardGizmosInput {
    GuardGizmosInput::new().region_id("cn-hangzhou")
}

#[test]
fn a_warning_rule_is_reported_and_does_not_block_strict() {
    // 20 characters: over the Windows limit (15), within the Linux one (64).
    let mut i = input();
    i.host_name = Some("gizmo-host-name-0001".into());
    let report = i.validate(ValidationMode::Strict);
    assert!(report.is_ok(), "{:?}", report.errors);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let w = &report.warnings[0];
    assert_eq!((w.param.as_str(), w.rule), ("HostName", RuleKind::Length));
    assert_eq!(
        w.limit,
        "length 2 to 15 characters (when: For Windows instances)"
    );
    // Past both limits: two warnings, still no error.
    i.host_name = Some("h".repeat(65));
    let report = i.validate(ValidationMode::Strict);
    assert!(report.is_ok());
    assert_eq!(report.warnings.len(), 2);
}

#[test]
fn a_warning_on_a_sensitive_param_is_redacted() {
    let mut i = input();
    i.password = Some("http://secret-pass".into());
    let report = i.validate(ValidationMode::Strict);
    assert!(report.is_ok(), "{:?}", report.errors);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].rule, RuleKind::NotPrefix);
    assert!(!format!("{:?}", report).contains("secret"));
}

#[test]
fn lenient_keeps_warnings_of_lenient_kinds_only() {
    let mut i = input();
    i.host_name = Some("h".repeat(65));
    // Length is not checked in lenient mode, whatever its severity.
    let report = i.validate(ValidationMode::Lenient);
    assert!(report.is_ok() && report.warnings.is_empty(), "{report:?}");
}

#[test]
fn a_rule_on_a_sibling_value_is_checked_only_then() {
    let mut i = input();
    i.size = Some(10);
    // Category unset or another value: the rule does not apply.
    assert!(i.validate(ValidationMode::Strict).is_ok());
    i.category = Some("cloud_efficiency".into());
    assert!(i.validate(ValidationMode::Strict).is_ok());
    // Category cloud_essd: 10 is below 20, an error naming the condition.
    i.category = Some("cloud_essd".into());
    let report = i.validate(ValidationMode::Strict);
    assert_eq!(report.errors.len(), 1, "{report:?}");
    let e = &report.errors[0];
    assert_eq!((e.param.as_str(), e.rule), ("Size", RuleKind::Range));
    assert!(
        e.limit
            .ends_with("(when: If you set Category to cloud_essd)")
    );
    // The page's own bounds pass; one past the top fails.
    for (size, ok) in [(20, true), (32768, true), (32769, false)] {
        i.size = Some(size);
        assert_eq!(i.validate(ValidationMode::Strict).is_ok(), ok, "{size}");
    }
    // Range is a lenient kind: the same in lenient mode.
    i.size = Some(10);
    assert!(!i.validate(ValidationMode::Lenient).is_ok());
}

#[test]
fn a_member_rule_on_a_sibling_member_value() {
    let mut i = input();
    let disk = |category: &str, size| GuardGizmosDataDisk::new().category(category).size(size);
    i.data_disks = vec![disk("cloud_efficiency", 10), disk("cloud_essd", 10)];
    let report = i.validate(ValidationMode::Strict);
    let params: Vec<&str> = report.errors.iter().map(|e| e.param.as_str()).collect();
    assert_eq!(params, ["DataDisk.2.Size"]);
}

#[test]
fn integer_valid_values_accept_the_pages_values_and_refuse_the_next() {
    let mut i = input();
    // The page's example and each listed value pass; the integer just past fails.
    for (period, ok) in [
        (60, true),
        (600, true),
        (3600, true),
        (61, false),
        (3601, false),
    ] {
        i.period = Some(period);
        let report = i.validate(ValidationMode::Strict);
        assert_eq!(report.is_ok(), ok, "{period}: {report:?}");
        if !ok {
            let e = &report.errors[0];
            assert_eq!((e.param.as_str(), e.rule), ("Period", RuleKind::Enum));
            assert_eq!(e.limit, "one of 60, 600, 3600");
        }
    }
}

#[test]
fn integer_valid_values_that_depend_on_a_sibling_are_checked_in_its_case_only() {
    let mut i = input();
    // 12 is a valid Month duration and no Year one; with PeriodUnit unset neither case applies.
    i.duration = Some(12);
    assert!(i.validate(ValidationMode::Strict).is_ok());
    i.period_unit = Some("Month".into());
    assert!(i.validate(ValidationMode::Strict).is_ok());
    i.period_unit = Some("Year".into());
    let report = i.validate(ValidationMode::Strict);
    assert_eq!(report.errors.len(), 1, "{report:?}");
    let e = &report.errors[0];
    assert_eq!((e.param.as_str(), e.rule), ("Duration", RuleKind::Enum));
    assert_eq!(
        e.limit,
        "one of 1, 2, 3 (when: When PeriodUnit is set to Year)"
    );
    // 4 is in neither list: refused in both cases.
    i.duration = Some(4);
    for unit in ["Month", "Year"] {
        i.period_unit = Some(unit.into());
        assert!(!i.validate(ValidationMode::Strict).is_ok(), "{unit}");
    }
    // Valid values are not a lenient kind.
    assert!(i.validate(ValidationMode::Lenient).is_ok());
}

#[test]
fn a_member_range_from_case_bullets_applies_in_its_case_only() {
    let mut i = input();
    let disk = |category: &str, iops| GuardGizmosDataDisk::new().category(category).iops(iops);
    // cloud_auto: 0 to 50000; the cloud_essd bullet stayed a note, so nothing is checked there.
    i.data_disks = vec![
        disk("cloud_auto", 50000),
        disk("cloud_essd", 90000),
        disk("cloud_auto", 50001),
    ];
    let report = i.validate(ValidationMode::Strict);
    let params: Vec<&str> = report.errors.iter().map(|e| e.param.as_str()).collect();
    assert_eq!(params, ["DataDisk.3.Iops"], "{report:?}");
}

/// What the emitter writes once an override promotes a warning (`set_severity`): the same
/// `when(...)` without `warn`.
#[derive(Debug, Default, Validate)]
struct Promoted {
    #[ecs(
        wire = "Password",
        when(text = "For Windows instances", not_prefix("/"))
    )]
    password: Option<String>,
    #[ecs(
        wire = "Comment",
        when(text = "For Windows instances", warn, not_prefix("/"))
    )]
    comment: Option<String>,
}

#[test]
fn a_promoted_rule_blocks() {
    let p = Promoted {
        password: Some("/abc".into()),
        comment: Some("/abc".into()),
    };
    let report = p.validate(ValidationMode::Strict);
    let errors: Vec<&str> = report.errors.iter().map(|e| e.param.as_str()).collect();
    let warnings: Vec<&str> = report.warnings.iter().map(|e| e.param.as_str()).collect();
    assert_eq!((errors, warnings), (vec!["Password"], vec!["Comment"]));
    assert_eq!(
        report.errors[0].limit,
        "must not start with / (when: For Windows instances)"
    );
}
