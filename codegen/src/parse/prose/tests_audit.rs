//! Found by reviewing every rule against its sentence (`cargo xtask rules`): near-misses the
//! reader once turned into rules stricter than the page, and phrasings of existing rule kinds it
//! left as notes.

use super::tests::lines_of;
use super::*;

fn read_text(text: &str, name: &str, ty: ScalarType) -> ProseFacts {
    let lines = lines_of(text);
    let known = vec![name.to_string()];
    read(
        &lines,
        &ParamInfo {
            name,
            ty: Some(ty),
            known: &known,
        },
    )
}

fn kinds(facts: &ProseFacts) -> Vec<&'static str> {
    facts
        .constraints
        .iter()
        .map(|c| c.rule.kind().as_str())
        .collect()
}

#[test]
fn case_insensitive_values_give_no_list() {
    let text =
        "The transport layer protocol. The value is case-insensitive. Valid values:\n- tcp\n- udp";
    let f = read_text(text, "IpProtocol", ScalarType::String);
    assert!(kinds(&f).is_empty(), "{:?}", f.constraints);
    assert!(f.unparsed.iter().any(|n| n.text.contains("- tcp - udp")));
    // The same list without the sentence is a list of values.
    let f = read_text(
        "The protocol. Valid values:\n- tcp\n- udp",
        "IpProtocol",
        ScalarType::String,
    );
    assert_eq!(kinds(&f), ["enum"]);
}

#[test]
fn values_the_service_tolerates_give_no_list() {
    let text = "The encoding. Valid values:\n- PlainText\n- Base64\nDefault value: PlainText. If the specified value of this parameter is invalid, PlainText is used by default.";
    let f = read_text(text, "ContentEncoding", ScalarType::String);
    assert!(kinds(&f).is_empty(), "{:?}", f.constraints);
    let text = "The status. Valid values:\n- Finished\n- Failed\nNote: The system only retrieves tasks in the Finished and Failed states and ignores other values.";
    let f = read_text(text, "TaskStatus", ScalarType::String);
    assert!(kinds(&f).is_empty(), "{:?}", f.constraints);
}

#[test]
fn a_paragraph_between_items_does_not_end_the_list() {
    let text = "The policy. Valid values:\n- Migrate: migrates the instances.\nIf the host has cloud disks, the default value is Migrate.\n- Stop: stops the instances.\nIf the host has local disks, the default value is Stop.";
    let f = read_text(text, "ActionOnMaintenance", ScalarType::String);
    let values = vec!["Migrate".to_string(), "Stop".to_string()];
    assert_eq!(
        f.constraints
            .iter()
            .map(|c| c.rule.clone())
            .collect::<Vec<_>>(),
        [Rule::Enum { values }]
    );
    // The lines between the items stay notes.
    assert!(
        f.unparsed
            .iter()
            .any(|n| n.text.starts_with("If the host has cloud disks"))
    );
    // A paragraph that opens another list ends the values.
    let text =
        "The mode. Valid values:\n- Once\n- Period\nDefault value:\n- When Timed is true, Period.";
    let f = read_text(text, "RepeatMode", ScalarType::String);
    let values = vec!["Once".to_string(), "Period".to_string()];
    assert_eq!(f.constraints[0].rule, Rule::Enum { values });
}

#[test]
fn names_that_may_be_templates_keep_no_character_rules() {
    let text = "The name of the instance. The name must be 2 to 128 characters in length. It must start with a letter and cannot start with http:// or https://. It can contain letters, digits, colons (:), underscores (_), periods (.), and hyphens (-).\nWhen you create multiple instances at a time, you can specify sequential names for the instances.";
    let f = read_text(text, "InstanceName", ScalarType::String);
    assert_eq!(kinds(&f), ["length", "not_prefix"]);
    assert!(
        f.unparsed
            .iter()
            .any(|n| n.text.starts_with("It can contain letters"))
    );
    // Without the template sentence the characters are the value's own.
    let first = text.lines().next().unwrap_or_default();
    let f = read_text(first, "InstanceName", ScalarType::String);
    assert_eq!(kinds(&f), ["length", "first_char", "not_prefix", "charset"]);
}

