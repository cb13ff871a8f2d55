//! Error answers: code, HTTP status and message as the docs give them.

use std::time::Duration;

use ecs_api::operation::ErrorKind;
use ecs_api::operation::create_snapshot_group::CreateSnapshotGroupErrorKind;
use ecs_api::wire::{RuleKind, Violation};

/// An error answer to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub status: u16,
    pub message: String,
    /// Sent as `x-acs-retry-after` (milliseconds) with `Throttling`.
    pub retry_after: Option<Duration>,
}

/// Where an action's codes are documented: its page's table, then the common table. Returns the
/// status and message of a code, read from the generated code (never typed here).
pub(crate) type Docs = fn(&str) -> Option<(u16, &'static str)>;

/// [`Docs`] of an operation whose error kind is `K` (its page's table, then the common codes).
pub(crate) fn docs_of<K: ErrorKind>(code: &str) -> Option<(u16, &'static str)> {
    K::from_code(code).documented()
}

/// The documented status and message of a code for the gateway and CreateSnapshotGroup: that
/// page's table first (it wins where it disagrees with the common table, e.g.
/// `IdempotentParameterMismatch` is 403 there), then the common codes.
fn documented(code: &str) -> Option<(u16, &'static str)> {
    docs_of::<CreateSnapshotGroupErrorKind>(code)
}

impl ApiError {
    /// The documented status and message for `code` (400 and a generic message for unknown codes).
    pub fn of(code: &str) -> ApiError {
        ApiError::documented_in(documented, code)
    }

    /// The status and message `docs` gives `code` (400 and a generic message when it has none).
    pub(crate) fn documented_in(docs: Docs, code: &str) -> ApiError {
        let (status, message) = docs(code)
            .map(|(s, m)| (s, m.to_owned()))
            .unwrap_or((400, format!("The request failed with {code}.")));
        ApiError {
            code: code.to_owned(),
            status,
            message,
            retry_after: None,
        }
    }

    /// The documented status with a more specific message.
    pub fn with_message(code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            message: message.into(),
            ..ApiError::of(code)
        }
    }

    /// `MissingParameter` naming the param, worded as the service does.
    pub fn missing(param: &str) -> ApiError {
        ApiError::with_message(
            "MissingParameter",
            format!(
                "The input parameter `{param}` that is required for processing this request is not supplied."
            ),
        )
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::with_message("InvalidParameter", message)
    }

    /// The answer to a `DryRun=true` request that would succeed. The pages name the code in
    /// prose only ("the DryRunOperation error code is returned"); no table gives it a status, so
    /// it takes the service's 400.
    pub(crate) fn dry_run() -> ApiError {
        ApiError {
            code: "DryRunOperation".into(),
            status: 400,
            message: "Request validation has been passed with DryRun flag set.".into(),
            retry_after: None,
        }
    }

    /// The status (and, unless the message was made specific, the message) that `docs` — the
    /// action's own page, then the common table — gives this code.
    pub(crate) fn documented_by(mut self, docs: Docs) -> ApiError {
        if let Some((status, message)) = docs(&self.code) {
            if self.message == ApiError::of(&self.code).message {
                message.clone_into(&mut self.message);
            }
            self.status = status;
        }
        self
    }

    pub fn throttled(retry_after: Duration) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::of("Throttling")
        }
    }
}

/// The answer for the most important violation: a missing param first (`MissingParameter` naming
/// it), then the first one found, with the code the spec gives its rule, else `InvalidParameter`.
pub(crate) fn violation_error(docs: Docs, violations: Vec<Violation>) -> ApiError {
    let pick = violations
        .iter()
        .find(|v| v.rule == RuleKind::Required)
        .or_else(|| violations.first());
    match pick {
        None => ApiError::invalid("The specified parameter is not valid"),
        Some(v) if v.rule == RuleKind::Required => {
            let mut e = ApiError::missing(&v.param);
            // Some pages give MissingParameter another status (403, 404): theirs wins.
            if let Some((status, _)) = docs(&e.code) {
                e.status = status;
            }
            e
        }
        Some(v) => {
            let code = v.error_code.unwrap_or("InvalidParameter");
            let mut e = ApiError::documented_in(docs, code);
            e.message = format!("{} ({v})", e.message);
            e
        }
    }
}

/// Whether the generated tables document `code`: some operation's page or the common table (the
/// emulator only answers documented codes; a test checks every code it uses).
pub fn is_documented(code: &str) -> bool {
    documented(code).is_some()
        || ecs_api::dynamic::OPERATIONS
            .iter()
            .any(|e| (e.documented)(code).is_some())
}
