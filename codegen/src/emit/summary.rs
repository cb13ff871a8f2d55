//! A readable text summary of what is generated for an operation, for snapshot review:
//! params → Rust types → rules; response → types; codes → variants → retryable.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::scalar::{Side, rust_name};
use crate::spec::{Field, FieldShape, Origin, Param, Shape, Spec};

fn shape(s: &Shape) -> String {
    match s {
        Shape::Scalar { ty } => rust_name(*ty, Side::Input).to_owned(),
        Shape::List {
            item,
            json_array: true,
        } => format!("Vec<{}> (JSON array)", shape(item)),
        Shape::List { item, .. } => format!("Vec<{}>", shape(item)),
        Shape::Struct { type_name, .. } => type_name.clone(),
    }
}

fn members_of(s: &Shape) -> Option<&[Param]> {
    match s {
        Shape::Struct { members, .. } => Some(members),
        Shape::List { item, .. } => members_of(item),
        Shape::Scalar { .. } => None,
    }
}

fn params(out: &mut String, ps: &[Param], indent: usize) {
    for p in ps {
        let rules: Vec<String> = p.constraints.iter().map(|c| c.described()).collect();
        let _ = writeln!(
            out,
            "{:indent$}{} -> {}: {}{}{}{}{}",
            "",
            p.doc_name,
            p.rust_name,
            shape(&p.shape),
            if p.required { " [required]" } else { "" },
            if p.deprecated.is_some() {
                " [deprecated]"
            } else {
                ""
            },
            if p.sensitive { " [sensitive]" } else { "" },
            if rules.is_empty() {
                String::new()
            } else {
                format!(" {{{}}}", rules.join("; "))
            },
        );
        if let Some(m) = members_of(&p.shape) {
            params(out, m, indent + 2);
        }
    }
}

fn fields(out: &mut String, fs: &[Field], indent: usize) {
    for f in fs {
        let out_ty = |ty| rust_name(ty, Side::Output);
        let (ty, children): (String, Option<&[Field]>) = match &f.shape {
            FieldShape::Scalar { ty } => (format!("Option<{}>", out_ty(*ty)), None),
            FieldShape::Struct { type_name, fields } => {
                (format!("Option<{type_name}>"), Some(fields))
            }
            FieldShape::Array { item, wrapper } => match item.as_ref() {
                FieldShape::Struct { type_name, fields } => (
                    format!(
                        "Vec<{type_name}>{}",
                        wrapper
                            .as_ref()
                            .map(|w| format!(" (in {w})"))
                            .unwrap_or_default()
                    ),
                    Some(fields),
                ),
                FieldShape::Scalar { ty } => (format!("Vec<{}>", out_ty(*ty)), None),
                FieldShape::Array { .. } => ("Vec<Value>".into(), None),
            },
        };
        let _ = writeln!(out, "{:indent$}{} -> {}: {}", "", f.name, f.rust_name, ty);
        if let Some(c) = children {
            fields(out, c, indent + 2);
        }
    }
}

pub fn summary(spec: &Spec) -> String {
    let op = &spec.operation;
    let mut out = format!(
        "operation {} ({} {} {})\n",
        op.name, spec.service.product, spec.service.http_method, spec.service.version
    );
    if op.read_only {
        out.push_str("read-only: retried on any transient failure\n");
    }
    if let Some(t) = &op.idempotency_token {
        let _ = writeln!(out, "idempotency token: {t}");
    }
    if let Some(p) = &op.pagination {
        let _ = writeln!(
            out,
            "paginated: {:?} by {} / {}, items {}{}{}",
            p.style,
            p.cursor,
            p.page_size,
            p.items,
            p.progress
                .as_ref()
                .map(|t| format!(", progress {t}"))
                .unwrap_or_default(),
            p.max_page_size
                .map(|m| format!(", at most {m} per page"))
                .unwrap_or_default()
        );
    }
    out.push_str("params:\n");
    params(&mut out, &op.request, 2);
    for r in &op.relations {
        let _ = writeln!(out, "relation (line {}): {}", r.line, r.relation);
    }
    for e in &op.exclusive {
        let _ = writeln!(out, "exclusive: {}", e.params.join(" / "));
    }
    out.push_str("response:\n");
    fields(&mut out, &op.response, 2);
    out.push_str("errors (plus the common codes):\n");
    for e in &op.errors {
        let statuses: BTreeSet<String> = e
            .listings
            .iter()
            .map(|l| {
                l.http_status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "?".into())
            })
            .collect();
        let _ = writeln!(
            out,
            "  {} -> {} [{}]{}{}",
            e.code,
            e.rust_name,
            statuses.into_iter().collect::<Vec<_>>().join(","),
            if e.retryable { " retryable" } else { "" },
            if matches!(e.origin, Origin::Override { .. }) {
                " (override)"
            } else {
                ""
            },
        );
    }
    out
}
