//! The HTTP server: builder, running handle, request pipeline.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ecs_api::wire::ValidationMode;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::actions::{self, Ctx};
use crate::answer;
use crate::errors::ApiError;
use crate::faults::{Bucket, Fault, FaultPlan, RateLimit};
use crate::protocol::{self, Format, Parsed, Scheme};
use crate::state::{Outcome, RequestRecord, Snapshot, SnapshotGroup, State};
use crate::world::World;

/// Configures an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    world: World,
    rate_limit: Option<RateLimit>,
    validation: ValidationMode,
    seed: Option<u64>,
    strict_actions: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            world: World::default_world(),
            rate_limit: None,
            validation: ValidationMode::Strict,
            seed: None,
            strict_actions: false,
        }
    }
}

impl EmulatorBuilder {
    /// The initial state (default: [`World::default_world`]).
    pub fn world(mut self, world: World) -> Self {
        self.world = world;
        self
    }
    /// Answers `Throttling` (with `x-acs-retry-after`) beyond this rate, counted over all callers.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }
    /// How strictly params are checked (default: every documented rule).
    pub fn validation(mut self, mode: ValidationMode) -> Self {
        self.validation = mode;
        self
    }
    /// Refuse documented actions without a behavioural model (`InvalidAction.NotFound`, saying
    /// so) instead of answering them from their page's example (default: answer).
    pub fn strict_actions(mut self, strict: bool) -> Self {
        self.strict_actions = strict;
        self
    }
    /// Seed for rate-based faults.
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }
    pub fn build(self) -> Emulator {
        Emulator {
            shared: Arc::new(Shared {
                state: Mutex::new(State::new(self.world)),
                faults: Mutex::new(self.seed.map(FaultPlan::with_seed).unwrap_or_default()),
                limiter: Mutex::new(self.rate_limit.map(Bucket::new)),
                validation: self.validation,
                strict_actions: self.strict_actions,
                seq: AtomicU64::new(0),
            }),
        }
    }
}

/// An emulator not yet listening.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    faults: Mutex<FaultPlan>,
    limiter: Mutex<Option<Bucket>>,
    validation: ValidationMode,
    strict_actions: bool,
    seq: AtomicU64,
}

/// Locks ignoring poison: a panic elsewhere must not take the emulator down with it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Emulator {
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Binds `addr` (e.g. `127.0.0.1:0`) and serves until [`RunningEmulator::shutdown`] or drop.
    pub async fn start(self, addr: &str) -> std::io::Result<RunningEmulator> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let (tx, rx) = watch::channel(false);
        let shared = self.shared.clone();
        let task = tokio::spawn(accept_loop(listener, shared, rx));
        Ok(RunningEmulator {
            addr: local,
            shared: self.shared,
            shutdown: tx,
            task: Some(task),
        })
    }
}

/// A listening emulator: its URL, state inspection and fault scripting.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A copy of the current world (instances, disks, accounts).
    pub fn world(&self) -> World {
        lock(&self.shared.state).world.clone()
    }
    /// Changes the world in place (e.g. to flip a disk's state mid-test).
    pub fn update_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut lock(&self.shared.state).world)
    }
    pub fn snapshot_groups(&self) -> Vec<SnapshotGroup> {
        lock(&self.shared.state).groups.clone()
    }
    pub fn snapshots(&self) -> Vec<Snapshot> {
        lock(&self.shared.state).snapshots.clone()
    }
    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.state).requests.clone()
    }
    /// Forgets the request log (state is kept).
    pub fn clear_requests(&self) {
        lock(&self.shared.state).requests.clear();
    }

    /// The next `n` requests to `action` (`None`: any action) get `fault`.
    pub fn fail_next(&self, action: Option<&str>, n: u32, fault: Fault) {
        lock(&self.shared.faults).next(action, n, fault);
    }
    /// A share `rate` (0..=1) of requests to `action` get `fault`, until cleared.
    pub fn fail_rate(&self, action: Option<&str>, rate: f64, fault: Fault) {
        lock(&self.shared.faults).rate(action, rate, fault);
    }
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }
    /// Sets or removes the rate limit.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        *lock(&self.shared.limiter) = limit.map(Bucket::new);
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    Err(_) => {
                        // Out of descriptors and the like: back off rather than spin.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let mut stop = stop.clone();
                conns.spawn(async move {
                    let svc = hyper::service::service_fn(move |req| handle(shared.clone(), req));
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc);
                    tokio::select! {
                        _ = conn => {}
                        _ = stop.changed() => {}
                    }
                });
            }
        }
        // Reap finished connections so the set does not grow.
        while conns.try_join_next().is_some() {}
    }
    conns.shutdown().await;
}

