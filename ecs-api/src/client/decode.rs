//! An attempt's answer → the output, or the service's error with how it may be retried: JSON
//! bodies, the XML error documents some gateways send, and bodies that are neither.

use std::time::Duration;

use serde::Deserialize;

use super::{Failure, RetryHint};
use crate::error::{SdkError, redact, snippet};
use crate::operation::{ErrorMeta, Operation, ServiceError};

/// The error document the service sends (JSON spelling; XML is read by [`xml_error`]).
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody {
    request_id: Option<String>,
    host_id: Option<String>,
    code: Option<String>,
    message: Option<String>,
    recommend: Option<String>,
}

pub(super) fn decode<O: Operation>(
    status: u16,
    retry_after: Option<Duration>,
    header_request_id: Option<String>,
    body: &[u8],
) -> Result<O::Output, Failure<O::Error>> {
    let span = tracing::Span::current();
    if (200..300).contains(&status) {
        if !O::RESPONSE_HAS_CODE
            && let Some(b) = error_in_success(body)
        {
            return Err(service_error::<O>(
                b,
                status,
                retry_after,
                header_request_id,
            ));
        }
        return match serde_json::from_slice::<O::Output>(body) {
            Ok(out) => {
                // A second parse of the body only pays off when someone is listening.
                if !span.is_disabled()
                    && let Some(id) = body_request_id(body).or(header_request_id)
                {
                    span.record("request_id", id.as_str());
                }
                Ok(out)
            }
            Err(e) => Err(Failure {
                error: SdkError::UndecodableResponse {
                    status,
                    reason: redact(&format!("the success body does not fit the output: {e}")),
                    snippet: snippet(body),
                    request_id: body_request_id(body).or(header_request_id),
                },
                hint: RetryHint::Never,
            }),
        };
    }

    let parsed = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .filter(|b| b.code.as_deref().is_some_and(|c| !c.is_empty()))
        .or_else(|| xml_error(body));
    match parsed {
        Some(b) => Err(service_error::<O>(
            b,
            status,
            retry_after,
            header_request_id,
        )),
        None => {
            let reason = if body.iter().all(u8::is_ascii_whitespace) {
                "empty body"
            } else {
                "not a JSON or XML error document"
            };
            // A gateway's 5xx page says nothing about the request: try again when that is safe.
            let hint = if matches!(status, 500 | 502 | 503 | 504) {
                RetryHint::IfIdempotent(retry_after)
            } else {
                RetryHint::Never
            };
            Err(Failure {
                error: SdkError::UndecodableResponse {
                    status,
                    reason: reason.to_owned(),
                    snippet: snippet(body),
                    request_id: header_request_id,
                },
                hint,
            })
        }
    }
}

/// The service's error document as a [`Failure`] with how it may be retried.
fn service_error<O: Operation>(
    b: ErrorBody,
    status: u16,
    retry_after: Option<Duration>,
    header_request_id: Option<String>,
) -> Failure<O::Error> {
    let request_id = b.request_id.or(header_request_id);
    if let Some(id) = &request_id {
        tracing::Span::current().record("request_id", id.as_str());
    }
    let meta = ErrorMeta {
        code: b.code.unwrap_or_default(),
        // SignatureDoesNotMatch echoes the string to sign, which can hold the STS token.
        message: redact(b.message.as_deref().unwrap_or_default()),
        request_id,
        host_id: b.host_id,
        recommend: b.recommend,
        http_status: status,
    };
    let error = O::Error::from_meta(meta);
    // A retryable 5xx code (InternalError, ServiceUnavailable) says the service failed,
    // not that nothing happened: retrying a create without a token could repeat it.
    let hint = match (error.is_retryable(), status >= 500) {
        (false, _) => RetryHint::Never,
        (true, true) => RetryHint::IfIdempotent(retry_after),
        (true, false) => RetryHint::Always(retry_after),
    };
    Failure {
        error: SdkError::Service(error),
        hint,
    }
}

/// A 2xx body whose top level carries a non-empty `Code` and a `Message`: an error document sent
/// with a success status. The text search keeps the second parse off ordinary answers.
fn error_in_success(body: &[u8]) -> Option<ErrorBody> {
    let key = b"\"Code\"";
    if !body.windows(key.len()).any(|w| w == key) {
        return None;
    }
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .filter(|b| b.code.as_deref().is_some_and(|c| !c.is_empty()) && b.message.is_some())
}

fn body_request_id(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Id {
        #[serde(rename = "RequestId")]
        request_id: Option<String>,
    }
    serde_json::from_slice::<Id>(body).ok()?.request_id
}

/// Reads `<Error><RequestId>…</RequestId><Code>…</Code>…</Error>` (any root element), tolerantly.
fn xml_error(body: &[u8]) -> Option<ErrorBody> {
    let text = std::str::from_utf8(body).ok()?.trim_start();
    if !text.starts_with('<') {
        return None;
    }
    let field = |name: &str| -> Option<String> {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let start = text.find(&open)? + open.len();
        let len = text[start..].find(&close)?;
        let raw = text[start..start + len].trim();
        let raw = raw
            .strip_prefix("<![CDATA[")
            .and_then(|r| r.strip_suffix("]]>"))
            .unwrap_or(raw);
        Some(
            quick_xml::escape::unescape(raw)
                .map(|c| c.into_owned())
                .unwrap_or_else(|_| raw.to_owned()),
        )
    };
    let code = field("Code").filter(|c| !c.is_empty())?;
    Some(ErrorBody {
        request_id: field("RequestId"),
        host_id: field("HostId"),
        code: Some(code),
        message: field("Message"),
        recommend: field("Recommend"),
    })
}

#[cfg(all(test, feature = "instances"))]
mod tests {
    use proptest::prelude::*;

    use super::decode;
    use crate::error::SdkError;
    use crate::operation::describe_instances::DescribeInstances;

    /// JSON-ish text: the shapes of answers, mangled.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            "[{}\\[\\]\":,0-9a-zA-Z\\\\ .<>/-]{0,200}".prop_map(String::into_bytes),
            (
                "(RequestId|Code|Message|TotalCount|Instances|Instance|InstanceId|Tags|Tag)",
                "(\"[a-z]{0,5}\"|[0-9]{1,25}|-?[0-9]\\.[0-9]e[0-9]{1,4}|true|null|\\[\\]|\\{\\})",
            )
                .prop_map(|(k, v)| format!(
                    "{{\"RequestId\":\"r\",\"{k}\":{v},\"Instances\":{{\"Instance\":[{{\"{k}\":{v}}}]}}}}"
                )
                .into_bytes()),
            (1usize..2000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any status and body: an output or an error, never a panic (nor a stack overflow on
        /// deep nesting: serde_json stops at 128 levels).
        #[test]
        fn decoding_never_panics(status in prop_oneof![Just(200u16), Just(400), Just(503), 100u16..600], body in body()) {
            match decode::<DescribeInstances>(status, None, None, &body) {
                Ok(_) => prop_assert!((200..300).contains(&status)),
                Err(f) => if let SdkError::UndecodableResponse { snippet, .. } = &f.error {
                    prop_assert!(snippet.chars().count() <= 201);
                },
            }
        }
    }
}
