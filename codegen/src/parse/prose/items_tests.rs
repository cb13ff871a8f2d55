//! What the rest of a description tells a sentence: counts of items joined by commas or in a JSON
//! array, sizes of the data a Base64 value decodes to, a number held in text, and one param that
//! must be empty when another is set. Both directions for each.

use super::tests::read_among;
use super::*;

fn facts_as(name: &str, ty: ScalarType, text: &str) -> ProseFacts {
    read_among(
        name,
        ty,
        &["ImageId", "ImageFamily", "InstanceId", "UserData"],
        text,
    )
}

fn rules(f: &ProseFacts) -> Vec<Rule> {
    f.constraints.iter().map(|c| c.rule.clone()).collect()
}

fn joined(max: u64) -> Rule {
    Rule::Count {
        min: None,
        max: Some(max),
        separator: Some(",".into()),
    }
}

#[test]
fn a_count_of_ids_joined_by_commas() {
    use ScalarType::String as S;
    for text in [
        "The IDs of the instances. A maximum of 100 instance IDs can be specified at a time. Separate multiple instance IDs with commas (,).",
        "The IDs of the instances. You can specify a maximum of 100 subscription instance IDs at a time. Separate multiple instance IDs with commas (,).",
        "The ID of the instance. You can specify a maximum of 100 instance IDs, which must be separated by commas (,).",
        "The IDs of the tasks. You can specify up to 100 tasks at a time. Separate multiple tasks IDs with commas (,).",
    ] {
        let f = facts_as("InstanceId", S, text);
        assert_eq!(rules(&f), [joined(100)], "{text}");
        assert!(f.unparsed.is_empty(), "{text}: {:?}", f.unparsed);
    }
}

#[test]
fn a_count_without_a_separator_or_in_a_json_array_is_no_joined_count() {
    use ScalarType::String as S;
    // Nothing says how the IDs are written in one text: no rule.
    let f = facts_as(
        "InstanceId",
        S,
        "The ID of the instance. A maximum of 100 instance IDs can be specified at a time.",
    );
    assert!(rules(&f).is_empty(), "{:?}", rules(&f));
    // A JSON array is counted as one (the param becomes a list), never split at commas.
    let f = facts_as(
        "InstanceIds",
        S,
        "The IDs of instances. The value can be a JSON array that consists of up to 100 instance IDs. Separate multiple instance IDs with commas (,).",
    );
    assert_eq!(
        rules(&f),
        [Rule::Count {
            min: None,
            max: Some(100),
            separator: None,
        }]
    );
    // An integer is no text of items.
    let f = facts_as(
        "InstanceId",
        ScalarType::Integer,
        "A maximum of 100 instance IDs can be specified at a time. Separate multiple instance IDs with commas (,).",
    );
    assert!(rules(&f).is_empty(), "{:?}", rules(&f));
}

#[test]
fn a_count_of_points_in_a_json_array() {
    let f = facts_as(
        "timePoints",
        ScalarType::String,
        "The points in time. You must set this parameter to a JSON-formatted array such as [\"0\", \"1\"]. You can specify a maximum of 24 points in time.",
    );
    assert!(rules(&f).contains(&Rule::Count {
        min: None,
        max: Some(24),
        separator: None,
    }));
}

#[test]
fn the_size_of_the_data_before_base64() {
    use ScalarType::String as S;
    let decoded = Rule::Bytes {
        min: None,
        max: Some(16384),
        decoded: true,
    };
    let base64 = Rule::Format {
        format: "base64".into(),
    };
    let f = facts_as(
        "UserData",
        S,
        "The user data of the instance. User data must be encoded in Base64. The maximum size of raw data is 16 KB.",
    );
    assert_eq!(rules(&f), [base64.clone(), decoded.clone()]);
    let f = facts_as(
        "UserData",
        S,
        "The user data. User data is encoded in Base64.\nThe size of the user data must be no greater than 16 KB before it is encoded in Base64.",
    );
    assert_eq!(rules(&f), [decoded]);
    // The size after encoding is the text's own.
    let f = facts_as(
        "UserData",
        S,
        "The user data. It must be Base64-encoded and cannot exceed 16 KB in size after encoding.",
    );
    assert!(
        rules(&f)
            .iter()
            .any(|r| matches!(r, Rule::Bytes { decoded: false, .. })),
        "{:?}",
        rules(&f)
    );
    // Raw data of a text nothing says is Base64: what `raw` means is unknown, no rule.
    let f = facts_as(
        "UserData",
        S,
        "The user data of the instance. The maximum size of raw data is 16 KB.",
    );
    assert!(rules(&f).is_empty(), "{:?}", rules(&f));
}

