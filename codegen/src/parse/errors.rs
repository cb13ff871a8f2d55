//! The error table → one [`ErrorCode`] per distinct code, plus lints for params the rows name
//! that the request table lacks (the tables are often copied from a sibling operation).

use std::sync::LazyLock;

use regex::Regex;

use super::prose::normalize_name;
use super::request::members;
use super::{Columns, Ctx, ParseError};
use crate::doc::Table;
use crate::naming;
use crate::spec::{ErrorCode, ErrorListing, Origin, Param};

/// Params every request carries; error rows naming them say nothing about this operation.
const COMMON_PARAMS: &[&str] = &[
    "RegionId",
    "Action",
    "AccessKeyId",
    "Version",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "Format",
    "OwnerId",
    "OwnerAccount",
    "ResourceOwnerId",
    "ResourceOwnerAccount",
    "SecurityToken",
    "RequestId",
];

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in pattern {pattern}: {e}"))
}

const IDENT: &str = r"[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*";

static SPECIFIED: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?i)\bthe specified (?:parameter )?"?\s*({IDENT})\s*"?(?:\s+(?:is|are|does|do|has|have|was|were|contains?|cannot|can|already|not|parameter)\b|[.,;:]|$)"#
    ))
});
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r#"(?i)\bparameters?\s*"\s*({IDENT})\s*""#)));
static THE_X_PARAMETER: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"\bthe (?:specified )?({IDENT}) parameter\b")));
static DOTTED: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b([A-Za-z][A-Za-z0-9]*(?:\.(?:N|n|[0-9]+|[A-Z][A-Za-z0-9]*))+)\b"));
static PARAM_CODE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^InvalidParameter\.([A-Za-z0-9]+)\.[A-Za-z0-9]+"));

pub(crate) fn build(
    ctx: &mut Ctx,
    table: &Table,
    request: &[Param],
) -> Result<Vec<ErrorCode>, ParseError> {
    let cols = Columns::of(table);
    let Some(code_col) = cols.code else {
        return Err(ctx.error(table.line, "error table has no `Error code` column"));
    };
    let mut errors: Vec<ErrorCode> = Vec::new();
    let known = known_names(request);
    let mut reported: Vec<String> = Vec::new();
    for row in &table.rows {
        let code = row
            .cells
            .get(code_col)
            .map(|c| c.text())
            .unwrap_or_default();
        if code.is_empty() {
            continue;
        }
        let status_text = row
            .cell(cols.http_status)
            .map(|c| c.text())
            .unwrap_or_default();
        let listing = ErrorListing {
            http_status: status_text.parse::<u16>().ok(),
            message: row.cell(cols.message).map(|c| c.text()).unwrap_or_default(),
            description: row
                .cell(cols.description)
                .map(|c| c.text())
                .unwrap_or_default(),
            line: row.line,
        };
        for name in mentions(&code, &listing.message, &listing.description) {
            let norm = normalize_name(&name);
            if known.contains(&norm) || reported.contains(&norm) || is_common(&name) {
                continue;
            }
            reported.push(norm.clone());
            let similar = similar_param(&norm, request);
            let hint = similar
                .map(|s| format!(" (similar: `{s}`)"))
                .unwrap_or_default();
            ctx.lint(
                "error-names-unknown-param",
                row.line,
                format!("error `{code}` names `{name}`, which the request table lacks{hint}"),
            );
        }
        match errors.iter_mut().find(|e| e.code == code) {
            Some(existing) => existing.listings.push(listing),
            None => errors.push(ErrorCode {
                rust_name: naming::error_variant(&code),
                code,
                listings: vec![listing],
                retryable: false,
                origin: Origin::Doc,
            }),
        }
    }
    let mut pairs: Vec<(&str, &mut String)> = errors
        .iter_mut()
        .map(|e| (e.code.as_str(), &mut e.rust_name))
        .collect();
    for message in naming::resolve_collisions(&mut pairs) {
        ctx.lint("error-name-collision", table.line, message);
    }
    Ok(errors)
}

fn is_common(name: &str) -> bool {
    COMMON_PARAMS.iter().any(|c| c.eq_ignore_ascii_case(name))
}

/// Normalized doc names of every request param (and member) plus their top-level wire names.
fn known_names(params: &[Param]) -> Vec<String> {
    let mut out = Vec::new();
    for p in params {
        out.push(normalize_name(&p.doc_name));
        out.push(normalize_name(&p.wire_name));
        if let Some(children) = members(p) {
            out.extend(known_names(children));
        }
    }
    out
}

/// A mention must look like an identifier: dotted, or with a capital letter.
fn looks_like_param(name: &str) -> bool {
    name.contains('.') || name.chars().any(|c| c.is_ascii_uppercase())
}

/// Param names an error row refers to, in order of appearance.
fn mentions(code: &str, message: &str, description: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        let name = name.trim_end_matches('.');
        if looks_like_param(name) && !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    };
    if let Some(caps) = PARAM_CODE.captures(code) {
        add(caps.get(1).map_or("", |m| m.as_str()));
    }
    for text in [message, description] {
        for pattern in [&*SPECIFIED, &*QUOTED, &*THE_X_PARAMETER, &*DOTTED] {
            for caps in pattern.captures_iter(text) {
                if let Some(m) = caps.get(1) {
                    add(m.as_str());
                }
            }
        }
    }
    out
}

/// A request param whose name ends with the mention, or the other way round (`DiskId` ~
/// `ExcludeDiskId.N`).
fn similar_param(norm: &str, params: &[Param]) -> Option<String> {
    let base = |n: &str| n.trim_end_matches(".n").replace(".n.", ".").to_string();
    let wanted = base(norm);
    let mut all = Vec::new();
    collect_doc_names(params, &mut all);
    all.into_iter().find(|doc| {
        let have = base(&normalize_name(doc));
        let (short, long) = if have.len() < wanted.len() {
            (&have, &wanted)
        } else {
            (&wanted, &have)
        };
        short.len() >= 4 && long.ends_with(short.as_str())
    })
}

fn collect_doc_names(params: &[Param], out: &mut Vec<String>) {
    for p in params {
        out.push(p.doc_name.clone());
        if let Some(children) = members(p) {
            collect_doc_names(children, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_mentions() {
        assert_eq!(
            mentions("X", "The specified DiskId does not exist.", ""),
            ["DiskId"]
        );
        assert_eq!(
            mentions("X", "The specified clientToken is used.", ""),
            ["clientToken"]
        );
        assert_eq!(
            mentions("X", "The specified parameter diskid is not supported.", ""),
            Vec::<String>::new()
        );
        assert_eq!(
            mentions(
                "X",
                "",
                "the category of the specified Elastic Block Storage device"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            mentions("X", "The Tag.N.Key contain duplicate key.", ""),
            ["Tag.N.Key"]
        );
        assert_eq!(
            mentions(
                "InvalidParameter.KMSKeyId.CMKNotEnabled",
                "The CMK needs to be enabled.",
                ""
            ),
            ["KMSKeyId"]
        );
        assert_eq!(
            mentions(
                "X",
                r#"The specified parameter " SystemDisk.Category " is not valid."#,
                ""
            ),
            ["SystemDisk.Category"]
        );
        assert_eq!(
            mentions(
                "X",
                "",
                "Check whether the specified Category parameter is valid."
            ),
            ["Category"]
        );
    }
}
