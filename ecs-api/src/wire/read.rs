//! Readers used by derived [`FromParams`] impls. They record what is wrong and
//! carry on, so that one parse reports every problem.

use super::check::shown;
use super::{FromParams, ParamMap, RuleKind, Violation, WireScalar, item_key};

fn malformed<T: WireScalar>(param: String, value: &str, code: Option<&'static str>) -> Violation {
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

/// `N` of a `Name.N` list above the documented maximum (`count(max)`): one violation naming the
/// highest index sent.
pub fn max_index(params: &ParamMap, key: &str, max: u64, errors: &mut Vec<Violation>) {
    if let Ok(indexes) = params.indexes(key)
        && let Some(&n) = indexes.last()
        && n as u64 > max
    {
        errors.push(Violation {
            param: item_key(key, n - 1),
            rule: RuleKind::Count,
            limit: format!("N is 1 to {max}"),
            actual: n.to_string(),
            error_code: Some("InvalidParameter"),
        });
    }
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

/// A `json` list: one param holding a JSON array. Not sent means empty.
pub fn json_list<T: WireScalar>(
    params: &mut ParamMap,
    key: &str,
    code: Option<&'static str>,
    errors: &mut Vec<Violation>,
) -> Vec<T> {
    let Some(raw) = params.take(key) else {
        return Vec::new();
    };
    let code = code.or(Some("InvalidParameter"));
    let items = match serde_json::from_str::<serde_json::Value>(&raw) {
        Ok(serde_json::Value::Array(items)) => items,
        _ => {
            errors.push(Violation {
                param: key.to_owned(),
                rule: RuleKind::Malformed,
                limit: format!("must be a JSON array, each item {}", T::EXPECTED),
                actual: shown(&raw),
                error_code: code,
            });
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match T::from_json(item) {
            Some(v) => out.push(v),
            None => errors.push(Violation {
                param: key.to_owned(),
                rule: RuleKind::Malformed,
                limit: format!("each item must be {}", T::EXPECTED),
                actual: format!("item {}: {}", i + 1, shown(&item.to_string())),
                error_code: code,
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
