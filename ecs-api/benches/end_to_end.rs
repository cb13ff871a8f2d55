//! End to end (issue 7): `ecs_api::Client` against a raw `reqwest::Client` floor, over real HTTP on
//! 127.0.0.1, one task in sequence and 64 concurrent tasks on a 2-worker tokio runtime.
//!
//! ```text
//! cargo bench -p ecs-api --bench end_to_end                # ≈ 60 s
//! E2E_SECONDS=5 cargo bench -p ecs-api --bench end_to_end  # longer measurements
//! E2E_FILTER="fixed 64t" cargo bench -p ecs-api --bench end_to_end  # only matching rows (profiling)
//! ```
//!
//! Env: `E2E_SECONDS` (default 1.5) is the length of each measurement, `E2E_ROUNDS` (default 3) the
//! number of alternating rounds (the table shows the median of each metric over the rounds).
//!
//! Servers run in child processes: this binary re-executed with `E2E_SERVER=fixed|emulator`, serving
//! on a current-thread runtime until its stdin closes (at most 10 minutes). So `getrusage(RUSAGE_SELF)`
//! in the bench process is client CPU only; the server's CPU is read from `/proc/PID/stat` and shown
//! in its own column.
//!
//! - `fixed-200`: a minimal hyper HTTP/1 server answering every request with the same 200 JSON body.
//!   It costs next to nothing, so these rows show the client's own cost. Floor: raw reqwest POSTing
//!   one URL signed once up front, sent as that string each call (reqwest parses it per call,
//!   as it does for every client that builds its URL per request).
//! - `emulator`: `ecs-emulator` with signature verification (always on), the default world and the
//!   snapshot quota raised. It rejects a reused nonce and has no switch for that, so its floor is raw
//!   reqwest plus `ecs_api::signer::v1::sign_rpc` per call (fresh timestamp, nonce and ClientToken):
//!   the difference to ours is validation, param flattening, retry/timeout wrapping, tracing spans
//!   and response parsing. The emulator does more work as its state grows (its snapshot-quota check
//!   scans every snapshot held), so each emulator measurement gets a fresh emulator process and the
//!   same number of calls (the count the first floor measurement reached in `E2E_SECONDS`).
//!   The 64-task floor row doubles as the emulator's own throughput with signature checks on.
//!
//! Every loop is bounded in count and in time; the bench ends by itself.

use std::convert::Infallible;
use std::io::{BufRead as _, BufReader, IsTerminal as _, Write as _};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ecs_api::operation::create_snapshot_group::{CreateSnapshotGroup, CreateSnapshotGroupInput};
use ecs_api::signer::{Clock as _, NonceSource as _, RandomNonce, SystemClock, v1};
use ecs_api::types::Tag;
use ecs_api::wire::ToParams as _;
use ecs_api::{CallOptions, Client, Config, Credentials, SignatureVersion};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const CONCURRENCY: usize = 64;
const ACCESS_KEY_ID: &str = "testid";
const ACCESS_KEY_SECRET: &str = "testsecret";
const REGION: &str = "cn-hangzhou";
const INSTANCE: &str = "i-emu-running";
/// A server child exits on its own after this, even if the bench never closes its stdin.
const CHILD_MAX_LIFETIME: Duration = Duration::from_secs(600);
/// Beyond the measurement's own length, how long its tasks may take to finish before being dropped.
const DRAIN_GRACE: Duration = Duration::from_secs(30);
const FIXED_BODY: &str = r#"{"RequestId":"0D5DD1F8-4E6C-4A84-8E8C-2E0B6C9F1A37","SnapshotGroupId":"ssg-j6ciyh3k52qp7ovm1234"}"#;

