//! Lenient deserializers for response fields: the docs and the service disagree on whether numbers
//! and booleans are sent as JSON numbers/booleans or as strings, so generated outputs accept both.

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

// Each conversion says `None` when the value does not fit, `Some(None)` for an empty value.
fn to_string(v: &Value) -> Option<Option<String>> {
    match v {
        Value::String(s) => Some(Some(s.clone())),
        Value::Number(n) => Some(Some(n.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        _ => None,
    }
}

fn to_integer(v: &Value) -> Option<Option<i64>> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .map(Some),
        Value::String(s) if s.trim().is_empty() => Some(None),
        Value::String(s) => s.trim().parse().ok().map(Some),
        _ => None,
    }
}

fn to_float(v: &Value) -> Option<Option<f64>> {
    match v {
        Value::Number(n) => n.as_f64().map(Some),
        Value::String(s) if s.trim().is_empty() => Some(None),
        Value::String(s) => s.trim().parse().ok().map(Some),
        _ => None,
    }
}

fn to_boolean(v: &Value) -> Option<Option<bool>> {
    match v {
        Value::Bool(b) => Some(Some(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(Some(false)),
            Some(1) => Some(Some(true)),
            _ => None,
        },
        Value::String(s) => match s.trim() {
            "true" | "True" | "TRUE" | "1" => Some(Some(true)),
            "false" | "False" | "FALSE" | "0" => Some(Some(false)),
            "" => Some(None),
            _ => None,
        },
        _ => None,
    }
}

/// The items of a response list in any of the shapes the service uses: a JSON array, the
/// XML-derived wrapper object `{"Item": [..]}`, a wrapper holding a single object, or nothing.
fn items_of(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        Value::Object(map) if map.len() == 1 => match map.into_iter().next().map(|(_, v)| v) {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(single) => vec![single],
        },
        other => vec![other],
    }
}

/// A response object decoded field by field: how generated outputs deserialize. Each field is one
/// call (`fields.integer("TotalCount")?`) accepting numbers and booleans sent as strings, so the
/// generated code stays small however many response types the API has.
pub struct Fields(serde_json::Map<String, Value>);

/// A response field that does not fit its type, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError(String);

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FieldError {}

/// A type decoded from a response object by [`Fields`].
pub trait FromFields: Sized {
    fn from_fields(fields: &mut Fields) -> Result<Self, FieldError>;
}

/// `Deserialize` for a [`FromFields`] type: absent or `null` is the empty object (every field
/// defaulted), anything else but an object is an error.
pub fn deserialize_fields<'de, D: Deserializer<'de>, T: FromFields>(d: D) -> Result<T, D::Error> {
    let value = Option::<Value>::deserialize(d)?.unwrap_or(Value::Null);
    from_value(value).map_err(de::Error::custom)
}

/// Decodes a [`FromFields`] type from a JSON value (the non-generic part is shared).
pub fn from_value<T: FromFields>(value: Value) -> Result<T, FieldError> {
    T::from_fields(&mut Fields(object(value)?))
}

