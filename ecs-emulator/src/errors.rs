//! Error answers: code, HTTP status and message as the docs give them.

use std::time::Duration;

use ecs_api::operation::ErrorKind as _;
use ecs_api::operation::create_snapshot_group::CreateSnapshotGroupErrorKind;

/// An error answer to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub status: u16,
    pub message: String,
    /// Sent as `x-acs-retry-after` (milliseconds) with `Throttling`.
    pub retry_after: Option<Duration>,
}

/// The documented status and message of a code, from the generated code (never typed here):
/// the CreateSnapshotGroup page's table first (it wins where it disagrees with the common table,
/// e.g. `IdempotentParameterMismatch` is 403 there), then the common codes.
fn documented(code: &str) -> Option<(u16, &'static str)> {
    CreateSnapshotGroupErrorKind::from_code(code).documented()
}

impl ApiError {
    /// The documented status and message for `code` (400 and a generic message for unknown codes).
    pub fn of(code: &str) -> ApiError {
        let (status, message) = documented(code)
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

    pub fn throttled(retry_after: Duration) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::of("Throttling")
        }
    }
}
