//! Test helpers: a scripted HTTP server on 127.0.0.1, an instant sleep, hand-written operations.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use ecs_api::Credentials;
use ecs_api::credentials::BoxFuture;
use ecs_api::operation::{ErrorMeta, IdempotentInput, Operation, ServiceError};
use ecs_api::retry::AsyncSleep;
use ecs_api::signer::{v2, v3};
use ecs_api::wire::{ParamSink, ToParams, Validate, ValidationMode, ValidationReport};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// What the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub raw_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// Decoded query pairs, in order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        decode_query(&self.raw_query)
    }
    pub fn param(&self, name: &str) -> Option<String> {
        self.pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    /// Recomputes the V2 signature from what arrived and compares it with the one sent.
    pub fn verify_v2(&self, creds: &Credentials) -> bool {
        let pairs = self.pairs();
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "Signature")
            .map(|(_, v)| v.clone());
        let rest: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(k, _)| k != "Signature")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let expected = v2::sign_params(creds, &self.method, &rest).signature;
        sent.as_deref() == Some(expected.as_str())
    }

    /// Recomputes the V3 signature over the headers the client says it signed.
    pub fn verify_v3(&self, creds: &Credentials) -> bool {
        let Some(auth) = self.header("authorization") else {
            return false;
        };
        let Some(signed) = auth
            .split(',')
            .find_map(|p| p.trim().strip_prefix("SignedHeaders="))
        else {
            return false;
        };
        let headers: Vec<(String, String)> = signed
            .split(';')
            .map(|n| (n.to_owned(), self.header(n).unwrap_or_default()))
            .collect();
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let pairs = self.pairs();
        let query: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let expected = v3::sign(
            creds,
            &v3::Request {
                method: &self.method,
                path: &self.path,
                query: &query,
                headers: &headers,
                hashed_payload: &v3::hash_payload(&self.body),
            },
        );
        expected.authorization == auth
    }
}

pub fn decode_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (dec(k), dec(v))
        })
        .collect()
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Wait this long before answering (to trigger client timeouts).
    pub delay: Option<Duration>,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
            delay: None,
        }
    }
    pub fn raw(status: u16, content_type: &str, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: None,
        }
    }
    pub fn ok(id: &str) -> Reply {
        Reply::json(
            200,
            &format!(r#"{{"RequestId":"req-ok","SnapshotGroupId":"{id}"}}"#),
        )
    }
    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &format!(
                r#"{{"RequestId":"req-{code}","HostId":"ecs.aliyuncs.com","Code":"{code}","Message":"{message}","Recommend":"https://api.aliyun.com/troubleshoot"}}"#
            ),
        )
    }
    pub fn hang() -> Reply {
        Reply {
            delay: Some(Duration::from_secs(30)),
            ..Reply::ok("ssg-late")
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
}

#[derive(Default)]
struct State {
    replies: VecDeque<Reply>,
    last: Option<Reply>,
    seen: Vec<Seen>,
}

/// A scripted HTTP/1 server on 127.0.0.1: answers with the queued replies in order, then repeats
/// the last one.
#[derive(Clone)]
pub struct TestServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl TestServer {
    pub async fn start(replies: Vec<Reply>) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            replies: replies.into(),
            ..State::default()
        }));
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let st = st.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let st = st.clone();
                        async move { Ok::<_, Infallible>(handle(req, st).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        TestServer { addr, state }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    state: Arc<Mutex<State>>,
) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        raw_query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body,
    };
    let reply = {
        let mut st = state.lock().unwrap();
        st.seen.push(seen);
        let next = st.replies.pop_front().or_else(|| st.last.clone());
        if let Some(r) = &next {
            st.last = Some(r.clone());
        }
        next.unwrap_or_else(|| Reply::ok("ssg-default"))
    };
    if let Some(d) = reply.delay {
        tokio::time::sleep(d).await;
    }
    let mut resp = Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        resp = resp.header(k, v);
    }
    resp.body(Full::new(Bytes::from(reply.body))).unwrap()
}

/// A sleep that returns at once and records what was asked.
#[derive(Debug, Default)]
pub struct RecordingSleep {
    pub delays: Mutex<Vec<Duration>>,
}

impl AsyncSleep for RecordingSleep {
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.delays.lock().unwrap().push(d);
        Box::pin(async {})
    }
}

impl RecordingSleep {
    pub fn delays(&self) -> Vec<Duration> {
        self.delays.lock().unwrap().clone()
    }
}

// ---- hand-written operations (no idempotency token), to test the rules that depend on it ----

#[derive(Debug, Clone, Default)]
pub struct ThingInput {
    pub region_id: Option<String>,
    pub name: Option<String>,
}

impl ToParams for ThingInput {
    fn write_params(&self, sink: &mut ParamSink) {
        if let Some(r) = &self.region_id {
            sink.param("RegionId", r);
        }
        if let Some(n) = &self.name {
            sink.param("Name", n);
        }
    }
}

impl Validate for ThingInput {
    // Nothing to check: these operations exist to exercise the transport rules.
    fn validate_into(&self, _prefix: &str, _mode: ValidationMode, _report: &mut ValidationReport) {}
}

impl IdempotentInput for ThingInput {
    fn region_id(&self) -> Option<&str> {
        self.region_id.as_deref()
    }
    fn set_region_id(&mut self, region: String) {
        self.region_id = Some(region);
    }
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ThingOutput {
    #[serde(rename = "RequestId")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThingError(pub ErrorMeta);

impl fmt::Display for ThingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
impl std::error::Error for ThingError {}
impl ServiceError for ThingError {
    fn from_meta(meta: ErrorMeta) -> Self {
        ThingError(meta)
    }
    fn meta(&self) -> &ErrorMeta {
        &self.0
    }
    fn is_retryable(&self) -> bool {
        self.0.code.starts_with("Throttling") || self.0.code == "InternalError"
    }
}

/// A mutating operation without a ClientToken.
pub struct CreateThing;
impl Operation for CreateThing {
    const READ_ONLY: bool = false;
    const ACTION: &'static str = "CreateThing";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    type Input = ThingInput;
    type Output = ThingOutput;
    type Error = ThingError;
}

/// A read-only operation.
pub struct DescribeThings;
impl Operation for DescribeThings {
    const READ_ONLY: bool = true;
    const ACTION: &'static str = "DescribeThings";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    type Input = ThingInput;
    type Output = ThingOutput;
    type Error = ThingError;
}
