//! What the generated code tells the runtime about an operation.

use std::fmt;

use crate::wire::{ToParams, Validate};

/// One ECS RPC operation: its action name, input, output and per-operation error type.
pub trait Operation {
    /// The `Action` value, e.g. `CreateSnapshotGroup`.
    const ACTION: &'static str;
    /// The API version, `2014-05-26` for ECS.
    const VERSION: &'static str;
    /// Wire name of the idempotency token (`ClientToken`) when the operation has one. The runtime
    /// fills it once per call when the caller set none, so that retries cannot duplicate effects.
    const IDEMPOTENCY_TOKEN: Option<&'static str>;

    type Input: ToParams + Validate + IdempotentInput + Send + Sync;
    type Output: serde::de::DeserializeOwned + Send;
    type Error: ServiceError;
}

/// Access to the idempotency token and the region of an input; generated for every input.
pub trait IdempotentInput {
    /// The token the caller set, if the operation has one.
    fn idempotency_token(&self) -> Option<&str> {
        None
    }
    /// Sets the token (no-op for operations without one).
    fn set_idempotency_token(&mut self, _token: String) {}
    /// The `RegionId` set on the call, if the operation takes one.
    fn region_id(&self) -> Option<&str> {
        None
    }
    /// Fills `RegionId` from the client config when the call left it unset.
    fn set_region_id(&mut self, _region: String) {}
}

/// What the service says about a failed call, whatever the code.
#[derive(Clone, PartialEq, Eq)]
pub struct ErrorMeta {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
    pub http_status: u16,
}

impl fmt::Debug for ErrorMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorMeta")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("host_id", &self.host_id)
            .field("recommend", &self.recommend)
            .field("http_status", &self.http_status)
            .finish()
    }
}

impl fmt::Display for ErrorMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {}): {} [request id: {}]",
            self.code,
            self.http_status,
            if self.message.is_empty() {
                "(no message)"
            } else {
                &self.message
            },
            self.request_id.as_deref().unwrap_or("none")
        )
    }
}

/// A per-operation error enum, generated from the documented codes.
pub trait ServiceError: std::error::Error + Send + Sync + 'static {
    /// Classifies a service answer by its code.
    fn from_meta(meta: ErrorMeta) -> Self;
    fn meta(&self) -> &ErrorMeta;
    /// Whether the code says a retry can succeed (decided by code from the reviewed table).
    fn is_retryable(&self) -> bool;

    fn code(&self) -> &str {
        &self.meta().code
    }
    fn message(&self) -> &str {
        &self.meta().message
    }
    fn request_id(&self) -> Option<&str> {
        self.meta().request_id.as_deref()
    }
    fn http_status(&self) -> u16 {
        self.meta().http_status
    }
}

/// Retry decision for codes no doc lists, from the reviewed table in `spec/common/errors.json`:
/// throttling and temporary unavailability are worth another attempt whatever their suffix.
pub fn retryable_by_prefix(code: &str) -> bool {
    code.starts_with("Throttling") || code.starts_with("ServiceUnavailable")
}
