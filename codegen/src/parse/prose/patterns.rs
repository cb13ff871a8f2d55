//! The phrasings the prose reader knows, as case-insensitive regexes (`NUM` stands for a number,
//! with or without thousands separators), and the words that make a sentence look like a rule.

use std::sync::LazyLock;

use regex::Regex;

const NUM: &str = r"(-?\d{1,3}(?:,\d{3})+|-?\d+)";

fn re(pattern: &str) -> Regex {
    let full = format!("(?i){}", pattern.replace("NUM", NUM));
    // The patterns are constants of this file; a typo is a programming error caught by tests.
    Regex::new(&full).unwrap_or_else(|e| panic!("bad built-in pattern {pattern}: {e}"))
}

pub(super) static COUNT_RANGE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(r"\bvalid values? of N(?: is| are)?\s*:?\s*(?:from )?NUM\s*(?:to|-|~)\s*NUM"),
        re(r"\bN is an integer (?:from|between|in the range of|ranging from) NUM (?:to|and) NUM"),
        re(
            r"\b(?:the )?value of N (?:is|can be|must be|ranges)?\s*(?:from |between )?NUM (?:to|and) NUM",
        ),
        re(r"\bN ranges? from NUM to NUM"),
    ]
});
/// `The value of N in NetworkInterface.N cannot be greater than 1.` on a member of that list: the
/// count of the list's items, named by the list.
pub(super) static COUNT_OF_LIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:the )?value of N in `?([A-Za-z][\w]*)\.N`? (?:cannot be greater than|cannot exceed|must be at most|can be up to) NUM\b",
    )
});
/// `Valid values of N: 1, 2, 3, 4, and 5.`: consecutive values from the first to the last.
pub(super) static COUNT_LIST: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\bvalid values? of N(?: is| are)?\s*:?\s*((?:\d+, )+(?:and |or )?\d+)\b")
});
pub(super) static COUNT_MAX: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:the )?maximum value of N is NUM"));

pub(super) static LENGTH_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?:must|can|should|is) (?:be |contain )?)?(?:a string of |from )?(?:between )?NUM\s*(?:to|and|-)\s*NUM (?:ASCII )?(?:characters|chars)(?: in length| long)?",
    )
});
pub(super) static LENGTH_MAX: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(
            r"(?:(?:must|can|should|is) (?:be |contain )?)?(?:up to|at most|no more than|not more than|a maximum of|maximum of|no longer than) NUM (?:ASCII )?(?:characters|chars)(?: in length| long)?",
        ),
        re(
            r"(?:cannot|can't|can not|must not|should not|shall not) (?:exceed|be longer than|be more than) NUM (?:ASCII )?(?:characters|chars)(?: in length)?",
        ),
        re(r"(?:the )?maximum length (?:is|of) NUM (?:ASCII )?(?:characters|chars)"),
    ]
});
pub(super) static LENGTH_MIN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?:must|should) (?:be |contain ))?(?:at least|a minimum of|no less than|no fewer than) NUM (?:ASCII )?(?:characters|chars)(?: in length| long)?",
    )
});
/// An exception to the sentence's rules: `except for Chinese names`, `with the exception of`.
pub(super) static EXCEPTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:except(?: for| when| if| that)?|with the exception of)\b"));
/// `can contain any characters`, `supports all character sets`: says no rule, and is understood.
pub(super) static ANY_CHARACTERS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:can contain any characters|supports all character sets|can contain all characters)\b")
});
/// `cannot be an empty string`, ending its clause (`cannot be empty at the same time` is about
/// two params).
pub(super) static NOT_EMPTY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:cannot|can't|can not|must not) be (?:an? )?(?:empty|null)(?: string)?(?:[.,;]|$| and\b)",
    )
});
pub(super) static LENGTH_LEGACY: LazyLock<Regex> =
    LazyLock::new(|| re(r"\blength:?\s*\[\s*NUM\s*,\s*NUM\s*\]"));

pub(super) static RANGE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(
            r"\b(?:valid values?|value range|valid range|range of values|the range)(?: is| are)?:?\s*(?:from )?(?:between )?NUM\s*(?:to|and|-|~)\s*NUM",
        ),
        re(r"\b(?:valid values?|value range|valid range)(?: is)?:?\s*\[\s*NUM\s*,\s*NUM\s*\]"),
        re(r"\b(?:(?:must be|is) )?(?:with)?(?:in the )?range of NUM to NUM"),
        re(r"\b(?:must be|is) between NUM and NUM"),
        re(r"\b(?:must be|is) an integer (?:from|between|ranging from) NUM (?:to|and) NUM"),
    ]
});
pub(super) static RANGE_MIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bminimum value(?: is|:)?\s*NUM"));
pub(super) static RANGE_MAX: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bmaximum value(?: is|:)?\s*NUM"));

/// `the valid values of Period are 1 to 9`, `valid values of this parameter are 1 to 10`: the
/// subject is captured, and must be the param itself.
pub(super) static VALUES_OF_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bvalid values? of (?:the )?`?([A-Za-z][\w.]*)`?(?: parameter)? (?:are|is|ranges? from)\s*(?:from )?NUM\s*(?:to|-|~)\s*NUM",
    )
});
/// `the valid values of Period are 1, 2, 3, and 4`.
pub(super) static VALUES_OF_LIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bvalid values? of (?:the )?`?([A-Za-z][\w.]*)`?(?: parameter)? (?:are|is|include)\s+(.+)$",
    )
});
/// A bullet under `Valid values:` stating the values of one case: `Valid values when PeriodUnit
/// is set to Month: 1, 2, and 3`, `When PriceUnit is set to Year: 1 to 5`.
pub(super) static VALUES_CASE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:valid values? )?((?:when|if) [^:：,]+?)\s*[:：]\s*(.+)$"));

