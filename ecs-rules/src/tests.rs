use super::*;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

const TEXT: Target = Target {
    value: ValueKind::Text,
    list: false,
};
const INTEGER_LIST: Target = Target {
    value: ValueKind::Integer,
    list: true,
};
const NESTED_LIST: Target = Target {
    value: ValueKind::Nested,
    list: true,
};

#[test]
fn one_wording() {
    let cases = [
        (
            Rule::Length {
                min: Some(2),
                max: Some(128),
            },
            "length 2 to 128 characters",
        ),
        (
            Rule::Range {
                min: None,
                max: Some(65535),
                also: vec![],
            },
            "value at most 65535",
        ),
        (
            Rule::Range {
                min: Some(1),
                max: Some(65535),
                also: vec![-1],
            },
            "value 1 to 65535 or -1",
        ),
        (
            Rule::Bytes {
                min: None,
                max: Some(16384),
                decoded: false,
            },
            "size at most 16384 bytes",
        ),
        (
            Rule::Bytes {
                min: None,
                max: Some(16384),
                decoded: true,
            },
            "size at most 16384 bytes once Base64-decoded",
        ),
        (
            Rule::Format {
                format: "base64".into(),
            },
            "Base64-encoded",
        ),
        (
            Rule::Format {
                format: "yyyy-MM-ddTHH:mm:ssZ".into(),
            },
            "in the yyyy-MM-ddTHH:mm:ssZ format",
        ),
        (
            Rule::Count {
                min: Some(1),
                max: None,
                separator: None,
            },
            "at least 1 items",
        ),
        (
            Rule::Count {
                min: None,
                max: Some(100),
                separator: Some(",".into()),
            },
            "at most 100 comma-separated items",
        ),
        (
            Rule::NotPrefix {
                prefixes: s(&["http://", "https://"]),
            },
            "must not start with http:// or https://",
        ),
        (
            Rule::Condition {
                param: "InstantAccess".into(),
                value: "true".into(),
            },
            "takes effect only when InstantAccess is true",
        ),
    ];
    for (rule, text) in cases {
        assert_eq!(rule.to_string(), text);
    }
}

#[test]
fn fits_and_leniency() {
    let length = Rule::Length {
        min: None,
        max: Some(3),
    };
    let range = Rule::Range {
        min: Some(1),
        max: None,
        also: vec![],
    };
    let count = Rule::Count {
        min: None,
        max: Some(20),
        separator: None,
    };
    let joined = Rule::Count {
        min: None,
        max: Some(20),
        separator: Some(",".into()),
    };
    assert!(length.fits(TEXT) && !length.fits(INTEGER_LIST));
    // A range also fits text (that holds a number), never a nested value or a boolean.
    assert!(range.fits(INTEGER_LIST) && range.fits(TEXT) && !range.fits(NESTED_LIST));
    let boolean = Target {
        value: ValueKind::Other,
        list: false,
    };
    let values = Rule::Enum {
        values: vec!["1".into(), "3".into()],
    };
    assert!(values.fits(INTEGER_LIST) && values.fits(TEXT) && !values.fits(boolean));
    assert!(!range.fits(boolean));
    assert_eq!(values.needs().to_string(), "text or an integer");
    // A count limits the list, whatever its items are.
    assert!(count.fits(NESTED_LIST) && !count.fits(TEXT));
    // Items joined in one text are counted on the text.
    assert!(joined.fits(TEXT) && !joined.fits(NESTED_LIST));
    assert!(!joined.accepts_all_of(&count) && !count.accepts_all_of(&joined));
    assert_ne!(joined.measure(), count.measure());
    assert_eq!(count.measure(), "count");
    assert_eq!(length.needs().to_string(), "text");
    assert!(range.is_lenient() && count.is_lenient() && !length.is_lenient());
    assert_eq!(RuleKind::Enum.attribute(), Some("one_of"));
    assert_eq!(RuleKind::Malformed.attribute(), None);
}

