//! Type-erased calls by action name: wire params in (as the aliyun CLI writes them: `RegionId`,
//! `ExcludeDiskId.1`, `Tag.1.Key`, `InstanceIds` as JSON array text), the output as JSON out.
//!
//! The `ecs` CLI dispatches through [`OPERATIONS`]; each entry's functions parse the params with the
//! operation's generated [`FromParams`], validate, call through the typed client (same signing,
//! retries and error decoding) and serialise the typed output, so its JSON keys are the wire names.
//!
//! ```no_run
//! # async fn demo(client: &ecs_api::Client) {
//! use ecs_api::dynamic::{self, OPERATIONS};
//! let entry = dynamic::find(OPERATIONS, "createsnapshotgroup").expect("known action");
//! let params = vec![("InstanceId".to_owned(), "i-bp1example".to_owned())];
//! match (entry.call)(client, params, ecs_api::CallOptions::default()).await {
//!     Ok(json) => println!("{json:#}"),
//!     Err(e) => eprintln!("{e}"), // e.exit_code(): 2 for invalid params, 1 otherwise
//! }
//! # }
//! ```

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::Serialize;

use crate::client::{CallOptions, Client};
use crate::error::SdkError;
use crate::operation::{ErrorMeta, IdempotentInput as _, Operation, ServiceError};
use crate::paginator::{PageStyle, Paginated};
use crate::wire::{FromParams, ParamMap, RuleKind, Validate as _, Violation};

pub use crate::credentials::BoxFuture;
/// Every generated operation (generated as `ecs_api::generated::registry::OPERATIONS`).
pub use crate::generated::registry::OPERATIONS;

/// One type-erased call: client, wire params in order, per-call options → the output as JSON.
pub type CallFn = for<'c> fn(
    &'c Client,
    Vec<(String, String)>,
    CallOptions,
) -> BoxFuture<'c, Result<serde_json::Value, DynError>>;

/// One operation of the registry.
#[derive(Debug, Clone, Copy)]
pub struct OperationEntry {
    /// The `Action` value, e.g. `CreateSnapshotGroup`.
    pub action: &'static str,
    /// The doc category, e.g. `Snapshots`.
    pub category: &'static str,
    /// One call.
    pub call: CallFn,
    /// Every page, items gathered into the last page's output; `Some` for paginated operations.
    pub all_pages: Option<CallFn>,
}

/// The entry for `action`: an exact match, else a case-insensitive one.
pub fn find(entries: &'static [OperationEntry], action: &str) -> Option<&'static OperationEntry> {
    entries.iter().find(|e| e.action == action).or_else(|| {
        entries
            .iter()
            .find(|e| e.action.eq_ignore_ascii_case(action))
    })
}

/// [`call`] as a [`CallFn`]: what the registry stores (`boxed_call::<CreateSnapshotGroup>`).
pub fn boxed_call<'c, O>(
    client: &'c Client,
    params: Vec<(String, String)>,
    options: CallOptions,
) -> BoxFuture<'c, Result<serde_json::Value, DynError>>
where
    O: Operation + 'static,
    O::Input: FromParams,
    O::Output: Serialize,
{
    Box::pin(call::<O>(client, params, options))
}

/// [`all_pages`] as a [`CallFn`], for the registry's `all_pages`.
pub fn boxed_all_pages<'c, O>(
    client: &'c Client,
    params: Vec<(String, String)>,
    options: CallOptions,
) -> BoxFuture<'c, Result<serde_json::Value, DynError>>
where
    O: Paginated + 'static,
    O::Input: FromParams + Clone,
    O::Output: Serialize,
{
    Box::pin(all_pages::<O>(client, params, options))
}

/// Parses `params` into `O`'s input, validates it (every violation reported together, nothing
/// sent when there is one), calls `O` and returns its output as JSON with the wire names as keys.
pub async fn call<O: Operation>(
    client: &Client,
    params: Vec<(String, String)>,
    options: CallOptions,
) -> Result<serde_json::Value, DynError>
where
    O::Input: FromParams,
    O::Output: Serialize,
{
    let input = parse::<O>(client, &params, &options)?;
    let output = client
        .call::<O>(input, &options)
        .await
        .map_err(|e| DynError::from_sdk(O::ACTION, e))?;
    to_json::<O>(&output)
}

