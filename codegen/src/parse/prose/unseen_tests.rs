//! Phrasings of other products' pages, which the generator also reads: each must give exactly
//! the page's rule, never a stricter one (a range that goes on with more values, a length that
//! may also be empty, a character list that forgets the first character's letters).

use super::tests::read_among;
use super::*;
use crate::spec::Severity;

fn rules_of(name: &str, ty: ScalarType, text: &str) -> (Vec<String>, usize) {
    let f = read_among(name, ty, &[], text);
    let rules = f.constraints.iter().map(|c| c.rule.to_string()).collect();
    (rules, f.unparsed.len())
}

#[track_caller]
fn says(name: &str, ty: ScalarType, text: &str, want: &[&str]) {
    let (rules, notes) = rules_of(name, ty, text);
    assert_eq!(rules, want, "{text}");
    assert_eq!(notes, 0, "{text}");
}

#[test]
fn a_range_that_goes_on_with_more_values_allows_them() {
    use ScalarType::Integer as I;
    says(
        "Period",
        I,
        "The period. Valid values: 1 to 9, 12, 24, and 36.",
        &["value 1 to 9 or 12 or 24 or 36"],
    );
    says(
        "Port",
        I,
        "Valid values: 1 to 65535, -1.",
        &["value 1 to 65535 or -1"],
    );
    // A clause after the comma is no list.
    says(
        "Hour",
        I,
        "The hour. Valid values: 0 to 23, which correspond to the hours of a day.",
        &["value 0 to 23"],
    );
    // A second range: one range cannot say it, so it stays a note.
    let (rules, notes) = rules_of("Period", I, "The period. Valid values: 1 to 9, 12 to 36.");
    assert!(rules.is_empty(), "{rules:?}");
    assert_eq!(notes, 1);
}

#[test]
fn a_length_that_may_also_be_empty_has_no_minimum() {
    use ScalarType::String as S;
    says(
        "Description",
        S,
        "The description can be empty or 2 to 256 characters in length.",
        &["length at most 256 characters"],
    );
    says(
        "Description",
        S,
        "The description must be 2 to 256 characters in length.",
        &["length 2 to 256 characters"],
    );
}

#[test]
fn the_first_characters_class_is_part_of_the_charset() {
    use ScalarType::String as S;
    says(
        "Name",
        S,
        "The name. It can contain digits, periods (.), underscores (_), and hyphens (-). It must start with a letter.",
        &[
            "characters in [A-Za-z0-9._-]",
            "first character in [A-Za-z]",
        ],
    );
    // Already in the list: unchanged.
    says(
        "Name",
        S,
        "The name can contain letters, digits, and hyphens (-). It must start with a letter.",
        &["characters in [A-Za-z0-9-]", "first character in [A-Za-z]"],
    );
}

#[test]
fn numeric_bounds_of_other_pages() {
    use ScalarType::Integer as I;
    says(
        "PageSize",
        I,
        "The number of entries per page. The value must be an integer from 1 to 100.",
        &["value 1 to 100"],
    );
    says(
        "Amount",
        I,
        "The number of instances. The value must be in the range of 1 to 100.",
        &["value 1 to 100"],
    );
    says(
        "Interval",
        I,
        "The interval. It must be greater than or equal to 5 and less than or equal to 300.",
        &["value 5 to 300"],
    );
    says(
        "Weight",
        I,
        "This parameter value must be greater than 0.",
        &["value at least 1"],
    );
}

#[test]
fn sizes_in_bytes_of_the_text() {
    use ScalarType::String as S;
    says(
        "Name",
        S,
        "The name. The name must be 1 to 64 bytes in length.",
        &["size 1 to 64 bytes"],
    );
    says(
        "Name",
        S,
        "The name can be up to 64 bytes in length.",
        &["size at most 64 bytes"],
    );
    // A size of something the name holds is not the name's.
    let (rules, _) = rules_of(
        "CommandContent",
        S,
        "The command. Each custom parameter name cannot exceed 64 bytes.",
    );
    assert!(rules.is_empty(), "{rules:?}");
}

