//! The HTTP server: builder, running handle, request pipeline.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use std::future::Future;

use ecs_api::wire::ValidationMode;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::actions::{self, Ctx};
use crate::answer;
use crate::clock::Timings;
use crate::errors::ApiError;
use crate::faults::{Bucket, Fault, FaultPlan, RateLimit};
use crate::http::{self, Answer, Limits, Reply, Request, Service as _};
use crate::log::{self, RequestLog, RequestRecord};
use crate::protocol::{self, Format, NonceCache, Parsed, Scheme};
use crate::state::{Outcome, Snapshot, SnapshotGroup, State};
use crate::world::World;

/// Configures an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    world: World,
    rate_limit: Option<RateLimit>,
    validation: ValidationMode,
    seed: Option<u64>,
    strict_actions: bool,
    limits: Limits,
    pub(crate) timings: Timings,
    pub(crate) admin: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            world: World::default_world(),
            rate_limit: None,
            validation: ValidationMode::Strict,
            seed: None,
            strict_actions: false,
            limits: Limits::default(),
            timings: Timings::default(),
            admin: false,
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
    /// Timeouts, sizes and counts of the server (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
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
                state: Mutex::new(State::with_timings(self.world, self.timings)),
                log: Mutex::new(RequestLog::new(self.limits.request_log_bytes)),
                nonces: Mutex::new(NonceCache::default()),
                body_budget: Arc::new(Semaphore::new(
                    self.limits
                        .max_buffered_body_bytes
                        .min(Semaphore::MAX_PERMITS),
                )),
                limits: self.limits,
                faults: Mutex::new(self.seed.map(FaultPlan::with_seed).unwrap_or_default()),
                limiter: Mutex::new(self.rate_limit.map(Bucket::new)),
                validation: self.validation,
                strict_actions: self.strict_actions,
                admin: self.admin,
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

/// What every connection shares. Each lock guards one thing and is held only to read or change
/// it: parsing, signature checks, validation and rendering run outside all of them.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    log: Mutex<RequestLog>,
    nonces: Mutex<NonceCache>,
    limits: Limits,
    /// Body bytes buffered at once, over all connections.
    body_budget: Arc<Semaphore>,
    faults: Mutex<FaultPlan>,
    limiter: Mutex<Option<Bucket>>,
    validation: ValidationMode,
    strict_actions: bool,
    pub(crate) admin: bool,
    seq: AtomicU64,
}

/// Locks ignoring poison: a panic elsewhere must not take the emulator down with it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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
    pub(crate) shared: Arc<Shared>,
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

    /// A copy of the current world (instances, disks, accounts); snapshots are in
    /// [`RunningEmulator::state`].
    pub fn world(&self) -> World {
        let mut state = lock(&self.shared.state);
        state.settle();
        state.world.clone()
    }
    /// Changes the world in place (e.g. to flip a disk's state mid-test).
    pub fn update_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        lock(&self.shared.state).update_world(f)
    }
    /// Every snapshot group, as of the emulator's clock.
    pub fn snapshot_groups(&self) -> Vec<SnapshotGroup> {
        let state = lock(&self.shared.state);
        state.store.all_groups(state.now())
    }
    /// Every disk snapshot, as of the emulator's clock.
    pub fn snapshots(&self) -> Vec<Snapshot> {
        let state = lock(&self.shared.state);
        state.store.all_snapshots(state.now())
    }
    /// The requests received, oldest first, as far back as the log's byte limit
    /// ([`Limits::request_log_bytes`]) reaches.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).to_vec()
    }
    /// What the request log holds, in the bytes its limit counts.
    pub fn request_log_bytes(&self) -> usize {
        lock(&self.shared.log).bytes()
    }
    /// Forgets the request log (state is kept).
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
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
    let slots = Arc::new(Semaphore::new(shared.limits.max_connections));
    // Refusals hold a descriptor while they answer; beyond these, excess connections are just
    // closed, so a flood cannot exhaust descriptors through them.
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let host = listener
        .local_addr()
        .map_or_else(|_| DEFAULT_HOST.to_owned(), |a| a.to_string());
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
                let conn = Conn { shared: shared.clone(), host: host.clone() };
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    // Beyond the limit: a clear answer, then closed; never held open.
                    let Ok(refusing) = refusals.clone().try_acquire_owned() else {
                        continue;
                    };
                    let reply = conn.reject(503, format!(
                        "The emulator already serves its maximum of {} connections (max_connections); retry later.",
                        shared.limits.max_connections
                    ));
                    conns.spawn(async move {
                        http::refuse(stream, reply, &conn.shared.limits).await;
                        drop(refusing);
                    });
                    continue;
                };
                let mut stop = stop.clone();
                conns.spawn(async move {
                    let shared = conn.shared.clone();
                    tokio::select! {
                        _ = http::serve(stream, &shared.limits, &shared.body_budget, &conn) => {}
                        _ = stop.changed() => {}
                    }
                    drop(slot);
                });
            }
        }
        // Reap finished connections so the set does not grow.
        while conns.try_join_next().is_some() {}
    }
    conns.shutdown().await;
}