/// Most pages [`all_pages`] fetches before giving up: a service that ignores the page controls
/// would otherwise be asked forever.
pub const MAX_PAGES: usize = 10_000;

/// Fetches every page of `O` starting from the one `params` name (page 1 / no token by default),
/// with the largest page size when none is given. The input is cloned per page and the page number
/// or token set through [`Paginated`]; the items of all pages are put into the last page's output,
/// which is returned as JSON.
pub async fn all_pages<O: Paginated>(
    client: &Client,
    params: Vec<(String, String)>,
    options: CallOptions,
) -> Result<serde_json::Value, DynError>
where
    O::Input: FromParams + Clone,
    O::Output: Serialize,
{
    let mut input = parse::<O>(client, &params, &options)?;
    if O::page_size(&input).is_none()
        && let Some(max) = O::MAX_PAGE_SIZE
    {
        O::set_page_size(&mut input, max);
    }
    let size = O::page_size(&input).filter(|s| *s > 0);
    let first_page = O::page_number(&input).unwrap_or(1).max(1);
    let mut page_number = first_page;
    let mut token: Option<String> = None;
    let mut tokens_seen = HashSet::new();
    let mut items: Vec<O::Item> = Vec::new();

    for _ in 0..MAX_PAGES {
        let mut page = input.clone();
        match O::STYLE {
            PageStyle::PageNumber => O::set_page_number(&mut page, page_number),
            PageStyle::NextToken => {
                if let Some(t) = &token {
                    O::set_next_token(&mut page, t.clone());
                }
            }
        }
        let mut output = client
            .call::<O>(page, &options)
            .await
            .map_err(|e| DynError::from_sdk(O::ACTION, e))?;
        let got = O::take_items(&mut output);
        let got_len = got.len() as i64;
        items.extend(got);

        let more = match O::STYLE {
            PageStyle::PageNumber => {
                // Items before the first page asked for were never fetched.
                let offset = (first_page - 1).saturating_mul(size.unwrap_or(0));
                got_len > 0
                    && match O::total_count(&output) {
                        Some(total) => offset.saturating_add(items.len() as i64) < total,
                        // No total: a short page is the last one.
                        None => size.is_none_or(|s| got_len >= s),
                    }
            }
            PageStyle::NextToken => match O::next_token(&output).filter(|t| !t.is_empty()) {
                Some(t) => {
                    // The same token twice would loop forever.
                    if !tokens_seen.insert(t.to_owned()) {
                        return Err(DynError::failed(
                            O::ACTION,
                            FailureKind::Pagination,
                            format!("the service returned the NextToken {t:?} twice"),
                        ));
                    }
                    token = Some(t.to_owned());
                    true
                }
                None => false,
            },
        };
        if !more {
            O::put_items(&mut output, items);
            return to_json::<O>(&output);
        }
        page_number = page_number.saturating_add(1);
    }
    Err(DynError::failed(
        O::ACTION,
        FailureKind::Pagination,
        format!("gave up after {MAX_PAGES} pages"),
    ))
}

