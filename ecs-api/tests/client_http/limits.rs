//! The client's limits against misbehaving servers on 127.0.0.1: body size, error documents sent
//! with 200, `x-acs-retry-after` cap, default deadline, endpoints with user-info.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::common::{
    CreateThing, DescribeThings, RecordingSleep, Reply, TestServer, ThingError, ThingInput,
    ThingOutput,
};
use ecs_api::operation::Operation;
use ecs_api::{CallOptions, Client, Config, Credentials, RetryConfig, SdkError};

/// What a raw server sends after the request head.
#[derive(Clone, Copy)]
enum Misbehaviour {
    /// `200`, chunked, chunks of 16 KiB for as long as the client reads.
    EndlessChunked,
    /// `200` announcing (and sending) a body of this many bytes.
    Sized(usize),
}

/// A raw HTTP/1.1 server: reads one request head, answers as told.
async fn raw_server(how: Misbehaviour) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let chunk = vec![b' '; 16 * 1024];
                match how {
                    Misbehaviour::EndlessChunked => {
                        let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                     transfer-encoding: chunked\r\n\r\n4000\r\n{\"RequestId\":\"r\"";
                        if stream.write_all(start.as_bytes()).await.is_err() {
                            return;
                        }
                        let mut first = true;
                        loop {
                            // The first chunk's 16 bytes of JSON were sent with the head.
                            let part = if first { &chunk[16..] } else { &chunk[..] };
                            let framed = [part, b"\r\n4000\r\n"].concat();
                            first = false;
                            if stream.write_all(&framed).await.is_err() {
                                return;
                            }
                        }
                    }
                    Misbehaviour::Sized(len) => {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                             content-length: {len}\r\n\r\n"
                        );
                        if stream.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let mut left = len;
                        while left > 0 {
                            let n = left.min(chunk.len());
                            if stream.write_all(&chunk[..n]).await.is_err() {
                                return;
                            }
                            left -= n;
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn config(endpoint: &str) -> ecs_api::config::ConfigBuilder {
    Config::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new("testid", "testsecret"))
        .endpoint(endpoint)
        .sleep_impl(Arc::new(RecordingSleep::default()))
}

fn too_large_reason(err: &SdkError<ThingError>, limit: usize) {
    match err {
        SdkError::UndecodableResponse { status, reason, .. } => {
            assert_eq!(*status, 200);
            assert!(
                reason.contains(&format!("limit of {limit} bytes"))
                    && reason.contains("max_response_body_size"),
                "{reason}"
            );
        }
        other => panic!("expected a body-too-large error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_endless_chunked_200_stops_at_the_body_limit() {
    let endpoint = raw_server(Misbehaviour::EndlessChunked).await;
    let limit = 256 * 1024;
    // The attempt timeout is far away: the limit, not the timer, ends the attempt.
    let client = Client::new(
        config(&endpoint)
            .max_response_body_size(limit)
            .attempt_timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
    );
    let err = client
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap_err();
    too_large_reason(&err, limit);
    assert!(err.to_string().contains("limit of 262144 bytes"), "{err}");
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_it_is_read() {
    let endpoint = raw_server(Misbehaviour::Sized(4 << 20)).await;
    let limit = 64 * 1024;
    let client = Client::new(
        config(&endpoint)
            .max_response_body_size(limit)
            .build()
            .unwrap(),
    );
    let err = client
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap_err();
    too_large_reason(&err, limit);
    assert!(matches!(&err, SdkError::UndecodableResponse { snippet, .. } if snippet.is_empty()));
}

#[tokio::test]
async fn a_body_at_the_limit_is_read() {
    let body = r#"{"RequestId":"req-fits"}"#;
    let server = TestServer::start(vec![Reply::json(200, body)]).await;
    let at_limit = Client::new(
        config(&server.endpoint())
            .max_response_body_size(body.len())
            .build()
            .unwrap(),
    );
    let out = at_limit
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(out.request_id.as_deref(), Some("req-fits"));
    let one_less = Client::new(
        config(&server.endpoint())
            .max_response_body_size(body.len() - 1)
            .build()
            .unwrap(),
    );
    let err = one_less
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap_err();
    too_large_reason(&err, body.len() - 1);
}

#[tokio::test]
async fn a_200_carrying_code_and_message_is_a_service_error() {
    let server = TestServer::start(vec![Reply::json(
        200,
        r#"{"RequestId":"req-200","Code":"Forbidden.RAM","Message":"not allowed"}"#,
    )])
    .await;
    let client = Client::new(config(&server.endpoint()).build().unwrap());
    let err = client
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap_err();
    let service = err.as_service().expect("a service error");
    assert_eq!(service.0.code, "Forbidden.RAM");
    assert_eq!(service.0.message, "not allowed");
    assert_eq!(service.0.http_status, 200);
    assert_eq!(err.request_id(), Some("req-200"));
    assert_eq!(server.seen().len(), 1);

    // A `Code` that is not at the top level, or without `Message`, is an ordinary answer.
    for body in [
        r#"{"RequestId":"req-ok","Items":{"Code":"x","Message":"y"}}"#,
        r#"{"RequestId":"req-ok","Code":"x"}"#,
        r#"{"RequestId":"req-ok","Code":"","Message":""}"#,
    ] {
        let server = TestServer::start(vec![Reply::json(200, body)]).await;
        let client = Client::new(config(&server.endpoint()).build().unwrap());
        let out = client
            .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
            .await
            .unwrap();
        assert_eq!(out.request_id.as_deref(), Some("req-ok"), "{body}");
    }
}

/// An operation whose documented response has `Code` and `Message`.
struct CheckThing;
impl Operation for CheckThing {
    const READ_ONLY: bool = true;
    const ACTION: &'static str = "CheckThing";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    const RESPONSE_HAS_CODE: bool = true;
    type Input = ThingInput;
    type Output = ThingOutput;
    type Error = ThingError;
}

#[tokio::test]
async fn code_and_message_are_an_answer_where_the_response_documents_them() {
    let server = TestServer::start(vec![Reply::json(
        200,
        r#"{"RequestId":"req-check","Code":"Ok","Message":"all good"}"#,
    )])
    .await;
    let client = Client::new(config(&server.endpoint()).build().unwrap());
    let out = client
        .call::<CheckThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(out.request_id.as_deref(), Some("req-check"));
}

#[tokio::test]
async fn a_huge_retry_after_is_capped() {
    let throttled =
        || Reply::error(400, "Throttling", "slow down").header("x-acs-retry-after", "99999999");
    let server = TestServer::start(vec![throttled(), throttled(), Reply::ok("ssg-1")]).await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = Client::new(
        config(&server.endpoint())
            .sleep_impl(sleep.clone())
            .build()
            .unwrap(),
    );
    client
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(sleep.delays(), vec![Duration::from_secs(20); 2]);

    let server = TestServer::start(vec![throttled(), Reply::ok("ssg-1")]).await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = Client::new(
        config(&server.endpoint())
            .sleep_impl(sleep.clone())
            .retry(RetryConfig::standard().max_retry_after(Duration::from_millis(250)))
            .build()
            .unwrap(),
    );
    client
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(sleep.delays(), vec![Duration::from_millis(250)]);
}

#[tokio::test(start_paused = true)]
async fn the_default_deadline_ends_a_call_that_waits_on_retry_after() {
    // Real (paused-clock) sleeps: every answer asks for a long wait, attempts are unlimited.
    let server = TestServer::start(vec![
        Reply::error(400, "Throttling", "slow down").header("x-acs-retry-after", "99999999"),
    ])
    .await;
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new("testid", "testsecret"))
        .endpoint(server.endpoint())
        .retry(RetryConfig::standard().max_attempts(u32::MAX))
        .build()
        .unwrap();
    assert_eq!(
        config.operation_timeout(),
        Some(ecs_api::config::DEFAULT_OPERATION_TIMEOUT)
    );
    let err = Client::new(config)
        .call::<DescribeThings>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::Timeout { scope: ecs_api::error::TimeoutScope::Operation, after, .. }
            if after == ecs_api::config::DEFAULT_OPERATION_TIMEOUT),
        "{err:?}"
    );
}

#[test]
fn an_endpoint_is_echoed_without_its_user_info() {
    for raw in [
        "https://user:hunter2@ecs.example.com",
        "https://user:hunter2@ecs.example.com/path",
        "user:hunter2@ecs.example.com:notaport",
        "https://user:hun/ter2@ecs.example.com",
        "https://user:hunter2@",
    ] {
        let builder = Config::builder().region("cn-hangzhou").endpoint(raw);
        let debug = format!("{builder:?}");
        assert!(
            !debug.contains("hunter2") && !debug.contains("ter2"),
            "{debug}"
        );
        let err = builder.build().unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(
                !shown.contains("hunter2") && !shown.contains("ter2"),
                "{shown}"
            );
            assert!(shown.contains("***@"), "{shown}");
        }
    }
}

#[tokio::test]
async fn the_deadline_cuts_the_attempt_it_falls_in_and_nothing_follows() {
    // Attempts of 200 ms under a 500 ms deadline: two end on their own timeout and are retried
    // (read-only), the third is cut by the deadline and not retried although attempts remain.
    let server = TestServer::start(vec![Reply::hang()]).await;
    let client = Client::new(
        config(&server.endpoint())
            .sleep_impl(Arc::new(RecordingSleep::default()))
            .attempt_timeout(Duration::from_millis(200))
            .operation_timeout(Duration::from_millis(500))
            .retry(RetryConfig::standard().max_attempts(10))
            .build()
            .unwrap(),
    );
    let err = client
        .call::<DescribeThings>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::Timeout { scope: ecs_api::error::TimeoutScope::Operation, after, attempts: 3 }
            if after == Duration::from_millis(500)),
        "{err:?}"
    );
    assert_eq!(server.seen().len(), 3);
}
