//! Facts read from a page as a whole rather than from one row: the idempotency token, whether the
//! operation only reads, which params are secrets, which strings carry a JSON array, and how the
//! operation pages. Runs on every parsed page, so no operation needs an override for these.

use crate::spec::{FieldShape, Lint, PageStyle, Pagination, Param, Rule, ScalarType, Shape, Spec};

/// Name prefixes of operations that only read. Such calls are always safe to retry.
const READ_ONLY_PREFIXES: &[&str] = &["Describe", "List", "Query", "Get"];

/// Name fragments (lowercase) of params that hold secrets.
const SECRET_WORDS: &[&str] = &["password", "privatekey", "secret", "accesskey", "authtoken"];

/// Applies every inference to a freshly parsed spec.
pub fn infer(spec: &mut Spec) {
    let op = &mut spec.operation;
    op.read_only = READ_ONLY_PREFIXES.iter().any(|p| {
        op.name
            .strip_prefix(p)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    });
    if op.idempotency_token.is_none() {
        op.idempotency_token = op
            .request
            .iter()
            .find(|p| p.wire_name.eq_ignore_ascii_case("ClientToken") && is_string(&p.shape))
            .map(|p| p.wire_name.clone());
    }
    mark_sensitive(&mut op.request);
    crate::relations::read(op);
    for p in &mut op.request {
        json_array(p);
    }
    let mut lints = Vec::new();
    op.pagination = pagination(&op.request, &op.response, &mut lints);
    op.lints.extend(lints);
}

fn is_string(shape: &Shape) -> bool {
    matches!(
        shape,
        Shape::Scalar {
            ty: ScalarType::String
        }
    )
}

fn mark_sensitive(params: &mut [Param]) {
    for p in params {
        let lower = p.wire_name.to_ascii_lowercase();
        let text = match &p.shape {
            Shape::Scalar { ty } => *ty == ScalarType::String,
            Shape::List { item, .. } => matches!(
                item.as_ref(),
                Shape::Scalar {
                    ty: ScalarType::String
                }
            ),
            Shape::Struct { .. } => false,
        };
        // `AccessKeyId` names a key, it is not one.
        p.sensitive = text
            && SECRET_WORDS.iter().any(|w| lower.contains(w))
            && !lower.ends_with("id")
            && !lower.ends_with("name");
        match &mut p.shape {
            Shape::Struct { members, .. } => mark_sensitive(members),
            Shape::List { item, .. } => {
                if let Shape::Struct { members, .. } = item.as_mut() {
                    mark_sensitive(members)
                }
            }
            Shape::Scalar { .. } => {}
        }
    }
}

/// Whether a description says its value is a JSON array in one string.
pub fn says_json_array(description: &str) -> bool {
    let desc = description.to_ascii_lowercase();
    desc.contains("json array")
        || desc.contains("json-formatted array")
        || desc.contains("array in the json format")
        || desc.contains("json string array")
}

/// A `String` param the page documents as a JSON array (`["i-1","i-2"]`) becomes a list sent as
/// one JSON value, at any depth (`PrivatePoolOptions.Ids`). The item type follows the example
/// when it has one.
fn json_array(p: &mut Param) {
    match &mut p.shape {
        Shape::Struct { members, .. } => members.iter_mut().for_each(json_array),
        Shape::List { item, .. } => {
            if let Shape::Struct { members, .. } = item.as_mut() {
                members.iter_mut().for_each(json_array);
            }
        }
        Shape::Scalar { .. } => {}
    }
    if !is_string(&p.shape) {
        return;
    }
    let example = p
        .example
        .as_deref()
        .map(str::trim)
        .and_then(|e| serde_json::from_str::<serde_json::Value>(e).ok());
    let from_example = match &example {
        Some(serde_json::Value::Array(items)) => Some(items),
        _ => None,
    };
    let said = says_json_array(&p.description);
    if !said && from_example.is_none() {
        return;
    }
    // Examples of JSON objects (`[{"Key":…}]`) are documents, not lists of scalars.
    let item = match from_example.map(|items| items.as_slice()) {
        Some([first, ..]) => match first {
            serde_json::Value::String(_) => ScalarType::String,
            serde_json::Value::Number(n) if n.is_i64() => ScalarType::Long,
            serde_json::Value::Number(_) => ScalarType::Double,
            serde_json::Value::Bool(_) => ScalarType::Boolean,
            _ => return,
        },
        _ if said => ScalarType::String,
        _ => return,
    };
    p.shape = Shape::List {
        item: Box::new(Shape::Scalar { ty: item }),
        json_array: true,
    };
    // Length rules describe the whole string; they say nothing reliable about each item.
    p.constraints
        .retain(|c| !matches!(c.rule, Rule::Length { .. } | Rule::Charset { .. }));
}

fn find<'a>(params: &'a [Param], wire: &str) -> Option<&'a Param> {
    params
        .iter()
        .find(|p| p.wire_name.eq_ignore_ascii_case(wire))
}

fn max_of(p: &Param) -> Option<i64> {
    p.constraints.iter().find_map(|c| match c.rule {
        Rule::Range { max, .. } => max,
        _ => None,
    })
}

/// Page-number style (`PageNumber` + `PageSize`, usually `TotalCount` back) or token style
/// (`NextToken` + `MaxResults`, `NextToken` back), with one array of items in the response.
fn pagination(
    request: &[Param],
    response: &[crate::spec::Field],
    lints: &mut Vec<Lint>,
) -> Option<Pagination> {
    let integer = |p: &&Param| {
        matches!(
            p.shape,
            Shape::Scalar {
                ty: ScalarType::Integer | ScalarType::Long
            }
        )
    };
    let (style, size, cursor) = if let (Some(n), Some(s)) = (
        find(request, "PageNumber").filter(integer),
        find(request, "PageSize").filter(integer),
    ) {
        (PageStyle::PageNumber, s, n)
    } else if let (Some(t), Some(s)) = (
        find(request, "NextToken").filter(|p| is_string(&p.shape)),
        find(request, "MaxResults").filter(integer),
    ) {
        (PageStyle::NextToken, s, t)
    } else {
        return None;
    };
    // A required page param would be a constructor argument the paginator cannot own.
    if size.required || cursor.required {
        return None;
    }
    let arrays: Vec<&crate::spec::Field> = response
        .iter()
        .filter(|f| matches!(f.shape, FieldShape::Array { .. }))
        .collect();
    let items = match arrays.as_slice() {
        [one] => one,
        [] => return None,
        many => {
            lints.push(Lint {
                kind: "pagination-ambiguous".into(),
                line: many[0].line,
                message: format!(
                    "pages with {} but the response has {} lists ({}); no paginator",
                    cursor.wire_name,
                    many.len(),
                    many.iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
            return None;
        }
    };
    let progress_key = match style {
        PageStyle::PageNumber => "TotalCount",
        PageStyle::NextToken => "NextToken",
    };
    let progress = response
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(progress_key))
        .map(|f| f.name.clone());
    if style == PageStyle::NextToken && progress.is_none() {
        return None;
    }
    Some(Pagination {
        style,
        page_size: size.wire_name.clone(),
        cursor: cursor.wire_name.clone(),
        items: items.name.clone(),
        progress,
        max_page_size: max_of(size),
    })
}
