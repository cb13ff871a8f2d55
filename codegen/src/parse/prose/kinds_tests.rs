//! Password complexity, valid values with spaces and exclusive pairs, in both directions.

use super::tests::lines_of;
use super::*;

fn line(n: usize, text: &str, code: bool) -> TextLine {
    let mut l = crate::doc::text_line(n, text);
    l.code = code;
    if code {
        l.text = text.to_string();
    }
    l
}

fn read_lines(lines: &[TextLine], name: &str) -> ProseFacts {
    let known = vec![
        "ZoneId".to_string(),
        "InstanceId".to_string(),
        "Password".to_string(),
        "Platform".to_string(),
    ];
    read(
        lines,
        &ParamInfo {
            name,
            ty: Some(ScalarType::String),
            known: &known,
        },
    )
}

fn facts(text: &str, name: &str) -> ProseFacts {
    let lines = lines_of(text);
    read_lines(&lines, name)
}

fn rules(f: &ProseFacts) -> Vec<Rule> {
    f.constraints.iter().map(|c| c.rule.clone()).collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

const TYPES: &str = "The password must be 8 to 30 characters in length and include at least three of the following character types: uppercase letters, lowercase letters, digits, and special characters.";

#[test]
fn password_types_with_the_special_characters_of_the_code_block() {
    let lines = [
        line(1, &format!("{TYPES} Special characters include:"), false),
        line(2, "", true),
        line(
            3,
            "( ) ` ~ ! @ # $ % ^ & * - _ + = | { } [ ] : ; ' < > , . ? /",
            true,
        ),
        line(
            4,
            "Passwords of Windows instances cannot start with a forward slash (/).",
            false,
        ),
    ];
    let f = read_lines(&lines, "Password");
    assert_eq!(
        rules(&f),
        [
            Rule::Length {
                min: Some(8),
                max: Some(30)
            },
            Rule::Classes {
                min: 3,
                of: s(&["upper", "lower", "digit", "special"]),
                special: Some("()`~!@#$%^&*-_+=|{}[]:;'<>,.?/".to_string()),
            },
        ]
    );
    // Both sentences are read; the qualified one stays a note.
    let notes: Vec<&str> = f.unparsed.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(
        notes,
        ["Passwords of Windows instances cannot start with a forward slash (/)."]
    );
}

#[test]
fn password_types_in_other_words_and_without_a_list_of_specials() {
    let f = facts(
        "It must contain at least two of the following characters types: uppercase letters, lowercase letters, and digits.",
        "Password",
    );
    assert_eq!(
        rules(&f),
        [Rule::Classes {
            min: 2,
            of: s(&["upper", "lower", "digit"]),
            special: None,
        }]
    );
    assert!(f.unparsed.is_empty(), "{:?}", f.unparsed);
    // Types the page names without saying how many: no count to check, a note.
    let near = facts(
        "The password must be 8 to 30 characters in length and must contain uppercase or lowercase letters, digits, and special characters.",
        "Password",
    );
    assert!(
        !rules(&near)
            .iter()
            .any(|r| matches!(r, Rule::Classes { .. }))
    );
    assert_eq!(near.unparsed.len(), 1);
    // A type the model does not know keeps the sentence a note.
    let unknown = facts(
        "It must contain at least two of the following character types: letters, Chinese characters, and digits.",
        "Password",
    );
    assert!(rules(&unknown).is_empty());
    assert_eq!(unknown.unparsed.len(), 1);
}

#[test]
fn valid_values_with_spaces_and_dots() {
    let f = facts(
        "The OS. Valid values:\n- CentOS\n- Windows Server 2012\n- Ubuntu 18.04\n- Others Linux",
        "Platform",
    );
    assert_eq!(
        rules(&f),
        [Rule::Enum {
            values: s(&[
                "CentOS",
                "Windows Server 2012",
                "Ubuntu 18.04",
                "Others Linux"
            ])
        }]
    );
    let inline = facts(
        "The OS. Valid values: Windows Server 2019, Ubuntu 18.04.",
        "Platform",
    );
    assert_eq!(
        rules(&inline),
        [Rule::Enum {
            values: s(&["Windows Server 2019", "Ubuntu 18.04"])
        }]
    );
    let meanings = facts(
        "The mode. Valid values:\n- No Upfront: nothing upfront.\n- offline. After you resize it, restart it.\n- intranet：the internal NIC.",
        "Platform",
    );
    assert_eq!(
        rules(&meanings),
        [Rule::Enum {
            values: s(&["No Upfront", "offline", "intranet"])
        }]
    );
}

#[test]
fn a_list_that_may_go_on_is_not_every_valid_value() {
    for text in [
        "The OS. Valid values:\n- CentOS\n- Ubuntu\n- etc.",
        "The OS. Valid values:\n- CentOS\n- Ubuntu, and more",
        "The OS. Valid values include CentOS, Ubuntu, etc.",
        "The OS. Valid values:\n- CentOS\n- Default value: CentOS",
        "The OS. Valid values:\n- CentOS\n- For Linux instances",
    ] {
        let f = facts(text, "Platform");
        assert!(rules(&f).is_empty(), "{text}: {:?}", rules(&f));
        assert!(!f.unparsed.is_empty(), "{text}");
    }
}

#[test]
fn cannot_specify_two_params_at_the_same_time() {
    let f = facts(
        "The instance ID. You cannot specify ZoneId and InstanceId at the same time.",
        "InstanceId",
    );
    assert_eq!(
        f.exclusive,
        [("InstanceId".to_string(), "ZoneId".to_string(), 1)]
    );
    assert!(f.unparsed.is_empty());
    let near = facts(
        "The instance ID. You cannot specify this parameter when the disk is shared.",
        "InstanceId",
    );
    assert!(near.exclusive.is_empty());
    assert_eq!(near.unparsed.len(), 1);
}
