use super::*;

/// A Description cell's text as the table reader gives it: numbered lines, glued bullets split.
pub(super) fn lines_of(text: &str) -> Vec<TextLine> {
    text.lines()
        .enumerate()
        .flat_map(|(i, l)| crate::doc::split_glued_bullets(i + 1, l))
        .filter(|l| !l.text.is_empty())
        .collect()
}

/// The facts of `text` as the description of `name`, typed `ty`, among the request's `known`
/// params.
/// A range from `min` to `max`, both given.
pub(super) fn between(min: i64, max: i64) -> Rule {
    range(Some(min), Some(max))
}

pub(super) fn read_among(name: &str, ty: ScalarType, known: &[&str], text: &str) -> ProseFacts {
    let known: Vec<String> = known.iter().map(|k| k.to_string()).collect();
    read(
        &lines_of(text),
        &ParamInfo {
            name,
            ty: Some(ty),
            known: &known,
        },
    )
}

fn facts(text: &str, ty: ScalarType) -> ProseFacts {
    let lines = lines_of(text);
    let known = vec![
        "InstantAccess".to_string(),
        "DiskId.N".to_string(),
        "Self.N".to_string(),
    ];
    read(
        &lines,
        &ParamInfo {
            name: "Self.N",
            ty: Some(ty),
            known: &known,
        },
    )
}

fn rules(text: &str, ty: ScalarType) -> Vec<Rule> {
    facts(text, ty)
        .constraints
        .into_iter()
        .map(|c| c.rule)
        .collect()
}

fn len(min: Option<u64>, max: Option<u64>) -> Rule {
    Rule::Length { min, max }
}

#[test]
fn length_phrasings() {
    use ScalarType::String as S;
    assert_eq!(
        rules("It must be 2 to 128 characters in length.", S),
        [len(Some(2), Some(128))]
    );
    assert_eq!(
        rules("It can be up to 64 characters in length.", S),
        [len(None, Some(64))]
    );
    assert_eq!(
        rules("The value can be at most 10 characters long.", S),
        [len(None, Some(10))]
    );
    assert_eq!(
        rules("It can be no more than 256 characters.", S),
        [len(None, Some(256))]
    );
    assert_eq!(
        rules("The name cannot exceed 1,000 characters.", S),
        [len(None, Some(1000))]
    );
    assert_eq!(rules("Length: \\[2, 128\\]", S), [len(Some(2), Some(128))]);
    assert_eq!(rules("Length: [2, 128]", S), [len(Some(2), Some(128))]);
    assert_eq!(
        rules("It must be at least 8 characters in length.", S),
        [len(Some(8), None)]
    );
}

#[test]
fn range_phrasings() {
    use ScalarType::Integer as I;
    let r = |min, max| Rule::Range {
        min,
        max,
        also: vec![],
    };
    assert_eq!(
        rules("Valid values: 1 to 65535.", I),
        [r(Some(1), Some(65535))]
    );
    assert_eq!(
        rules("Valid values: 1 to 65,536.", I),
        [r(Some(1), Some(65536))]
    );
    assert_eq!(rules("Minimum value: 1.", I), [r(Some(1), None)]);
    assert_eq!(rules("Maximum value: 100.", I), [r(None, Some(100))]);
    assert_eq!(
        rules("Value range: 0 to 1,000,000.", I),
        [r(Some(0), Some(1_000_000))]
    );
    // Decimals are not integer ranges: left unparsed.
    let f = facts("Valid values: 0.5 to 1.", ScalarType::Float);
    assert!(f.constraints.is_empty());
    assert_eq!(f.unparsed.len(), 1);
    // A String param holding a number gets the range (text that is no number is not checked:
    // see `phrasing_tests`).
    assert_eq!(
        rules("Valid values: 1 to 5.", ScalarType::String),
        [r(Some(1), Some(5))]
    );
}

#[test]
fn count_phrasings() {
    use ScalarType::String as S;
    let c = |min, max| Rule::Count {
        min,
        max,
        separator: None,
    };
    assert_eq!(
        rules("Valid values of N: 1 to 16.", S),
        [c(Some(1), Some(16))]
    );
    assert_eq!(
        rules("N is an integer from 1 to 20.", S),
        [c(Some(1), Some(20))]
    );
    assert_eq!(
        rules("The value of N ranges from 1 to 100.", S),
        [c(Some(1), Some(100))]
    );
    assert_eq!(
        rules("The maximum value of N is 100.", S),
        [c(None, Some(100))]
    );
    let f = facts(
        "The valid values of N are based on the maximum number of groups.",
        S,
    );
    assert!(f.constraints.is_empty());
    assert_eq!(f.unparsed.len(), 1);
}