/// Wire params → input: unknown, malformed, repeated or missing params, and when the params parse,
/// every documented rule broken, all in one report.
fn parse<O: Operation>(
    client: &Client,
    params: &[(String, String)],
    options: &CallOptions,
) -> Result<O::Input, DynError>
where
    O::Input: FromParams,
{
    let invalid = |violations| DynError::InvalidParams {
        action: O::ACTION,
        violations,
    };
    // ParamMap keeps the last of repeated keys; a repeated key is a mistake worth naming.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, _) in params {
        *counts.entry(k.as_str()).or_default() += 1;
    }
    let mut problems: Vec<Violation> = counts
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, n)| Violation {
            param: k.to_owned(),
            rule: RuleKind::Malformed,
            limit: "must be given once".into(),
            actual: format!("given {n} times"),
            error_code: Some("InvalidParameter"),
        })
        .collect();

    let mut map = ParamMap::from_pairs(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let parsed = O::Input::read_params(&mut map, "");
    let unknown = map.into_keys().map(|param| Violation {
        param,
        rule: RuleKind::Unknown,
        limit: String::new(),
        actual: String::new(),
        error_code: Some("InvalidParameter"),
    });
    match parsed {
        Err(errors) => {
            problems.extend(errors);
            problems.extend(unknown);
            Err(invalid(problems))
        }
        Ok(input) => {
            problems.extend(unknown);
            if problems.is_empty() {
                // The client fills RegionId and validates with the effective mode.
                return Ok(input);
            }
            // Validate here as the client would, so this one report lists every rule broken.
            let mut input = input;
            if input.region_id().is_none() {
                input.set_region_id(client.config().region().to_owned());
            }
            let mode = options
                .validation_mode()
                .unwrap_or(client.config().validation());
            let mut all = input.validate(mode).errors;
            all.extend(problems);
            Err(invalid(all))
        }
    }
}

fn to_json<O: Operation>(output: &O::Output) -> Result<serde_json::Value, DynError>
where
    O::Output: Serialize,
{
    serde_json::to_value(output).map_err(|e| {
        DynError::failed(
            O::ACTION,
            FailureKind::Output,
            format!("cannot serialise the output: {e}"),
        )
    })
}

/// What kind of non-service failure a [`DynError::Failed`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// No usable credentials; nothing was sent.
    Credentials,
    /// An attempt or the whole operation ran out of time.
    Timeout,
    /// Connecting, sending or reading failed.
    Transport,
    /// An answer that is neither the output nor a readable error.
    UndecodableResponse,
    /// The request could not be built.
    Construction,
    /// The output could not be turned into JSON.
    Output,
    /// Paging did not end (a repeated token, too many pages).
    Pagination,
}

/// Why a dynamic call failed. [`exit_code`](DynError::exit_code) is the CLI's: 2 for invalid
/// params (nothing was sent), 1 for everything else.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DynError {
    /// Unknown, repeated, missing or malformed params, or documented rules broken: every one, each
    /// naming its wire param. Nothing was sent.
    InvalidParams {
        action: &'static str,
        violations: Vec<Violation>,
    },
    /// The service answered with an error code (message already redacted by the client).
    Service {
        action: &'static str,
        /// Boxed: keeps `Result<_, DynError>` small.
        meta: Box<ErrorMeta>,
    },
    /// Credentials, timeout, transport, an undecodable answer, ...; `message` is redacted.
    Failed {
        action: &'static str,
        kind: FailureKind,
        message: String,
        request_id: Option<String>,
    },
}

impl DynError {
    fn failed(action: &'static str, kind: FailureKind, message: String) -> DynError {
        DynError::Failed {
            action,
            kind,
            message,
            request_id: None,
        }
    }

    /// Converts the typed client's error, keeping the service's code, message and request id.
    pub fn from_sdk<E: ServiceError>(action: &'static str, e: SdkError<E>) -> DynError {
        let kind = match &e {
            SdkError::Validation(_) | SdkError::Service(_) => None,
            SdkError::Credentials(_) => Some(FailureKind::Credentials),
            SdkError::Timeout { .. } => Some(FailureKind::Timeout),
            SdkError::Transport { .. } => Some(FailureKind::Transport),
            SdkError::UndecodableResponse { .. } => Some(FailureKind::UndecodableResponse),
            SdkError::Construction(_) => Some(FailureKind::Construction),
        };
        match (kind, e) {
            (_, SdkError::Validation(report)) => DynError::InvalidParams {
                action,
                violations: report.errors,
            },
            (_, SdkError::Service(s)) => DynError::Service {
                action,
                meta: Box::new(s.meta().clone()),
            },
            (kind, other) => DynError::Failed {
                action,
                kind: kind.unwrap_or(FailureKind::Construction),
                // SdkError's Display keeps no URL and redacts what the service echoed.
                message: other.to_string(),
                request_id: other.request_id().map(str::to_owned),
            },
        }
    }

