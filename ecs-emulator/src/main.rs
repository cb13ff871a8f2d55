//! `ecs-emulator --listen 127.0.0.1:PORT [--world FILE] [--rate-limit N] [--strict-actions]
//! [--threads N] [--snapshot-seconds S] [--transition-seconds S] [--admin] [limits]`
//!
//! Prints `listening on http://127.0.0.1:PORT` as its first stdout line, then serves until
//! ctrl-c or SIGTERM.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use ecs_emulator::{Emulator, Limits, RateLimit, Timings, World};

const USAGE: &str = "usage: ecs-emulator [--listen ADDR] [--world FILE] [--rate-limit PER_SECOND] [--strict-actions]
                    [--threads N] [--snapshot-seconds S] [--transition-seconds S] [--admin] [limits]

  --listen ADDR     where to listen (default 127.0.0.1:0: a free port on loopback)
  --strict-actions  refuse documented actions the emulator does not model (InvalidAction.NotFound)
                    instead of answering them from their page's example response
  --threads N       worker threads (default: one per core)
  --snapshot-seconds S    how long a snapshot stays progressing [1.5; 0 = instant]
  --transition-seconds S  how long Starting/Stopping last [1; 0 = instant]
  --admin           serve the state dump as JSON at GET /_emulator/state

limits (default in brackets):
  --idle-timeout SECS            close a connection with no request started [30]
  --header-timeout SECS          the request line and headers must arrive within [10], else 408
  --body-timeout SECS            the body must arrive within [10] of the headers, else 408
  --max-connections N            connections at once; one more is answered 503 [512]
  --max-header-bytes N           request line and headers, else 431 [32768]
  --max-uri-bytes N              path and query, else 414 [16384]
  --max-body-bytes N             one request body, else 413 [1048576]
  --max-body-buffer N            body bytes buffered over all connections [67108864]
  --request-log-bytes N          size of the request log, oldest dropped first [33554432]
  --request-log-params-bytes N   params kept per logged request [16384]";

struct Args {
    listen: String,
    world: Option<String>,
    rate_limit: Option<f64>,
    strict_actions: bool,
    threads: Option<usize>,
    limits: Limits,
    timings: Timings,
    admin: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        listen: "127.0.0.1:0".into(),
        world: None,
        rate_limit: None,
        strict_actions: false,
        threads: None,
        limits: Limits::default(),
        timings: Timings::default(),
        admin: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let positive = |name: &str, v: String| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name}: not a positive whole number: {v}"))
        };
        let seconds = |name: &str, v: String| {
            v.parse::<f64>()
                .ok()
                .filter(|n| *n > 0.0 && n.is_finite())
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("{name}: not a positive number of seconds: {v}"))
        };
        // Durations of the world: zero allowed (instant).
        let duration = |name: &str, v: String| {
            v.parse::<f64>()
                .ok()
                .filter(|n| *n >= 0.0 && n.is_finite())
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("{name}: not a number of seconds: {v}"))
        };
        let l = &mut args.limits;
        match arg.as_str() {
            "--listen" => args.listen = value("--listen")?,
            "--world" => args.world = Some(value("--world")?),
            "--rate-limit" => {
                let v = value("--rate-limit")?;
                args.rate_limit = Some(
                    v.parse::<f64>()
                        .ok()
                        .filter(|n| *n > 0.0)
                        .ok_or_else(|| format!("--rate-limit: not a positive number: {v}"))?,
                );
            }
            "--strict-actions" => args.strict_actions = true,
            "--snapshot-seconds" => args.timings.snapshot = duration(&arg, value(&arg)?)?,
            "--transition-seconds" => {
                args.timings.instance_transition = duration(&arg, value(&arg)?)?;
            }
            "--admin" => args.admin = true,
            "--threads" => args.threads = Some(positive(&arg, value(&arg)?)?),
            "--idle-timeout" => l.idle_timeout = seconds(&arg, value(&arg)?)?,
            "--header-timeout" => l.header_read_timeout = seconds(&arg, value(&arg)?)?,
            "--body-timeout" => l.body_timeout = seconds(&arg, value(&arg)?)?,
            "--max-connections" => l.max_connections = positive(&arg, value(&arg)?)?,
            "--max-header-bytes" => l.max_head_bytes = positive(&arg, value(&arg)?)?,
            "--max-uri-bytes" => l.max_uri_bytes = positive(&arg, value(&arg)?)?,
            "--max-body-bytes" => l.max_body_bytes = positive(&arg, value(&arg)?)?,
            "--max-body-buffer" => l.max_buffered_body_bytes = positive(&arg, value(&arg)?)?,
            "--request-log-bytes" => l.request_log_bytes = positive(&arg, value(&arg)?)?,
            "--request-log-params-bytes" => {
                l.request_log_params_bytes = positive(&arg, value(&arg)?)?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    // Request handling runs on every worker: the state lock is only held for state changes.
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args.threads {
        runtime.worker_threads(n);
    }
    match runtime.enable_all().build() {
        Ok(rt) => rt.block_on(run(args)),
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run(args: Args) -> ExitCode {
    let world = match &args.world {
        None => World::default_world(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| World::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(w) => w,
            Err(e) => {
                eprintln!("cannot load world file {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let mut builder = Emulator::builder()
        .world(world)
        .strict_actions(args.strict_actions)
        .limits(args.limits)
        .timings(args.timings)
        .admin_endpoint(args.admin);
    if let Some(n) = args.rate_limit {
        builder = builder.rate_limit(RateLimit::per_second(n));
    }
    let running = match builder.build().start(&args.listen).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", args.listen);
            return ExitCode::from(1);
        }
    };
    if !running.addr().ip().is_loopback() {
        warn_beyond_loopback(running.addr(), args.world.is_none());
    }
    // Scripts wait for this exact first line, so flush it at once.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", running.url());
    let _ = out.flush();
    drop(out);

    wait_for_signal().await;
    running.shutdown().await;
    ExitCode::SUCCESS
}

/// Anyone who can reach the address can call it, with keys the README publishes.
fn warn_beyond_loopback(addr: SocketAddr, default_world: bool) {
    let keys = if default_world {
        "the default world's access keys are published in the README"
    } else {
        "anyone holding the world file's keys can sign requests"
    };
    eprintln!(
        "warning: listening on {addr}, beyond loopback: other hosts can reach this emulator, and {keys}. Use --listen 127.0.0.1:PORT unless that is what you want."
    );
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