#[test]
fn charset_first_char_and_prefixes() {
    let got = rules(
        "The name must be 2 to 128 characters in length, and can contain letters, digits, periods (.), underscores (_), hyphens (-), and colons (:). It must start with a letter or a digit and cannot start with http:// or https://.",
        ScalarType::String,
    );
    assert_eq!(
        got,
        [
            len(Some(2), Some(128)),
            Rule::Charset {
                class: "A-Za-z0-9._:-".into()
            },
            Rule::FirstChar {
                class: "A-Za-z0-9".into()
            },
            Rule::NotPrefix {
                prefixes: vec!["http://".into(), "https://".into()]
            },
        ]
    );
    assert_eq!(
        rules(
            "It can contain Chinese characters and digits.",
            ScalarType::String
        ),
        [Rule::Charset {
            class: r"0-9\p{Han}".into()
        }]
    );
    assert_eq!(
        rules("It cannot start with aliyun or acs:.", ScalarType::String),
        [Rule::NotPrefix {
            prefixes: vec!["aliyun".into(), "acs:".into()]
        }]
    );
    assert_eq!(
        rules("It cannot contain http:// or https://.", ScalarType::String),
        [Rule::NotContains {
            needles: vec!["http://".into(), "https://".into()]
        }]
    );
    // Unknown character groups are never guessed.
    let f = facts(
        "It can contain letters, digits, and special characters.",
        ScalarType::String,
    );
    assert!(f.constraints.is_empty());
    assert_eq!(f.unparsed.len(), 1);
    let f = facts("It cannot start with a digit.", ScalarType::String);
    assert!(f.constraints.is_empty());
    assert_eq!(f.unparsed.len(), 1);
}

#[test]
fn enumerations() {
    let e = |v: &[&str]| Rule::Enum {
        values: v.iter().map(|s| s.to_string()).collect(),
    };
    let bullets = "The mode. Valid values:\n-   Standard: normal.\n-   Fast: quick.\nDefault value: Standard.";
    let f = facts(bullets, ScalarType::String);
    assert_eq!(
        f.constraints
            .iter()
            .map(|c| c.rule.clone())
            .collect::<Vec<_>>(),
        [e(&["Standard", "Fast"])]
    );
    assert_eq!(f.constraints[0].line, 1);
    assert_eq!(
        f.default.as_ref().map(|d| (d.value.as_str(), d.line)),
        Some(("Standard", 4))
    );
    assert!(f.unparsed.is_empty());

    let glued = "Billing. Optional values:-   PrePaid: Subscription.\n-   PostPaid: Pay-As-You-Go.";
    assert_eq!(
        rules(glued, ScalarType::String),
        [e(&["PrePaid", "PostPaid"])]
    );
    assert_eq!(
        rules("Valid values: A, B, and C.", ScalarType::String),
        [e(&["A", "B", "C"])]
    );
    // A true/false enumeration on a Boolean is the type itself; on a String it is kept.
    let tf = "Whether. Valid values:\n-   true: yes\n-   false: no";
    assert!(rules(tf, ScalarType::Boolean).is_empty());
    assert_eq!(rules(tf, ScalarType::String), [e(&["true", "false"])]);
    // Bullets that are not values make the whole enumeration unparsed.
    let f = facts(
        "Valid values:\n-   If you set this, something happens.",
        ScalarType::String,
    );
    assert!(f.constraints.is_empty());
    assert_eq!(f.unparsed.len(), 1);
}

#[test]
fn defaults_conditions_exclusion_deprecation() {
    let f = facts("Default value: false.", ScalarType::Boolean);
    assert_eq!(f.default.map(|d| d.value), Some("false".into()));
    let f = facts("Default: NoSpot.", ScalarType::String);
    assert_eq!(f.default.map(|d| d.value), Some("NoSpot".into()));
    let f = facts("This parameter is empty by default.", ScalarType::String);
    assert!(f.default.is_none() && f.unparsed.is_empty());
    assert_eq!(
        rules(
            "This parameter takes effect only when InstantAccess is set to true.",
            ScalarType::Integer
        ),
        [Rule::Condition {
            param: "InstantAccess".into(),
            value: "true".into()
        }]
    );
    let f = facts(
        "This parameter and DiskId.N cannot be specified at the same time.",
        ScalarType::String,
    );
    assert_eq!(
        f.exclusive,
        [("Self.N".to_string(), "DiskId.N".to_string(), 1)]
    );
    let f = facts(
        "You cannot specify both this and Unknown at the same time.",
        ScalarType::String,
    );
    assert!(f.exclusive.is_empty());
    let f = facts(
        "This parameter will be removed in the future.",
        ScalarType::String,
    );
    assert!(f.deprecated.is_some());
    // A condition on an unknown param is not guessed.
    let f = facts(
        "It takes effect only when Foo is set to true.",
        ScalarType::String,
    );
    assert!(f.constraints.is_empty() && f.unparsed.len() == 1);
}

