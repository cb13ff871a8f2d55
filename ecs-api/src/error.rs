//! The error envelope of every call: what went wrong before, during or after talking to the service.

use std::fmt;
use std::time::Duration;

use crate::credentials::CredentialsError;
use crate::operation::ServiceError;
use crate::wire::ValidationReport;

// Generated from spec/common/errors.json by `cargo xtask regen`.
#[rustfmt::skip]
#[path = "generated/common_errors.rs"]
mod common_errors;
pub use common_errors::CommonErrorCode;

/// Which deadline ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutScope {
    /// One attempt (connect, send, read the whole answer).
    Attempt,
    /// The whole operation, retries and waits included.
    Operation,
}

/// Why a call failed. `E` is the operation's error enum (e.g. `CreateSnapshotGroupError`).
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The input broke documented rules; nothing was sent.
    Validation(ValidationReport),
    /// The service answered with an error code.
    Service(E),
    /// No usable credentials; nothing was sent.
    Credentials(CredentialsError),
    /// A deadline ran out.
    Timeout {
        scope: TimeoutScope,
        after: Duration,
        attempts: u32,
    },
    /// Connecting, sending or reading failed (refused, reset, TLS, ...).
    Transport {
        attempts: u32,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An answer that is neither the expected output nor a readable error (an HTML page from a
    /// proxy, an empty body, a body that does not fit the output type).
    UndecodableResponse {
        status: u16,
        /// What was wrong with it.
        reason: String,
        /// The start of the body, whitespace collapsed, secrets redacted, at most ~200 characters.
        snippet: String,
        request_id: Option<String>,
    },
    /// The request could not be built (e.g. the HTTP client failed to initialise).
    Construction(String),
}

impl<E: ServiceError> SdkError<E> {
    pub fn as_service(&self) -> Option<&E> {
        match self {
            SdkError::Service(e) => Some(e),
            _ => None,
        }
    }

    pub fn into_service(self) -> Option<E> {
        match self {
            SdkError::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service's error code, for service errors.
    pub fn code(&self) -> Option<&str> {
        self.as_service().map(|e| e.code())
    }

    /// The request id the service gave, when there was an answer carrying one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SdkError::Service(e) => e.request_id(),
            SdkError::UndecodableResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The validation report, for validation errors.
    pub fn as_validation(&self) -> Option<&ValidationReport> {
        match self {
            SdkError::Validation(r) => Some(r),
            _ => None,
        }
    }
}

impl<E: ServiceError> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::Validation(report) => {
                f.write_str("validation failed: ")?;
                for (i, v) in report.errors.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{v}")?;
                }
                Ok(())
            }
            SdkError::Service(e) => write!(f, "service error: {}", e.meta()),
            SdkError::Credentials(e) => write!(f, "credentials error: {e}"),
            SdkError::Timeout {
                scope: TimeoutScope::Attempt,
                after,
                attempts,
            } => write!(
                f,
                "timeout: attempt {attempts} got no complete answer within {after:?}"
            ),
            SdkError::Timeout {
                scope: TimeoutScope::Operation,
                after,
                attempts,
            } => write!(
                f,
                "timeout: the operation did not finish within {after:?} ({attempts} attempt(s) started)"
            ),
            SdkError::Transport { attempts, source } => {
                write!(f, "transport error after {attempts} attempt(s): {source}")?;
                // reqwest's top-level message is vague ("error sending request"); the causes say why.
                let mut cause = source.source();
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                Ok(())
            }
            SdkError::UndecodableResponse {
                status,
                reason,
                snippet,
                request_id,
            } => {
                write!(
                    f,
                    "undecodable response (HTTP {status}): {reason}; body: {snippet:?}"
                )?;
                if let Some(id) = request_id {
                    write!(f, " [request id: {id}]")?;
                }
                Ok(())
            }
            SdkError::Construction(m) => write!(f, "cannot build the request: {m}"),
        }
    }
}