/// Connections being refused at once (answered 503, then drained briefly).
const MAX_REFUSALS: usize = 64;

/// HostId of answers to requests without a `Host` header.
const DEFAULT_HOST: &str = "ecs.aliyuncs.com";

/// One connection's view of the emulator.
struct Conn {
    shared: Arc<Shared>,
    /// The listening address, the `HostId` of protocol rejections.
    host: String,
}

impl http::Service for Conn {
    fn call(&self, request: Request) -> impl Future<Output = Answer> + Send {
        handle(self.shared.clone(), request)
    }

    fn reject(&self, status: u16, message: String) -> Reply {
        let mut e = if status == 503 {
            ApiError::with_message("ServiceUnavailable", message)
        } else {
            ApiError::with_message("InvalidParameter", message)
        };
        e.status = status;
        error_reply(Format::Json, &e, &new_request_id(), &self.host)
    }
}

async fn handle(shared: Arc<Shared>, req: Request) -> Answer {
    let request_id = new_request_id();
    let host = req.header("host").unwrap_or(DEFAULT_HOST).to_owned();
    let reply = |format: Format, e: &ApiError, unmodelled: bool| {
        let mut r = error_reply(format, e, &request_id, &host);
        mark_unmodelled(&mut r, unmodelled);
        Answer::Reply(r)
    };

    if let Some(reply) = crate::control::admin_answer(&shared, &req) {
        return Answer::Reply(reply);
    }
    let parsed = match parse(req) {
        Ok(p) => p,
        Err(e) => return reply(Format::Json, &e, false),
    };
    let format = parsed.format();
    // The signature is checked here, outside every lock; its verdict is given below, in the
    // gateway's order. It also decides whether the log keeps the params.
    let verified = protocol::verify(
        &parsed,
        |id| lock(&shared.state).world.account(id).cloned(),
        time::OffsetDateTime::now_utc(),
    );

    let seq = shared.seq.fetch_add(1, Ordering::Relaxed);
    let action = parsed.action().map(str::to_owned);
    let fault = lock(&shared.faults).pick(action.as_deref());
    let (params, params_truncated) = if verified.is_ok() {
        log::kept_params(parsed.all_pairs(), shared.limits.request_log_params_bytes)
    } else {
        (Vec::new(), parsed.all_pairs().next().is_some())
    };
    lock(&shared.log).push(RequestRecord {
        seq,
        method: parsed.method.clone(),
        path: parsed.path.clone(),
        scheme: parsed.scheme,
        action,
        access_key_id: None,
        params,
        params_truncated,
        fault: fault.clone(),
        outcome: Outcome::Pending,
        responded: true,
        unmodelled: false,
    });
    let finish = |outcome: Outcome, responded: bool, caller: Option<&str>, unmodelled: bool| {
        lock(&shared.log).update(seq, |r| {
            r.outcome = outcome;
            r.responded = responded;
            r.access_key_id = caller.map(str::to_owned);
            r.unmodelled = unmodelled;
        });
    };
    let fail = |e: ApiError| {
        let outcome = Outcome::Error {
            code: e.code.clone(),
            http_status: e.status,
        };
        finish(outcome, true, None, false);
        reply(format, &e, false)
    };

    // Faults that strike before any effect.
    match &fault {
        Some(Fault::Latency(d)) => tokio::time::sleep(*d).await,
        Some(Fault::InternalError) => return fail(ApiError::of("InternalError")),
        Some(Fault::ServiceUnavailable) => return fail(ApiError::of("ServiceUnavailable")),
        Some(Fault::Throttling { retry_after }) => return fail(ApiError::throttled(*retry_after)),
        Some(Fault::ConnectionReset) => {
            finish(Outcome::Pending, false, None, false);
            return Answer::Drop;
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

    let caller = verified
        .and_then(|v| v.consume_nonce(&mut lock(&shared.nonces), time::OffsetDateTime::now_utc()));
    let result = match &caller {
        Err(e) => Err(e.clone()),
        Ok(caller) => {
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
                    let params = parsed.business_params();
                    actions::dispatch(entry, &shared.state, caller, params, &ctx)
                }
            }
        }
    };
    let caller = caller.as_deref().ok();

    let (outcome, answer) = match result {
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
            let mut response = build_reply(200, ctype, body, &request_id, None);
            mark_unmodelled(&mut response, unmodelled);
            (success.outcome, Answer::Reply(response))
        }
    };

    // Faults that strike after the effect.
    match fault {
        Some(Fault::LostResponse) => {
            finish(outcome, false, caller, unmodelled);
            Answer::Drop
        }
        Some(Fault::SlowResponse(d)) => {
            finish(outcome, true, caller, unmodelled);
            tokio::time::sleep(d).await;
            answer
        }
        _ => {
            finish(outcome, true, caller, unmodelled);
            answer
        }
    }
}