#[test]
fn qualified_sentences_give_warnings_with_their_condition() {
    let text = "The hostname.\n-   For Windows instances, it must be 2 to 15 characters in length.\n-   For other instances,\n    -   it must be 2 to 64 characters in length.\n-   It cannot start with http://.";
    let f = facts(text, ScalarType::String);
    let read: Vec<_> = f
        .constraints
        .iter()
        .map(|c| (c.rule.clone(), c.when.as_deref(), c.severity))
        .collect();
    use crate::spec::Severity::{Error, Warning};
    assert_eq!(
        read,
        [
            (
                len(Some(2), Some(15)),
                Some("For Windows instances"),
                Warning
            ),
            (len(Some(2), Some(64)), Some("For other instances"), Warning),
            (
                Rule::NotPrefix {
                    prefixes: vec!["http://".into()]
                },
                None,
                Error
            ),
        ]
    );
    assert!(f.unparsed.is_empty(), "{:?}", f.unparsed);
    // Ordinary prose without constraint words is not reported.
    assert!(
        facts(
            "The ID of the security group to which it belongs.",
            ScalarType::String
        )
        .unparsed
        .is_empty()
    );
}

#[test]
fn sentences_split_on_capitals_only() {
    assert_eq!(
        split_sentences("Unit: days. Valid values: 1 to 5. e.g. x periods (.), y."),
        [
            "Unit: days.",
            "Valid values: 1 to 5. e.g. x periods (.), y."
        ]
    );
}

pub(super) fn range(min: Option<i64>, max: Option<i64>) -> Rule {
    Rule::Range {
        min,
        max,
        also: vec![],
    }
}

fn notes(text: &str, ty: ScalarType) -> usize {
    facts(text, ty).unparsed.len()
}

#[test]
fn numeric_bounds_in_other_words() {
    use ScalarType::Integer as I;
    let cases = [
        (
            "This parameter value must be greater than 0.",
            range(Some(1), None),
        ),
        (
            "The value must be a positive integer.",
            range(Some(1), None),
        ),
        (
            "Valid values: greater than or equal to 2.",
            range(Some(2), None),
        ),
        ("The value must be less than 10.", range(None, Some(9))),
        ("The value cannot be greater than 5.", range(None, Some(5))),
        (
            "The value must be no greater than 100.",
            range(None, Some(100)),
        ),
        ("Valid values: [1, 30].", range(Some(1), Some(30))),
        ("Value range: (0, 100].", range(Some(1), Some(100))),
        ("The value must be at least 20.", range(Some(20), None)),
    ];
    for (sentence, rule) in cases {
        assert_eq!(rules(sentence, I), [rule], "{sentence}");
    }
    // Near misses: a bound on something else, a decimal, a unit, a float param.
    for sentence in [
        "The value must be greater than or equal to the size of the snapshot.",
        "The interval must be greater than 0.5.",
        "The interval must not be less than 10 seconds.",
    ] {
        assert!(rules(sentence, I).is_empty(), "{sentence}");
        assert_eq!(notes(sentence, I), 1, "{sentence}");
    }
    assert!(
        rules(
            "This parameter value must be greater than 0.",
            ScalarType::Double
        )
        .is_empty()
    );
}

#[test]
fn range_with_escape_values_in_bullets() {
    let text = "Valid values:\n- -1: The snapshot is permanently retained.\n- 1 to 65535: The snapshot is retained for the specified number of days.";
    assert_eq!(
        rules(text, ScalarType::Integer),
        [Rule::Range {
            min: Some(1),
            max: Some(65535),
            also: vec![-1]
        }]
    );
    // On a string param the same bullets are a note.
    assert!(rules(text, ScalarType::String).is_empty());
}

