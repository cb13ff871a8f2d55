//! The generated CreateSnapshotGroup input: wire form, parse-back, and every documented
//! constraint at its edges.

use ecs_api::operation::create_snapshot_group::CreateSnapshotGroupInput;
use ecs_api::types::Tag;
use ecs_api::wire::{FromParams, RuleKind, ToParams, Validate, ValidationMode, ValidationReport};
use proptest::prelude::*;

fn base() -> CreateSnapshotGroupInput {
    CreateSnapshotGroupInput::new("i-bp1example").region_id("cn-hangzhou")
}

fn pairs(input: &CreateSnapshotGroupInput) -> Vec<(String, String)> {
    input
        .to_params()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn reparse(input: &CreateSnapshotGroupInput) -> CreateSnapshotGroupInput {
    let p = pairs(input);
    CreateSnapshotGroupInput::from_params(p.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .expect("our own output parses back")
}

/// `(param, rule)` of each error, for compact assertions.
fn broken(report: &ValidationReport) -> Vec<(String, RuleKind)> {
    report
        .errors
        .iter()
        .map(|v| (v.param.clone(), v.rule))
        .collect()
}

fn strict(input: &CreateSnapshotGroupInput) -> ValidationReport {
    input.validate(ValidationMode::Strict)
}

fn render(report: &ValidationReport) -> String {
    let mut out = String::new();
    for v in &report.errors {
        out.push_str(&format!(
            "error {v} [code {}]\n",
            v.error_code.unwrap_or("-")
        ));
    }
    for v in &report.warnings {
        out.push_str(&format!("warning {v}\n"));
    }
    out
}

#[test]
fn wire_pairs_of_a_full_input() {
    let input = base()
        .set_exclude_disk_ids(["d-1", "d-2"])
        .tag(Tag::new().key("team").value("storage"))
        .tag(Tag::new().key("empty-value").value(""))
        .tag(Tag::new().key("no-value"))
        .name("nightly")
        .description("")
        .instant_access(true)
        .instant_access_retention_days(7)
        .client_token("7d4f2c9e-token");
    let text: String = pairs(&input)
        .iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect();
    insta::assert_snapshot!(text);
}

#[test]
fn unset_params_are_not_sent_and_empty_strings_are() {
    let p = pairs(&base().description(""));
    assert!(p.contains(&("Description".into(), String::new())));
    assert!(
        !p.iter()
            .any(|(k, _)| k == "Name" || k.starts_with("ExcludeDiskId"))
    );
}

#[test]
fn full_input_parses_back() {
    let input = base()
        .set_exclude_disk_ids(["d-1", "d-2", "d-3"])
        .tag(Tag::new().key("a").value("b"))
        .name("nightly")
        .instant_access(false);
    assert_eq!(reparse(&input), input);
}

#[test]
fn parsing_rejects_unknown_and_malformed_params() {
    let err = CreateSnapshotGroupInput::from_params([
        ("InstanceId", "i-1"),
        ("InstantAccess", "maybe"),
        ("InstantAccessRetentionDays", "seven"),
        ("Bogus", "1"),
    ])
    .unwrap_err();
    let got: Vec<(String, RuleKind, Option<&str>)> = err
        .iter()
        .map(|v| (v.param.clone(), v.rule, v.error_code))
        .collect();
    assert_eq!(
        got,
        [
            (
                "InstantAccess".into(),
                RuleKind::Malformed,
                Some("InvalidParameter")
            ),
            (
                "InstantAccessRetentionDays".into(),
                RuleKind::Malformed,
                Some("InvalidRetentionDays.Malformed")
            ),
            ("Bogus".into(), RuleKind::Unknown, Some("InvalidParameter")),
        ]
    );
    // Booleans as the Python SDKs send them.
    let ok =
        CreateSnapshotGroupInput::from_params([("InstanceId", "i-1"), ("InstantAccess", "True")])
            .unwrap();
    assert_eq!(ok.instant_access, Some(true));
    let missing = CreateSnapshotGroupInput::from_params([("RegionId", "cn-hangzhou")]).unwrap_err();
    assert_eq!(missing[0].param, "InstanceId");
    assert_eq!(missing[0].error_code, Some("MissingParameter"));
}

#[test]
fn name_length_edges() {
    for (len, ok) in [(1, false), (2, true), (128, true), (129, false)] {
        let name = "a".repeat(len);
        let r = strict(&base().name(name));
        assert_eq!(r.is_ok(), ok, "name of {len} characters");
        if !ok {
            assert_eq!(broken(&r), [("Name".to_owned(), RuleKind::Length)]);
            assert_eq!(
                r.errors[0].error_code,
                Some("InvalidSnapshotName.Malformed")
            );
        }
    }
}

#[test]
fn name_first_character_and_prefix() {
    assert_eq!(
        broken(&strict(&base().name("-nightly"))),
        [("Name".to_owned(), RuleKind::FirstChar)]
    );
    let http = broken(&strict(&base().name("http://x")));
    assert!(
        http.contains(&("Name".to_owned(), RuleKind::NotPrefix)),
        "{http:?}"
    );
    let https = broken(&strict(&base().name("HTTPS://x")));
    assert!(
        https.contains(&("Name".to_owned(), RuleKind::NotPrefix)),
        "{https:?}"
    );
    assert!(strict(&base().name("a.b_c-d:e9")).is_ok());
    assert_eq!(
        broken(&strict(&base().name("night ly"))),
        [("Name".to_owned(), RuleKind::Charset)]
    );
}

#[test]
fn retention_days_edges() {
    for (days, ok) in [(0, false), (1, true), (65535, true), (65536, false)] {
        let r = strict(
            &base()
                .instant_access(true)
                .instant_access_retention_days(days),
        );
        assert_eq!(r.is_ok(), ok, "{days} days");
    }
    // Ranges stay in lenient mode.
    let r = base()
        .instant_access(true)
        .instant_access_retention_days(0)
        .validate(ValidationMode::Lenient);
    assert_eq!(
        broken(&r),
        [("InstantAccessRetentionDays".to_owned(), RuleKind::Range)]
    );
}

#[test]
fn retention_days_without_instant_access_is_a_warning() {
    let r = strict(&base().instant_access_retention_days(3));
    assert!(r.is_ok());
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].rule, RuleKind::Condition);
    assert!(
        strict(&base().instant_access(true).instant_access_retention_days(3))
            .warnings
            .is_empty()
    );
}

