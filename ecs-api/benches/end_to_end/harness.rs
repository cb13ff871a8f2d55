//! What the bench measures with: the server children (fixed-200 and the emulator), the callers
//! (raw reqwest floors and `ecs_api::Client`), and the loop that drives a caller and samples its
//! latency and CPU. The scenarios, rounds and report are in `main.rs`.

use std::convert::Infallible;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ecs_api::operation::create_snapshot_group::{CreateSnapshotGroup, CreateSnapshotGroupInput};
use ecs_api::signer::{Clock as _, NonceSource as _, RandomNonce, SystemClock, v2};
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

const ACCESS_KEY_ID: &str = "testid";
const ACCESS_KEY_SECRET: &str = "testsecret";
const REGION: &str = "cn-hangzhou";
const INSTANCE: &str = "i-emu-running";
/// A server child exits on its own after this, even if the bench never closes its stdin.
const CHILD_MAX_LIFETIME: Duration = Duration::from_secs(600);
/// Beyond the measurement's own length, how long its tasks may take to finish before being dropped.
const DRAIN_GRACE: Duration = Duration::from_secs(30);
const FIXED_BODY: &str = r#"{"RequestId":"0D5DD1F8-4E6C-4A84-8E8C-2E0B6C9F1A37","SnapshotGroupId":"ssg-j6ciyh3k52qp7ovm1234"}"#;

// ---------------------------------------------------------------------------------------------
// Server children
// ---------------------------------------------------------------------------------------------

/// Serves `kind` on 127.0.0.1:0, prints `port N`, and runs until stdin closes (or the lifetime cap).
pub(crate) fn serve_child(kind: &str) -> ExitCode {
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
            // Snapshots done at once: the bench creates groups of the same disks back to back.
            let emulator = ecs_emulator::Emulator::builder()
                .world(world)
                .timings(ecs_emulator::Timings::instant())
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
pub(crate) struct ServerChild {
    child: Child,
    port: u16,
}

impl ServerChild {
    pub(crate) fn spawn(kind: &str) -> ServerChild {
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

    pub(crate) fn url(&self) -> String {
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
pub(crate) enum ServerKind {
    Fixed,
    Emulator,
}

impl ServerKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            ServerKind::Fixed => "fixed-200",
            ServerKind::Emulator => "emulator",
        }
    }
    pub(crate) fn child_arg(self) -> &'static str {
        match self {
            ServerKind::Fixed => "fixed",
            ServerKind::Emulator => "emulator",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientKind {
    /// The floor: raw reqwest (pre-signed URL for fixed-200, signed per call for the emulator).
    Raw,
    Ours(SignatureVersion),
}

impl ClientKind {
    pub(crate) fn label(self, server: ServerKind) -> &'static str {
        match (self, server) {
            (ClientKind::Raw, ServerKind::Fixed) => "raw reqwest",
            (ClientKind::Raw, ServerKind::Emulator) => "raw reqwest+sign",
            (ClientKind::Ours(SignatureVersion::V2), _) => "ecs-api V2",
            (ClientKind::Ours(SignatureVersion::V3), _) => "ecs-api V3",
        }
    }
}

pub(crate) const CLIENTS: [ClientKind; 3] = [
    ClientKind::Raw,
    ClientKind::Ours(SignatureVersion::V2),
    ClientKind::Ours(SignatureVersion::V3),
];

/// One way of making the call; cheap to clone into each task.
#[derive(Clone)]
pub(crate) enum Caller {
    /// Raw reqwest POSTing one URL signed up front.
    RawPresigned {
        http: reqwest::Client,
        url: Arc<str>,
    },
    /// Raw reqwest, each request signed with `ecs_api::signer::v2` (fresh nonce, timestamp and
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

pub(crate) fn make_caller(client: ClientKind, server: ServerKind, base: &str) -> Caller {
    let credentials = Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    let input = typical_input();
    match (client, server) {
        (ClientKind::Raw, ServerKind::Fixed) => {
            let input = input.client_token(uuid::Uuid::new_v4().to_string());
            let nonce = RandomNonce.nonce();
            let url = v2::presigned_url(
                base,
                &credentials,
                &v2::RpcRequest {
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
    pub(crate) async fn call(&self) -> Result<(), String> {
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
                let url = v2::presigned_url(
                    base,
                    credentials,
                    &v2::RpcRequest {
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

pub(crate) struct Sample {
    pub(crate) calls: u64,
    pub(crate) errors: u64,
    pub(crate) rps: f64,
    pub(crate) p50_us: f64,
    pub(crate) p99_us: f64,
    pub(crate) client_cpu_us: f64,
    pub(crate) server_cpu_us: f64,
}

fn percentile_us(sorted_ns: &[u64], q: f64) -> f64 {
    if sorted_ns.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted_ns.len() - 1) as f64 * q).round() as usize;
    sorted_ns[i] as f64 / 1000.0
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn measure(
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