#[test]
fn counts_of_json_arrays_and_lists() {
    use ScalarType::String as S;
    let c = |max| Rule::Count {
        min: None,
        max: Some(max),
        separator: None,
    };
    assert_eq!(
        rules(
            "The value can be a JSON array that consists of up to 100 instance IDs.",
            S
        ),
        [c(100)]
    );
    assert_eq!(
        rules("A maximum of 50 instance IDs can be specified.", S),
        [c(50)]
    );
    // Not about this param's items.
    let f = facts(
        "One security group can contain a maximum of 1,000 instances.",
        S,
    );
    assert!(f.constraints.is_empty());
}

#[test]
fn lengths_ascii_and_sizes() {
    use ScalarType::String as S;
    let ascii = Rule::Charset {
        class: r"\x00-\x7F".into(),
    };
    assert_eq!(
        rules(
            "The ClientToken value must contain only ASCII characters and cannot exceed 64 characters in length.",
            S
        ),
        [len(None, Some(64)), ascii.clone()]
    );
    assert_eq!(rules("Only ASCII characters are allowed.", S), [ascii]);
    assert_eq!(
        rules("It can contain a maximum of 64 ASCII characters.", S),
        [len(None, Some(64))]
    );
    assert_eq!(
        rules(
            "The parameter value must be Base64-encoded and cannot exceed 16 KB in size after encoding.",
            S
        ),
        [
            Rule::Format {
                format: "base64".into()
            },
            Rule::Bytes {
                min: None,
                max: Some(16384),
                decoded: false,
            }
        ]
    );
    // A limit before encoding is on the data the value decodes to.
    let before =
        "The size of the user data must be no greater than 16 KB before it is encoded in Base64.";
    assert_eq!(
        rules(before, S),
        [Rule::Bytes {
            min: None,
            max: Some(16384),
            decoded: true,
        }]
    );
    assert_eq!(notes(before, S), 0);
}

#[test]
fn time_pictures_with_their_precision() {
    use ScalarType::String as S;
    let f = |p: &str| Rule::Format { format: p.into() };
    assert_eq!(
        rules(
            "Specify the time in the ISO 8601 standard in the yyyy-MM-ddTHH:mm:ssZ format.",
            S
        ),
        [f("yyyy-MM-ddTHH:mm:ssZ")]
    );
    assert_eq!(
        rules("The format is YYYY-MM-DDTHH:mm:ssZ.", S),
        [f("yyyy-MM-ddTHH:mm:ssZ")]
    );
    assert_eq!(
        rules("Specify the time in the `yyyy-MM-ddTHH:mmZ` format.", S),
        [f("yyyy-MM-ddTHH:mmZ")]
    );
    // A picture without the word format is an example, not a rule.
    assert!(rules("For example, yyyy-MM-dd is a date.", S).is_empty());
}

#[test]
fn rules_apply_only_to_what_the_sentence_is_about() {
    use ScalarType::String as S;
    let run = |name: &str, text: &str| {
        let lines = lines_of(text);
        let known = vec![name.to_string()];
        read(
            &lines,
            &ParamInfo {
                name,
                ty: Some(S),
                known: &known,
            },
        )
    };
    // RunCommand's CommandContent: the charset is for names inside `{{}}`, under a condition.
    let content = run(
        "CommandContent",
        "The plaintext or Base64-encoded content of the command.\nWhen EnableParameter is set to true, the custom parameter feature is enabled and you can configure custom parameters based on the following rules:\n- Define custom parameters in the {{}} format.\n- A custom parameter name can contain only letters, digits, underscores (_), and hyphens (-). The name is case-insensitive.",
    );
    assert!(content.constraints.is_empty(), "{:?}", content.constraints);
    // Even without the condition, a part of the value is not the value.
    let bare = run(
        "CommandContent",
        "The content of the command.\nA custom parameter name can contain only letters, digits, underscores (_), and hyphens (-).",
    );
    assert!(bare.constraints.is_empty());
    assert_eq!(bare.unparsed.len(), 1);
    // A JSON map's keys, and `It` after them.
    let map = run(
        "Parameters",
        "The key-value pairs of custom parameters.\n- The key cannot be an empty string. It can be up to 64 characters in length.\n- The value can be an empty string.",
    );
    assert!(map.constraints.is_empty(), "{:?}", map.constraints);
    // The param's own name, its description's words, and `It` after them.
    let name = run(
        "InstanceName",
        "The default instance name prefix. The instance name prefix must be 1 to 50 characters in length. It must start with a letter.",
    );
    assert_eq!(name.constraints.len(), 2);
    let key = run(
        "Tag.N.Key",
        "The key of tag N. The tag key cannot start with aliyun. It can be up to 128 characters in length.",
    );
    assert_eq!(key.constraints.len(), 2);
}
