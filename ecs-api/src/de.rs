//! Lenient deserializers for response fields: the docs and the service disagree on whether numbers
//! and booleans are sent as JSON numbers/booleans or as strings, so generated outputs accept both.

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

/// Reads any JSON value (absent or `null` is `None`) and converts it with `convert`, which says what
/// it expected when the value does not fit.
fn lenient<'de, D, T>(
    d: D,
    convert: impl FnOnce(&Value) -> Option<Option<T>>,
    expected: &str,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
{
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            convert(&v).ok_or_else(|| de::Error::custom(format!("expected {expected}, got {v}")))
        }
    }
}

/// A string field that may arrive as a string, a number or a boolean.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    lenient(
        d,
        |v| match v {
            Value::String(s) => Some(Some(s.clone())),
            Value::Number(n) => Some(Some(n.to_string())),
            Value::Bool(b) => Some(Some(b.to_string())),
            _ => None,
        },
        "a string, number or boolean",
    )
}

/// An integer field that may arrive as a number or a numeric string (`"TotalCount": "1"`).
pub fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    lenient(
        d,
        |v| match v {
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
        },
        "an integer or a string holding one",
    )
}

/// A floating-point field that may arrive as a number or a numeric string.
pub fn float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    lenient(
        d,
        |v| match v {
            Value::Number(n) => n.as_f64().map(Some),
            Value::String(s) if s.trim().is_empty() => Some(None),
            Value::String(s) => s.trim().parse().ok().map(Some),
            _ => None,
        },
        "a number or a string holding one",
    )
}

/// A boolean field that may arrive as `true`, `"true"`, `"True"`, `1` or `"1"`.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    lenient(
        d,
        |v| match v {
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
        },
        "a boolean or a string holding one",
    )
}

/// A list that may arrive as a JSON array, as the XML-derived wrapper object
/// `{"Item": [..]}`, as a wrapper holding a single object, or not at all.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Option::<Value>::deserialize(d)?;
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let items = match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        Value::Object(map) if map.len() == 1 => match map.into_iter().next().map(|(_, v)| v) {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(single) => vec![single],
        },
        other => vec![other],
    };
    items
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(de::Error::custom))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Default, Debug)]
    #[serde(default)]
    struct Sample {
        #[serde(rename = "Count", deserialize_with = "super::integer")]
        count: Option<i64>,
        #[serde(rename = "Flag", deserialize_with = "super::boolean")]
        flag: Option<bool>,
        #[serde(rename = "Id", deserialize_with = "super::string")]
        id: Option<String>,
        #[serde(rename = "Items", deserialize_with = "super::list")]
        items: Vec<String>,
    }

    #[test]
    fn accepts_numbers_and_booleans_as_strings() {
        let s: Sample = serde_json::from_str(
            r#"{"Count":"7","Flag":"True","Id":12,"Items":{"Item":["a","b"]}}"#,
        )
        .unwrap();
        assert_eq!(s.count, Some(7));
        assert_eq!(s.flag, Some(true));
        assert_eq!(s.id.as_deref(), Some("12"));
        assert_eq!(s.items, ["a", "b"]);
        let s: Sample = serde_json::from_str(r#"{"Count":7,"Flag":false,"Items":["c"]}"#).unwrap();
        assert_eq!((s.count, s.flag, s.items.len()), (Some(7), Some(false), 1));
    }

    #[test]
    fn rejects_garbage_numbers_and_ignores_missing_fields() {
        assert!(serde_json::from_str::<Sample>(r#"{"Count":"seven"}"#).is_err());
        let s: Sample = serde_json::from_str(r#"{"Other":1}"#).unwrap();
        assert_eq!(s.count, None);
        assert!(s.items.is_empty());
    }
}
