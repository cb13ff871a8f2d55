//! The rule kinds of passwords, valid values with spaces and rules between params, through the
//! generated validators: each accepts the page's own example and refuses a value just past it.
//! Built only with the `dynamic` feature (the generated operations are reached by action name).

use ecs_api::dynamic::{self, OPERATIONS};
use ecs_api::wire::{RuleKind, Validate as _, ValidationMode, Violation};
use ecs_api::{FromParams, ToParams, Validate};

fn check(action: &str, pairs: &[(&str, &str)]) -> Vec<Violation> {
    let entry = dynamic::find(OPERATIONS, action).expect("generated operation");
    let params: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    match (entry.check)(&params, ValidationMode::Strict) {
        Ok(()) => Vec::new(),
        Err(vs) => {
            // Unknown or malformed params stop before validation: the test would prove nothing.
            assert!(
                !vs.iter()
                    .any(|v| matches!(v.rule, RuleKind::Unknown | RuleKind::Malformed)),
                "{action}: {vs:?}"
            );
            vs
        }
    }
}

/// The broken rules, without the params the call leaves out (`RegionId`).
fn kinds(action: &str, pairs: &[(&str, &str)]) -> Vec<(String, RuleKind)> {
    check(action, pairs)
        .into_iter()
        .filter(|v| v.rule != RuleKind::Required)
        .map(|v| (v.param, v.rule))
        .collect()
}

fn password(value: &str) -> Vec<Violation> {
    check(
        "ModifyInstanceAttribute",
        &[("InstanceId", "i-1"), ("Password", value)],
    )
    .into_iter()
    .filter(|v| v.rule != RuleKind::Required)
    .collect()
}

#[test]
fn a_password_needs_three_character_types_and_its_length() {
    // The pages' own examples.
    assert!(password("Test123456").is_empty());
    assert!(password("EcsV587!").is_empty());
    // Three types of four, each combination.
    for ok in ["Abcdefg1", "abcdefg1!", "ABCDEFG1!", "Abcdefg!"] {
        assert!(password(ok).is_empty(), "{ok}");
    }
    // Two types: refused, whatever two.
    for two in ["abcdefg12", "ABCDEFGH!", "12345678!", "Abcdefgh"] {
        let vs = password(two);
        assert_eq!(vs.len(), 1, "{two}: {vs:?}");
        assert_eq!(
            (vs[0].param.as_str(), vs[0].rule),
            ("Password", RuleKind::Classes)
        );
    }
    // A character the page's list of special characters lacks (a space, `"`).
    for stray in ["Abcdefg 1", "Abcdefg\"1"] {
        let vs = password(stray);
        assert_eq!(vs[0].rule, RuleKind::Classes, "{stray}");
    }
    // Just past the length: 31 characters.
    let long = format!("Abc1{}", "x".repeat(27));
    assert_eq!(long.chars().count(), 31);
    let vs = password(&long);
    assert_eq!(vs[0].rule, RuleKind::Length);
    assert!(password(&long[..30]).is_empty());
}

#[test]
fn a_refused_password_is_never_printed() {
    let secret = "onlylower1";
    let vs = password(secret);
    assert_eq!(vs[0].rule, RuleKind::Classes);
    let shown = format!("{} {:?}", vs[0], vs[0]);
    assert!(!shown.contains(secret), "{shown}");
    assert!(shown.contains("at least 3 of"), "{shown}");
}

#[test]
fn valid_values_with_spaces_and_dots() {
    let platform = |v| kinds("CreateImage", &[("Platform", v)]);
    assert!(platform("Windows Server 2012").is_empty());
    assert!(platform("Others Linux").is_empty());
    assert_eq!(
        platform("Windows Server 2016"),
        [("Platform".to_string(), RuleKind::Enum)]
    );
    let offering = |v| kinds("DescribeReservedInstances", &[("OfferingType", v)]);
    assert!(offering("No Upfront").is_empty());
    assert_eq!(offering("NoUpfront")[0].1, RuleKind::Enum);
}

#[test]
fn two_params_that_cannot_be_set_together() {
    let disk = |extra: &[(&str, &str)]| {
        let mut p = vec![("DiskCategory", "cloud_essd"), ("Size", "40")];
        p.extend_from_slice(extra);
        kinds("CreateDisk", &p)
            .into_iter()
            .any(|(_, r)| r == RuleKind::Exclusive)
    };
    assert!(!disk(&[("ZoneId", "cn-hangzhou-g")]));
    assert!(!disk(&[("InstanceId", "i-1")]));
    assert!(disk(&[("ZoneId", "cn-hangzhou-g"), ("InstanceId", "i-1")]));
}

#[test]
fn two_params_that_cannot_both_be_empty() {
    let any_of = |p: &[(&str, &str)]| {
        kinds("DescribeInstanceAutoRenewAttribute", p)
            .into_iter()
            .any(|(_, r)| r == RuleKind::AnyOf)
    };
    assert!(any_of(&[]));
    assert!(!any_of(&[("InstanceId", "i-1")]));
    assert!(!any_of(&[("RenewalStatus", "AutoRenewal")]));
}

/// No ECS page states `together` on top-level params today (`MaintenanceWindow.N.StartTime`
/// and `EndTime` are members), so the derive is checked on a hand-written input.
#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
#[ecs(together(start_time, end_time))]
struct WindowInput {
    #[ecs(wire = "StartTime")]
    start_time: Option<String>,
    #[ecs(wire = "EndTime")]
    end_time: Option<String>,
}

#[test]
fn params_that_go_together() {
    let input = |s: Option<&str>, e: Option<&str>| WindowInput {
        start_time: s.map(str::to_owned),
        end_time: e.map(str::to_owned),
    };
    let broken = |i: WindowInput| i.validate(ValidationMode::Strict).errors;
    assert!(broken(input(None, None)).is_empty());
    assert!(broken(input(Some("02:00:00"), Some("18:00:00"))).is_empty());
    let vs = broken(input(Some("02:00:00"), None));
    assert_eq!(vs.len(), 1);
    assert_eq!(vs[0].rule, RuleKind::Together);
    assert_eq!(vs[0].actual, "EndTime not set");
    assert_eq!(
        broken(input(None, Some("18:00:00")))[0].rule,
        RuleKind::Together
    );
    // Not a lenient rule.
    assert!(
        input(Some("02:00:00"), None)
            .validate(ValidationMode::Lenient)
            .errors
            .is_empty()
    );
}
