//! Request params on the wire: flattening to `(name, value)` pairs, parsing them back, and validation
//! against the documented constraints. The derives in `ecs-api-derive` implement these traits.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// One query pair, as [`ToParams::to_params`] returns it.
pub type Pair<'a> = (Cow<'static, str>, Cow<'a, str>);

/// Flattens a value to RPC query params (`ExcludeDiskId.1=d-1`, `Tag.1.Key=k`).
pub trait ToParams {
    /// Writes this value's params into `sink`, under the key prefix the sink holds (empty at the
    /// top level).
    fn write_params(&self, sink: &mut ParamSink);

    /// How many params [`write_params`](ToParams::write_params) will write (derived impls count
    /// exactly), so that the sink is sized once.
    fn params_len_hint(&self) -> usize {
        16
    }

    /// The params as owned pairs in write order, unencoded: for tests and tools (the client writes
    /// into an encoding [`ParamSink`] instead).
    fn to_params(&self) -> Vec<Pair<'static>> {
        let mut sink = ParamSink::raw();
        self.write_params(&mut sink);
        sink.into_pairs()
    }
}

pub use sink::ParamSink;
pub(crate) use sink::SortedParams;

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

/// Writes `list_key.{index + 1}` into `buf`, reusing its allocation (validators name list items).
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

/// The values of a member of a nested value, whatever its cardinality (`T`, `Option<T>`,
/// `Vec<T>`): how a field checks the rules its operation's page states about the members of a
/// shared type (`#[ecs(member(key, wire = "Key", length(max = 128)))]`).
pub trait MemberValues {
    type Item;
    fn member_values(&self) -> std::slice::Iter<'_, Self::Item>;
    fn member_count(&self) -> usize {
        self.member_values().len()
    }
}

impl<T> MemberValues for Option<T> {
    type Item = T;
    fn member_values(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }
}

impl<T> MemberValues for Vec<T> {
    type Item = T;
    fn member_values(&self) -> std::slice::Iter<'_, T> {
        self.iter()
    }
}

macro_rules! plain_member_values {
    ($($t:ty),*) => {$(
        impl MemberValues for $t {
            type Item = $t;
            fn member_values(&self) -> std::slice::Iter<'_, $t> {
                std::slice::from_ref(self).iter()
            }
        }
    )*};
}
plain_member_values!(String, bool, i32, i64, u32, u64, f64, serde_json::Value);

/// A scalar that can be sent as a query value and read back.
pub trait WireScalar: Sized {
    fn to_wire(&self) -> Cow<'_, str>;
    /// Writes the wire form into the value `sink` is writing; numbers override it to skip the
    /// `String` that [`to_wire`](WireScalar::to_wire) allocates.
    fn write_wire(&self, sink: &mut ParamSink) {
        sink.text(&self.to_wire());
    }
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
    /// The value as an item of a JSON-array param (`json` fields); a JSON string by default.
    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::String(self.to_wire().into_owned())
    }
    /// Reads an item of a JSON-array param. By default as leniently as [`from_wire`]: a JSON
    /// string, number or bool whose text the type accepts (`"5"` and `5` for an integer).
    ///
    /// [`from_wire`]: WireScalar::from_wire
    fn from_json(value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::String(s) => Self::from_wire(s),
            serde_json::Value::Number(n) => Self::from_wire(&n.to_string()),
            serde_json::Value::Bool(b) => Self::from_wire(if *b { "true" } else { "false" }),
            _ => None,
        }
    }
}

/// The compact JSON array a `json` list field is sent as (`["i-1","i-2"]`).
pub fn json_array<T: WireScalar>(items: &[T]) -> String {
    serde_json::Value::Array(items.iter().map(WireScalar::to_json).collect()).to_string()
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
    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::String(self.clone())
    }
    // Only JSON strings: a number where an id is expected is a mistake worth reporting.
    fn from_json(value: &serde_json::Value) -> Option<Self> {
        value.as_str().map(str::to_owned)
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
    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Bool(*self)
    }
}

macro_rules! wire_int {
    ($($t:ty),*) => {$(
        impl WireScalar for $t {
            fn to_wire(&self) -> Cow<'_, str> {
                Cow::Owned(self.write_wire_to(&mut [0; 20]).to_owned())
            }
            fn write_wire(&self, sink: &mut ParamSink) {
                sink.text(self.write_wire_to(&mut [0; 20]));
            }
            fn from_wire(s: &str) -> Option<Self> {
                s.parse().ok()
            }
            const EXPECTED: &'static str = "an integer";
            fn as_i64(&self) -> Option<i64> {
                i64::try_from(*self).ok()
            }
            fn to_json(&self) -> serde_json::Value {
                serde_json::Value::from(*self)
            }
        }
    )*};
}
wire_int!(i32, i64, u32, u64);

/// Integers in decimal on the stack (no formatting machinery: this runs for every number sent).
trait Decimal {
    fn write_wire_to<'b>(&self, buf: &'b mut [u8; 20]) -> &'b str;
}

