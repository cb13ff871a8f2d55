//! `ecs-emulator --listen 127.0.0.1:PORT [--world FILE] [--rate-limit N] [--strict-actions]
//! [--snapshot-seconds S] [--transition-seconds S] [--admin]`
//!
//! Prints `listening on http://127.0.0.1:PORT` as its first stdout line, then serves until
//! ctrl-c or SIGTERM.

use std::io::Write as _;
use std::process::ExitCode;

use std::time::Duration;

use ecs_emulator::{Emulator, RateLimit, Timings, World};

const USAGE: &str = "usage: ecs-emulator [--listen ADDR] [--world FILE] [--rate-limit PER_SECOND] [--strict-actions]
                    [--snapshot-seconds S] [--transition-seconds S] [--admin]

  --strict-actions        refuse documented actions the emulator does not model
                          (InvalidAction.NotFound) instead of answering them from their page's
                          example response
  --snapshot-seconds S    how long a snapshot stays progressing (0 = instant)
  --transition-seconds S  how long Starting/Stopping last (0 = instant)
  --admin                 serve the state dump as JSON at GET /_emulator/state";

struct Args {
    listen: String,
    world: Option<String>,
    rate_limit: Option<f64>,
    strict_actions: bool,
    timings: Timings,
    admin: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        listen: "127.0.0.1:0".into(),
        world: None,
        rate_limit: None,
        strict_actions: false,
        timings: Timings::default(),
        admin: false,
    };
    let seconds = |name: &str, v: String| {
        v.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| format!("{name}: not a number of seconds: {v}"))
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
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
            "--snapshot-seconds" => {
                args.timings.snapshot = seconds(&arg, value("--snapshot-seconds")?)?;
            }
            "--transition-seconds" => {
                args.timings.instance_transition = seconds(&arg, value("--transition-seconds")?)?;
            }
            "--admin" => args.admin = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
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
    // Scripts wait for this exact first line, so flush it at once.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", running.url());
    let _ = out.flush();
    drop(out);

    wait_for_signal().await;
    running.shutdown().await;
    ExitCode::SUCCESS
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