fn main() -> ExitCode {
    match std::env::var("E2E_SERVER").as_deref() {
        Ok(kind @ ("fixed" | "emulator")) => serve_child(kind),
        Ok(other) => {
            eprintln!("E2E_SERVER={other}: expected fixed or emulator");
            ExitCode::from(2)
        }
        Err(_) => {
            run_bench();
            ExitCode::SUCCESS
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Server children
// ---------------------------------------------------------------------------------------------

/// Serves `kind` on 127.0.0.1:0, prints `port N`, and runs until stdin closes (or the lifetime cap).
fn serve_child(kind: &str) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("server child: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: std::io::Result<()> = rt.block_on(async {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        // The parent closes our stdin (or dies) when it is done with us.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ = tx.send(());
        });
        let stop = async {
            let _ = tokio::time::timeout(CHILD_MAX_LIFETIME, rx).await;
        };
        if kind == "fixed" {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            announce(listener.local_addr()?.port())?;
            tokio::select! {
                _ = serve_fixed(listener) => {}
                _ = stop => {}
            }
        } else {
            let mut world = ecs_emulator::World::default_world();
            for account in &mut world.accounts {
                account.snapshot_quota = u64::MAX;
            }
            let emulator = ecs_emulator::Emulator::builder()
                .world(world)
                .build()
                .start("127.0.0.1:0")
                .await?;
            announce(emulator.addr().port())?;
            stop.await;
            emulator.shutdown().await;
        }
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server child ({kind}): {e}");
            ExitCode::FAILURE
        }
    }
}

fn announce(port: u16) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "port {port}")?;
    out.flush()
}

/// Accepts until the caller's `select!` stops it (the child's lifetime bounds it).
async fn serve_fixed(listener: TcpListener) {
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(|_req: Request<Incoming>| async {
                Ok::<_, Infallible>(fixed_response())
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

fn fixed_response() -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from_static(FIXED_BODY.as_bytes())));
    let headers = resp.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json;charset=utf-8"),
    );
    headers.insert(
        "x-acs-request-id",
        hyper::header::HeaderValue::from_static("0D5DD1F8-4E6C-4A84-8E8C-2E0B6C9F1A37"),
    );
    resp
}

/// A server child process, ended when dropped (stdin closed, then killed if it lingers).
struct ServerChild {
    child: Child,
    port: u16,
}

impl ServerChild {
    fn spawn(kind: &str) -> ServerChild {
        let exe = std::env::current_exe().expect("path of the bench binary");
        let mut child = Command::new(exe)
            .env("E2E_SERVER", kind)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the server child");
        let stdout = child.stdout.take().expect("child stdout");
        let mut line = String::new();
        // Returns at the child's first line, or at EOF if it failed to start.
        let _ = BufReader::new(stdout).read_line(&mut line);
        let port = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok());
        match port {
            Some(port) => ServerChild { child, port },
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the {kind} server child did not start (said {line:?})");
            }
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// User + system CPU of the child so far (clock-tick resolution, 10 ms on Linux).
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()));
        let ticks = stat.ok().and_then(|s| {
            // Fields after the `(comm)`: state is field 3, utime 14, stime 15.
            let rest = &s[s.rfind(')')? + 1..];
            let mut f = rest.split_whitespace().skip(11);
            let utime: u64 = f.next()?.parse().ok()?;
            let stime: u64 = f.next()?.parse().ok()?;
            Some(utime + stime)
        });
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        let hz = if hz > 0 { hz as u64 } else { 100 };
        Duration::from_nanos(ticks.unwrap_or(0) * 1_000_000_000 / hz)
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// User + system CPU of this process (every thread).
fn process_cpu() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct we pass; RUSAGE_SELF is always valid.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

// ---------------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum ServerKind {
    Fixed,
    Emulator,
}