fn parse(req: Request) -> Result<Parsed, ApiError> {
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let query = protocol::decode_pairs(query)?;
    let is_form = req.header("content-type").is_some_and(|v| {
        v.trim_start()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    let form = if is_form && !req.body.is_empty() {
        let text = std::str::from_utf8(&req.body)
            .map_err(|_| ApiError::invalid("The form body is not valid UTF-8."))?;
        protocol::decode_pairs(text)?
    } else {
        Vec::new()
    };
    let scheme = match req.header("authorization") {
        Some(v) if v.starts_with("ACS3-") => Scheme::V3,
        _ => Scheme::V2,
    };
    // Only V3 signs the body's hash.
    let body_sha256 = match scheme {
        Scheme::V3 => ecs_api::signer::v3::hash_payload(&req.body),
        Scheme::V2 => String::new(),
    };
    Ok(Parsed {
        scheme,
        path: path.to_owned(),
        query,
        form,
        body_sha256,
        method: req.method,
        headers: req.headers,
    })
}

fn error_reply(format: Format, e: &ApiError, request_id: &str, host: &str) -> Reply {
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
    build_reply(e.status, ctype, body, request_id, e.retry_after)
}

pub(crate) fn build_reply(
    status: u16,
    ctype: &'static str,
    body: String,
    request_id: &str,
    retry_after: Option<Duration>,
) -> Reply {
    let mut headers = vec![
        ("content-type", ctype.to_owned()),
        ("x-acs-request-id", request_id.to_owned()),
    ];
    if let Some(wait) = retry_after {
        headers.push(("x-acs-retry-after", wait.as_millis().to_string()));
    }
    Reply {
        status,
        headers,
        body: body.into_bytes(),
    }
}

/// `x-emulator-unmodelled: true` on every answer to a documented action without a model.
fn mark_unmodelled(reply: &mut Reply, unmodelled: bool) {
    if unmodelled {
        reply.headers.push((UNMODELLED_HEADER, "true".to_owned()));
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
