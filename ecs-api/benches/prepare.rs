//! Request preparation (validate, flatten, sign, URL) against the bare-HMAC floor.
//!
//! `cargo bench -p ecs-api --bench prepare` runs, side by side:
//! - `prepare/v2`, `prepare/v3`: [`Client::prepare`] of a `CreateSnapshotGroup` with every param set,
//!   the same code `call()` runs before each send;
//! - `floor/hmac_sha1`: one HMAC-SHA1 over the string to sign `prepare/v2` produced;
//! - `floor/hmac_sha256`: one HMAC-SHA256 over the V3 string to sign;
//! - `floor/v3_hashes`: the hashing V3 cannot avoid: SHA-256 over the canonical request (which holds
//!   the whole query) plus that HMAC-SHA256.
//!
//! The floors start from a keyed HMAC state computed once and cloned per iteration, exactly as the
//! runtime does with the state cached in `Credentials`.
//!
//! Afterwards it prints the params count, allocations per prepared request (a counting global
//! allocator) and a supplementary `Instant` loop (median of 5 rounds) with the prepare/floor ratios.
//!
//! For instruction counts under valgrind, `PREPARE_LOOP=v2 PREPARE_N=10000` runs just N prepares
//! (or `v3`, `sha1`, `sha256`, `v3hashes`) and exits: compare two N to cancel the one-off setup. Valgrind hides
//! SHA-NI, so there the hashes take the software path: compare prepare before/after, not against
//! the floors.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::Criterion;
use ecs_api::operation::create_snapshot_group::{CreateSnapshotGroup, CreateSnapshotGroupInput};
use ecs_api::signer::{FixedClock, FixedNonce, v2, v3};
use ecs_api::types::Tag;
use ecs_api::wire::ToParams as _;
use ecs_api::{CallOptions, Client, Config, Credentials, SignatureVersion};
use hmac::{Hmac, Mac as _};
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

/// Counts allocation calls (alloc, alloc_zeroed and realloc: a growth is an allocation too), only
/// while `COUNTING` is set, so the timed runs pay a plain load instead of an atomic add.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

