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

#[test]
fn integer_valid_values_depend_on_the_unit_as_the_page_says() {
    // ModifyInstanceAutoRenewAttribute: Month → 1, 2, 3, 6, 12; Year → 1, 2, 3.
    let call = |unit: &str, duration: &str| {
        let mut pairs = vec![("InstanceId", "i-1"), ("Duration", duration)];
        if !unit.is_empty() {
            pairs.push(("PeriodUnit", unit));
        }
        kinds("ModifyInstanceAutoRenewAttribute", &pairs)
    };
    let enum_on_duration = vec![("Duration".to_string(), RuleKind::Enum)];
    assert!(call("Month", "12").is_empty());
    assert!(call("Year", "3").is_empty());
    assert_eq!(call("Month", "13"), enum_on_duration);
    assert_eq!(call("Year", "12"), enum_on_duration);
    // Without the unit the page names no list to check against.
    assert!(call("", "12").is_empty());
}

#[test]
fn a_disk_size_is_bounded_by_its_own_category() {
    // RunInstances: DataDisk.N.Size is 5 to 2000 for `cloud`, 20 to 32768 for `cloud_essd`.
    let call = |category: &str, size: &str| {
        kinds(
            "RunInstances",
            &[
                ("ImageId", "m-1"),
                ("InstanceType", "ecs.g7.large"),
                ("DataDisk.1.Category", category),
                ("DataDisk.1.Size", size),
            ],
        )
    };
    assert!(call("cloud", "5").is_empty());
    assert!(call("cloud", "2000").is_empty());
    assert!(call("cloud_essd", "32768").is_empty());
    let range_on_size = vec![("DataDisk.1.Size".to_string(), RuleKind::Range)];
    assert_eq!(call("cloud", "2001"), range_on_size);
    assert_eq!(call("cloud_essd", "19"), range_on_size);
    assert_eq!(call("cloud_essd", "32769"), range_on_size);
    // 10 is a valid size for `cloud` and not for `cloud_essd`.
    assert!(call("cloud", "10").is_empty());
    assert_eq!(call("cloud_essd", "10"), range_on_size);
}

#[test]
fn a_range_on_a_text_param_checks_numbers_only() {
    // AuthorizeSecurityGroup's Priority is a String documented as `1 to 100`.
    let call = |priority: &str| {
        kinds(
            "AuthorizeSecurityGroup",
            &[
                ("SecurityGroupId", "sg-1"),
                ("IpProtocol", "tcp"),
                ("PortRange", "22/22"),
                ("SourceCidrIp", "10.0.0.0/8"),
                ("Priority", priority),
            ],
        )
    };
    assert!(call("1").is_empty());
    assert!(call("100").is_empty());
    let range = vec![("Priority".to_string(), RuleKind::Range)];
    assert_eq!(call("0"), range);
    assert_eq!(call("101"), range);
    // Text that is no number: the page states no rule on it, the service judges it.
    assert!(call("high").is_empty());
}

#[test]
fn a_prefix_rule_that_goes_on_with_or_contain() {
    // "It cannot start with acs: or aliyun, or contain http:// or https://."
    let call = |key: &str| {
        kinds(
            "ImportKeyPair",
            &[
                ("KeyPairName", "kp1"),
                ("PublicKeyBody", "ssh-rsa AAAA"),
                ("Tag.1.Key", key),
                ("Tag.1.Value", "v"),
            ],
        )
    };
    assert!(call("TestKey").is_empty());
    assert_eq!(
        call("see http://x"),
        [("Tag.1.Key".to_string(), RuleKind::NotContains)]
    );
    assert_eq!(
        call("aliyun-key"),
        [("Tag.1.Key".to_string(), RuleKind::NotPrefix)]
    );
}

#[test]
fn the_param_itself_excludes_another() {
    // LeaveSecurityGroup: "When this parameter is specified, the InstanceId parameter cannot
    // be specified."
    let base = [("SecurityGroupId", "sg-1")];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = base.to_vec();
        pairs.extend_from_slice(extra);
        kinds("LeaveSecurityGroup", &pairs)
    };
    assert!(with(&[("InstanceId", "i-1")]).is_empty());
    assert!(with(&[("NetworkInterfaceId", "eni-1")]).is_empty());
    let both = with(&[("InstanceId", "i-1"), ("NetworkInterfaceId", "eni-1")]);
    assert_eq!(both.len(), 1, "{both:?}");
    assert_eq!(both[0].1, RuleKind::Exclusive);
}