impl ServerKind {
    fn label(self) -> &'static str {
        match self {
            ServerKind::Fixed => "fixed-200",
            ServerKind::Emulator => "emulator",
        }
    }
    fn child_arg(self) -> &'static str {
        match self {
            ServerKind::Fixed => "fixed",
            ServerKind::Emulator => "emulator",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientKind {
    /// The floor: raw reqwest (pre-signed URL for fixed-200, signed per call for the emulator).
    Raw,
    Ours(SignatureVersion),
}

impl ClientKind {
    fn label(self, server: ServerKind) -> &'static str {
        match (self, server) {
            (ClientKind::Raw, ServerKind::Fixed) => "raw reqwest",
            (ClientKind::Raw, ServerKind::Emulator) => "raw reqwest+sign",
            (ClientKind::Ours(SignatureVersion::V1), _) => "ecs-api V1",
            (ClientKind::Ours(SignatureVersion::V3), _) => "ecs-api V3",
        }
    }
}

const CLIENTS: [ClientKind; 3] = [
    ClientKind::Raw,
    ClientKind::Ours(SignatureVersion::V1),
    ClientKind::Ours(SignatureVersion::V3),
];

/// One way of making the call; cheap to clone into each task.
#[derive(Clone)]
enum Caller {
    /// Raw reqwest POSTing one URL signed up front.
    RawPresigned {
        http: reqwest::Client,
        url: Arc<str>,
    },
    /// Raw reqwest, each request signed with `ecs_api::signer::v1` (fresh nonce, timestamp and
    /// ClientToken: the emulator rejects replayed nonces and short-cuts replayed tokens).
    RawSigned {
        http: reqwest::Client,
        base: Arc<str>,
        credentials: Credentials,
        /// Business params, `RegionId` included, `ClientToken` not.
        params: Arc<Vec<(String, String)>>,
    },
    Ours(Client),
}

/// The call every row makes: a snapshot group of `i-emu-running` with the typical params set.
fn typical_input() -> CreateSnapshotGroupInput {
    CreateSnapshotGroupInput::new(INSTANCE)
        .region_id(REGION)
        .exclude_disk_id("d-emu-data2")
        .name("nightly-backup")
        .description("Nightly backup of the web tier")
        .instant_access(true)
        .instant_access_retention_days(1)
        .tag(Tag::new().key("env").value("bench"))
        .tag(Tag::new().key("team").value("storage"))
}

