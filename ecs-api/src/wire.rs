//! Request params on the wire: flattening to `(name, value)` pairs, parsing them back, and validation
//! against the documented constraints. The derives in `ecs-api-derive` implement these traits.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// One query pair. Keys of top-level params are static and string values are borrowed, so
/// flattening a request allocates little.
pub type Pair<'a> = (Cow<'static, str>, Cow<'a, str>);

/// Flattens a value to RPC query pairs (`ExcludeDiskId.1=d-1`, `Tag.1.Key=k`).
pub trait ToParams {
    /// Appends this value's pairs; `prefix` is the wire name of this value (empty at the top level).
    fn write_params<'a>(&'a self, prefix: &str, out: &mut Vec<Pair<'a>>);

    /// How many pairs [`write_params`](ToParams::write_params) will append (derived impls count
    /// exactly), so that flattening allocates the pair list once.
    fn params_len_hint(&self) -> usize {
        16
    }

    fn to_params(&self) -> Vec<Pair<'_>> {
        let mut out = Vec::with_capacity(self.params_len_hint());
        self.write_params("", &mut out);
        out
    }
}

/// The wire key of a member: the static name at the top level, `prefix.name` below it.
pub fn key(prefix: &str, name: &'static str) -> Cow<'static, str> {
    if prefix.is_empty() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(join(prefix, name))
    }
}

/// The wire key of item `index` (0-based) of a list: `name.{index + 1}`.
pub fn item_key(list_key: &str, index: usize) -> String {
    let mut s = String::with_capacity(list_key.len() + 4);
    s.push_str(list_key);
    s.push('.');
    push_decimal(&mut s, index as u64 + 1);
    s
}

