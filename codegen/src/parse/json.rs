//! The JSON response sample as a key tree, read leniently: several docs have broken samples
//! (`"KeyPair":{ { ... } ]`) or an `HTTP/1.1 200 OK` header prefix.

use crate::spec::ScalarType;

#[derive(Debug, Clone, PartialEq)]
pub enum JsonNode {
    Object(Vec<(String, JsonNode)>),
    Array(Vec<JsonNode>),
    Scalar(Option<ScalarType>),
}

impl JsonNode {
    /// The value of a key (a dotted key `A.B` walks into `A`).
    pub fn get(&self, key: &str) -> Option<&JsonNode> {
        if let JsonNode::Object(entries) = self {
            if let Some((_, v)) = entries.iter().find(|(k, _)| k == key) {
                return Some(v);
            }
            let (head, tail) = key.split_once('.')?;
            return self.get(head)?.get(tail);
        }
        None
    }

    /// For an array, one node with the union of its items' keys; other nodes as they are.
    pub fn item(&self) -> Option<JsonNode> {
        match self {
            JsonNode::Array(items) => items.iter().cloned().reduce(merge),
            _ => None,
        }
    }

    /// `{"Wrapper": [...]}` → `("Wrapper", array)`.
    pub fn single_array_entry(&self) -> Option<(&str, &JsonNode)> {
        match self {
            JsonNode::Object(entries) if entries.len() == 1 => {
                let (k, v) = &entries[0];
                matches!(v, JsonNode::Array(_)).then_some((k.as_str(), v))
            }
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, JsonNode::Object(_))
    }
}

fn merge(a: JsonNode, b: JsonNode) -> JsonNode {
    match (a, b) {
        (JsonNode::Object(mut left), JsonNode::Object(right)) => {
            for (k, v) in right {
                match left.iter().position(|(lk, _)| *lk == k) {
                    Some(i) => {
                        let old = std::mem::replace(&mut left[i].1, JsonNode::Scalar(None));
                        left[i].1 = merge(old, v);
                    }
                    None => left.push((k, v)),
                }
            }
            JsonNode::Object(left)
        }
        (JsonNode::Array(mut left), JsonNode::Array(right)) => {
            left.extend(right);
            JsonNode::Array(left)
        }
        (a @ (JsonNode::Object(_) | JsonNode::Array(_)), _) => a,
        (_, b) => b,
    }
}

/// Reads a sample body. Returns the tree and whether it was valid JSON.
pub fn read_sample(body: &str) -> Option<(JsonNode, bool)> {
    let body = strip_http_prefix(body);
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(body) {
        return Some((from_value(&value), true));
    }
    lenient(body).map(|node| (node, false))
}

fn strip_http_prefix(body: &str) -> &str {
    let trimmed = body.trim_start();
    if !trimmed.starts_with("HTTP/") {
        return body;
    }
    match trimmed.find(['{', '[']) {
        Some(at) => &trimmed[at..],
        None => "",
    }
}

fn from_value(value: &serde_json::Value) -> JsonNode {
    use serde_json::Value;
    match value {
        Value::Object(map) => JsonNode::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), from_value(v)))
                .collect(),
        ),
        Value::Array(items) => JsonNode::Array(items.iter().map(from_value).collect()),
        Value::String(_) => JsonNode::Scalar(Some(ScalarType::String)),
        Value::Bool(_) => JsonNode::Scalar(Some(ScalarType::Boolean)),
        Value::Number(n) if n.is_f64() => JsonNode::Scalar(Some(ScalarType::Float)),
        Value::Number(_) => JsonNode::Scalar(Some(ScalarType::Integer)),
        Value::Null => JsonNode::Scalar(None),
    }
}

#[derive(Default)]
struct Frame {
    is_array: bool,
    entries: Vec<(String, JsonNode)>,
    items: Vec<JsonNode>,
    key: Option<String>,
}

impl Frame {
    fn add(&mut self, node: JsonNode) {
        if self.is_array {
            self.items.push(node);
        } else if let Some(key) = self.key.take() {
            self.entries.push((key, node));
        } else {
            // A value with no key inside an object: keep it as an item (`{ { ... } ]`).
            self.items.push(node);
        }
    }

    fn finish(self) -> JsonNode {
        if self.is_array || (self.entries.is_empty() && !self.items.is_empty()) {
            JsonNode::Array(self.items)
        } else {
            JsonNode::Object(self.entries)
        }
    }
}

/// Bracket-matching reader that tolerates mismatched closers and missing commas.
fn lenient(body: &str) -> Option<JsonNode> {
    let chars: Vec<char> = body.chars().collect();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<JsonNode> = None;
    let mut i = 0;
    let close = |stack: &mut Vec<Frame>, root: &mut Option<JsonNode>| {
        if let Some(frame) = stack.pop() {
            let node = frame.finish();
            match stack.last_mut() {
                Some(parent) => parent.add(node),
                None => {
                    root.get_or_insert(node);
                }
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' | '[' => stack.push(Frame {
                is_array: c == '[',
                ..Frame::default()
            }),
            '}' | ']' => close(&mut stack, &mut root),
            '"' => {
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if let Some(&ch) = chars.get(i) {
                        text.push(ch);
                    }
                    i += 1;
                }
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                let is_key = chars.get(j) == Some(&':');
                if let Some(top) = stack.last_mut() {
                    if is_key && !top.is_array {
                        top.key = Some(text);
                    } else {
                        top.add(JsonNode::Scalar(Some(ScalarType::String)));
                    }
                }
            }
            c if c.is_ascii_alphanumeric() || c == '-' => {
                let start = i;
                while i + 1 < chars.len()
                    && (chars[i + 1].is_ascii_alphanumeric() || ".-+".contains(chars[i + 1]))
                {
                    i += 1;
                }
                let word: String = chars[start..=i].iter().collect();
                let ty = match word.as_str() {
                    "true" | "false" => Some(ScalarType::Boolean),
                    "null" => None,
                    w if w.contains('.') => Some(ScalarType::Float),
                    _ => Some(ScalarType::Integer),
                };
                if let Some(top) = stack.last_mut() {
                    top.add(JsonNode::Scalar(ty));
                }
            }
            _ => {}
        }
        i += 1;
    }
    while !stack.is_empty() {
        close(&mut stack, &mut root);
    }
    root.filter(JsonNode::is_object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_prefixed() {
        let (node, valid) =
            read_sample("HTTP/1.1 200 OK\nContent-Type:application/json\n\n{\"A\": {\"B\": [1]}}")
                .unwrap();
        assert!(valid);
        assert_eq!(
            node.get("A")
                .and_then(|a| a.single_array_entry())
                .map(|(k, _)| k),
            Some("B")
        );
    }

    #[test]
    fn broken_sample_still_gives_keys() {
        let (node, valid) =
            read_sample("{\"KeyPairs\": {\"KeyPair\":{ { \"Name\": \"x\", \"Tags\": {} } ], \"RequestId\": \"r\"}").unwrap();
        assert!(!valid);
        let pair = node.get("KeyPairs").and_then(|k| k.get("KeyPair")).unwrap();
        assert!(pair.item().unwrap().get("Name").is_some());
        assert!(read_sample("\n\"RequestId\": \"x\"\n").is_none());
    }
}