/// The same reqwest setup `ecs_api::Client` uses (pooled, keep-alive, no proxy on loopback).
fn raw_http() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_keepalive(Duration::from_secs(60))
        .user_agent(concat!("ecs-api-rust/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("reqwest client")
}

fn make_caller(client: ClientKind, server: ServerKind, base: &str) -> Caller {
    let credentials = Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    let input = typical_input();
    match (client, server) {
        (ClientKind::Raw, ServerKind::Fixed) => {
            let input = input.client_token(uuid::Uuid::new_v4().to_string());
            let nonce = RandomNonce.nonce();
            let url = v1::presigned_url(
                base,
                &credentials,
                &v1::RpcRequest {
                    method: "POST",
                    action: "CreateSnapshotGroup",
                    version: "2014-05-26",
                    params: &input.to_params(),
                    timestamp: SystemClock.now(),
                    nonce: &nonce,
                },
            );
            Caller::RawPresigned {
                http: raw_http(),
                url: Arc::from(url),
            }
        }
        (ClientKind::Raw, ServerKind::Emulator) => Caller::RawSigned {
            http: raw_http(),
            base: Arc::from(base),
            credentials,
            params: Arc::new(
                input
                    .to_params()
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ),
        },
        (ClientKind::Ours(version), _) => {
            let config = Config::builder()
                .region(REGION)
                .endpoint(base)
                .credentials(credentials)
                .signature_version(version)
                .build()
                .expect("config");
            Caller::Ours(Client::new(config))
        }
    }
}

impl Caller {
    async fn call(&self) -> Result<(), String> {
        match self {
            Caller::RawPresigned { http, url } => raw_send(http.post(&**url)).await,
            Caller::RawSigned {
                http,
                base,
                credentials,
                params,
            } => {
                let token = uuid::Uuid::new_v4().to_string();
                let nonce = RandomNonce.nonce();
                let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 1);
                pairs.extend(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                pairs.push(("ClientToken", &token));
                let url = v1::presigned_url(
                    base,
                    credentials,
                    &v1::RpcRequest {
                        method: "POST",
                        action: "CreateSnapshotGroup",
                        version: "2014-05-26",
                        params: &pairs,
                        timestamp: SystemClock.now(),
                        nonce: &nonce,
                    },
                );
                raw_send(http.post(url)).await
            }
            Caller::Ours(client) => {
                // What `create_snapshot_group(..)…send()` runs, with the input every row sends.
                let out = client
                    .call::<CreateSnapshotGroup>(typical_input(), &CallOptions::default())
                    .await
                    .map_err(|e| e.to_string())?;
                match out.snapshot_group_id {
                    Some(_) => Ok(()),
                    None => Err("no SnapshotGroupId in the answer".into()),
                }
            }
        }
    }
}

/// Sends with the headers `ecs_api::Client` sends, reads the whole body, wants a 200.
async fn raw_send(req: reqwest::RequestBuilder) -> Result<(), String> {
    let resp = req
        .header("accept", "application/json")
        .body("")
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    let status = resp.status();
    let body = resp
        .bytes()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if status.as_u16() == 200 {
        Ok(())
    } else {
        Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)))
    }
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Drive {
    latencies_ns: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

/// Runs `tasks` concurrent loops of calls until `run_for` has passed or `max_calls` were started.
async fn drive(caller: &Caller, tasks: usize, run_for: Duration, max_calls: u64) -> Drive {
    let deadline = Instant::now() + run_for;
    let issued = Arc::new(AtomicU64::new(0));
    let per_task = (max_calls.min(400_000) as usize / tasks).max(16);
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        let caller = caller.clone();
        let issued = issued.clone();
        set.spawn(async move {
            let mut out = Drive {
                latencies_ns: Vec::with_capacity(per_task),
                ..Drive::default()
            };
            while Instant::now() < deadline && issued.fetch_add(1, Ordering::Relaxed) < max_calls {
                let start = Instant::now();
                let result = caller.call().await;
                out.latencies_ns.push(start.elapsed().as_nanos() as u64);
                if let Err(e) = result {
                    out.errors += 1;
                    out.first_error.get_or_insert(e);
                }
            }
            out
        });
    }
    let mut all = Drive::default();
    let joined = tokio::time::timeout(run_for + DRAIN_GRACE, async {
        while let Some(done) = set.join_next().await {
            if let Ok(d) = done {
                all.latencies_ns.extend(d.latencies_ns);
                all.errors += d.errors;
                if all.first_error.is_none() {
                    all.first_error = d.first_error;
                }
            }
        }
    })
    .await;
    if joined.is_err() {
        all.errors += 1;
        all.first_error
            .get_or_insert_with(|| "calls still running after the drain grace".into());
    }
    all
}

struct Sample {
    calls: u64,
    errors: u64,
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    client_cpu_us: f64,
    server_cpu_us: f64,
}

fn percentile_us(sorted_ns: &[u64], q: f64) -> f64 {
    if sorted_ns.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted_ns.len() - 1) as f64 * q).round() as usize;
    sorted_ns[i] as f64 / 1000.0
}