/// Returned by the service to make hyper close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a scripted fault")
    }
}
impl std::error::Error for DropConnection {}

type Answer = Result<Response<Full<Bytes>>, DropConnection>;

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Answer {
    let request_id = new_request_id();
    let (parts, body) = req.into_parts();
    let host = parts
        .headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("ecs.aliyuncs.com")
        .to_owned();
    let reply = |format: Format, e: &ApiError, unmodelled: bool| {
        let mut r = error_response(format, e, &request_id, &host);
        mark_unmodelled(&mut r, unmodelled);
        r
    };

    let method = parts.method.as_str().to_owned();
    let body = match Limited::new(body, protocol::MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Ok(reply(
                Format::Json,
                &ApiError::invalid("The request body is too large or could not be read."),
                false,
            ));
        }
    };
    let parsed = match parse(&parts, &method, &body) {
        Ok(p) => p,
        Err(e) => return Ok(reply(Format::Json, &e, false)),
    };
    let format = parsed.format();

    let seq = shared.seq.fetch_add(1, Ordering::Relaxed);
    let action = parsed.action().map(str::to_owned);
    let fault = lock(&shared.faults).pick(action.as_deref());
    lock(&shared.state).push_record(RequestRecord {
        seq,
        method: method.clone(),
        path: parsed.path.clone(),
        scheme: parsed.scheme,
        action: action.clone(),
        access_key_id: None,
        params: parsed
            .all_pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        fault: fault.clone(),
        outcome: Outcome::Pending,
        responded: true,
        unmodelled: false,
    });
    let finish = |outcome: Outcome, responded: bool| {
        if let Some(r) = lock(&shared.state).record_mut(seq) {
            r.outcome = outcome;
            r.responded = responded;
        }
    };
    let fail = |e: ApiError| {
        finish(
            Outcome::Error {
                code: e.code.clone(),
                http_status: e.status,
            },
            true,
        );
        Ok(reply(format, &e, false))
    };

    // Faults that strike before any effect.
    match &fault {
        Some(Fault::Latency(d)) => tokio::time::sleep(*d).await,
        Some(Fault::InternalError) => return fail(ApiError::of("InternalError")),
        Some(Fault::ServiceUnavailable) => return fail(ApiError::of("ServiceUnavailable")),
        Some(Fault::Throttling { retry_after }) => return fail(ApiError::throttled(*retry_after)),
        Some(Fault::ConnectionReset) => {
            finish(Outcome::Pending, false);
            return Err(DropConnection);
        }
        _ => {}
    }

    if parsed.method != "GET" && parsed.method != "POST" {
        return fail(ApiError::of("UnsupportedHTTPMethod"));
    }
    let entry = match protocol::check_action(&parsed) {
        Ok(entry) => entry,
        Err(e) => return fail(e),
    };
    // A documented action without a model: said so in the log and on every answer.
    let unmodelled = !actions::is_modelled(entry.action);
    if unmodelled && let Some(r) = lock(&shared.state).record_mut(seq) {
        r.unmodelled = true;
    }

    let result = {
        let mut state = lock(&shared.state);
        let state = &mut *state;
        let now = time::OffsetDateTime::now_utc();
        match protocol::authenticate(&parsed, &state.world, &mut state.nonces, now) {
            Err(e) => Err(e),
            Ok(caller) => {
                if let Some(r) = state.record_mut(seq) {
                    r.access_key_id = Some(caller.clone());
                }
                let throttled = lock(&shared.limiter)
                    .as_mut()
                    .and_then(|b| b.take(Instant::now()).err());
                match throttled {
                    Some(wait) => Err(ApiError::throttled(wait)),
                    None => {
                        let ctx = Ctx {
                            mode: shared.validation,
                            strict_actions: shared.strict_actions,
                            request_id: &request_id,
                        };
                        actions::dispatch(entry, state, &caller, parsed.business_params(), &ctx)
                    }
                }
            }
        }
    };

    let (outcome, response) = match result {
        Err(e) => (
            Outcome::Error {
                code: e.code.clone(),
                http_status: e.status,
            },
            reply(format, &e, unmodelled),
        ),
        Ok(success) => {
            let root = format!("{}Response", entry.action);
            let (body, ctype) = answer::render(format, &root, &success.body);
            let mut response = build_response(200, ctype, body, &request_id, None);
            mark_unmodelled(&mut response, unmodelled);
            (success.outcome, response)
        }
    };

    // Faults that strike after the effect.
    match fault {
        Some(Fault::LostResponse) => {
            finish(outcome, false);
            Err(DropConnection)
        }
        Some(Fault::SlowResponse(d)) => {
            finish(outcome, true);
            tokio::time::sleep(d).await;
            Ok(response)
        }
        _ => {
            finish(outcome, true);
            Ok(response)
        }
    }
}

