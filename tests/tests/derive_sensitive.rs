//! `#[ecs(sensitive)]`: violations about passwords, keys and tokens never show the value.

use ecs_api::wire::{
    FromParams, REDACTED, RuleKind, ToParams, Validate, ValidationMode, ValidationReport, Violation,
};
use ecs_api::{FromParams, ToParams, Validate};

const SECRET: &str = "http://Zq9#Xv!Wy";

#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
struct Input {
    #[ecs(
        wire = "Password",
        sensitive,
        length(min = 8, max = 12),
        charset = "A-Za-z0-9",
        first_char = "0-9",
        not_prefix("http://"),
        not_contains("Zq9")
    )]
    password: Option<String>,
    /// The same rules without `sensitive`: shows what would leak.
    #[ecs(
        wire = "Plain",
        length(min = 8, max = 12),
        charset = "A-Za-z0-9",
        first_char = "0-9",
        not_prefix("http://"),
        not_contains("Zq9")
    )]
    plain: Option<String>,
    #[ecs(wire = "KeyPairName", sensitive, one_of("k1", "k2"))]
    key: Option<String>,
    #[ecs(wire = "Tokens", sensitive, json, count(max = 1), length(max = 4))]
    tokens: Vec<String>,
    #[ecs(wire = "Secrets", sensitive, length(max = 4))]
    secrets: Vec<String>,
    #[ecs(wire = "Pin", sensitive, range(min = 1000, max = 9999))]
    pin: Option<i64>,
    #[ecs(wire = "Auth", sensitive, nested)]
    auth: Option<Auth>,
}

#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
struct Auth {
    #[ecs(wire = "Token", length(max = 4), charset = "a-z")]
    token: Option<String>,
}

fn secret_input() -> Input {
    Input {
        password: Some(SECRET.into()),
        plain: Some(SECRET.into()),
        key: Some(SECRET.into()),
        tokens: vec![SECRET.into(), SECRET.into()],
        secrets: vec![SECRET.into()],
        pin: Some(123456789),
        auth: Some(Auth {
            token: Some(SECRET.into()),
        }),
    }
}

/// No violation of a param other than `Plain` may show any part of the secret.
fn assert_redacted(violations: &[Violation]) {
    for v in violations.iter().filter(|v| v.param != "Plain") {
        assert!(v.actual.is_empty() || v.actual == REDACTED, "{v:?}");
        let shown = format!("{v} {v:?}");
        for part in ["Zq9#", "#Xv", "Xv!", "!Wy", "123456789", "16 characters"] {
            assert!(!shown.contains(part), "{part} in {shown}");
        }
        assert!(!shown.contains('#') && !shown.contains('!'), "{shown}");
    }
}

fn params(report: &ValidationReport) -> Vec<(&str, RuleKind)> {
    report
        .errors
        .iter()
        .map(|v| (v.param.as_str(), v.rule))
        .collect()
}

#[test]
fn validation_names_the_rule_but_never_shows_the_value() {
    let report = secret_input().validate(ValidationMode::Strict);
    let broken = params(&report);
    for rule in [
        RuleKind::Length,
        RuleKind::Charset,
        RuleKind::FirstChar,
        RuleKind::NotPrefix,
        RuleKind::NotContains,
    ] {
        assert!(broken.contains(&("Password", rule)), "{broken:?}");
        assert!(broken.contains(&("Plain", rule)), "{broken:?}");
    }
    for expected in [
        ("KeyPairName", RuleKind::Enum),
        ("Tokens", RuleKind::Count),
        ("Tokens", RuleKind::Length),
        ("Secrets.1", RuleKind::Length),
        ("Pin", RuleKind::Range),
        ("Auth.Token", RuleKind::Length),
        ("Auth.Token", RuleKind::Charset),
    ] {
        assert!(broken.contains(&expected), "{expected:?} not in {broken:?}");
    }
    assert_redacted(&report.errors);

    // The control field without `sensitive` does show it: the redaction is what hides it above.
    let plain: Vec<&Violation> = report
        .errors
        .iter()
        .filter(|v| v.param == "Plain")
        .collect();
    assert!(plain.iter().any(|v| v.actual.contains('#')), "{plain:?}");
    assert!(
        plain.iter().any(|v| v.actual == "16 characters"),
        "{plain:?}"
    );

    // The limit still says what is wrong.
    let length = report
        .errors
        .iter()
        .find(|v| v.param == "Password" && v.rule == RuleKind::Length)
        .unwrap();
    assert_eq!(
        length.to_string(),
        "Password: length 8 to 12 characters, got (redacted)"
    );
    assert_redacted(&secret_input().validate(ValidationMode::Lenient).errors);
}

#[test]
fn parse_errors_never_show_the_value() {
    let errs = Input::from_params([
        ("Pin", "12#34!secret"),
        ("Tokens", "Zq9#Xv!Wy"),
        ("Plain", "x"),
    ])
    .unwrap_err();
    let got: Vec<(&str, RuleKind)> = errs.iter().map(|v| (v.param.as_str(), v.rule)).collect();
    assert_eq!(
        got,
        [
            ("Tokens", RuleKind::Malformed),
            ("Pin", RuleKind::Malformed)
        ]
    );
    for v in &errs {
        assert_eq!(v.actual, REDACTED);
        let shown = format!("{v} {v:?}");
        assert!(
            !shown.contains("secret") && !shown.contains("Zq9"),
            "{shown}"
        );
    }
}

#[test]
fn a_sensitive_value_is_still_sent_and_a_valid_one_passes() {
    let input = Input {
        password: Some("1Abcdefgh".into()),
        key: Some("k1".into()),
        pin: Some(1234),
        ..Input::default()
    };
    assert!(input.validate(ValidationMode::Strict).is_ok());
    let pairs: Vec<(String, String)> = input
        .to_params()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert!(pairs.contains(&("Password".into(), "1Abcdefgh".into())));
    let back = Input::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
    assert_eq!(back, input);
}