fn object(value: Value) -> Result<serde_json::Map<String, Value>, FieldError> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(serde_json::Map::new()),
        other => Err(FieldError(format!(
            "expected an object, got {}",
            kind(&other)
        ))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An item of a response list: a scalar (as leniently as a field) or a structure.
pub trait FromItem: Sized {
    fn from_item(v: Value) -> Result<Self, FieldError>;
}

impl<T: FromFields> FromItem for T {
    fn from_item(v: Value) -> Result<Self, FieldError> {
        from_value(v)
    }
}

macro_rules! scalar_item {
    ($($t:ty => $convert:ident, $expected:literal;)*) => {$(
        impl FromItem for $t {
            fn from_item(v: Value) -> Result<Self, FieldError> {
                match $convert(&v) {
                    Some(Some(x)) => Ok(x),
                    _ => Err(FieldError(format!(concat!("expected ", $expected, ", got {}"), kind(&v)))),
                }
            }
        }
    )*};
}
scalar_item! {
    String => to_string, "a string";
    i64 => to_integer, "an integer";
    f64 => to_float, "a number";
    bool => to_boolean, "a boolean";
}

impl FromItem for Value {
    fn from_item(v: Value) -> Result<Self, FieldError> {
        Ok(v)
    }
}

impl Fields {
    fn scalar<T>(
        &mut self,
        key: &str,
        convert: fn(&Value) -> Option<Option<T>>,
        expected: &str,
    ) -> Result<Option<T>, FieldError> {
        match self.0.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => convert(&v)
                .ok_or_else(|| FieldError(format!("{key}: expected {expected}, got {}", kind(&v)))),
        }
    }
    pub fn string(&mut self, key: &str) -> Result<Option<String>, FieldError> {
        self.scalar(key, to_string, "a string, number or boolean")
    }
    pub fn integer(&mut self, key: &str) -> Result<Option<i64>, FieldError> {
        self.scalar(key, to_integer, "an integer or a string holding one")
    }
    pub fn float(&mut self, key: &str) -> Result<Option<f64>, FieldError> {
        self.scalar(key, to_float, "a number or a string holding one")
    }
    pub fn boolean(&mut self, key: &str) -> Result<Option<bool>, FieldError> {
        self.scalar(key, to_boolean, "a boolean or a string holding one")
    }
    /// Any JSON value, kept as is (`null` is `None`).
    pub fn json(&mut self, key: &str) -> Result<Option<Value>, FieldError> {
        Ok(self.0.remove(key).filter(|v| !v.is_null()))
    }
    /// A nested object.
    pub fn nested<T: FromFields>(&mut self, key: &str) -> Result<Option<T>, FieldError> {
        match self.0.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => from_value(v)
                .map(Some)
                .map_err(|e| FieldError(format!("{key}.{}", e.0))),
        }
    }
    /// A list in any shape the service sends (array, XML-derived wrapper object, single item).
    pub fn list<T: FromItem>(&mut self, key: &str) -> Result<Vec<T>, FieldError> {
        let items = items_of(self.0.remove(key).unwrap_or(Value::Null));
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            out.push(T::from_item(item).map_err(|e| FieldError(format!("{key}[{i}]: {}", e.0)))?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::{FieldError, Fields, FromFields};

    #[derive(Default, Debug)]
    struct Sample {
        count: Option<i64>,
        flag: Option<bool>,
        id: Option<String>,
        items: Vec<String>,
    }

    impl FromFields for Sample {
        fn from_fields(fields: &mut Fields) -> Result<Self, FieldError> {
            Ok(Sample {
                count: fields.integer("Count")?,
                flag: fields.boolean("Flag")?,
                id: fields.string("Id")?,
                items: fields.list("Items")?,
            })
        }
    }

    fn decode(json: &str) -> Result<Sample, FieldError> {
        super::from_value(serde_json::from_str(json).unwrap())
    }

    #[test]
    fn accepts_numbers_and_booleans_as_strings() {
        let s =
            decode(r#"{"Count":"7","Flag":"True","Id":12,"Items":{"Item":["a","b"]}}"#).unwrap();
        assert_eq!(s.count, Some(7));
        assert_eq!(s.flag, Some(true));
        assert_eq!(s.id.as_deref(), Some("12"));
        assert_eq!(s.items, ["a", "b"]);
        let s = decode(r#"{"Count":7,"Flag":false,"Items":["c"]}"#).unwrap();
        assert_eq!((s.count, s.flag, s.items.len()), (Some(7), Some(false), 1));
    }

    #[test]
    fn rejects_garbage_numbers_and_ignores_missing_fields() {
        assert!(decode(r#"{"Count":"seven"}"#).is_err());
        let s = decode(r#"{"Other":1}"#).unwrap();
        assert_eq!(s.count, None);
        assert!(s.items.is_empty());
    }
}