fn parse(
    parts: &hyper::http::request::Parts,
    method: &str,
    body: &Bytes,
) -> Result<Parsed, ApiError> {
    let query = protocol::decode_pairs(parts.uri.query().unwrap_or(""))?;
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let is_form = parts
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let form = if is_form && !body.is_empty() {
        let text = std::str::from_utf8(body)
            .map_err(|_| ApiError::invalid("The form body is not valid UTF-8."))?;
        protocol::decode_pairs(text)?
    } else {
        Vec::new()
    };
    let scheme = match parts.headers.get(hyper::header::AUTHORIZATION) {
        Some(v) if v.as_bytes().starts_with(b"ACS3-") => Scheme::V3,
        _ => Scheme::V2,
    };
    Ok(Parsed {
        scheme,
        method: method.to_owned(),
        path: parts.uri.path().to_owned(),
        query,
        form,
        headers,
        body_sha256: ecs_api::signer::v3::hash_payload(body),
    })
}

fn error_response(
    format: Format,
    e: &ApiError,
    request_id: &str,
    host: &str,
) -> Response<Full<Bytes>> {
    let recommend = format!(
        "https://api.aliyun.com/troubleshoot?q={}&product=Ecs&requestId={request_id}",
        e.code
    );
    let (body, ctype) = protocol::render(
        format,
        "Error",
        &[
            ("RequestId", request_id),
            ("HostId", host),
            ("Code", &e.code),
            ("Message", &e.message),
            ("Recommend", &recommend),
        ],
    );
    build_response(e.status, ctype, body, request_id, e.retry_after)
}

fn build_response(
    status: u16,
    ctype: &str,
    body: String,
    request_id: &str,
    retry_after: Option<Duration>,
) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = resp.headers_mut();
    if let Ok(v) = ctype.parse() {
        h.insert(hyper::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = request_id.parse() {
        h.insert("x-acs-request-id", v);
    }
    if let Some(ms) = retry_after
        && let Ok(v) = ms.as_millis().to_string().parse()
    {
        h.insert("x-acs-retry-after", v);
    }
    resp
}

/// `x-emulator-unmodelled: true` on every answer to a documented action without a model.
fn mark_unmodelled(response: &mut Response<Full<Bytes>>, unmodelled: bool) {
    if unmodelled {
        response.headers_mut().insert(
            UNMODELLED_HEADER,
            hyper::header::HeaderValue::from_static("true"),
        );
    }
}

/// The response header that marks an answer to an action the emulator does not model.
pub const UNMODELLED_HEADER: &str = "x-emulator-unmodelled";

/// Upper-case UUID, like `01ABBD93-1ABB-4D92-B496-1A3D20EC0697`.
fn new_request_id() -> String {
    uuid::Uuid::new_v4()
        .hyphenated()
        .to_string()
        .to_ascii_uppercase()
}