#[test]
fn disk_count_edges() {
    let ids = |n: usize| (1..=n).map(|i| format!("d-{i}")).collect::<Vec<_>>();
    assert!(strict(&base().set_exclude_disk_ids(ids(16))).is_ok());
    let r = strict(&base().set_exclude_disk_ids(ids(17)));
    assert_eq!(broken(&r), [("ExcludeDiskId".to_owned(), RuleKind::Count)]);
    // Counts stay in lenient mode; off checks nothing.
    assert!(
        !base()
            .set_exclude_disk_ids(ids(17))
            .validate(ValidationMode::Lenient)
            .is_ok()
    );
    assert!(
        base()
            .set_exclude_disk_ids(ids(17))
            .validate(ValidationMode::Off)
            .is_ok()
    );
}

#[test]
fn description_length_counts_characters_not_bytes() {
    assert!(strict(&base().description("快".repeat(256))).is_ok());
    let r = strict(&base().description("快".repeat(257)));
    assert_eq!(broken(&r), [("Description".to_owned(), RuleKind::Length)]);
    assert_eq!(r.errors[0].actual, "257 characters");
    let r = strict(&base().description("d".repeat(257)));
    assert_eq!(r.errors[0].error_code, Some("InvalidDescription.Malformed"));
    assert!(strict(&base().description("ab")).is_ok());
    assert!(!strict(&base().description("a")).is_ok());
}