pub(super) static ENUM_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:valid values?|optional values?|possible values?|options|values|valid options)(?: include)?:\s*$",
    )
});
pub(super) static ENUM_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:valid values?|optional values?|possible values?|options)(?: include)?:?\s*(.+)$")
});
pub(super) static DEFAULT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(r"\bdefault(?: value)?:\s*(.+?)\.?$"),
        re(r"\bthe default(?: value)? is (.+?)\.?$"),
        re(r"\bdefaults to (.+?)\.?$"),
    ]
});
pub(super) static EMPTY_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:is |are )?(?:empty|null|not specified|left empty) by default|\bdefault(?: value)?(?: is|:)\s*(?:null|empty)\.?",
    )
});
pub(super) static CONTAIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:can|may|must) (?:only )?contain(?: only)?\s+"));
pub(super) static FIRST_CHAR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:must|should) (?:start|begin) with\s+"));
pub(super) static NOT_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:cannot|can't|can not|must not|should not|shall not) (?:start|begin) with\s+")
});
/// `cannot start with acs: or contain http://`: the negation carries over to `contain` (checked
/// by the reader: a `NOT_PREFIX` phrase must come before).
pub(super) static OR_CONTAIN: LazyLock<Regex> = LazyLock::new(|| re(r",? or contain\s+"));
pub(super) static NOT_CONTAIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:cannot|can't|can not|must not|should not) contain\s+"));
pub(super) static CONDITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:takes? effect|is valid|is available|is used|is effective|applies|can be (?:set|specified|used)) only (?:when|if) (?:the )?`?([A-Za-z][\w.]*)`?(?: parameter)? is set to `?([^\s`,]+?)`?(?:\.|,|$)",
    )
});
pub(super) static EXCLUSIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"cannot be (?:specified|set|used|configured) (?:at the same time|together|simultaneously)|cannot specify both|mutually exclusive|cannot (?:specify|set) (?:the )?[\w.]+ and (?:the )?[\w.]+(?: parameters)? (?:at the same time|together|simultaneously)|^(?:note:\s*)?(?:when|if) (?:you (?:specify|set) this parameter|this parameter is (?:specified|set)), (?:the )?[\w.]+(?: parameter)? cannot be (?:specified|set)\.?$|^(?:note:\s*)?(?:the )?[\w.]+(?: parameter)? must be (?:left )?empty (?:if|when) (?:the )?[\w.]+(?: parameter)? is (?:specified|set)\.?$",
    )
});
/// `When this parameter is specified, the InstanceId parameter cannot be specified.`: a case that
/// is the param itself being set, so the rule between the two holds whenever it can apply.
pub(super) static EXCLUSIVE_WHEN_SET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:note:\s*)?(?:when|if) (?:you (?:specify|set) this parameter|this parameter is (?:specified|set)), (?:the )?[\w.]+(?: parameter)? cannot be (?:specified|set)\.?$",
    )
});
pub(super) static DEPRECATED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"will be removed|\bdeprecated\b|no longer (?:supported|available|maintained)|discontinued")
});

/// The service takes values outside the listed ones: a list check would be stricter than the page.
pub(super) static TOLERANT_VALUES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bcase[- ]insensitive\b|\bnot case[- ]sensitive\b|\bignores? other values\b|\bother values are ignored\b|\bif the (?:specified )?value(?: of this parameter)? is invalid\b",
    )
});
/// The value may be a template of sequential names (`node[1,4]`).
pub(super) static NAME_TEMPLATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:specify|configure) sequential (?:instance )?(?:names|hostnames)\b"));

/// Words that make a sentence look like a constraint (matched as whole words).
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:valid values?|optional values?|possible values?|characters?|must|cannot|can not|can't|ranges?|maximum value|minimum value|a maximum of|a minimum of|maximum length|minimum length|only when|only if|at the same time|default|at most|up to|no more than|exceed|length|can contain|may contain|must contain|only contain|contains only|cannot contain|start with|begin with|between|required if|required when|mutually exclusive|allowed|greater than|less than|positive integer|at least|ASCII characters)\b",
    )
});

pub(super) fn has_trigger(text: &str) -> bool {
    TRIGGER.is_match(text)
}

/// `Separate multiple IDs with commas (,)`, `which must be separated by commas`: the value is
/// items joined by commas.
pub(super) static JOINED_BY_COMMAS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:separate (?:multiple |the )?(?:[A-Za-z]+ ){0,4}?with commas|(?:which |they )?(?:must |should )?(?:are |be )?separated (?:with|by) commas)\b",
    )
});

/// The description speaks of Base64 (`User data must be encoded in Base64`).
pub(super) static BASE64_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"\bBase64\b"));

/// Sentences that only hold in some case (`For Windows instances, ...`, `If ...`) give no rules.
pub(super) static QUALIFIED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:note:\s*)?(?:for|if|when|whenever|unless|in|on|after|before|once)\b")
});

pub(super) fn number(text: &str) -> Option<i64> {
    text.replace(',', "").parse().ok()
}