/// Appends `n` in decimal (no formatting machinery: this runs for every list item sent).
pub(crate) fn push_decimal(out: &mut String, mut n: u64) {
    if n < 10 {
        out.push(char::from(b'0' + n as u8));
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// Writes `list_key.{index + 1}` into `buf`, reusing its allocation (nested list items).
pub fn item_key_into(buf: &mut String, list_key: &str, index: usize) {
    buf.clear();
    buf.push_str(list_key);
    buf.push('.');
    push_decimal(buf, index as u64 + 1);
}

/// Parses received pairs back into a value (the inverse of [`ToParams`]); used by the emulator.
pub trait FromParams: Sized {
    /// Reads this value's fields under `prefix` from `params`, removing the keys it consumes so that
    /// the caller can report what is left as unknown.
    fn read_params(params: &mut ParamMap, prefix: &str) -> Result<Self, Vec<Violation>>;

    /// Parses a whole request: every key must be known and well formed.
    fn from_params<'a, I>(pairs: I) -> Result<Self, Vec<Violation>>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut map = ParamMap::from_pairs(pairs);
        let value = Self::read_params(&mut map, "");
        let unknown: Vec<Violation> = map
            .into_keys()
            .map(|param| Violation {
                param,
                rule: RuleKind::Unknown,
                limit: String::new(),
                actual: String::new(),
                error_code: Some("InvalidParameter"),
            })
            .collect();
        match value {
            Ok(v) if unknown.is_empty() => Ok(v),
            Ok(_) => Err(unknown),
            Err(mut errs) => {
                errs.extend(unknown);
                Err(errs)
            }
        }
    }
}

/// Received params by wire name. Later duplicates replace earlier ones.
#[derive(Debug, Default, Clone)]
pub struct ParamMap {
    entries: BTreeMap<String, String>,
}

impl ParamMap {
    pub fn from_pairs<'a, I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        ParamMap {
            entries: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    pub fn take(&mut self, key: &str) -> Option<String> {
        self.entries.remove(key)
    }

    /// The 1-based indexes `N` present under `prefix.N` (either `prefix.N` itself or `prefix.N.*`).
    pub fn indexes(&self, prefix: &str) -> Result<Vec<usize>, Violation> {
        let head = format!("{prefix}.");
        let mut found = std::collections::BTreeSet::new();
        for key in self.entries.keys() {
            let Some(rest) = key.strip_prefix(&head) else {
                continue;
            };
            let index = rest.split('.').next().unwrap_or_default();
            match index.parse::<usize>() {
                Ok(n) if n >= 1 => {
                    found.insert(n);
                }
                _ => {
                    return Err(Violation {
                        param: key.clone(),
                        rule: RuleKind::Malformed,
                        limit: "must be a 1-based index".into(),
                        actual: index.to_owned(),
                        error_code: Some("InvalidParameter"),
                    });
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether any key is `prefix.` followed by something.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        let head = format!("{prefix}.");
        self.entries
            .range(head.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&head))
    }

    pub fn into_keys(self) -> impl Iterator<Item = String> {
        self.entries.into_keys()
    }
}

/// Joins a prefix and a member name with `.`.
pub fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        let mut s = String::with_capacity(prefix.len() + 1 + name.len());
        s.push_str(prefix);
        s.push('.');
        s.push_str(name);
        s
    }
}

/// A scalar that can be sent as a query value and read back.
pub trait WireScalar: Sized {
    fn to_wire(&self) -> Cow<'_, str>;
    fn from_wire(s: &str) -> Option<Self>;
    /// What the wire form must look like, for error messages.
    const EXPECTED: &'static str;
    /// The value as a number, for range checks.
    fn as_i64(&self) -> Option<i64> {
        None
    }
    /// The value as text, for length and character checks.
    fn as_text(&self) -> Option<&str> {
        None
    }
}

impl WireScalar for String {
    fn to_wire(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
    fn from_wire(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
    const EXPECTED: &'static str = "a string";
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}

impl WireScalar for bool {
    fn to_wire(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
    fn from_wire(s: &str) -> Option<Self> {
        // The Python SDKs send `True`/`False`.
        match s {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }
    const EXPECTED: &'static str = "true or false";
}

macro_rules! wire_int {
    ($($t:ty),*) => {$(
        impl WireScalar for $t {
            fn to_wire(&self) -> Cow<'_, str> {
                // Widened so one body serves signed and unsigned types.
                let v = *self as i128;
                let mut s = String::with_capacity(12);
                if v < 0 {
                    s.push('-');
                }
                push_decimal(&mut s, v.unsigned_abs() as u64);
                Cow::Owned(s)
            }
            fn from_wire(s: &str) -> Option<Self> {
                s.parse().ok()
            }
            const EXPECTED: &'static str = "an integer";
            fn as_i64(&self) -> Option<i64> {
                i64::try_from(*self).ok()
            }
        }
    )*};
}
wire_int!(i32, i64, u32, u64);

impl WireScalar for f64 {
    fn to_wire(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
    fn from_wire(s: &str) -> Option<Self> {
        s.parse().ok().filter(|v: &f64| v.is_finite())
    }
    const EXPECTED: &'static str = "a number";
}

impl WireScalar for serde_json::Value {
    fn to_wire(&self) -> Cow<'_, str> {
        match self {
            // A JSON string param is usually sent as its text, not quoted.
            serde_json::Value::String(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.to_string()),
        }
    }
    fn from_wire(s: &str) -> Option<Self> {
        Some(serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.to_owned())))
    }
    const EXPECTED: &'static str = "a JSON document";
}

/// How strictly requests are checked before they are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValidationMode {
    /// Every documented rule.
    #[default]
    Strict,
    /// Only required params, numeric ranges and counts: the live API has widened some other limits.
    Lenient,
    /// No checks before sending; the service decides.
    Off,
}

/// Which rule a value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    Required,
    Length,
    Range,
    Count,
    Charset,
    FirstChar,
    NotPrefix,
    NotContains,
    Enum,
    Exclusive,
    /// Not a value of the param's type (`abc` for an integer).
    Malformed,
    /// A param the operation does not have.
    Unknown,
    /// Set while the param it depends on does not have the value that makes it take effect.
    Condition,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Required => "required",
            RuleKind::Length => "length",
            RuleKind::Range => "range",
            RuleKind::Count => "count",
            RuleKind::Charset => "charset",
            RuleKind::FirstChar => "first_char",
            RuleKind::NotPrefix => "not_prefix",
            RuleKind::NotContains => "not_contains",
            RuleKind::Enum => "enum",
            RuleKind::Exclusive => "exclusive",
            RuleKind::Malformed => "malformed",
            RuleKind::Unknown => "unknown",
            RuleKind::Condition => "condition",
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule, as data: which param (wire name, with indexes: `Tag.3.Key`), which rule, the
/// documented limit and what was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub param: String,
    pub rule: RuleKind,
    /// The documented limit, e.g. `2..=128 characters`, `starts with http://`.
    pub limit: String,
    /// What was given, e.g. `129 characters`, or the offending value for short values.
    pub actual: String,
    /// The error code the service answers for this param, when the spec names one.
    pub error_code: Option<&'static str>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rule {
            RuleKind::Required => write!(f, "{}: required but not set", self.param),
            RuleKind::Unknown => write!(f, "{}: not a parameter of this operation", self.param),
            _ if self.actual.is_empty() => write!(f, "{}: {}", self.param, self.limit),
            _ => write!(f, "{}: {}, got {}", self.param, self.limit, self.actual),
        }
    }
}

