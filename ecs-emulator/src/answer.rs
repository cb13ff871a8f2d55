//! Success bodies: a generated output serialised into the shape the service sends (lists inside
//! their XML-derived wrapper, `{"Instances":{"Instance":[…]}}`, as the spec records them), and
//! rendered as JSON or XML.
//!
//! The facts the generated code does not carry (the wrapper names of response lists, request
//! defaults such as the default page size) are read from the operation's spec, the reviewed file
//! the code is generated from, never typed here.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::protocol::{Format, xml_escape};

/// One operation's spec (`spec/ecs/<Action>.json`), parsed once.
pub(crate) struct Spec(Option<Value>);

/// `Spec` of an action, compiled in: `spec!("DescribeInstances")`.
macro_rules! spec {
    ($action:literal) => {{
        static SPEC: std::sync::LazyLock<$crate::answer::Spec> = std::sync::LazyLock::new(|| {
            $crate::answer::Spec::parse(include_str!(concat!("../../spec/ecs/", $action, ".json")))
        });
        &*SPEC
    }};
}
pub(crate) use spec;

impl Spec {
    pub(crate) fn parse(text: &str) -> Spec {
        Spec(serde_json::from_str(text).ok())
    }

    fn operation(&self) -> Option<&Value> {
        self.0.as_ref().and_then(|s| s.get("operation"))
    }

    fn param(&self, wire: &str) -> Option<&Value> {
        self.operation()?
            .get("request")?
            .as_array()?
            .iter()
            .find(|p| p.get("wire_name").and_then(Value::as_str) == Some(wire))
    }

    /// Whether the page documents this request param.
    pub(crate) fn has_param(&self, wire: &str) -> bool {
        self.param(wire).is_some()
    }

    /// The page's default of a request param, as text (`PageSize` → `10`, `Status` → `All`).
    pub(crate) fn default_of(&self, wire: &str) -> Option<&str> {
        self.param(wire)?.pointer("/default/value")?.as_str()
    }

    /// The page's notes (its Description's sentences the spec keeps as rules).
    pub(crate) fn rule_texts(&self) -> impl Iterator<Item = &str> {
        self.operation()
            .and_then(|o| o.get("rules"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.get("text").and_then(Value::as_str))
    }

    /// The page's default of an integer param.
    pub(crate) fn default_int(&self, wire: &str) -> Option<i64> {
        self.default_of(wire)?.parse().ok()
    }

    /// A generated output as the service sends it: absent fields left out, lists wrapped.
    pub(crate) fn body<T: Serialize>(&self, output: &T) -> Value {
        let value = serde_json::to_value(output).unwrap_or(Value::Null);
        let fields = self
            .operation()
            .and_then(|o| o.get("response"))
            .and_then(Value::as_array);
        match fields {
            Some(fields) => shape_struct(value, fields),
            None => strip_nulls(value),
        }
    }
}

/// Applies a spec shape (`{"kind": "struct" | "array" | "scalar", …}`) to a serialised value.
fn shape(value: Value, shape: &Value) -> Value {
    match (shape.get("kind").and_then(Value::as_str), value) {
        (Some("struct"), value @ Value::Object(_)) => {
            match shape.get("fields").and_then(Value::as_array) {
                Some(fields) => shape_struct(value, fields),
                None => strip_nulls(value),
            }
        }
        (Some("array"), Value::Array(items)) => {
            let item_shape = shape.get("item").unwrap_or(&Value::Null);
            let items: Vec<Value> = items
                .into_iter()
                .map(|i| self::shape(i, item_shape))
                .collect();
            match shape.get("wrapper").and_then(Value::as_str) {
                Some(w) => Value::Object(Map::from_iter([(w.to_owned(), Value::Array(items))])),
                None => Value::Array(items),
            }
        }
        (_, value) => strip_nulls(value),
    }
}

/// An object whose fields the spec lists (`[{"name": …, "shape": …}]`).
fn shape_struct(value: Value, fields: &[Value]) -> Value {
    let Value::Object(map) = value else {
        return strip_nulls(value);
    };
    let mut out = Map::new();
    for (k, v) in map {
        if v.is_null() {
            continue;
        }
        let field = fields
            .iter()
            .find(|f| f.get("name").and_then(Value::as_str) == Some(k.as_str()));
        let v = match field.and_then(|f| f.get("shape")) {
            Some(s) => shape(v, s),
            None => strip_nulls(v),
        };
        out.insert(k, v);
    }
    Value::Object(out)
}

fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// Renders a success body as JSON, or as `<root>…</root>` XML (a list is its element repeated,
/// as the service writes it).
pub(crate) fn render(format: Format, root: &str, body: &Value) -> (String, &'static str) {
    match format {
        Format::Json => (body.to_string(), "application/json;charset=utf-8"),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            element(&mut out, root, body);
            (out, "text/xml;charset=utf-8")
        }
    }
}

fn element(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Array(items) => {
            for item in items {
                element(out, name, item);
            }
        }
        Value::Null => {}
        _ => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        element(out, k, v);
                    }
                }
                Value::String(s) => out.push_str(&xml_escape(s)),
                other => out.push_str(&other.to_string()),
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_wrapped_as_the_spec_says_and_nulls_dropped() {
        let spec = spec!("DescribeInstances");
        assert_eq!(spec.default_int("PageSize"), Some(10));
        let body = spec.body(&serde_json::json!({
            "RequestId": "r",
            "NextToken": null,
            "Instances": [{"InstanceId": "i-1", "Tags": [{"TagKey": "k", "TagValue": "v"}]}],
        }));
        assert_eq!(
            body,
            serde_json::json!({
                "RequestId": "r",
                "Instances": {"Instance": [{"InstanceId": "i-1", "Tags": {"Tag": [{"TagKey": "k", "TagValue": "v"}]}}]},
            })
        );
        let (xml, _) = render(Format::Xml, "DescribeInstancesResponse", &body);
        assert!(
            xml.ends_with("<DescribeInstancesResponse><RequestId>r</RequestId><Instances><Instance><InstanceId>i-1</InstanceId><Tags><Tag><TagKey>k</TagKey><TagValue>v</TagValue></Tag></Tags></Instance></Instances></DescribeInstancesResponse>"),
            "{xml}"
        );
    }
}