#[test]
fn list_counts_in_other_words() {
    let count = |max| Rule::Count {
        min: None,
        max: Some(max),
        separator: None,
    };
    let f = read_text(
        "The IDs of the instances. You can specify up to 50 instance IDs in each request.",
        "InstanceId.N",
        ScalarType::String,
    );
    assert_eq!(f.constraints[0].rule, count(50));
    assert!(f.unparsed.is_empty(), "{:?}", f.unparsed);
    let f = read_text(
        "You can specify a maximum of 100 launch template names.",
        "LaunchTemplateName.N",
        ScalarType::String,
    );
    assert_eq!(f.constraints[0].rule, count(100));
    // Not a list: the IDs are in one comma-separated string, whose items are counted.
    let f = read_text(
        "You can specify a maximum of 100 instance IDs, which must be separated by commas (,).",
        "InstanceId",
        ScalarType::String,
    );
    assert_eq!(
        f.constraints[0].rule,
        Rule::Count {
            min: None,
            max: Some(100),
            separator: Some(",".into()),
        }
    );
    // A space before the colon.
    let f = read_text(
        "The value of tag N. Valid values of N : 1 to 20.",
        "Tag.N.Value",
        ScalarType::String,
    );
    let rule = Rule::Count {
        min: Some(1),
        max: Some(20),
        separator: None,
    };
    assert_eq!(f.constraints[0].rule, rule);
}

#[test]
fn not_empty_is_a_minimum_length() {
    let text = "The key of tag N. The tag key cannot be an empty string. It can be up to 128 characters in length.";
    let f = read_text(text, "Tag.N.Key", ScalarType::String);
    let rule = Rule::Length {
        min: Some(1),
        max: Some(128),
    };
    assert_eq!(
        f.constraints
            .iter()
            .map(|c| c.rule.clone())
            .collect::<Vec<_>>(),
        [rule]
    );
    assert!(f.unparsed.is_empty(), "{:?}", f.unparsed);
    // Two params that cannot both be empty, and the key of a map inside the value: no rule.
    let text =
        "Note: The InstanceId and RenewalStatus parameters cannot be empty at the same time.";
    assert!(
        read_text(text, "InstanceId", ScalarType::String)
            .constraints
            .is_empty()
    );
    let text = "The custom parameters. The key cannot be an empty string.";
    assert!(
        read_text(text, "Parameters", ScalarType::String)
            .constraints
            .is_empty()
    );
}

#[test]
fn members_of_one_item_are_not_exclusive_params() {
    let lines = [TextLine {
        line: 1,
        text: "Note: You cannot specify both the NetworkInterface.N.SecurityGroupId and NetworkInterface.N.SecurityGroupIds.N parameters.".into(),
        raw: String::new(),
        bullet: None,
        code: false,
    }];
    let known = [
        "NetworkInterface.N.SecurityGroupId".to_string(),
        "NetworkInterface.N.SecurityGroupIds.N".to_string(),
        "SecurityGroupId".to_string(),
        "SecurityGroupIds.N".to_string(),
    ];
    let info = |name| ParamInfo {
        name,
        ty: Some(ScalarType::String),
        known: &known,
    };
    let f = read(&lines, &info("NetworkInterface.N.SecurityGroupIds.N"));
    assert!(f.exclusive.is_empty(), "{:?}", f.exclusive);
    assert_eq!(f.unparsed.len(), 1);
    // Two params of the operation are.
    let lines = [TextLine {
        text: "Note: You cannot specify both SecurityGroupId and SecurityGroupIds.N.".into(),
        ..lines[0].clone()
    }];
    let f = read(&lines, &info("SecurityGroupIds.N"));
    assert_eq!(f.exclusive.len(), 1);
}