#[test]
fn a_condition_after_the_rule_holds_it_back_as_one_before_it() {
    // A param and a value the client can compare: an error only in that case.
    let f = read_among(
        "Duration",
        ScalarType::Integer,
        &["Duration", "PeriodUnit"],
        "The duration. Valid values: 1 to 3 when PeriodUnit is Year.",
    );
    assert_eq!(f.constraints.len(), 1, "{:?}", f.constraints);
    let c = &f.constraints[0];
    assert_eq!(c.rule.to_string(), "value 1 to 3");
    let only_if = c.only_if.as_ref().expect("evaluated condition");
    assert_eq!(
        (only_if.param.as_str(), only_if.equals.as_str()),
        ("PeriodUnit", "Year")
    );
    assert_eq!(c.severity, Severity::Error);
    // A condition the client cannot evaluate: a warning, never a refusal.
    for text in [
        "The hostname must be 2 to 15 characters in length for Windows instances.",
        "The hostname must be 2 to 64 characters in length on Linux instances.",
        "The hostname must be 2 to 15 characters in length if the instance runs Windows.",
    ] {
        let f = read_among("HostName", ScalarType::String, &[], text);
        assert_eq!(f.constraints.len(), 1, "{text}");
        assert_eq!(f.constraints[0].severity, Severity::Warning, "{text}");
        assert!(f.constraints[0].when.is_some(), "{text}");
    }
    // `only when` is the condition reader's; `the time when` is no condition.
    let f = read_among(
        "VSwitchId",
        ScalarType::String,
        &["VSwitchId", "VpcId"],
        "This parameter takes effect only when VpcId is set to vpc-1.",
    );
    assert!(matches!(f.constraints[0].rule, Rule::Condition { .. }));
    let f = read_among(
        "RetentionDays",
        ScalarType::Integer,
        &[],
        "Valid values: 1 to 65535. The expiration is determined by the time when snapshots are released.",
    );
    assert_eq!(f.constraints.len(), 1);
    assert_eq!(f.constraints[0].severity, Severity::Error);
}

#[test]
fn words_that_allow_any_character_and_counts_of_tags() {
    says(
        "Name",
        ScalarType::String,
        "The name can be up to 128 characters in length and can contain any characters.",
        &["length at most 128 characters"],
    );
    says(
        "Description",
        ScalarType::String,
        "The description, which supports all character sets. The description can be up to 100 characters in length.",
        &["length at most 100 characters"],
    );
    says(
        "Tag.N",
        ScalarType::String,
        "The tags. You can specify up to 20 tags.",
        &["at most 20 items"],
    );
}

#[test]
fn a_bound_with_more_after_it_or_a_case_inside_it_is_not_the_whole_rule() {
    use ScalarType::Integer as I;
    // More values in words a range cannot follow, or a case in parentheses: a note.
    for text in [
        "Valid values: 0 and 10 to 100.",
        "Valid values: 1 to 10 (for ESSDs) and 1 to 20 (for SSDs).",
    ] {
        let (rules, notes) = rules_of("Size", I, text);
        assert!(rules.is_empty(), "{text}: {rules:?}");
        assert_eq!(notes, 1, "{text}");
    }
    let (rules, _) = rules_of(
        "HostName",
        ScalarType::String,
        "The hostname must be 2 to 15 characters in length (for Windows instances).",
    );
    assert!(rules.is_empty(), "{rules:?}");
    // The empty text allowed after the range too.
    says(
        "Name",
        ScalarType::String,
        "The name must be 2 to 128 characters in length, or empty.",
        &["length at most 128 characters"],
    );
    // An exception the client cannot tell: the rule only warns.
    let f = read_among(
        "Name",
        ScalarType::String,
        &[],
        "The name cannot exceed 128 characters in length, except for Chinese names.",
    );
    assert_eq!(f.constraints.len(), 1);
    assert_eq!(f.constraints[0].severity, Severity::Warning);
    assert_eq!(
        f.constraints[0].when.as_deref(),
        Some("except for Chinese names")
    );
}

#[test]
fn a_character_list_that_goes_on_with_its_own_characters() {
    use ScalarType::String as S;
    // Letters and digits are not all: `the following` characters are allowed too.
    let (rules, notes) = rules_of(
        "Name",
        S,
        "The name can contain letters, digits, and the following special characters: - _ .",
    );
    assert!(rules.is_empty(), "{rules:?}");
    assert_eq!(notes, 1);
    // A clause after the list still ends it.
    says(
        "Name",
        S,
        "The name can contain letters, digits, and hyphens (-), but cannot start with http://.",
        &["characters in [A-Za-z0-9-]", "must not start with http://"],
    );
}