#[test]
fn a_json_array_inside_a_struct_is_a_list_with_its_count() {
    // DescribeCapacityReservations: `PrivatePoolOptions.Ids` is "a JSON array that consists of
    // up to 100 IDs".
    let ids = |n: usize| {
        let items: Vec<String> = (0..n).map(|i| format!("\"crp-{i}\"")).collect();
        format!("[{}]", items.join(","))
    };
    let call = |value: &str| {
        kinds(
            "DescribeCapacityReservations",
            &[("PrivatePoolOptions.Ids", value)],
        )
    };
    assert!(call(r#"["crp-bp67acfmxazb4****", "crp-bp67acfmxazb5****"]"#).is_empty());
    assert!(call(&ids(100)).is_empty());
    assert_eq!(
        call(&ids(101)),
        [("PrivatePoolOptions.Ids".to_string(), RuleKind::Count)]
    );
}

#[test]
fn ids_joined_by_commas_are_counted() {
    // DescribeTasks: "You can specify up to 100 tasks at a time. Separate multiple tasks IDs
    // with commas (,)."
    let ids = |n: usize| {
        (0..n)
            .map(|i| format!("t-{i}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let call = |value: &str| kinds("DescribeTasks", &[("TaskIds", value)]);
    assert!(call("t-bp1hvgwromzv32iq****,t-bp179lofu2pv768w****").is_empty());
    assert!(call(&ids(100)).is_empty());
    // Empty pieces are no items.
    assert!(call(&format!("{},,", ids(100))).is_empty());
    let over = check(
        "DescribeTasks",
        &[("RegionId", "cn-hangzhou"), ("TaskIds", &ids(101))],
    );
    assert_eq!(over.len(), 1, "{over:?}");
    assert_eq!(
        (over[0].param.as_str(), over[0].rule),
        ("TaskIds", RuleKind::Count)
    );
    assert_eq!(over[0].actual, "101 items");
}

#[test]
fn user_data_is_limited_before_base64() {
    use base64::Engine as _;
    // RunInstances: "User data must be encoded in Base64. The maximum size of raw data is 16 KB."
    let encoded = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![b'x'; n]);
    let call = |value: &str| kinds("RunInstances", &[("UserData", value)]);
    assert!(call("ZWNobyBoZWxsbyBlY3Mh").is_empty());
    // The encoded text of 16 KB is longer than 16 KB: only the raw size counts.
    assert!(call(&encoded(16 * 1024)).is_empty());
    assert_eq!(
        call(&encoded(16 * 1024 + 1)),
        [("UserData".to_string(), RuleKind::Bytes)]
    );
    // Not Base64: the format rule says so, the size rule has nothing to measure.
    assert_eq!(
        call("not base64!"),
        [("UserData".to_string(), RuleKind::Format)]
    );
}

#[test]
fn a_positive_integer_in_a_text_param() {
    // ModifyAutoProvisioningGroup: TotalTargetCapacity is a String; "The parameter value is a
    // positive integer."
    let call = |value: &str| {
        kinds(
            "ModifyAutoProvisioningGroup",
            &[
                ("AutoProvisioningGroupId", "apg-1"),
                ("TotalTargetCapacity", value),
            ],
        )
    };
    assert!(call("1").is_empty());
    assert_eq!(
        call("0"),
        [("TotalTargetCapacity".to_string(), RuleKind::Range)]
    );
}

#[test]
fn an_image_family_must_be_empty_with_an_image_id() {
    // CreateInstance: "ImageFamily must be empty if ImageId is specified."
    let base = [("InstanceType", "ecs.g6.large")];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = base.to_vec();
        pairs.extend_from_slice(extra);
        kinds("CreateInstance", &pairs)
    };
    assert!(
        with(&[(
            "ImageId",
            "win2008r2_64_ent_sp1_en-us_40G_alibase_20170915.vhd"
        )])
        .is_empty()
    );
    assert!(with(&[("ImageFamily", "hangzhou-daily-update")]).is_empty());
    let both = with(&[("ImageId", "m-1"), ("ImageFamily", "hangzhou-daily-update")]);
    assert_eq!(both.len(), 1, "{both:?}");
    assert_eq!(both[0].1, RuleKind::Exclusive);
}

#[test]
fn points_in_time_in_a_json_array_are_counted() {
    // CreateAutoSnapshotPolicy: "You can specify a maximum of 24 points in time."
    let points = |n: usize| {
        let items: Vec<String> = (0..n).map(|i| format!("\"{}\"", i % 24)).collect();
        format!("[{}]", items.join(","))
    };
    let call = |value: &str| {
        kinds(
            "CreateAutoSnapshotPolicy",
            &[
                ("repeatWeekdays", r#"["1"]"#),
                ("retentionDays", "1"),
                ("timePoints", value),
            ],
        )
    };
    assert!(call(r#"["0", "1"]"#).is_empty());
    assert!(call(&points(24)).is_empty());
    assert_eq!(
        call(&points(25)),
        [("timePoints".to_string(), RuleKind::Count)]
    );
}

#[test]
fn a_member_bounds_the_items_of_its_list() {
    // CreateLaunchTemplate: "The value of N in `NetworkInterface.N` cannot be greater than 1."
    let call = |pairs: &[(&str, &str)]| {
        let mut all = vec![("LaunchTemplateName", "t1")];
        all.extend_from_slice(pairs);
        kinds("CreateLaunchTemplate", &all)
    };
    assert!(call(&[("NetworkInterface.1.VSwitchId", "vsw-1")]).is_empty());
    let two = call(&[
        ("NetworkInterface.1.VSwitchId", "vsw-1"),
        ("NetworkInterface.2.VSwitchId", "vsw-2"),
    ]);
    // The item past the bound is named.
    assert_eq!(two, [("NetworkInterface.2".to_string(), RuleKind::Count)]);
}

#[test]
fn values_joined_by_commas_are_not_refused_as_one_value() {
    // DescribeImages: "Separate multiple parameter values with commas (,)" under Status's list.
    let call = |value: &str| kinds("DescribeImages", &[("Status", value)]);
    assert!(call("Available").is_empty());
    assert!(call("Available,Deprecated").is_empty());
}
