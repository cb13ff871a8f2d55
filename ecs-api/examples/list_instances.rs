//! Lists every instance of a region with the paginator, one line per instance.
//!
//! ```text
//! # No account needed: the example starts the emulator in-process with its default world.
//! cargo run -p ecs-api --example list_instances -- --emulator
//! # Against ECS: credentials from the default chain.
//! cargo run -p ecs-api --example list_instances -- --region cn-hangzhou [--status Running]
//!     [--page-size N] [--endpoint URL] [--signature v3]
//! ```
//!
//! Prints `instance-id  status  zone  name` per instance, then the count. On failure prints the
//! error and exits 1 (2 when the input is invalid: nothing was sent).

use std::process::ExitCode;

use ecs_api::signer::SignatureVersion;
use ecs_api::{Client, Config, SdkError};
use futures_util::TryStreamExt as _;

const USAGE: &str = "usage: list_instances [--emulator] [--region R] [--endpoint URL] [--status S]
    [--page-size N] [--signature v2|v3]";

#[derive(Default)]
struct Args {
    emulator: bool,
    region: Option<String>,
    endpoint: Option<String>,
    status: Option<String>,
    page_size: Option<i64>,
    signature: SignatureVersion,
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args::default();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--emulator" => a.emulator = true,
            "--region" => a.region = Some(value("--region")?),
            "--endpoint" => a.endpoint = Some(value("--endpoint")?),
            "--status" => a.status = Some(value("--status")?),
            "--page-size" => {
                let v = value("--page-size")?;
                a.page_size = Some(v.parse().map_err(|_| format!("not a number: {v}"))?);
            }
            "--signature" => {
                a.signature = match value("--signature")?.as_str() {
                    "v2" | "V2" => SignatureVersion::V2,
                    "v3" | "V3" => SignatureVersion::V3,
                    other => return Err(format!("--signature must be v2 or v3, not {other}")),
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };

    // With --emulator: a local ECS on 127.0.0.1 with its default world and test account.
    let emulator = if args.emulator {
        match ecs_emulator::start_default().await {
            Ok(emu) => Some(emu),
            Err(e) => {
                eprintln!("cannot start the emulator: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };

    // Region and endpoint: flags first, else the environment / aliyun CLI profile.
    let mut builder = Config::builder_from_env(ecs_api::credentials::CredentialsEnv::process())
        .signature_version(args.signature);
    if let Some(emu) = &emulator {
        builder = builder
            .region("cn-hangzhou")
            .endpoint(emu.url())
            .credentials(ecs_api::Credentials::new("testid", "testsecret"));
    }
    if let Some(r) = &args.region {
        builder = builder.region(r);
    }
    if let Some(e) = &args.endpoint {
        builder = builder.endpoint(e);
    }
    let config = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let client = Client::new(config);

    let mut request = client.describe_instances();
    if let Some(s) = &args.status {
        request = request.status(s);
    }
    // Without a page size the paginator asks for the documented maximum.
    let mut pages = request.into_paginator();
    if let Some(n) = args.page_size {
        pages = pages.page_size(n);
    }
    let mut items = std::pin::pin!(pages.items());

    let mut count = 0usize;
    loop {
        match items.try_next().await {
            Ok(Some(i)) => {
                count += 1;
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                println!(
                    "{}  {}  {}  {}",
                    show(&i.instance_id),
                    show(&i.status),
                    show(&i.zone_id),
                    show(&i.instance_name)
                );
            }
            Ok(None) => break,
            Err(e @ SdkError::Validation(_)) => {
                eprintln!("{e}");
                eprintln!("(nothing was sent)");
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{count} instance(s)");
    if let Some(emu) = emulator {
        emu.shutdown().await;
    }
    ExitCode::SUCCESS
}