impl<E: ServiceError> std::error::Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SdkError::Service(e) => Some(e),
            SdkError::Credentials(e) => Some(e),
            SdkError::Transport { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// Names whose values must never be echoed (query, form, JSON or XML spelling).
const SECRET_NAMES: &[&str] = &[
    "AccessKeyId",
    "AccessKeySecret",
    "SecurityToken",
    "Signature",
    "x-acs-security-token",
    "x-acs-accesskey-id",
    "Authorization",
];

/// What may sit between a secret's name and its value: `=`, an encoded `=` (once or twice, as in a
/// string-to-sign echoed by `SignatureDoesNotMatch`), JSON `":"`, XML `>`, a header `: `.
const SEPARATORS: &[&str] = &[
    "%253D", "%3D", "=", "\":\"", "\": \"", "\":", ">", ": ", ":",
];

/// Replaces the values of secret-bearing names with `***`.
pub(crate) fn redact(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let hit = SECRET_NAMES.iter().find_map(|name| {
            let end = i + name.len();
            if end > bytes.len() || !bytes[i..end].eq_ignore_ascii_case(name.as_bytes()) {
                return None;
            }
            // Only whole names: `SignatureNonce` is not `Signature`.
            let before = &bytes[..i];
            if before.last().is_some_and(u8::is_ascii_alphanumeric)
                && ![&b"%26"[..], b"%2526", b"%3F"]
                    .iter()
                    .any(|sep| before.ends_with(sep))
            {
                return None;
            }
            let sep = SEPARATORS
                .iter()
                .find(|s| bytes[end..].starts_with(s.as_bytes()))?;
            Some(end + sep.len())
        });
        match hit {
            Some(value_start) => {
                let mut j = value_start;
                while j < bytes.len() && !is_value_end(&bytes[j..]) {
                    j += 1;
                }
                if j > value_start {
                    out.push_str(&text[copied..value_start]);
                    out.push_str("***");
                    copied = j;
                }
                i = j.max(i + 1);
            }
            None => i += 1,
        }
        // Keep `i` on a char boundary for the slices above (names and separators are ASCII).
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn is_value_end(rest: &[u8]) -> bool {
    matches!(
        rest[0],
        b'&' | b'"' | b'<' | b',' | b';' | b'}' | b'\'' | b' ' | b'\n' | b'\r' | b'\t'
    ) || rest.starts_with(b"%26")
        || rest.starts_with(b"%2526")
}

/// A short, one-line, redacted view of a response body for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MAX_CHARS: usize = 200;
    // Only the start is shown: never scan a whole (possibly multi-MB) body for it.
    let text = String::from_utf8_lossy(&body[..body.len().min(8 * 1024)]);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let redacted = redact(&collapsed);
    let mut chars = redacted.char_indices();
    match chars.nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &redacted[..cut]),
        None => redacted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_every_spelling() {
        assert_eq!(
            redact("a?AccessKeyId=LTAIxyz&SignatureNonce=n1&Signature=abc%3D&SecurityToken=tok"),
            "a?AccessKeyId=***&SignatureNonce=n1&Signature=***&SecurityToken=***"
        );
        assert_eq!(
            redact(r#"{"AccessKeyId":"LTAI","AccessKeySecret": "s3cr3t","x":1}"#),
            r#"{"AccessKeyId":"***","AccessKeySecret": "***","x":1}"#
        );
        assert_eq!(
            redact("<SecurityToken>tok</SecurityToken>"),
            "<SecurityToken>***</SecurityToken>"
        );
        assert_eq!(
            redact("POST&%2F&AccessKeyId%3Dtestid%26SecurityToken%3DCAIS%252Bx%26Version"),
            "POST&%2F&AccessKeyId%3D***%26SecurityToken%3D***%26Version"
        );
        assert_eq!(redact("快照 Signature=签名&x"), "快照 Signature=***&x");
    }

    #[test]
    fn snippet_is_short_and_single_line() {
        let body = format!("<html>\n  <body>{}</body></html>", "x".repeat(500));
        let s = snippet(body.as_bytes());
        assert!(!s.contains('\n'));
        assert!(s.chars().count() <= 201);
        assert!(s.starts_with("<html> <body>xxx"));
    }
}
