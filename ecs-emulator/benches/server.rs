//! The emulator binary under load, measured from outside (`cargo bench -p ecs-emulator --bench
//! server [-- throughput|memory]`; both by default).
//!
//! - `throughput`: 64 keep-alive connections (`EMU_BENCH_TASKS`) each sending freshly V2-signed
//!   requests (new nonce and ClientToken per request, so every one is verified and creates a
//!   snapshot group) from a lean load generator on one thread of this process: raw HTTP/1.1,
//!   signing with `ecs_api::signer`, so the client costs a few µs per request and the server
//!   is what is measured. Rounds alternate the variants: this build with all workers, this build
//!   with `--threads 1`, and `EMU_BENCH_BASELINE=/path/to/ecs-emulator` (another build, e.g. of
//!   main) when set. Reports req/s, p50/p99 and the server's CPU per request; medians over
//!   `EMU_BENCH_ROUNDS` (3) rounds of `EMU_BENCH_SECS` (5) seconds.
//! - `memory`: the server's resident memory (VmRSS, peak VmHWM) before and after 50 unsigned
//!   1 MB requests, 200 bodies dripped a byte per ms for 5 s, and 400 idle connections.
//!
//! On a machine shared with other work the figures move; run it when the machine is quiet and
//! compare variants of the same run only.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ecs_api::Credentials;
use ecs_api::signer::{Clock as _, NonceSource as _, RandomNonce, SystemClock, v2};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