#[test]
fn a_positive_integer_held_in_text() {
    let f = facts_as(
        "TotalTargetCapacity",
        ScalarType::String,
        "The total target capacity. The value must be a positive integer.",
    );
    assert_eq!(
        rules(&f),
        [Rule::Range {
            min: Some(1),
            max: None,
            also: Vec::new(),
        }]
    );
    // Other comparisons on text may be of anything the text names: no rule.
    let f = facts_as(
        "TotalTargetCapacity",
        ScalarType::String,
        "The total target capacity. The value must be greater than 0.",
    );
    assert!(rules(&f).is_empty(), "{:?}", rules(&f));
}

#[test]
fn a_param_that_must_be_empty_when_another_is_set() {
    let f = facts_as(
        "ImageFamily",
        ScalarType::String,
        "The image family. ImageFamily must be empty if ImageId is specified.",
    );
    assert_eq!(f.exclusive, [("ImageFamily".into(), "ImageId".into(), 1)]);
    assert!(f.unparsed.is_empty(), "{:?}", f.unparsed);
    // Empty when a param has a given value is a condition on that value: a note.
    let f = facts_as(
        "ImageFamily",
        ScalarType::String,
        "The image family. ImageFamily must be empty if ImageId is set to win2019.",
    );
    assert!(f.exclusive.is_empty(), "{:?}", f.exclusive);
}

#[test]
fn a_member_bounds_the_n_of_its_own_list() {
    use ScalarType::String as S;
    let text = "The ID of the vSwitch of secondary ENI N. The value of N in `NetworkInterface.N` cannot be greater than 1.";
    let f = facts_as("NetworkInterface.N.VSwitchId", S, text);
    assert_eq!(
        rules(&f),
        [Rule::Count {
            min: None,
            max: Some(1),
            separator: None,
        }]
    );
    assert!(f.unparsed.is_empty(), "{:?}", f.unparsed);
    // A list inside the item would take the count as its own; another list is not this one's.
    for name in ["NetworkInterface.N.SecurityGroupIds.N", "DataDisk.N.Size"] {
        let f = facts_as(name, S, text);
        assert!(rules(&f).is_empty(), "{name}: {:?}", rules(&f));
        assert_eq!(f.unparsed.len(), 1, "{name}");
    }
}

#[test]
fn rules_of_each_joined_item_never_refuse_the_list() {
    use ScalarType::String as S;
    // DescribeImages: valid values in bullets, then "Separate multiple parameter values with
    // commas (,)": `Available,Deprecated` is valid, so the list is no rule on the whole text.
    let f = facts_as(
        "Status",
        S,
        "The status of the image. Valid values:\n- Available: The image is available.\n- Deprecated: The image is discontinued.\n\nSeparate multiple parameter values with commas (,).",
    );
    assert!(rules(&f).is_empty(), "{:?}", rules(&f));
    assert!(
        f.unparsed
            .iter()
            .any(|n| n.text.starts_with("not enforced (one of")),
        "{:?}",
        f.unparsed
    );
    // A range reads no number from `80,443`, so it holds for one item and for the list alike.
    let f = facts_as(
        "Port",
        S,
        "The ports. Valid values: 1 to 65535. You can specify multiple ports separated by commas.",
    );
    assert!(
        matches!(rules(&f)[..], [Rule::Range { .. }]),
        "{:?}",
        rules(&f)
    );
    // Without the commas, the valid values are the value's.
    let f = facts_as(
        "Status",
        S,
        "The status. Valid values:\n- Available: available.\n- Deprecated: discontinued.",
    );
    assert!(
        matches!(rules(&f)[..], [Rule::Enum { .. }]),
        "{:?}",
        rules(&f)
    );
}

#[test]
fn a_list_of_values_that_goes_on_is_not_all_of_them() {
    let f = facts_as(
        "InstanceType",
        ScalarType::String,
        "The instance type. Valid values: ecs.g6.large, ecs.g6.xlarge, and more.",
    );
    assert!(rules(&f).is_empty(), "{:?}", rules(&f));
    assert_eq!(f.unparsed.len(), 1);
}
