//! Count mode, for instruction counts under callgrind (timings mean little on a loaded machine):
//! `E2E_COUNT=N E2E_CLIENT=raw|v2|v3 [E2E_TASKS=64]` makes N calls against a fixed-200 child on a
//! current-thread runtime and exits. Run it twice with different N under
//! `valgrind --tool=callgrind` and divide the difference in instructions by the difference in N:
//! start-up, connection set-up and warm-up cancel out. The server child runs natively (callgrind
//! does not follow children by default).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ecs_api::SignatureVersion;

use crate::harness::{ClientKind, ServerChild, ServerKind, make_caller};

pub(crate) fn run(count: &str) -> ExitCode {
    let Ok(count) = count.trim().parse::<u64>() else {
        eprintln!("E2E_COUNT={count}: expected a number of calls");
        return ExitCode::from(2);
    };
    let client = match std::env::var("E2E_CLIENT").as_deref() {
        Ok("raw") => ClientKind::Raw,
        Ok("v2") => ClientKind::Ours(SignatureVersion::V2),
        Ok("v3") => ClientKind::Ours(SignatureVersion::V3),
        other => {
            eprintln!("E2E_CLIENT={other:?}: expected raw, v2 or v3");
            return ExitCode::from(2);
        }
    };
    let tasks: u64 = std::env::var("E2E_TASKS")
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .filter(|t| *t > 0)
        .unwrap_or(64);
    let child = ServerChild::spawn("fixed");
    let caller = make_caller(client, ServerKind::Fixed, &child.url());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let failed = rt.block_on(async {
        // Warm-up: one call per task opens the connections the counted calls reuse.
        let run = |n: u64| {
            let issued = Arc::new(AtomicU64::new(0));
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..tasks {
                let (caller, issued) = (caller.clone(), issued.clone());
                set.spawn(async move {
                    let mut failed = 0u64;
                    while issued.fetch_add(1, Ordering::Relaxed) < n {
                        failed += u64::from(caller.call().await.is_err());
                    }
                    failed
                });
            }
            async move {
                let mut failed = 0;
                while let Some(f) = set.join_next().await {
                    failed += f.unwrap_or(1);
                }
                failed
            }
        };
        run(tasks).await + run(count).await
    });
    println!("{count} calls, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