/// Everything validation found: errors stop the request, warnings do not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationReport {
    pub errors: Vec<Violation>,
    pub warnings: Vec<Violation>,
}

/// Checks a value against its documented constraints, collecting every violation.
pub trait Validate {
    /// Adds this value's violations to `report`; `prefix` is the wire name of this value.
    fn validate_into(&self, prefix: &str, mode: ValidationMode, report: &mut ValidationReport);

    fn validate(&self, mode: ValidationMode) -> ValidationReport {
        let mut report = ValidationReport::default();
        if mode != ValidationMode::Off {
            self.validate_into("", mode, &mut report);
        }
        report
    }
}

impl ValidationReport {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Records a broken rule found by a [`check`] function, naming the param only when needed.
    // Inlined so the common no-violation case is one test at the call site; recording is cold.
    #[inline(always)]
    pub fn error(
        &mut self,
        found: Option<Violation>,
        param: impl FnOnce() -> String,
        error_code: Option<&'static str>,
    ) {
        if let Some(v) = found {
            self.push_error(v, param(), error_code);
        }
    }

    #[cold]
    fn push_error(&mut self, mut v: Violation, param: String, error_code: Option<&'static str>) {
        v.param = param;
        v.error_code = error_code;
        self.errors.push(v);
    }

    /// Records a rule that does not stop the request (a condition that is not met).
    #[inline]
    pub fn warning(&mut self, found: Option<Violation>, param: impl FnOnce() -> String) {
        if let Some(mut v) = found {
            v.param = param();
            self.warnings.push(v);
        }
    }
}

/// Readers used by derived [`FromParams`] impls. They record what is wrong and carry on, so that
/// one parse reports every problem.
pub mod read {
    use super::{FromParams, ParamMap, RuleKind, Violation, WireScalar, item_key};

    fn malformed<T: WireScalar>(
        param: String,
        value: &str,
        code: Option<&'static str>,
    ) -> Violation {
        Violation {
            param,
            rule: RuleKind::Malformed,
            limit: format!("must be {}", T::EXPECTED),
            actual: format!("{value:?}"),
            error_code: code.or(Some("InvalidParameter")),
        }
    }

    pub fn scalar<T: WireScalar>(
        params: &mut ParamMap,
        key: &str,
        code: Option<&'static str>,
        errors: &mut Vec<Violation>,
    ) -> Option<T> {
        let raw = params.take(key)?;
        let parsed = T::from_wire(&raw);
        if parsed.is_none() {
            errors.push(malformed::<T>(key.to_owned(), &raw, code));
        }
        parsed
    }

    pub fn list<T: WireScalar>(
        params: &mut ParamMap,
        key: &str,
        code: Option<&'static str>,
        errors: &mut Vec<Violation>,
    ) -> Vec<T> {
        let indexes = match params.indexes(key) {
            Ok(i) => i,
            Err(v) => {
                errors.push(v);
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(indexes.len());
        for n in indexes {
            let item = item_key(key, n - 1);
            match params.take(&item) {
                Some(raw) => match T::from_wire(&raw) {
                    Some(v) => out.push(v),
                    None => errors.push(malformed::<T>(item, &raw, code)),
                },
                // Only `key.N.something` was sent: not a scalar list item.
                None => errors.push(Violation {
                    param: item,
                    rule: RuleKind::Malformed,
                    limit: T::EXPECTED.to_owned(),
                    actual: "nested members".into(),
                    error_code: code.or(Some("InvalidParameter")),
                }),
            }
        }
        out
    }

    pub fn nested<T: FromParams>(
        params: &mut ParamMap,
        key: &str,
        errors: &mut Vec<Violation>,
    ) -> Option<T> {
        if !params.has_prefix(key) {
            return None;
        }
        match T::read_params(params, key) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.extend(e);
                None
            }
        }
    }