#[test]
fn widening_ignores_order() {
    let old = Rule::Enum {
        values: s(&["Safe", "Fast", "Fast"]),
    };
    let new = Rule::Enum {
        values: s(&["Slow", "Fast", "Safe"]),
    };
    assert_eq!(old.normalized().to_string(), "one of Fast, Safe");
    assert!(new.accepts_all_of(&old) && !old.accepts_all_of(&new));
    let narrow = Rule::Length {
        min: Some(2),
        max: Some(64),
    };
    let wide = Rule::Length {
        min: Some(1),
        max: Some(128),
    };
    assert!(wide.accepts_all_of(&narrow) && !narrow.accepts_all_of(&wide));
    // Another kind of rule never counts as a widening.
    assert!(!wide.accepts_all_of(&old));
}

#[test]
fn time_pictures_keep_their_precision() {
    let t = |p, v| Format::time_matches(p, v);
    assert!(t("yyyy-MM-ddTHH:mm:ssZ", "2026-12-02T11:30:00Z"));
    // Past each field's bound, or at another precision than the picture's.
    assert!(!t("yyyy-MM-ddTHH:mm:ssZ", "2026-12-02T24:00:00Z"));
    assert!(!t("yyyy-MM-ddTHH:mm:ssZ", "2026-13-02T11:30:00Z"));
    assert!(!t("yyyy-MM-ddTHH:mm:ssZ", "2026-12-02T11:30Z"));
    assert!(t("yyyy-MM-ddTHH:mmZ", "2026-12-02T11:30Z"));
    assert!(!t("yyyy-MM-ddTHH:mmZ", "2026-12-02T11:30:00Z"));
    assert!(t("yyyy-MM-ddTHHZ", "2026-12-02T11Z"));
    assert_eq!(Format::parse("json"), Some(Format::Json));
    assert_eq!(Format::parse("ISO"), None);
}

#[test]
fn relations_name_their_params() {
    let r = Relation::AnyOf {
        params: s(&["SourceGroupId", "SourceCidrIp"]),
    };
    assert_eq!(
        r.to_string(),
        "set at least one of SourceGroupId, SourceCidrIp"
    );
    assert_eq!(r.kind(), RuleKind::AnyOf);
    let q = Relation::Requires {
        param: "VpcId".into(),
        needs: "VSwitchId".into(),
    };
    assert_eq!(q.params(), ["VpcId", "VSwitchId"]);
}

#[test]
fn together_names_all_its_params() {
    let r = Relation::Together {
        params: s(&["EndTime", "StartTime"]),
    };
    assert_eq!(r.to_string(), "set all or none of EndTime, StartTime");
    assert_eq!(r.kind(), RuleKind::Together);
    assert_eq!(r.params(), ["EndTime", "StartTime"]);
    assert_eq!(RuleKind::Together.attribute(), Some("together"));
}

#[test]
fn character_types_of_a_password() {
    let rule = Rule::Classes {
        min: 3,
        of: s(&["upper", "lower", "digit", "special"]),
        special: Some("!@#".into()),
    };
    assert_eq!(
        rule.to_string(),
        "at least 3 of uppercase letters, lowercase letters, digits, special characters (special: !@#)"
    );
    assert_eq!(rule.kind(), RuleKind::Classes);
    assert!(rule.fits(TEXT) && !rule.is_lenient());
    assert_eq!(CharType::of('Q', None), Some(CharType::Upper));
    assert_eq!(CharType::of('7', Some("!")), Some(CharType::Digit));
    assert_eq!(CharType::of('!', Some("!@")), Some(CharType::Special));
    // A character the page's list lacks has no type; without a list it is special.
    assert_eq!(CharType::of(' ', Some("!@")), None);
    assert_eq!(CharType::of(' ', None), Some(CharType::Special));
    let looser = Rule::Classes {
        min: 2,
        of: s(&["upper", "lower", "digit", "special"]),
        special: None,
    };
    assert!(looser.accepts_all_of(&rule) && !rule.accepts_all_of(&looser));
}