#[allow(clippy::too_many_arguments)]
fn measure(
    rt: &Runtime,
    caller: &Caller,
    server: &ServerChild,
    tasks: usize,
    run_for: Duration,
    max_calls: u64,
    warmup_calls: u64,
) -> (Sample, Option<String>) {
    rt.block_on(async {
        // Warm-up: opens the connections (one per task) and faults in the lazy statics.
        let warm = drive(caller, tasks, Duration::from_secs(2), warmup_calls).await;
        let cpu0 = process_cpu();
        let server0 = server.cpu();
        let t0 = Instant::now();
        let mut d = drive(caller, tasks, run_for, max_calls).await;
        let elapsed = t0.elapsed();
        let cpu = process_cpu() - cpu0;
        let server_cpu = server.cpu().saturating_sub(server0);
        d.latencies_ns.sort_unstable();
        let calls = d.latencies_ns.len() as u64;
        let per_call = |t: Duration| t.as_secs_f64() * 1e6 / calls.max(1) as f64;
        let sample = Sample {
            calls,
            errors: d.errors + warm.errors,
            rps: calls as f64 / elapsed.as_secs_f64(),
            p50_us: percentile_us(&d.latencies_ns, 0.50),
            p99_us: percentile_us(&d.latencies_ns, 0.99),
            client_cpu_us: per_call(cpu),
            server_cpu_us: per_call(server_cpu),
        };
        (sample, d.first_error.or(warm.first_error))
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

struct Row {
    server: ServerKind,
    tasks: usize,
    client: ClientKind,
    samples: Vec<Sample>,
}

impl Row {
    fn med(&self, f: impl Fn(&Sample) -> f64) -> f64 {
        median(self.samples.iter().map(f).collect())
    }
    fn rps(&self) -> f64 {
        self.med(|s| s.rps)
    }
    fn p50(&self) -> f64 {
        self.med(|s| s.p50_us)
    }
    fn p99(&self) -> f64 {
        self.med(|s| s.p99_us)
    }
    fn cpu(&self) -> f64 {
        self.med(|s| s.client_cpu_us)
    }
    fn server_cpu(&self) -> f64 {
        self.med(|s| s.server_cpu_us)
    }
    fn name(&self) -> String {
        let scenario = if self.tasks == 1 {
            "seq".to_owned()
        } else {
            format!("{}t", self.tasks)
        };
        format!(
            "{:<9} {:<4} {}",
            self.server.label(),
            scenario,
            self.client.label(self.server)
        )
    }
}

struct Settings {
    run_for: Duration,
    rounds: usize,
    smoke: bool,
    /// `E2E_FILTER`: run only the rows whose name contains every word of it (`fixed seq V1`).
    filter: Option<String>,
}

fn settings() -> Settings {
    // `cargo bench` passes `--bench`; without it (e.g. `cargo test --benches`) just check it works.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let env_num = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    let seconds = env_num("E2E_SECONDS").unwrap_or(if smoke { 0.1 } else { 1.5 });
    let rounds = env_num("E2E_ROUNDS").map_or(if smoke { 1 } else { 3 }, |r| r as usize);
    Settings {
        run_for: Duration::from_secs_f64(seconds.min(600.0)),
        rounds: rounds.clamp(1, 15),
        smoke,
        filter: std::env::var("E2E_FILTER").ok().filter(|f| !f.is_empty()),
    }
}

fn run_bench() {
    let s = settings();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    println!(
        "end_to_end: {} round(s) of {:.1} s per measurement, client runtime = tokio multi-thread with 2 workers{}",
        s.rounds,
        s.run_for.as_secs_f64(),
        if s.smoke {
            " (smoke run: pass --bench or use cargo bench for real numbers)"
        } else {
            ""
        }
    );
    let started = Instant::now();
    let progress = std::io::stderr().is_terminal();
    let mut rows: Vec<Row> = Vec::new();
    let mut failures: Vec<String> = Vec::new();

    for server in [ServerKind::Fixed, ServerKind::Emulator] {
        // The fixed server is stateless: one child for all its measurements.
        let shared_child =
            (server == ServerKind::Fixed).then(|| ServerChild::spawn(server.child_arg()));
        for tasks in [1, CONCURRENCY] {
            let first = rows.len();
            for client in CLIENTS {
                rows.push(Row {
                    server,
                    tasks,
                    client,
                    samples: Vec::new(),
                });
            }
            // Emulator runs all make the count the first one reached (see the module doc).
            let mut emulator_calls: Option<u64> = None;
            let warmup_calls = (tasks as u64) * 4;
            for round in 0..s.rounds {
                for (i, client) in CLIENTS.into_iter().enumerate() {
                    let name = rows[first + i].name();
                    if s.filter
                        .as_ref()
                        .is_some_and(|f| f.split_whitespace().any(|w| !name.contains(w)))
                    {
                        continue;
                    }
                    if progress {
                        eprint!("\r{name:<40} round {}/{}   ", round + 1, s.rounds);
                    }
                    let fresh_child;
                    let child = match &shared_child {
                        Some(c) => c,
                        None => {
                            fresh_child = ServerChild::spawn(server.child_arg());
                            &fresh_child
                        }
                    };
                    let caller = make_caller(client, server, &child.url());
                    let (run_for, max_calls) = match (server, emulator_calls) {
                        (ServerKind::Fixed, _) => (s.run_for, u64::MAX),
                        (ServerKind::Emulator, None) => (s.run_for, u64::MAX),
                        // Same count for everyone; a generous time cap in case a client is slow.
                        (ServerKind::Emulator, Some(n)) => (s.run_for * 4, n),
                    };
                    let (sample, error) =
                        measure(&rt, &caller, child, tasks, run_for, max_calls, warmup_calls);
                    if server == ServerKind::Emulator && emulator_calls.is_none() {
                        emulator_calls = Some(sample.calls.max(1));
                    }
                    if sample.errors > 0 {
                        failures.push(format!(
                            "{}: {} failed call(s), first: {}",
                            rows[first + i].name(),
                            sample.errors,
                            error.unwrap_or_default()
                        ));
                    }
                    rows[first + i].samples.push(sample);
                }
            }
        }
    }
    if progress {
        eprint!("\r{:<70}\r", "");
    }
    drop(rt);
    rows.retain(|r| !r.samples.is_empty());

    print_table(&rows, &s);
    print_emulator_summary(&rows);
    print_targets(&rows);
    if !failures.is_empty() {
        println!("\nFAILED CALLS (the numbers above are not meaningful for these rows):");
        for f in &failures {
            println!("  {f}");
        }
    }
    println!(
        "\ntotal bench time {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

fn floor_of<'a>(rows: &'a [Row], row: &Row) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r.server == row.server && r.tasks == row.tasks && r.client == ClientKind::Raw)
}

fn pct(ours: f64, floor: f64) -> String {
    format!("{:+.0}%", (ours / floor - 1.0) * 100.0)
}

fn print_table(rows: &[Row], s: &Settings) {
    println!();
    println!(
        "{:<34} | {:>7} | {:>7} | {:>7} | {:>9} | {:>9} | ratio vs raw reqwest (same server, same tasks)",
        "scenario", "req/s", "p50 µs", "p99 µs", "client CPU", "server CPU"
    );
    println!(
        "{:<34} | {:>7} | {:>7} | {:>7} | {:>9} | {:>9} |",
        "", "", "", "", "µs/call", "µs/call"
    );
    println!(
        "{}",
        "-".repeat(34 + 3 + 7 + 3 + 7 + 3 + 7 + 3 + 9 + 3 + 9 + 3 + 44)
    );
    let mut last_group = None;
    for row in rows {
        let group = (row.server as u8, row.tasks);
        if last_group.is_some_and(|g| g != group) {
            println!();
        }
        last_group = Some(group);
        let ratio = match floor_of(rows, row) {
            Some(f) if row.client != ClientKind::Raw => format!(
                "{:.2}× thr, p50 {}, p99 {}, CPU {:.2}×",
                row.rps() / f.rps(),
                pct(row.p50(), f.p50()),
                pct(row.p99(), f.p99()),
                row.cpu() / f.cpu()
            ),
            _ => "(floor)".to_owned(),
        };
        println!(
            "{:<34} | {:>7.0} | {:>7.1} | {:>7.1} | {:>9.1} | {:>9.1} | {}",
            row.name(),
            row.rps(),
            row.p50(),
            row.p99(),
            row.cpu(),
            row.server_cpu(),
            ratio
        );
    }
    let calls: Vec<String> = rows
        .iter()
        .filter(|r| r.server == ServerKind::Emulator && r.client == ClientKind::Raw)
        .map(|r| {
            format!(
                "{} calls per {}-task run",
                r.samples.first().map_or(0, |x| x.calls),
                r.tasks
            )
        })
        .collect();
    println!(
        "\nmedians of {} round(s); rounds alternate the clients (raw, V1, V3, raw, …). Client CPU = getrusage(RUSAGE_SELF)\n\
         of the bench process (client only: servers are child processes); server CPU from /proc/PID/stat (10 ms ticks).\n\
         fixed-200 floor: one pre-signed URL. emulator floor: raw reqwest + ecs_api::signer::v1 per call (fresh nonce,\n\
         timestamp, ClientToken: the emulator rejects reused nonces); fresh emulator per run, same call count ({}).",
        s.rounds,
        calls.join(", ")
    );
}

fn print_emulator_summary(rows: &[Row]) {
    let Some(gen_row) = rows.iter().find(|r| {
        r.server == ServerKind::Emulator && r.tasks == CONCURRENCY && r.client == ClientKind::Raw
    }) else {
        return;
    };
    let server_cpu = gen_row.server_cpu();
    println!(
        "\nemulator throughput, V1 signature verification on (load: raw reqwest, {CONCURRENCY} tasks, each request freshly signed):\n  \
         {:.0} req/s, p50 {:.0} µs, p99 {:.0} µs; emulator CPU {:.1} µs/request (one current-thread runtime: ≤ {:.0} req/s per core)",
        gen_row.rps(),
        gen_row.p50(),
        gen_row.p99(),
        server_cpu,
        if server_cpu > 0.0 {
            1e6 / server_cpu
        } else {
            f64::NAN
        }
    );
}

fn print_targets(rows: &[Row]) {
    println!("\ntargets (ecs-api vs raw reqwest on the same server; computed, not asserted):");
    for server in [ServerKind::Fixed, ServerKind::Emulator] {
        for version in [SignatureVersion::V1, SignatureVersion::V3] {
            let find = |tasks: usize, client: ClientKind| {
                rows.iter()
                    .find(|r| r.server == server && r.tasks == tasks && r.client == client)
            };
            let ours = ClientKind::Ours(version);
            let (Some(seq), Some(seq_f), Some(con), Some(con_f)) = (
                find(1, ours),
                find(1, ClientKind::Raw),
                find(CONCURRENCY, ours),
                find(CONCURRENCY, ClientKind::Raw),
            ) else {
                continue;
            };
            let thr = con.rps() / con_f.rps();
            let p50 = seq.p50() / seq_f.p50() - 1.0;
            let cpu_seq = seq.cpu() / seq_f.cpu();
            let cpu_con = con.cpu() / con_f.cpu();
            let mark = |ok: bool| if ok { "ok  " } else { "MISS" };
            println!(
                "  {:<9} {:<11} thr@{CONCURRENCY} ≥ 85%: {:>4.0}% {} | seq p50 ≤ +20%: {:>+4.0}% {} | CPU/call ≤ 1.3×: seq {:.2}× {}, {CONCURRENCY}t {:.2}× {}",
                server.label(),
                ours.label(server),
                thr * 100.0,
                mark(thr >= 0.85),
                p50 * 100.0,
                mark(p50 <= 0.20),
                cpu_seq,
                mark(cpu_seq <= 1.3),
                cpu_con,
                mark(cpu_con <= 1.3),
            );
        }
    }
    println!(
        "  fixed-200 isolates the client (its floor signs nothing per call, so ours pays validation, signing, URL\n  \
         parsing, response parsing and the retry/timeout/tracing wrapping on top). The emulator floor signs per call, and\n  \
         its {CONCURRENCY}-task rows are bound by the emulator (server CPU ≈ one core), so their throughput ratio says little."
    );
}