    /// 2 when nothing was sent because the params were invalid, else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            DynError::InvalidParams { .. } => 2,
            _ => 1,
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            DynError::InvalidParams { action, .. }
            | DynError::Service { action, .. }
            | DynError::Failed { action, .. } => action,
        }
    }

    /// The violations, for invalid params.
    pub fn violations(&self) -> &[Violation] {
        match self {
            DynError::InvalidParams { violations, .. } => violations,
            _ => &[],
        }
    }

    /// What the service said, for service errors.
    pub fn service(&self) -> Option<&ErrorMeta> {
        match self {
            DynError::Service { meta, .. } => Some(meta),
            _ => None,
        }
    }

    /// The service's error code, for service errors.
    pub fn code(&self) -> Option<&str> {
        self.service().map(|m| m.code.as_str())
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            DynError::Service { meta, .. } => meta.request_id.as_deref(),
            DynError::Failed { request_id, .. } => request_id.as_deref(),
            DynError::InvalidParams { .. } => None,
        }
    }
}

/// Params whose values must not be echoed in a report (passwords, keys).
fn is_sensitive(param: &str) -> bool {
    let p = param.to_ascii_lowercase();
    [
        "password",
        "secret",
        "privatekey",
        "securitytoken",
        "accesskey",
    ]
    .iter()
    .any(|s| p.contains(s))
}

impl fmt::Display for DynError {
    /// Several lines: a header, then one line per violation or per field of the service error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DynError::InvalidParams { action, violations } => {
                write!(
                    f,
                    "invalid parameters for {action} ({} problem(s), nothing was sent):",
                    violations.len()
                )?;
                for v in violations {
                    let shown;
                    let v = if is_sensitive(&v.param) && !v.actual.is_empty() {
                        shown = Violation {
                            actual: "***".into(),
                            ..v.clone()
                        };
                        &shown
                    } else {
                        v
                    };
                    write!(f, "\n  {v}")?;
                    if let Some(code) = v.error_code {
                        write!(f, " [{code}]")?;
                    }
                }
                Ok(())
            }
            DynError::Service { action, meta } => {
                write!(f, "{action} failed: the service answered an error")?;
                write!(f, "\n  Code:      {}", meta.code)?;
                write!(f, "\n  Message:   {}", meta.message)?;
                write!(
                    f,
                    "\n  RequestId: {}",
                    meta.request_id.as_deref().unwrap_or("none")
                )?;
                write!(f, "\n  HTTP:      {}", meta.http_status)?;
                if let Some(r) = meta.recommend.as_deref().filter(|r| !r.is_empty()) {
                    write!(f, "\n  Recommend: {r}")?;
                }
                Ok(())
            }
            DynError::Failed {
                action,
                message,
                request_id,
                ..
            } => {
                write!(f, "{action} failed: {message}")?;
                if let Some(id) = request_id
                    && !message.contains(id.as_str())
                {
                    write!(f, " [request id: {id}]")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for DynError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_exact_then_case_insensitive() {
        assert_eq!(
            find(OPERATIONS, "CreateSnapshotGroup").map(|e| e.action),
            Some("CreateSnapshotGroup")
        );
        assert_eq!(
            find(OPERATIONS, "createSNAPSHOTgroup").map(|e| e.category),
            Some("Snapshots")
        );
        assert!(find(OPERATIONS, "CreateSnapshot").is_none());
    }

    #[test]
    fn display_lists_every_violation_and_hides_secret_values() {
        let v = |param: &str, actual: &str| Violation {
            param: param.into(),
            rule: RuleKind::Length,
            limit: "must be 8 to 30 characters".into(),
            actual: actual.into(),
            error_code: Some("InvalidParameter"),
        };
        let e = DynError::InvalidParams {
            action: "CreateInstance",
            violations: vec![v("Password", "\"hunter2\""), v("Name", "\"x\"")],
        };
        let text = e.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("\n  Password: must be 8 to 30 characters, got ***"));
        assert!(text.contains("\n  Name: must be 8 to 30 characters, got \"x\""));
        assert_eq!(e.exit_code(), 2);
    }
}
