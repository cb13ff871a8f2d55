//! Phrasings found in the notes of the ECS pages, both directions: a prefix list that goes on
//! with `or contain`, a first character followed by `but`, ranges on a text param holding a
//! number, counts given as a list of N, and the param itself excluding another.

use super::tests::{between, read_among};
use super::*;

fn facts_as(name: &str, ty: ScalarType, text: &str) -> ProseFacts {
    let known = [
        "InstanceId",
        "NetworkInterfaceId",
        "SecurityGroupId.N",
        "Name",
    ];
    read_among(name, ty, &known, text)
}

fn rules(f: &ProseFacts) -> Vec<Rule> {
    f.constraints.iter().map(|c| c.rule.clone()).collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn a_prefix_list_that_goes_on_with_or_contain() {
    use ScalarType::String as S;
    let f = facts_as(
        "Tag.N.Key",
        S,
        "The tag key. It cannot start with acs: or aliyun, or contain http:// or https://.",
    );
    assert_eq!(
        rules(&f),
        [
            Rule::NotContains {
                needles: s(&["http://", "https://"])
            },
            Rule::NotPrefix {
                prefixes: s(&["acs:", "aliyun"])
            },
        ]
    );
    assert!(f.unparsed.is_empty(), "{:?}", f.unparsed);
    let f = facts_as(
        "Tag.N.Value",
        S,
        "The tag value. It can be up to 128 characters in length and cannot start with acs: or contain http:// or https://.",
    );
    assert!(rules(&f).contains(&Rule::NotPrefix {
        prefixes: s(&["acs:"])
    }));
    assert!(rules(&f).contains(&Rule::NotContains {
        needles: s(&["http://", "https://"])
    }));
    // Near miss: no negation before `or contain`, so nothing forbids the needles.
    let f = facts_as(
        "Tag.N.Value",
        S,
        "The tag value. It may start with acs: or contain http://.",
    );
    assert!(
        !rules(&f)
            .iter()
            .any(|r| matches!(r, Rule::NotContains { .. })),
        "{:?}",
        rules(&f)
    );
}

#[test]
fn a_first_character_rule_ends_at_but() {
    let f = facts_as(
        "Name",
        ScalarType::String,
        "The name. It must start with a letter but cannot start with http:// or https://.",
    );
    assert_eq!(
        rules(&f),
        [
            Rule::FirstChar {
                class: "A-Za-z".into()
            },
            Rule::NotPrefix {
                prefixes: s(&["http://", "https://"])
            },
        ]
    );
}

#[test]
fn a_range_on_a_text_param_that_holds_a_number() {
    let f = facts_as(
        "Priority",
        ScalarType::String,
        "The priority of the rule. Valid values: 1 to 100.",
    );
    assert_eq!(rules(&f), [between(1, 100)]);
    let f = facts_as(
        "RepeatWeekdays",
        ScalarType::String,
        "The days. Valid values are 1 to 7, which correspond to the days of the week.",
    );
    assert_eq!(rules(&f), [between(1, 7)]);
    // Near misses on text: a bound followed by a unit, and the phrasings that say no `value`.
    for text in [
        "The description. Valid values: 1 to 512 characters.",
        "The name. It must be between 2 and 128.",
        "The name. It is in the range of 2 to 128.",
    ] {
        let f = facts_as("Name", ScalarType::String, text);
        assert!(
            !rules(&f).iter().any(|r| matches!(r, Rule::Range { .. })),
            "{text}: {:?}",
            rules(&f)
        );
    }
}

#[test]
fn a_count_given_as_the_values_of_n() {
    let f = facts_as(
        "SecurityGroupId.N",
        ScalarType::String,
        "The ID of security group N. Valid values of N: 1, 2, 3, 4, and 5.",
    );
    assert_eq!(
        rules(&f),
        [Rule::Count {
            min: Some(1),
            max: Some(5),
            separator: None,
        }]
    );
    // Not consecutive: no range of N can say it.
    let f = facts_as(
        "SecurityGroupId.N",
        ScalarType::String,
        "The ID of security group N. Valid values of N: 1, 2, and 4.",
    );
    assert!(rules(&f).is_empty(), "{:?}", rules(&f));
}

#[test]
fn the_param_itself_excluding_another() {
    let f = facts_as(
        "NetworkInterfaceId",
        ScalarType::String,
        "The ID of the ENI.\nNote: When this parameter is specified, the InstanceId parameter cannot be specified.",
    );
    assert_eq!(
        f.exclusive,
        [("NetworkInterfaceId".into(), "InstanceId".into(), 2)]
    );
    assert!(f.unparsed.is_empty(), "{:?}", f.unparsed);
    // A case that is not the param being set stays a note.
    let f = facts_as(
        "NetworkInterfaceId",
        ScalarType::String,
        "The ID of the ENI.\nWhen the ENI is a primary ENI, the InstanceId parameter cannot be specified.",
    );
    assert!(f.exclusive.is_empty());
    assert_eq!(f.unparsed.len(), 1);
}

#[test]
fn a_conjunction_glued_to_a_url_prefix() {
    let f = facts_as(
        "Tag.N.Key",
        ScalarType::String,
        "The tag key. It cannot contain http:// orhttps://.",
    );
    assert_eq!(
        rules(&f),
        [Rule::NotContains {
            needles: s(&["http://", "https://"])
        }]
    );
    // A word that merely starts with `or` is no conjunction.
    let f = facts_as(
        "Tag.N.Key",
        ScalarType::String,
        "The tag key. It cannot contain http:// ordinary.",
    );
    assert!(rules(&f).is_empty(), "{:?}", rules(&f));
}
