//! Creates a snapshot group from the command line.
//!
//! ```text
//! cargo run -p ecs-api --example create_snapshot_group -- \
//!     --region cn-hangzhou --instance-id i-bp1example --exclude-disk-id d-bp1example \
//!     --tag env=prod --name nightly [--endpoint http://127.0.0.1:8080] [--signature v3]
//! ```
//!
//! Credentials come from the default chain (environment, aliyun CLI config, credentials file, ECS
//! RAM role). Prints the output as JSON; on failure prints the error and exits 1 (2 when the input
//! is invalid: nothing was sent).

use std::process::ExitCode;

use ecs_api::signer::SignatureVersion;
use ecs_api::types::Tag;
use ecs_api::{CallOptions, Client, Config, SdkError};

const USAGE: &str = "usage: create_snapshot_group --instance-id ID [--region R] [--endpoint URL]
    [--exclude-disk-id ID]... [--disk-id ID]... [--tag KEY=VALUE]... [--name N] [--description D]
    [--instant-access] [--instant-access-retention-days N] [--client-token T]
    [--signature v2|v3] [--max-attempts N] [--emulator]";

#[derive(Default)]
struct Args {
    endpoint: Option<String>,
    region: Option<String>,
    instance_id: Option<String>,
    exclude_disk_ids: Vec<String>,
    disk_ids: Vec<String>,
    tags: Vec<(String, Option<String>)>,
    name: Option<String>,
    description: Option<String>,
    instant_access: bool,
    retention_days: Option<i32>,
    client_token: Option<String>,
    signature: SignatureVersion,
    max_attempts: Option<u32>,
    /// Start `ecs-emulator` in-process with its default world and call it (no account needed).
    emulator: bool,
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args::default();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--endpoint" => a.endpoint = Some(value("--endpoint")?),
            "--region" => a.region = Some(value("--region")?),
            "--instance-id" => a.instance_id = Some(value("--instance-id")?),
            "--exclude-disk-id" => a.exclude_disk_ids.push(value("--exclude-disk-id")?),
            "--disk-id" => a.disk_ids.push(value("--disk-id")?),
            "--tag" => {
                let t = value("--tag")?;
                a.tags.push(match t.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (t, None),
                });
            }
            "--name" => a.name = Some(value("--name")?),
            "--description" => a.description = Some(value("--description")?),
            "--instant-access" => a.instant_access = true,
            "--emulator" => a.emulator = true,
            "--instant-access-retention-days" => {
                let v = value("--instant-access-retention-days")?;
                a.retention_days = Some(v.parse().map_err(|_| format!("not a number: {v}"))?);
            }
            "--client-token" => a.client_token = Some(value("--client-token")?),
            "--signature" => {
                a.signature = match value("--signature")?.as_str() {
                    "v2" | "V2" => SignatureVersion::V2,
                    "v3" | "V3" => SignatureVersion::V3,
                    other => return Err(format!("--signature must be v2 or v3, not {other}")),
                }
            }
            "--max-attempts" => {
                let v = value("--max-attempts")?;
                a.max_attempts = Some(v.parse().map_err(|_| format!("not a number: {v}"))?);
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
    let Some(instance_id) = args.instance_id.clone() else {
        eprintln!("--instance-id is required\n{USAGE}");
        return ExitCode::from(2);
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

    let mut req = client.create_snapshot_group(instance_id);
    for d in &args.exclude_disk_ids {
        req = req.exclude_disk_id(d);
    }
    for d in &args.disk_ids {
        req = req.disk_id(d);
    }
    for (k, v) in &args.tags {
        let mut tag = Tag::new().key(k);
        if let Some(v) = v {
            tag = tag.value(v);
        }
        req = req.tag(tag);
    }
    if let Some(n) = &args.name {
        req = req.name(n);
    }
    if let Some(d) = &args.description {
        req = req.description(d);
    }
    if args.instant_access {
        req = req.instant_access(true);
    }
    if let Some(days) = args.retention_days {
        req = req.instant_access_retention_days(days);
    }
    if let Some(t) = &args.client_token {
        req = req.client_token(t);
    }
    if let Some(n) = args.max_attempts {
        req = req.call_options(CallOptions::default().max_attempts(n));
    }

    match req.send().await {
        Ok(out) => {
            let json = serde_json::json!({
                "RequestId": out.request_id,
                "SnapshotGroupId": out.snapshot_group_id,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string())
            );
            ExitCode::SUCCESS
        }
        Err(e @ SdkError::Validation(_)) => {
            eprintln!("{e}");
            eprintln!("(nothing was sent)");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
