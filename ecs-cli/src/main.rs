//! `ecs`: calls any ECS operation by its action name, aliyun CLI style.
//!
//! ```text
//! ecs <Action> [--<WireName> VALUE]... [--endpoint URL] [--region R] [--signature v2|v3]
//!     [--all-pages] [--max-attempts N] [--emulator]
//! ecs --help | ecs --list
//! ```
//!
//! Exit status: 0 success (the response JSON on stdout), 2 bad command line or invalid params
//! (nothing was sent), 1 the service answered an error or the call failed otherwise.

mod args;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use ecs_api::credentials::CredentialsEnv;
use ecs_api::dynamic::{self, OPERATIONS};
use ecs_api::{CallOptions, Client, Config, Credentials};

use crate::args::Args;

const USAGE: &str = "\
usage: ecs <Action> [--<WireName> VALUE]... [options]
       ecs --list | --help

Wire parameters are passed to the API verbatim and in order, spelled as in the API reference:
  --RegionId cn-hangzhou  --InstanceIds '[\"i-1\",\"i-2\"]'  --ExcludeDiskId.1 d-1  --Tag.1.Key env
They start with an upper-case letter; the CLI's own options are lower-case. Use --Name=VALUE for
a value that starts with --.

options:
  --region R          region (default: ALIBABA_CLOUD_REGION_ID or the aliyun CLI profile)
  --endpoint URL      endpoint override (default: the region's ECS endpoint)
  --signature v2|v3   v2: HMAC-SHA1 query signature; v3: ACS3-HMAC-SHA256 (default)
  --max-attempts N    attempts per call, retries included (default 3)
  --all-pages         fetch every page of a paged operation; items gathered into one answer
  --emulator          start ecs-emulator in-process on 127.0.0.1 and call it (no account needed)
  --list              list the actions by category
  -h, --help          this text and the actions

Credentials come from the default chain: ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN,
~/.aliyun/config.json, the credentials file, the ECS RAM role.
Exit status: 0 success (response JSON on stdout), 2 bad arguments or invalid parameters (nothing
sent), 1 service or transport error.";

#[tokio::main]
async fn main() -> ExitCode {
    ExitCode::from(run(std::env::args().skip(1)).await)
}

/// Prints to stdout, ignoring a closed pipe (`ecs ... | head` must not panic).
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    let _ = stdout.flush();
}

fn err(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The actions, grouped by doc category, both sorted.
fn action_list() -> String {
    let mut by_category: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in OPERATIONS {
        by_category.entry(e.category).or_default().push(e.action);
    }
    let mut text = String::new();
    for (category, mut actions) in by_category {
        actions.sort_unstable();
        let _ = writeln!(text, "{category}");
        for a in actions {
            let paged = OPERATIONS
                .iter()
                .any(|e| e.action == a && e.all_pages.is_some());
            let _ = writeln!(text, "  {a}{}", if paged { "  (--all-pages)" } else { "" });
        }
    }
    text.trim_end().to_owned()
}

async fn run(argv: impl Iterator<Item = String>) -> u8 {
    let args = match args::parse(argv) {
        Ok(a) => a,
        Err(msg) => {
            err(&format!("ecs: {msg}\nRun `ecs --help` for usage."));
            return 2;
        }
    };
    if args.help {
        out(&format!("{USAGE}\n\nactions:\n{}", action_list()));
        return 0;
    }
    if args.list {
        out(&action_list());
        return 0;
    }
    let Some(action) = args.action.as_deref() else {
        err(&format!("ecs: no action given\n{USAGE}"));
        return 2;
    };
    let Some(entry) = dynamic::find(OPERATIONS, action) else {
        let hint = match args::suggest(action, OPERATIONS.iter().map(|e| e.action)) {
            Some(s) => format!("did you mean {s}?"),
            None => "run `ecs --list` for the actions".to_owned(),
        };
        err(&format!("ecs: unknown action {action:?}; {hint}"));
        return 2;
    };
    let call = match (args.all_pages, entry.all_pages) {
        (false, _) => entry.call,
        (true, Some(all)) => all,
        (true, None) => {
            err(&format!(
                "ecs: {} is not a paged operation; --all-pages does not apply",
                entry.action
            ));
            return 2;
        }
    };

    // With --emulator: a local ECS on 127.0.0.1 with its default world and test account.
    let emulator = if args.emulator {
        match ecs_emulator::start_default().await {
            Ok(emu) => Some(emu),
            Err(e) => {
                err(&format!("ecs: cannot start the emulator: {e}"));
                return 1;
            }
        }
    } else {
        None
    };
    let client = match client(&args, emulator.as_ref()) {
        Ok(c) => c,
        Err(ecs_api::config::ConfigError::MissingRegion) => {
            err("ecs: no region: pass --region or set ALIBABA_CLOUD_REGION_ID");
            return 2;
        }
        Err(e) => {
            err(&format!("ecs: configuration error: {e}"));
            return 2;
        }
    };
    let mut options = CallOptions::default();
    if let Some(n) = args.max_attempts {
        options = options.max_attempts(n);
    }

    let result = call(&client, args.params, options).await;
    if let Some(emu) = emulator {
        emu.shutdown().await;
    }
    match result {
        Ok(json) => {
            out(&serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string()));
            0
        }
        Err(e) => {
            err(&format!("ecs: {e}"));
            e.exit_code()
        }
    }
}

/// Region and endpoint: flags first, else the emulator's, else the environment / aliyun profile.
fn client(
    args: &Args,
    emulator: Option<&ecs_emulator::RunningEmulator>,
) -> Result<Client, ecs_api::config::ConfigError> {
    let mut builder = Config::builder_from_env(CredentialsEnv::process());
    if let Some(v) = args.signature {
        builder = builder.signature_version(v);
    }
    if let Some(emu) = emulator {
        builder = builder
            .region("cn-hangzhou")
            .endpoint(emu.url())
            .credentials(Credentials::new("testid", "testsecret"));
    }
    if let Some(r) = &args.region {
        builder = builder.region(r);
    }
    if let Some(e) = &args.endpoint {
        builder = builder.endpoint(e);
    }
    Ok(Client::new(builder.build()?))
}