fn count() {
    if COUNTING.load(Ordering::Relaxed) {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const ACCESS_KEY_ID: &str = "LTAI5tBenchAccessKeyId01";
const SECRET: &str = "BenchAccessKeySecretValue0123456789ab";
const NONCE: &str = "9f2c4b1e8d7a4c3b9e6f1a2b3c4d5e6f";

fn timestamp() -> time::OffsetDateTime {
    time::macros::datetime!(2024-05-26 08:00:00 UTC)
}

/// `CreateSnapshotGroup` with every param set: 16 excluded disks (`DiskId.N` is exclusive with
/// it), 20 tags with key and value, and all scalars.
fn full_input() -> CreateSnapshotGroupInput {
    let mut input = CreateSnapshotGroupInput::new("i-bp1g6zv0ce8oghu7k5k2")
        .region_id("cn-hangzhou")
        .name("nightly-db_snapshots:2024.05")
        .description("Nightly snapshot group of the database volumes (primary + replicas)")
        .instant_access(true)
        .instant_access_retention_days(7)
        .client_token("0c593ea1-3bea-11e9-b96b-88e9fe637760")
        .resource_group_id("rg-acfmxazb4ph6aiy");
    for i in 0..16 {
        input = input.exclude_disk_id(format!("d-bp1d6tsvznfghy7y{i:04}"));
    }
    for i in 0..20 {
        input = input.tag(
            Tag::new()
                .key(format!("team-{i}"))
                .value(format!("storage ops/{i}")),
        );
    }
    input
}

fn client(version: SignatureVersion, creds: &Credentials) -> Client {
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(creds.clone())
        .signature_version(version)
        .clock(Arc::new(FixedClock(timestamp())))
        .nonce_source(Arc::new(FixedNonce(NONCE.to_owned())))
        .build()
        .expect("config");
    Client::new(config)
}

/// Everything one run needs, built once.
struct Setup {
    creds: Credentials,
    v2: Client,
    v3: Client,
    input: CreateSnapshotGroupInput,
    opts: CallOptions,
    v2_sts: String,
    v3_sts: String,
    v3_canonical_request: String,
    sha1_key: Hmac<Sha1>,
    sha256_key: Hmac<Sha256>,
    params: usize,
}

impl Setup {
    fn new() -> Setup {
        let creds = Credentials::new(ACCESS_KEY_ID, SECRET);
        let v2c = client(SignatureVersion::V2, &creds);
        let v3c = client(SignatureVersion::V3, &creds);
        let mut input = full_input();
        let opts = CallOptions::default();
        let p1 = v2c
            .prepare::<CreateSnapshotGroup>(&mut input, &opts, &creds)
            .expect("valid input");
        let p3 = v3c
            .prepare::<CreateSnapshotGroup>(&mut input, &opts, &creds)
            .expect("valid input");

        // The strings to sign, from the public signers with the same inputs; checked against what
        // prepare produced so the floors hash exactly what the prepared requests signed.
        let pairs = input.to_params();
        let s1 = v2::sign_rpc(
            &creds,
            &v2::RpcRequest {
                method: "POST",
                action: "CreateSnapshotGroup",
                version: "2014-05-26",
                params: &pairs,
                timestamp: timestamp(),
                nonce: NONCE,
            },
        );
        assert!(
            p1.url.ends_with(s1.query()),
            "prepare/v2 signs what v2::sign_rpc signs"
        );
        let s3 = v3::sign_rpc(
            &creds,
            &v3::RpcRequest {
                method: "POST",
                host: "ecs-cn-hangzhou.aliyuncs.com",
                action: "CreateSnapshotGroup",
                version: "2014-05-26",
                params: &pairs,
                timestamp: timestamp(),
                nonce: NONCE,
            },
        );
        assert!(
            p3.headers
                .iter()
                .any(|(k, v)| *k == "authorization" && *v == s3.signature.authorization),
            "prepare/v3 signs what v3::sign_rpc signs"
        );
        Setup {
            v2_sts: s1.string_to_sign().to_owned(),
            v3_sts: s3.signature.string_to_sign.clone(),
            v3_canonical_request: s3.signature.canonical_request.clone(),
            sha1_key: Hmac::<Sha1>::new_from_slice(format!("{SECRET}&").as_bytes()).expect("key"),
            sha256_key: Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("key"),
            params: pairs.len(),
            creds,
            v2: v2c,
            v3: v3c,
            input,
            opts,
        }
    }

    fn prepare(&mut self, version: SignatureVersion) -> ecs_api::PreparedRequest {
        let client = match version {
            SignatureVersion::V2 => &self.v2,
            SignatureVersion::V3 => &self.v3,
        };
        client
            .prepare::<CreateSnapshotGroup>(black_box(&mut self.input), &self.opts, &self.creds)
            .expect("valid input")
    }

    fn hmac_sha1(&self) -> [u8; 20] {
        let mut mac = self.sha1_key.clone();
        mac.update(black_box(self.v2_sts.as_bytes()));
        mac.finalize().into_bytes().into()
    }

    fn hmac_sha256(&self) -> [u8; 32] {
        let mut mac = self.sha256_key.clone();
        mac.update(black_box(self.v3_sts.as_bytes()));
        mac.finalize().into_bytes().into()
    }

    /// SHA-256 of the canonical request, hex, then the HMAC of the string to sign.
    fn v3_hashes(&self) -> [u8; 32] {
        let digest = Sha256::digest(black_box(self.v3_canonical_request.as_bytes()));
        let mut sts = [0u8; 64];
        hex::encode_to_slice(digest, &mut sts).expect("64 hex digits");
        let mut mac = self.sha256_key.clone();
        mac.update(b"ACS3-HMAC-SHA256\n");
        mac.update(&sts);
        mac.finalize().into_bytes().into()
    }

    fn run(&mut self, what: &str) {
        match what {
            "v2" => drop(black_box(self.prepare(SignatureVersion::V2))),
            "v3" => drop(black_box(self.prepare(SignatureVersion::V3))),
            "sha1" => drop(black_box(self.hmac_sha1())),
            "sha256" => drop(black_box(self.hmac_sha256())),
            "v3hashes" => drop(black_box(self.v3_hashes())),
            other => panic!("unknown PREPARE_LOOP {other:?}: v2, v3, sha1, sha256 or v3hashes"),
        }
    }
}

fn benches(c: &mut Criterion, s: &mut Setup) {
    let mut g = c.benchmark_group("prepare");
    g.bench_function("v2", |b| {
        b.iter(|| s.prepare(SignatureVersion::V2));
    });
    g.bench_function("v3", |b| {
        b.iter(|| s.prepare(SignatureVersion::V3));
    });
    g.finish();
    let mut g = c.benchmark_group("floor");
    g.bench_function("hmac_sha1", |b| b.iter(|| s.hmac_sha1()));
    g.bench_function("hmac_sha256", |b| b.iter(|| s.hmac_sha256()));
    g.bench_function("v3_hashes", |b| b.iter(|| s.v3_hashes()));
    g.finish();
}

/// Median ns per iteration of 5 rounds of `iters`.
fn median_ns(s: &mut Setup, what: &str, iters: u32) -> f64 {
    let mut rounds: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                s.run(what);
            }
            start.elapsed().as_nanos() as f64 / f64::from(iters)
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[2]
}

fn allocations_per_request(s: &mut Setup, version: SignatureVersion) -> f64 {
    const N: u64 = 1000;
    let before = ALLOCS.load(Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    for _ in 0..N {
        drop(black_box(s.prepare(version)));
    }
    COUNTING.store(false, Ordering::Relaxed);
    (ALLOCS.load(Ordering::Relaxed) - before) as f64 / N as f64
}

fn main() {
    let mut s = Setup::new();

    // Bare loop for valgrind: no criterion, no report.
    if let Ok(what) = std::env::var("PREPARE_LOOP") {
        let n: u64 = std::env::var("PREPARE_N")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(10_000);
        for _ in 0..n {
            s.run(&what);
        }
        return;
    }

    let args: Vec<String> = std::env::args().collect();
    let quick = args
        .iter()
        .any(|a| a == "--test" || a == "--list" || a == "--profile-time");

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
        .configure_from_args();
    benches(&mut c, &mut s);
    c.final_summary();
    if args.iter().any(|a| a == "--list" || a == "--profile-time") {
        return;
    }

    println!();
    println!(
        "params: {} business + 8 common (V2 query: {} pairs); V2 string to sign: {} bytes, V3: {} bytes",
        s.params,
        s.params + 8,
        s.v2_sts.len(),
        s.v3_sts.len()
    );
    for (name, version) in [("v2", SignatureVersion::V2), ("v3", SignatureVersion::V3)] {
        println!(
            "allocations per prepared request ({name}): {:.1} (target < params + 10 = {})",
            allocations_per_request(&mut s, version),
            s.params + 10
        );
    }
    if quick {
        return;
    }

    // Supplementary: plain Instant loops, median of 5 rounds; criterion's estimates above are the
    // primary numbers.
    let v2 = median_ns(&mut s, "v2", 100_000);
    let v3 = median_ns(&mut s, "v3", 100_000);
    let sha1 = median_ns(&mut s, "sha1", 400_000);
    let sha256 = median_ns(&mut s, "sha256", 400_000);
    let v3hashes = median_ns(&mut s, "v3hashes", 200_000);
    println!("supplementary Instant loop (median of 5 rounds):");
    println!(
        "  prepare/v2 {v2:>8.0} ns   floor/hmac_sha1   {sha1:>6.0} ns   ratio {:.2}x",
        v2 / sha1
    );
    println!(
        "  prepare/v3 {v3:>8.0} ns   floor/hmac_sha256 {sha256:>6.0} ns   ratio {:.2}x",
        v3 / sha256
    );
    println!(
        "  prepare/v3 {v3:>8.0} ns   floor/v3_hashes   {v3hashes:>6.0} ns   ratio {:.2}x",
        v3 / v3hashes
    );
}