fn main() {
    let modes: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |m: &str| modes.is_empty() || modes.iter().any(|a| a == m);
    let world = world_file();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if wants("throughput") {
        rt.block_on(throughput(&world));
    }
    if wants("memory") {
        rt.block_on(memory(&world));
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The default world with quotas no run reaches.
fn world_file() -> PathBuf {
    let mut world = ecs_emulator::World::default_world();
    for account in &mut world.accounts {
        account.snapshot_quota = u64::MAX;
    }
    let path =
        std::env::temp_dir().join(format!("ecs-emu-bench-world-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_string(&world).expect("world")).expect("world file");
    path
}

/// A server binary run by the bench.
struct Variant {
    label: String,
    binary: PathBuf,
    args: Vec<String>,
}

fn variants() -> Vec<Variant> {
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_ecs-emulator"));
    let mut v = vec![
        Variant {
            label: "this build, all workers".into(),
            binary: ours.clone(),
            args: vec![],
        },
        Variant {
            label: "this build, --threads 1".into(),
            binary: ours,
            args: vec!["--threads".into(), "1".into()],
        },
    ];
    if let Ok(base) = std::env::var("EMU_BENCH_BASELINE") {
        v.push(Variant {
            label: format!("baseline {base}"),
            binary: base.into(),
            args: vec![],
        });
    }
    v
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn spawn(binary: &Path, world: &Path, args: &[String]) -> Server {
        let mut command = Command::new(binary);
        command
            .args(["--listen", "127.0.0.1:0", "--world"])
            .arg(world)
            .args(args);
        // This build's snapshots take time by default, and a disk with one in progress refuses
        // the next group: the bench creates groups of the same disks back to back.
        if binary == Path::new(env!("CARGO_BIN_EXE_ecs-emulator")) {
            command.args(["--snapshot-seconds", "0"]);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("first line");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("first line: {line:?}"));
        Server { child, addr }
    }

    /// User + system CPU so far (clock ticks of 1/100 s, Linux's USER_HZ).
    fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name, which is in parentheses: utime is the 12th, stime 13th.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, r)| r)
            .split_whitespace()
            .collect();
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
            .sum();
        Duration::from_millis(ticks * 10)
    }

    /// (VmRSS, VmHWM) in MiB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kib = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Throughput
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Call {
    /// A new snapshot group per request: the write path.
    Create,
    /// DescribeInstances of the region: the read path.
    Describe,
}

/// The request bytes: freshly signed, params in the query, as the SDKs send them.
fn request(call: Call, addr: SocketAddr, creds: &Credentials) -> Vec<u8> {
    let token = uuid::Uuid::new_v4().to_string();
    let (action, params): (&str, Vec<(&str, &str)>) = match call {
        Call::Create => (
            "CreateSnapshotGroup",
            vec![
                ("RegionId", "cn-hangzhou"),
                ("InstanceId", "i-emu-running"),
                ("ExcludeDiskId.1", "d-emu-data2"),
                ("Name", "nightly-backup"),
                ("Description", "Nightly backup of the web tier"),
                ("InstantAccess", "true"),
                ("InstantAccessRetentionDays", "1"),
                ("Tag.1.Key", "env"),
                ("Tag.1.Value", "bench"),
                ("Tag.2.Key", "team"),
                ("Tag.2.Value", "storage"),
                ("ClientToken", &token),
            ],
        ),
        Call::Describe => (
            "DescribeInstances",
            vec![("RegionId", "cn-hangzhou"), ("PageSize", "10")],
        ),
    };
    let nonce = RandomNonce.nonce();
    let url = v2::presigned_url(
        "",
        creds,
        &v2::RpcRequest {
            method: "POST",
            action,
            version: "2014-05-26",
            params: &params,
            timestamp: SystemClock.now(),
            nonce: &nonce,
        },
    );
    let target = if url.starts_with('/') {
        url
    } else {
        format!("/{url}")
    };
    format!(
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// Reads one answer; its status.
async fn read_status(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).unwrap_or("");
            let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..end + 4 + length);
            return Ok(status);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

struct Sample {
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    cpu_us: f64,
    errors: u64,
}

async fn drive(server: &Server, call: Call, tasks: usize, secs: u64) -> Sample {
    let creds = Credentials::new("testid", "testsecret");
    let counting = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let (addr, creds) = (server.addr, creds.clone());
        let (counting, stop) = (counting.clone(), stop.clone());
        set.spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let Ok(mut s) = TcpStream::connect(addr).await else {
                return (lat, 1);
            };
            let _ = s.set_nodelay(true);
            let mut buf = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let req = request(call, addr, &creds);
                let t = Instant::now();
                let ok = match s.write_all(&req).await {
                    Ok(()) => read_status(&mut s, &mut buf).await,
                    Err(e) => Err(e),
                };
                if counting.load(Ordering::Relaxed) {
                    match ok {
                        Ok(200) => lat.push(t.elapsed().as_nanos() as u64),
                        _ => errors += 1,
                    }
                }
                if ok.is_err() {
                    break;
                }
            }
            (lat, errors)
        });
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (cpu0, t0) = (server.cpu(), Instant::now());
    counting.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(secs)).await;
    counting.store(false, Ordering::Relaxed);
    let (cpu1, elapsed) = (server.cpu(), t0.elapsed());
    stop.store(true, Ordering::Relaxed);
    let mut lat = Vec::new();
    let mut errors = 0;
    while let Some(r) = set.join_next().await {
        let (l, e) = r.expect("task");
        lat.extend(l);
        errors += e;
    }
    lat.sort_unstable();
    let pct = |q: f64| {
        lat.get(((lat.len() as f64 - 1.0) * q) as usize)
            .map_or(0.0, |ns| *ns as f64 / 1000.0)
    };
    let calls = lat.len().max(1) as f64;
    Sample {
        rps: lat.len() as f64 / elapsed.as_secs_f64(),
        p50_us: pct(0.5),
        p99_us: pct(0.99),
        cpu_us: (cpu1 - cpu0).as_secs_f64() * 1e6 / calls,
        errors,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

async fn throughput(world: &Path) {
    let rounds = env_or("EMU_BENCH_ROUNDS", 3);
    let secs = env_or("EMU_BENCH_SECS", 5);
    let tasks = env_or("EMU_BENCH_TASKS", 64) as usize;
    let variants = variants();
    println!(
        "emulator throughput: {tasks} connections, V2-signed requests, {rounds} rounds of {secs} s, variants alternating; {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for (call, name) in [
        (
            Call::Create,
            "CreateSnapshotGroup (creates a group per request)",
        ),
        (Call::Describe, "DescribeInstances (read)"),
    ] {
        let mut samples: Vec<Vec<Sample>> = variants.iter().map(|_| Vec::new()).collect();
        for _ in 0..rounds {
            for (i, v) in variants.iter().enumerate() {
                // A fresh server per round: the write path's state grows with every request.
                let server = Server::spawn(&v.binary, world, &v.args);
                samples[i].push(drive(&server, call, tasks, secs).await);
            }
        }
        println!("\n{name}:");
        println!(
            "  {:<60} {:>9} {:>9} {:>9} {:>12} {:>7}",
            "server", "req/s", "p50 µs", "p99 µs", "CPU µs/req", "errors"
        );
        let first = median(samples[0].iter().map(|s| s.rps).collect());
        for (v, s) in variants.iter().zip(&samples) {
            let m = |f: fn(&Sample) -> f64| median(s.iter().map(f).collect());
            let rps = m(|s| s.rps);
            let spread: Vec<String> = s.iter().map(|s| format!("{:.0}", s.rps)).collect();
            println!(
                "  {:<60} {:>9.0} {:>9.0} {:>9.0} {:>12.1} {:>7}   ({:.2}× the first row; rounds {})",
                v.label,
                rps,
                m(|s| s.p50_us),
                m(|s| s.p99_us),
                m(|s| s.cpu_us),
                s.iter().map(|s| s.errors).sum::<u64>(),
                rps / first.max(1.0),
                spread.join(", ")
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------------

async fn memory(world: &Path) {
    println!("\nemulator memory under hostile clients (VmRSS / peak VmHWM, MiB):");
    let mut variants = variants();
    variants.retain(|v| v.args.is_empty());
    for v in &variants {
        let server = Server::spawn(&v.binary, world, &v.args);
        let show = |what: &str, server: &Server| {
            let (rss, hwm) = server.memory();
            println!("  {:<60} {what:<52} {rss:>7.1} / {hwm:>7.1}", v.label);
        };
        show("idle", &server);

        // 50 unsigned requests of 1 MB each (form bodies of junk params).
        let body = format!("Action=DescribeRegions&Junk={}", "y".repeat(1_000_000 - 28));
        for _ in 0..50 {
            if let Ok(mut s) = TcpStream::connect(server.addr).await {
                let head = format!(
                    "POST / HTTP/1.1\r\nHost: emu\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(head.as_bytes()).await;
                let _ = s.write_all(body.as_bytes()).await;
                let _ = read_status(&mut s, &mut Vec::new()).await;
            }
        }
        show("after 50 unsigned 1 MB requests", &server);

        // 200 bodies announced as 1 MB, dripped a byte per ms for 5 s.
        let mut drips = tokio::task::JoinSet::new();
        for _ in 0..200 {
            let addr = server.addr;
            drips.spawn(async move {
                let Ok(mut s) = TcpStream::connect(addr).await else {
                    return;
                };
                let head = "POST / HTTP/1.1\r\nHost: emu\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n";
                if s.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let end = Instant::now() + Duration::from_secs(5);
                while Instant::now() < end {
                    if s.write_all(b"a").await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            });
        }
        while drips.join_next().await.is_some() {}
        show("after 200 bodies dripped 1 byte/ms for 5 s", &server);

        // 400 idle connections, then one real request.
        let mut idle = Vec::new();
        for _ in 0..400 {
            if let Ok(s) = TcpStream::connect(server.addr).await {
                idle.push(s);
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let served = match TcpStream::connect(server.addr).await {
            Ok(mut s) => {
                let req = request(
                    Call::Describe,
                    server.addr,
                    &Credentials::new("testid", "testsecret"),
                );
                let _ = s.write_all(&req).await;
                tokio::time::timeout(Duration::from_secs(5), read_status(&mut s, &mut Vec::new()))
                    .await
                    .ok()
                    .and_then(Result::ok)
            }
            Err(_) => None,
        };
        show(
            &format!("400 idle connections, then a request: {served:?}"),
            &server,
        );
    }
}