    pub fn nested_list<T: FromParams>(
        params: &mut ParamMap,
        key: &str,
        errors: &mut Vec<Violation>,
    ) -> Vec<T> {
        let indexes = match params.indexes(key) {
            Ok(i) => i,
            Err(v) => {
                errors.push(v);
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(indexes.len());
        for n in indexes {
            let item = item_key(key, n - 1);
            match T::read_params(params, &item) {
                Ok(v) => out.push(v),
                Err(e) => errors.extend(e),
            }
        }
        out
    }

    pub fn missing(param: String) -> Violation {
        Violation {
            param,
            rule: RuleKind::Required,
            limit: "set".into(),
            actual: String::new(),
            error_code: Some("MissingParameter"),
        }
    }
}

/// Checks used by derived [`Validate`] impls. Each returns the violation it found, if any, with
/// the param left empty for [`ValidationReport::error`] to fill.
pub mod check {
    use super::{RuleKind, Violation};

    fn violation(rule: RuleKind, limit: String, actual: String) -> Violation {
        Violation {
            param: String::new(),
            rule,
            limit,
            actual,
            error_code: None,
        }
    }

    /// Shows short values as they are and long ones by their length, so reports stay readable.
    fn shown(value: &str) -> String {
        let chars = value.chars().count();
        if chars <= 40 {
            format!("{value:?}")
        } else {
            format!("{chars} characters")
        }
    }

    fn bounds<T: std::fmt::Display>(min: Option<T>, max: Option<T>, unit: &str) -> String {
        match (min, max) {
            (Some(a), Some(b)) => format!("{a} to {b}{unit}"),
            (Some(a), None) => format!("at least {a}{unit}"),
            (None, Some(b)) => format!("at most {b}{unit}"),
            (None, None) => String::new(),
        }
    }

    /// Length in characters, not bytes: the service counts characters.
    pub fn length(value: &str, min: Option<u64>, max: Option<u64>) -> Option<Violation> {
        // Byte length bounds the character count from above, so most values skip the count.
        let bytes = value.len() as u64;
        if min.is_none_or(|m| bytes >= m) && max.is_none_or(|m| bytes <= m) && value.is_ascii() {
            return None;
        }
        let n = value.chars().count() as u64;
        let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
        (!ok).then(|| {
            violation(
                RuleKind::Length,
                format!("must be {}", bounds(min, max, " characters")),
                format!("{n} characters"),
            )
        })
    }

    pub fn range(value: Option<i64>, min: Option<i64>, max: Option<i64>) -> Option<Violation> {
        let v = value?;
        let ok = min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m);
        (!ok).then(|| {
            violation(
                RuleKind::Range,
                format!("must be {}", bounds(min, max, "")),
                v.to_string(),
            )
        })
    }

    pub fn count(n: usize, min: Option<u64>, max: Option<u64>) -> Option<Violation> {
        let n64 = n as u64;
        // An empty list is the same as not setting it; `required` covers that case.
        let ok = n == 0 || (min.is_none_or(|m| n64 >= m) && max.is_none_or(|m| n64 <= m));
        (!ok).then(|| {
            violation(
                RuleKind::Count,
                format!("must have {}", bounds(min, max, " items")),
                format!("{n} items"),
            )
        })
    }

    /// `re` matches one allowed character; `class` is how the rule reads in the spec.
    pub fn charset(value: &str, re: &regex::Regex, class: &str) -> Option<Violation> {
        charset_bad(
            value,
            |c| {
                let mut buf = [0u8; 4];
                re.is_match(c.encode_utf8(&mut buf))
            },
            class,
        )
    }

    fn charset_bad(value: &str, ok: impl Fn(char) -> bool, class: &str) -> Option<Violation> {
        let bad: String = value.chars().filter(|&c| !ok(c)).take(5).collect();
        (!bad.is_empty()).then(|| {
            violation(
                RuleKind::Charset,
                format!("may contain only [{class}]"),
                format!("{bad:?}"),
            )
        })
    }

    pub fn first_char(value: &str, re: &regex::Regex, class: &str) -> Option<Violation> {
        let first = value.chars().next()?;
        let mut buf = [0u8; 4];
        first_char_bad(first, re.is_match(first.encode_utf8(&mut buf)), class)
    }

    fn first_char_bad(first: char, ok: bool, class: &str) -> Option<Violation> {
        (!ok).then(|| {
            violation(
                RuleKind::FirstChar,
                format!("must start with [{class}]"),
                format!("{first:?}"),
            )
        })
    }

    /// A character class (`^[class]$` matching one character) with its ASCII answers tabled, so
    /// checking the usual ASCII value is a lookup per byte instead of a regex search per character.
    #[derive(Debug)]
    pub struct CharClass {
        re: regex::Regex,
        ascii: [bool; 128],
    }

    impl CharClass {
        /// `pattern` matches exactly one allowed character, e.g. `^[A-Za-z0-9._:-]$`.
        pub fn new(pattern: &str) -> Result<CharClass, regex::Error> {
            let re = regex::Regex::new(pattern)?;
            let mut ascii = [false; 128];
            for (b, slot) in ascii.iter_mut().enumerate() {
                let c = [b as u8];
                // Every byte below 128 is a one-byte char.
                *slot = std::str::from_utf8(&c).is_ok_and(|s| re.is_match(s));
            }
            Ok(CharClass { re, ascii })
        }

        pub fn matches(&self, c: char) -> bool {
            match self.ascii.get(c as usize) {
                Some(&ok) => ok,
                None => {
                    let mut buf = [0u8; 4];
                    self.re.is_match(c.encode_utf8(&mut buf))
                }
            }
        }
    }

    /// [`charset`] with a tabled class: all-ASCII values are checked byte by byte.
    pub fn charset_in(value: &str, class: &CharClass, spelled: &str) -> Option<Violation> {
        if value
            .bytes()
            .all(|b| class.ascii.get(b as usize) == Some(&true))
        {
            return None;
        }
        charset_bad(value, |c| class.matches(c), spelled)
    }

    /// [`first_char`] with a tabled class.
    pub fn first_char_in(value: &str, class: &CharClass, spelled: &str) -> Option<Violation> {
        let first = value.chars().next()?;
        first_char_bad(first, class.matches(first), spelled)
    }

    /// Case-insensitive, as the service checks `http://` and `aliyun` prefixes.
    pub fn not_prefix(value: &str, prefixes: &[&str]) -> Option<Violation> {
        // On bytes: a head equal to a whole `&str` ends on a char boundary anyway.
        let hit = prefixes.iter().find(|p| {
            value
                .as_bytes()
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
        })?;
        Some(violation(
            RuleKind::NotPrefix,
            format!("must not start with {hit}"),
            shown(value),
        ))
    }

    /// ASCII case-insensitive, without lower-casing copies (runs for every tag of every request).
    pub fn not_contains(value: &str, needles: &[&str]) -> Option<Violation> {
        let hit = needles
            .iter()
            .find(|p| contains_ignore_ascii_case(value.as_bytes(), p.as_bytes()))?;
        Some(violation(
            RuleKind::NotContains,
            format!("must not contain {hit}"),
            shown(value),
        ))
    }

    fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
        let Some((&first, rest)) = needle.split_first() else {
            return true;
        };
        let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
        let Some(last_start) = hay.len().checked_sub(needle.len()) else {
            return false;
        };
        // Scan for the first byte in either case, compare the rest only there.
        hay[..=last_start].iter().enumerate().any(|(i, &b)| {
            (b == lower || b == upper) && hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest)
        })
    }

    pub fn one_of(value: &str, allowed: &[&str]) -> Option<Violation> {
        (!allowed.contains(&value)).then(|| {
            violation(
                RuleKind::Enum,
                format!("must be one of {}", allowed.join(", ")),
                shown(value),
            )
        })
    }

    pub fn required(is_set: bool) -> Option<Violation> {
        (!is_set).then(|| violation(RuleKind::Required, "set".into(), String::new()))
    }

    pub fn exclusive(both_set: bool, other: &str) -> Option<Violation> {
        both_set.then(|| {
            violation(
                RuleKind::Exclusive,
                format!("cannot be set together with {other}"),
                String::new(),
            )
        })
    }

    /// `met` is whether the param this one depends on has the value that makes it take effect.
    pub fn condition(is_set: bool, met: bool, depends_on: &str, value: &str) -> Option<Violation> {
        (is_set && !met).then(|| {
            violation(
                RuleKind::Condition,
                format!("takes effect only when {depends_on} is {value}"),
                String::new(),
            )
        })
    }
}
