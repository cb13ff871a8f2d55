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
