//! Rules under conditions, both directions: the sentences that become conditional rules and the
//! near misses that stay notes.

use super::tests::{between, lines_of};
use super::*;
use crate::spec::{ParamValue, Severity};

fn read_as(name: &str, text: &str, ty: ScalarType) -> ProseFacts {
    let lines = lines_of(text);
    let known: Vec<String> = [
        "Category",
        "Password",
        "HostName",
        "Size",
        "DiskIds.N",
        "DataDisk.N.Category",
        "DataDisk.N.Size",
    ]
    .map(String::from)
    .to_vec();
    read(
        &lines,
        &ParamInfo {
            name,
            ty: Some(ty),
            known: &known,
        },
    )
}

/// `(rule, when, only_if, severity)` of each constraint.
type Read = (Rule, Option<String>, Option<ParamValue>, Severity);

fn conditional(name: &str, text: &str, ty: ScalarType) -> Vec<Read> {
    read_as(name, text, ty)
        .constraints
        .into_iter()
        .map(|c| (c.rule, c.when, c.only_if, c.severity))
        .collect()
}

fn warning(rule: Rule, when: &str) -> Read {
    (rule, Some(when.into()), None, Severity::Warning)
}

fn on_sibling(rule: Rule, when: &str, param: &str, equals: &str) -> Read {
    let only_if = ParamValue {
        param: param.into(),
        equals: equals.into(),
    };
    (rule, Some(when.into()), Some(only_if), Severity::Error)
}

#[test]
fn a_condition_the_client_cannot_evaluate_gives_a_warning() {
    use ScalarType::String as S;
    let prefixes = Rule::NotPrefix {
        prefixes: vec!["http://".into(), "https://".into()],
    };
    assert_eq!(
        conditional(
            "Password",
            "The password. For Windows instances, the password cannot start with http:// or https://.",
            S
        ),
        [warning(prefixes, "For Windows instances")]
    );
    // Bullets under a case opener, `It` following the subject.
    let text = "The hostname.\n- For Linux instances:\n  - The hostname can be up to 64 characters in length.\n  - It cannot start with aliyun.";
    assert_eq!(
        conditional("HostName", text, S),
        [
            warning(
                Rule::Length {
                    min: None,
                    max: Some(64)
                },
                "For Linux instances"
            ),
            warning(
                Rule::NotPrefix {
                    prefixes: vec!["aliyun".into()]
                },
                "For Linux instances"
            ),
        ]
    );
    // Two cases of one kind stay two rules.
    let text = "The hostname.\n- For Windows instances, the hostname must be 2 to 15 characters in length.\n- For Linux instances, the hostname must be 2 to 64 characters in length.";
    assert_eq!(conditional("HostName", text, S).len(), 2);
}

#[test]
fn a_condition_on_a_sibling_value_gives_an_error_checked_then() {
    use ScalarType::Integer as I;
    for (text, when) in [
        (
            "The size. If you set Category to cloud_essd, the value must be in the range of 20 to 32768.",
            "If you set Category to cloud_essd",
        ),
        (
            "The size. When the Category parameter is set to cloud_essd, the value must be between 20 and 32768.",
            "When the Category parameter is set to cloud_essd",
        ),
        (
            "The size. When `Category` is `cloud_essd`, the value must be between 20 and 32768.",
            // The cell's code spans are plain text by now.
            "When Category is cloud_essd",
        ),
    ] {
        let read = conditional("Size", text, I);
        assert_eq!(
            read,
            [on_sibling(
                between(20, 32768),
                when,
                "Category",
                "cloud_essd"
            )],
            "{text}"
        );
    }
    // A member's sibling is the member of the same item.
    assert_eq!(
        conditional(
            "DataDisk.N.Size",
            "The size. When Category is cloud_essd, the value must be between 20 and 32768.",
            I
        ),
        [on_sibling(
            between(20, 32768),
            "When Category is cloud_essd",
            "DataDisk.N.Category",
            "cloud_essd"
        )]
    );
}

#[test]
fn a_condition_on_something_else_is_a_warning_not_an_error() {
    use ScalarType::Integer as I;
    // A list, an unknown param, a value that is a phrase: the client cannot evaluate these.
    for text in [
        "The size. When DiskIds.N is d-1, the value must be between 20 and 32768.",
        "The size. When Flavor is big, the value must be between 20 and 32768.",
        "The size. When Category is not set, the value must be between 20 and 32768.",
    ] {
        let read = conditional("Size", text, I);
        assert_eq!(read.len(), 1, "{text}");
        assert_eq!(
            (read[0].2.clone(), read[0].3),
            (None, Severity::Warning),
            "{text}"
        );
    }
}

#[test]
fn near_misses_stay_notes() {
    use ScalarType::String as S;
    for (name, text) in [
        // The rule itself is not understood.
        (
            "Password",
            "The password. For Windows instances, the password cannot start with a forward slash (/).",
        ),
        // Not about the param's own value.
        (
            "Password",
            "The password. When Category is cloud_essd, a custom parameter name can contain only letters.",
        ),
        // A default under a condition is no rule.
        (
            "HostName",
            "The hostname. For Windows instances, the System hostname is used by default.",
        ),
        // An example or a reference, not a condition.
        (
            "HostName",
            "The hostname. For example, the hostname can contain only letters.",
        ),
        // Nothing the readers know.
        (
            "Size",
            "The size. If the value of N is greater than 10, this parameter will be ignored.",
        ),
    ] {
        let facts = read_as(name, text, S);
        assert!(
            facts.constraints.is_empty(),
            "{text}: {:?}",
            facts.constraints
        );
        assert_eq!(facts.unparsed.len(), 1, "{text}");
        assert!(facts.default.is_none(), "{text}");
    }
}

#[test]
fn bullets_under_a_header_that_states_no_condition_stay_notes() {
    let text = "The password.\n- The password must meet these requirements:\n  - It can be up to 30 characters in length.";
    let facts = read_as("Password", text, ScalarType::String);
    assert!(facts.constraints.is_empty(), "{:?}", facts.constraints);
}