#[test]
fn disk_ids_and_exclude_disk_ids_are_exclusive() {
    let r = strict(&base().disk_id("d-1").exclude_disk_id("d-2"));
    assert_eq!(broken(&r), [("DiskId".to_owned(), RuleKind::Exclusive)]);
}

#[test]
fn region_is_required() {
    let r = strict(&CreateSnapshotGroupInput::new("i-1"));
    assert_eq!(broken(&r), [("RegionId".to_owned(), RuleKind::Required)]);
}

#[test]
fn tags_are_checked_per_item_with_indexed_names() {
    let r = strict(
        &base()
            .tag(Tag::new().key("ok").value("v"))
            .tag(Tag::new().key("aliyun-reserved").value("v"))
            .tag(Tag::new().key("k").value("see http://x")),
    );
    assert_eq!(
        broken(&r),
        [
            ("Tag.2.Key".to_owned(), RuleKind::NotPrefix),
            ("Tag.3.Value".to_owned(), RuleKind::NotContains),
        ]
    );
}

#[test]
fn validation_reports_for_bad_inputs() {
    let many = (1..=17).map(|i| format!("d-{i}"));
    let input = CreateSnapshotGroupInput::new("i-1")
        .set_exclude_disk_ids(many)
        .disk_id("d-x")
        .name("-http")
        .description("x".repeat(300))
        .instant_access_retention_days(70000)
        .client_token("t".repeat(65))
        .tag(Tag::new().key("acs:x"));
    insta::assert_snapshot!(render(&strict(&input)));
}

fn arb_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..max).prop_map(|v| v.into_iter().collect())
}

fn arb_input() -> impl Strategy<Value = CreateSnapshotGroupInput> {
    (
        "[a-z0-9-]{1,20}",
        proptest::option::of("[a-z-]{1,12}"),
        proptest::collection::vec("[a-z0-9-]{1,10}", 0..18),
        proptest::option::of(any::<bool>()),
        proptest::option::of(-5i32..70000),
        proptest::option::of(prop_oneof![
            "[a-zA-Z0-9][a-zA-Z0-9._:-]{1,30}",
            arb_text(140)
        ]),
        proptest::option::of(arb_text(260)),
        proptest::collection::vec((arb_text(20), proptest::option::of(arb_text(20))), 0..3),
    )
        .prop_map(|(instance, region, disks, ia, days, name, desc, tags)| {
            let mut input = CreateSnapshotGroupInput::new(instance).set_exclude_disk_ids(disks);
            input.region_id = region;
            input.instant_access = ia;
            input.instant_access_retention_days = days;
            input.name = name;
            input.description = desc;
            input.tags = tags
                .into_iter()
                .map(|(k, v)| {
                    let t = Tag::new().key(k);
                    match v {
                        Some(v) => t.value(v),
                        None => t,
                    }
                })
                .collect();
            input
        })
}

proptest! {
    #[test]
    fn accepted_inputs_serialize_and_reparse_to_the_same_values(input in arb_input()) {
        if input.validate(ValidationMode::Strict).is_ok() {
            prop_assert_eq!(reparse(&input), input);
        }
    }

    #[test]
    fn validation_never_panics_and_off_accepts_everything(input in arb_input()) {
        let _ = input.validate(ValidationMode::Strict);
        let _ = input.validate(ValidationMode::Lenient);
        prop_assert!(input.validate(ValidationMode::Off).is_ok());
    }
}

/// `Tag.21.Key` alone is one tag, which the count rule allows; the index is still past the
/// documented 1..20, and parsing says so with the param named.
#[test]
fn a_list_index_past_the_documented_maximum_is_refused() {
    let err = CreateSnapshotGroupInput::from_params([("InstanceId", "i-1"), ("Tag.21.Key", "k")])
        .unwrap_err();
    assert!(
        err.iter()
            .any(|v| v.param == "Tag.21" && v.error_code == Some("InvalidParameter")),
        "{err:?}"
    );
    assert!(
        CreateSnapshotGroupInput::from_params([("InstanceId", "i-1"), ("Tag.20.Key", "k")]).is_ok()
    );
}
