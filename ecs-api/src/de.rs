//! Lenient deserializers for response fields: the docs and the service disagree on whether numbers
//! and booleans are sent as JSON numbers/booleans or as strings, so generated outputs accept both.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A string field that may arrive as a string, a number or a boolean.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, number or boolean")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// An integer field that may arrive as a number or a numeric string (`"TotalCount": "1"`).
pub fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a string holding one")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v).map(Some).map_err(E::custom)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && v.abs() < 9.0e15 {
                Ok(Some(v as i64))
            } else {
                Err(E::custom(format!("{v} is not an integer")))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse()
                .map(Some)
                .map_err(|_| E::custom(format!("{v:?} is not an integer")))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// A floating-point field that may arrive as a number or a numeric string.
pub fn float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or a string holding one")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse()
                .map(Some)
                .map_err(|_| E::custom(format!("{v:?} is not a number")))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// A boolean field that may arrive as `true`, `"true"`, `"True"`, `1` or `"1"`.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean or a string holding one")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match v {
                0 => Ok(Some(false)),
                1 => Ok(Some(true)),
                _ => Err(E::custom(format!("{v} is not a boolean"))),
            }
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim() {
                "true" | "True" | "TRUE" | "1" => Ok(Some(true)),
                "false" | "False" | "FALSE" | "0" => Ok(Some(false)),
                "" => Ok(None),
                _ => Err(E::custom(format!("{v:?} is not a boolean"))),
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// A list that may arrive as a JSON array, as the XML-derived wrapper object
/// `{"Item": [..]}`, as a wrapper holding a single object, or not at all.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Option::<serde_json::Value>::deserialize_opt(d)?;
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::Object(map) if map.len() == 1 => {
            match map.into_iter().next().map(|(_, v)| v) {
                Some(serde_json::Value::Array(items)) => items,
                Some(serde_json::Value::Null) | None => Vec::new(),
                Some(single) => vec![single],
            }
        }
        other => vec![other],
    };
    items
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(de::Error::custom))
        .collect()
}

trait DeserializeOpt<'de>: Sized {
    fn deserialize_opt<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

impl<'de> DeserializeOpt<'de> for Option<serde_json::Value> {
    fn deserialize_opt<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Option<serde_json::Value> as serde::Deserialize>::deserialize(d)
    }
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