macro_rules! decimal {
    ($($t:ty),*) => {$(
        impl Decimal for $t {
            fn write_wire_to<'b>(&self, buf: &'b mut [u8; 20]) -> &'b str {
                // Widened so one body serves signed and unsigned types; 20 bytes fit `-i64::MIN`
                // and `u64::MAX`.
                let v = *self as i128;
                let mut n = v.unsigned_abs();
                let mut i = buf.len();
                loop {
                    i -= 1;
                    buf[i] = b'0' + (n % 10) as u8;
                    n /= 10;
                    if n == 0 {
                        break;
                    }
                }
                if v < 0 {
                    i -= 1;
                    buf[i] = b'-';
                }
                // Only ASCII digits and `-` were written.
                std::str::from_utf8(&buf[i..]).unwrap_or_default()
            }
        }
    )*};
}
decimal!(i32, i64, u32, u64);

impl WireScalar for f64 {
    fn to_wire(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
    fn from_wire(s: &str) -> Option<Self> {
        s.parse().ok().filter(|v: &f64| v.is_finite())
    }
    const EXPECTED: &'static str = "a number";
    fn to_json(&self) -> serde_json::Value {
        // JSON has no NaN or infinity; validation of such a value is the service's call.
        serde_json::Number::from_f64(*self)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
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
    fn to_json(&self) -> serde_json::Value {
        self.clone()
    }
    fn from_json(value: &serde_json::Value) -> Option<Self> {
        Some(value.clone())
    }
}

/// How strictly requests are checked before they are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValidationMode {
    /// Every documented rule. Rules the page states under a condition the client cannot
    /// evaluate are reported as warnings ([`ValidationReport::warnings`]), never errors.
    #[default]
    Strict,
    /// Only the rules the live API has not been seen to widen: required params, exclusive pairs,
    /// numeric ranges and counts ([`RuleKind::is_lenient`]). Severity does not change which rules
    /// run: a warning rule of a lenient kind still warns, others are not checked.
    Lenient,
    /// No checks before sending; the service decides.
    Off,
}

/// Which rule a value broke: the kinds of the rule model the generator and the derive share.
pub use ecs_rules::RuleKind;

/// One broken rule, as data: which param (wire name, with indexes: `Tag.3.Key`), which rule, the
/// documented limit and what was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub param: String,
    pub rule: RuleKind,
    /// The broken rule in its one wording (the one rustdoc shows), e.g. `length 2 to 128
    /// characters`, `must not start with http://`.
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

/// What a violation shows instead of the value of a `sensitive` param (password, key, token).
pub const REDACTED: &str = "(redacted)";

/// Replaces what was given (`actual`) with [`REDACTED`], keeping the param, rule and limit so the
/// report still says what is wrong. An empty `actual` stays empty (nothing was shown).
pub fn redact_actual(violations: &mut [Violation]) {
    for v in violations.iter_mut().filter(|v| !v.actual.is_empty()) {
        v.actual = REDACTED.to_owned();
    }
}

impl ValidationReport {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// [`redact_actual`] on the errors and warnings recorded after the first `errors` and
    /// `warnings` (counts taken before checking a `sensitive` field).
    pub fn redact_since(&mut self, errors: usize, warnings: usize) {
        if let Some(tail) = self.errors.get_mut(errors..) {
            redact_actual(tail);
        }
        if let Some(tail) = self.warnings.get_mut(warnings..) {
            redact_actual(tail);
        }
    }

    /// Records a broken rule found by a [`check`] function, naming the param only when needed.
    // One copy for every call site (the param name comes through `dyn`): generated validators
    // call this thousands of times, and a generic per closure multiplied the crate's code.
    pub fn error(
        &mut self,
        found: Option<Violation>,
        param: &dyn Fn() -> String,
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

    /// Records a broken rule the page states under a condition (`when`, as written): a warning
    /// when `warn` (the client cannot evaluate the condition), else an error. The limit names the
    /// condition (`must not start with / (when: For Windows instances)`).
    pub fn guarded(
        &mut self,
        found: Option<Violation>,
        param: &dyn Fn() -> String,
        error_code: Option<&'static str>,
        when: &str,
        warn: bool,
    ) {
        if let Some(v) = found {
            self.push_guarded(v, param(), error_code, when, warn);
        }
    }

    #[cold]
    fn push_guarded(
        &mut self,
        mut v: Violation,
        param: String,
        error_code: Option<&'static str>,
        when: &str,
        warn: bool,
    ) {
        v.limit = ecs_rules::with_condition(&v.limit, when);
        v.param = param;
        v.error_code = error_code;
        if warn {
            self.warnings.push(v);
        } else {
            self.errors.push(v);
        }
    }

    /// Records a rule that does not stop the request (a condition that is not met).
    #[inline]
    pub fn warning(&mut self, found: Option<Violation>, param: &dyn Fn() -> String) {
        if let Some(mut v) = found {
            v.param = param();
            self.warnings.push(v);
        }
    }
}

pub mod check;
pub mod read;
mod sink;
