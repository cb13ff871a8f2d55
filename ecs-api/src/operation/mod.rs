//! Operations: what the generated code tells the runtime about each one (the traits here), and
//! the generated modules themselves, one per operation (`ecs_api::operation::describe_instances`),
//! each holding its input, fluent request, output and error kind.
//!
//! To find an operation, take its action name in snake case: `DescribeInstances` is
//! [`describe_instances`](crate::operation) and `Client::describe_instances` starts a call.

use std::fmt;

use crate::wire::{ToParams, Validate};

/// One ECS RPC operation: its action name, input, output and per-operation error type.
pub trait Operation {
    /// The `Action` value, e.g. `CreateSnapshotGroup`.
    const ACTION: &'static str;
    /// The API version, `2014-05-26` for ECS.
    const VERSION: &'static str;
    /// The product the operation belongs to: where its calls go (unless the config names an
    /// endpoint). Generated operations always say; hand-written ones default to ECS.
    const PRODUCT: &'static crate::config::Product = &crate::config::ECS;
    /// Wire name of the idempotency token (`ClientToken`) when the operation has one. The runtime
    /// fills it once per call when the caller set none, so that retries cannot duplicate effects.
    const IDEMPOTENCY_TOKEN: Option<&'static str>;
    /// Whether the operation only reads (inferred from its page). Read-only calls are retried
    /// after any transient failure; others only when a token makes the retry safe or the request
    /// cannot have reached the service.
    const READ_ONLY: bool;
    /// Whether the documented response has top-level `Code` and `Message` fields. When it does
    /// not (every ECS page today), a 2xx body carrying both is the service's error, not an output.
    const RESPONSE_HAS_CODE: bool = false;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMeta {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
    pub http_status: u16,
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

/// One code an operation's page documents: what the generated table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentedCode<K> {
    pub code: &'static str,
    pub kind: K,
    /// The status and message of the page's first listing of the code.
    pub http_status: u16,
    pub message: &'static str,
    /// From the reviewed retryable table.
    pub retryable: bool,
}

/// The classified error code of one operation: a generated enum with a variant per code its
/// page documents, `Common(CommonErrorCode)` and `Unhandled`. The generated part is data (the
/// table of documented codes); the lookups are written once, here.
pub trait ErrorKind: Copy + fmt::Debug + PartialEq + Send + Sync + 'static {
    /// Every code the page documents, sorted by code (ASCII).
    const DOCUMENTED: &'static [DocumentedCode<Self>];
    /// The kind of a code neither the page nor the common table has.
    const UNHANDLED: Self;
    /// The kind of a common code the page does not list.
    fn common(code: crate::error::CommonErrorCode) -> Self;
    /// The common code, for the `Common` kind.
    fn as_common(&self) -> Option<crate::error::CommonErrorCode>;

    fn from_code(code: &str) -> Self {
        match Self::DOCUMENTED.binary_search_by(|d| d.code.cmp(code)) {
            Ok(i) => Self::DOCUMENTED[i].kind,
            Err(_) => {
                crate::error::CommonErrorCode::from_code(code).map_or(Self::UNHANDLED, Self::common)
            }
        }
    }
    /// The HTTP status and message the page (or the common table) gives this code, the first
    /// when it lists several; `None` for the unhandled kind.
    fn documented(&self) -> Option<(u16, &'static str)> {
        if let Some(c) = self.as_common() {
            return Some((c.http_status(), c.message()));
        }
        Self::DOCUMENTED
            .iter()
            .find(|d| d.kind == *self)
            .map(|d| (d.http_status, d.message))
    }
    /// Whether a retry can succeed, decided by code (the reviewed table in the spec).
    fn is_retryable(&self) -> bool {
        match self.as_common() {
            Some(c) => c.is_retryable(),
            None => Self::DOCUMENTED
                .iter()
                .any(|d| d.kind == *self && d.retryable),
        }
    }
}

/// A failed call's service error: its classified kind and what the service said. Every
/// operation's `<Op>Error` is this type with the operation's kind.
///
/// ```
/// # use ecs_api::operation::create_snapshot_group::{CreateSnapshotGroupError, CreateSnapshotGroupErrorKind as Kind};
/// # use ecs_api::error::CommonErrorCode;
/// fn advice(e: &CreateSnapshotGroupError) -> &'static str {
///     match e.kind() {
///         Kind::IncorrectInstanceStatus => "start or stop the instance first",
///         Kind::Common(CommonErrorCode::Throttling) => "slow down",
///         Kind::Common(_) => "a gateway or account problem",
///         _ => "see the code and message",
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OperationError<K> {
    kind: K,
    meta: ErrorMeta,
}

impl<K: ErrorKind> OperationError<K> {
    pub fn new(meta: ErrorMeta) -> Self {
        OperationError {
            kind: K::from_code(&meta.code),
            meta,
        }
    }
    /// The code, classified: match on this.
    pub fn kind(&self) -> K {
        self.kind
    }
    /// What the service said: code, message, request id, host id, recommendation, status.
    pub fn meta(&self) -> &ErrorMeta {
        &self.meta
    }
    /// The error code, verbatim.
    pub fn code(&self) -> &str {
        &self.meta.code
    }
    pub fn message(&self) -> &str {
        &self.meta.message
    }
    /// The request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }
    pub fn http_status(&self) -> u16 {
        self.meta.http_status
    }
    /// Whether a retry can succeed: by the kind's reviewed decision, and for codes no list has,
    /// by the retryable prefixes of the common table (`Throttling.*`).
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
            || crate::error::CommonErrorCode::RETRYABLE_PREFIXES
                .iter()
                .any(|p| self.meta.code.starts_with(p))
    }
}

impl<K: ErrorKind> fmt::Display for OperationError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.meta, f)
    }
}

impl<K: ErrorKind> std::error::Error for OperationError<K> {}

impl<K: ErrorKind> ServiceError for OperationError<K> {
    fn from_meta(meta: ErrorMeta) -> Self {
        OperationError::new(meta)
    }
    fn meta(&self) -> &ErrorMeta {
        &self.meta
    }
    fn is_retryable(&self) -> bool {
        OperationError::is_retryable(self)
    }
}

/// What the runtime needs of an operation's error type.
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

// The generated modules, one per operation, each behind its category's Cargo feature.
include!("../generated/operations.rs");
