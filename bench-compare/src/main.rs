//! Side-by-side client cost of `ecs-api` against other Alibaba Cloud crates.
//!
//! Every client calls CreateSnapshotGroup with the same parameters against the same local server
//! (a child process: this binary re-executed with `BENCH_COMPARE_SERVER=1`), which answers a fixed
//! 200 body to any request over HTTP and over HTTPS with a self-signed certificate. Only 127.0.0.1.
//!
//! `cargo run --release --manifest-path bench-compare/Cargo.toml -- [--seconds N] [--rounds N]
//! [--concurrency N] [--only NAME,NAME]`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

/// The host ali-acs builds its URL from (`https://ecs.cn-hangzhou.aliyuncs.com/?...`), resolved to
/// the local TLS server by the reqwest client we hand it; the certificate is issued for it.
const ACS_HOST: &str = "ecs.cn-hangzhou.aliyuncs.com";
const BODY: &str =
    r#"{"RequestId":"00000000-0000-0000-0000-000000000000","SnapshotGroupId":"ssg-bench"}"#;
const SERVER_ENV: &str = "BENCH_COMPARE_SERVER";
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

// The one set of parameters every client sends.
const INSTANCE_ID: &str = "i-emu-running";
const REGION_ID: &str = "cn-hangzhou";
const EXCLUDE_DISKS: [&str; 2] = ["d-emu-data1", "d-emu-data2"];
const NAME: &str = "bench-group";
const DESCRIPTION: &str = "bench-compare run";
const TAG_KEY: &str = "team";
const TAG_VALUE: &str = "bench";
const ACCESS_KEY_ID: &str = "testid";
const ACCESS_KEY_SECRET: &str = "testsecret";

fn main() -> Result<()> {
    if std::env::var_os(SERVER_ENV).is_some() {
        return server::run_child();
    }
    let opts = Opts::parse()?;
    // reqwest 0.13 (ali-acs, TLS floor) is built without a crypto provider (keeps aws-lc out of the
    // build); give the process ring, the provider reqwest 0.12 and tokio-rustls use here too.
    let _ = rustls::crypto::ring::default_provider().install_default();

    let mut child = ServerChild::spawn(opts.dump)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = if opts.dump {
        rt.block_on(bench::dump(&opts, &child.info))
    } else {
        rt.block_on(bench::run(&opts, &child.info))
    };
    child.stop();
    result
}

#[derive(Debug, Clone)]
struct Opts {
    seconds: f64,
    rounds: usize,
    concurrency: usize,
    only: Option<Vec<String>>,
    /// Send one call per client and have the server print what it received, then exit.
    dump: bool,
}

impl Opts {
    fn parse() -> Result<Opts> {
        let mut o = Opts {
            seconds: 3.0,
            rounds: 3,
            concurrency: 64,
            only: None,
            dump: false,
        };
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            let mut val = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
            match a.as_str() {
                "--seconds" => o.seconds = val("--seconds")?.parse().context("--seconds")?,
                "--rounds" => o.rounds = val("--rounds")?.parse().context("--rounds")?,
                "--concurrency" => {
                    o.concurrency = val("--concurrency")?.parse().context("--concurrency")?
                }
                "--dump" => o.dump = true,
                "--only" => {
                    o.only = Some(val("--only")?.split(',').map(str::to_owned).collect());
                }
                "-h" | "--help" => {
                    println!(
                        "bench-compare [--seconds N (3)] [--rounds N (3)] [--concurrency N (64)] \
                         [--only ours,ours-v3,aliyun-openapi,ali-acs,floor-http,floor-https] \
                         [--dump: one call each, the server prints the requests]"
                    );
                    std::process::exit(0);
                }
                other => bail!("unknown argument {other:?} (try --help)"),
            }
        }
        if !(o.seconds > 0.0 && o.seconds <= 600.0) {
            bail!("--seconds must be in (0, 600]");
        }
        if !(1..=20).contains(&o.rounds) || !(1..=1024).contains(&o.concurrency) {
            bail!("--rounds must be 1..=20 and --concurrency 1..=1024");
        }
        Ok(o)
    }
}

/// What the server child tells the parent on its first stdout line.
#[derive(Debug, Clone)]
struct ServerInfo {
    http: SocketAddr,
    https: SocketAddr,
    cert_der: Vec<u8>,
}

struct ServerChild {
    child: Child,
    info: ServerInfo,
}

impl ServerChild {
    fn spawn(dump: bool) -> Result<ServerChild> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .env(SERVER_ENV, if dump { "dump" } else { "1" })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the server child")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .context("reading the server child's ports")?;
        let mut parts = line.split_whitespace();
        let (Some("READY"), Some(http), Some(https), Some(cert)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            let _ = child.kill();
            bail!("server child said {line:?}");
        };
        let info = ServerInfo {
            http: http.parse()?,
            https: https.parse()?,
            cert_der: hex_decode(cert)?,
        };
        Ok(ServerChild { child, info })
    }

    /// Closing its stdin tells the child to exit; kill it if it has not within 2 s.
    fn stop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop();
        }
    }
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn hex_decode(s: &str) -> Result<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        bail!("odd hex length");
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| anyhow!("hex: {e}")))
        .collect()
}

/// User + system CPU time of this process (the clients only: the server is another process).
fn cpu_time() -> Duration {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    assert_eq!(rc, 0, "getrusage");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

mod server {
    //! The local server: fixed 200 JSON body for any request, no signature check.
    use super::*;
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper::service::service_fn;
    use hyper::{Request, Response, body::Incoming};
    use hyper_util::rt::TokioIo;
    use tokio::net::TcpListener;

    async fn answer(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
        static DUMP: std::sync::LazyLock<bool> =
            std::sync::LazyLock::new(|| std::env::var(SERVER_ENV).is_ok_and(|v| v == "dump"));
        let dump = *DUMP;
        if dump {
            let mut s = format!("{} {}\n", req.method(), req.uri());
            for (k, v) in req.headers() {
                s.push_str(&format!(
                    "  {k}: {}\n",
                    String::from_utf8_lossy(v.as_bytes())
                ));
            }
            eprint!("{s}");
        }
        // Read the (empty) body so the connection stays reusable.
        let body = req.into_body().collect().await?.to_bytes();
        if dump {
            eprintln!("  body: {:?}", String::from_utf8_lossy(&body));
        }
        Ok(Response::builder()
            .header("content-type", "application/json;charset=utf-8")
            .body(Full::new(Bytes::from_static(BODY.as_bytes())))
            .expect("static response"))
    }

    fn serve(listener: std::net::TcpListener, tls: Option<tokio_rustls::TlsAcceptor>) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("listener");
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let _ = tcp.set_nodelay(true);
                let tls = tls.clone();
                tokio::spawn(async move {
                    let http = hyper::server::conn::http1::Builder::new();
                    match tls {
                        None => {
                            let _ = http
                                .serve_connection(TokioIo::new(tcp), service_fn(answer))
                                .await;
                        }
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(tcp).await {
                                let _ = http
                                    .serve_connection(TokioIo::new(stream), service_fn(answer))
                                    .await;
                            }
                        }
                    }
                });
            }
        });
    }

    pub fn run_child() -> Result<()> {
        let cert = rcgen::generate_simple_self_signed(vec![ACS_HOST.to_owned()])?;
        let cert_der = cert.cert.der().clone();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
        let mut config = rustls::ServerConfig::builder_with_provider(
            rustls::crypto::ring::default_provider().into(),
        )
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![cert_der.clone()], key)?;
        // HTTP/1.1 only, like the plain server: every client speaks the same protocol.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

        let http = std::net::TcpListener::bind("127.0.0.1:0")?;
        let https = std::net::TcpListener::bind("127.0.0.1:0")?;
        http.set_nonblocking(true)?;
        https.set_nonblocking(true)?;
        let (http_addr, https_addr) = (http.local_addr()?, https.local_addr()?);
        std::thread::Builder::new()
            .name("http-server".into())
            .spawn(move || serve(http, None))?;
        std::thread::Builder::new()
            .name("https-server".into())
            .spawn(move || serve(https, Some(acceptor)))?;

        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "READY {http_addr} {https_addr} {}",
            hex_encode(&cert_der)
        )?;
        out.flush()?;
        drop(out);
        // Live as long as the parent holds our stdin open.
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    }
}

mod clients {
    //! One `Caller` per client measured; `call` sends CreateSnapshotGroup once and checks the answer.
    use super::*;
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

    #[derive(Clone)]
    pub enum Caller {
        Ours(ecs_api::Client),
        Aliyun(Box<aliyun_openapi_core_rust_sdk::client::rpc::RPClient>),
        AliAcs(ali_acs::ecs::Connection),
        FloorHttp(reqwest::Client, Arc<str>),
        FloorHttps(reqwest13::Client, Arc<str>),
    }

    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct AliyunAnswer {
        snapshot_group_id: String,
    }

    fn check(id: Option<&str>) -> Result<(), String> {
        match id {
            Some("ssg-bench") => Ok(()),
            other => Err(format!("unexpected SnapshotGroupId {other:?}")),
        }
    }

    fn check_body(body: &[u8]) -> Result<(), String> {
        if body == BODY.as_bytes() {
            Ok(())
        } else {
            Err(format!(
                "unexpected body {:?}",
                String::from_utf8_lossy(body)
            ))
        }
    }

    /// The parameters as the untyped client and the pre-signed floor URL take them.
    pub fn rpc_params() -> Vec<(&'static str, &'static str)> {
        vec![
            ("RegionId", REGION_ID),
            ("InstanceId", INSTANCE_ID),
            ("ExcludeDiskId.1", EXCLUDE_DISKS[0]),
            ("ExcludeDiskId.2", EXCLUDE_DISKS[1]),
            ("Name", NAME),
            ("Description", DESCRIPTION),
            ("Tag.1.Key", TAG_KEY),
            ("Tag.1.Value", TAG_VALUE),
        ]
    }

    const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');

    fn enc(s: &str) -> String {
        utf8_percent_encode(s, RFC3986).to_string()
    }

    /// A V2 (HMAC-SHA1) signed query string, signed once at start-up: the floors send it unchanged.
    pub fn presigned_query() -> String {
        use base64::Engine as _;
        use hmac::{Hmac, Mac};
        let mut params = rpc_params();
        params.extend([
            ("Action", "CreateSnapshotGroup"),
            ("Version", "2014-05-26"),
            ("Format", "JSON"),
            ("AccessKeyId", ACCESS_KEY_ID),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", "6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"),
            ("Timestamp", "2025-01-01T00:00:00Z"),
            ("ClientToken", "0b7e3c1a-5d2f-4c6e-9a8b-7f6e5d4c3b2a"),
        ]);
        params.sort();
        let canonical = params
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let to_sign = format!("POST&%2F&{}", enc(&canonical));
        let mut mac =
            Hmac::<sha1::Sha1>::new_from_slice(format!("{ACCESS_KEY_SECRET}&").as_bytes())
                .expect("any key length");
        mac.update(to_sign.as_bytes());
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        format!("{canonical}&Signature={}", enc(&sig))
    }

    /// The reqwest 0.13 client ali-acs and the HTTPS floor use: `ACS_HOST` resolves to the local
    /// TLS server, whose self-signed certificate is the only trusted root.
    pub fn tls_client(info: &ServerInfo) -> Result<reqwest13::Client> {
        let cert = reqwest13::Certificate::from_der(&info.cert_der)?;
        Ok(reqwest13::Client::builder()
            .resolve(ACS_HOST, info.https)
            .tls_certs_only([cert])
            .no_proxy()
            .timeout(CALL_TIMEOUT)
            .build()?)
    }

    pub fn build(name: &str, info: &ServerInfo) -> Result<Caller> {
        let http_base = format!("http://{}", info.http);
        Ok(match name {
            "ours" | "ours-v3" => {
                let version = if name == "ours" {
                    ecs_api::SignatureVersion::V2
                } else {
                    ecs_api::SignatureVersion::V3
                };
                Caller::Ours(ecs_api::Client::new(
                    ecs_api::Config::builder()
                        .region(REGION_ID)
                        .endpoint(http_base)
                        .credentials(ecs_api::Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
                        .signature_version(version)
                        .build()?,
                ))
            }
            "aliyun-openapi" => Caller::Aliyun(Box::new(
                aliyun_openapi_core_rust_sdk::client::rpc::RPClient::new(
                    ACCESS_KEY_ID,
                    ACCESS_KEY_SECRET,
                    format!("{http_base}/"),
                )
                .version("2014-05-26")
                .timeout(CALL_TIMEOUT),
            )),
            "ali-acs" => Caller::AliAcs(ali_acs::ecs::Connection::with_client(
                ali_acs::ecs::Endpoint::CnHangzhou,
                ali_acs::AccessKeySecret::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                tls_client(info)?,
            )),
            "floor-http" => Caller::FloorHttp(
                reqwest::Client::builder()
                    .no_proxy()
                    .timeout(CALL_TIMEOUT)
                    .build()?,
                format!("{http_base}/?{}", presigned_query()).into(),
            ),
            "floor-https" => Caller::FloorHttps(
                tls_client(info)?,
                format!("https://{ACS_HOST}/?{}", presigned_query()).into(),
            ),
            other => bail!("unknown client {other}"),
        })
    }

    impl Caller {
        pub async fn call(&self) -> Result<(), String> {
            match self {
                Caller::Ours(client) => {
                    let out = client
                        .create_snapshot_group(INSTANCE_ID)
                        .region_id(REGION_ID)
                        .exclude_disk_id(EXCLUDE_DISKS[0])
                        .exclude_disk_id(EXCLUDE_DISKS[1])
                        .name(NAME)
                        .description(DESCRIPTION)
                        .tag(
                            ecs_api::create_snapshot_group::Tag::new()
                                .key(TAG_KEY)
                                .value(TAG_VALUE),
                        )
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    check(out.snapshot_group_id.as_deref())
                }
                Caller::Aliyun(client) => {
                    // The crate's API consumes the client per call (it is Clone for that).
                    let out: AliyunAnswer = (**client)
                        .clone()
                        .post("CreateSnapshotGroup")
                        .query(rpc_params())
                        .json()
                        .await
                        .map_err(|e| e.to_string())?;
                    check(Some(&out.snapshot_group_id))
                }
                Caller::AliAcs(conn) => {
                    use ali_acs::ecs::{CreateSnapshotGroup, SnapshotGroupTag};
                    let req = CreateSnapshotGroup::new(REGION_ID)
                        .instance_id(INSTANCE_ID.to_owned())
                        .exclude_disk_id(EXCLUDE_DISKS.iter().map(|d| d.to_string()).collect())
                        .name(NAME.to_owned())
                        .description(DESCRIPTION.to_owned())
                        .tag(vec![SnapshotGroupTag {
                            key: Some(TAG_KEY.to_owned()),
                            value: Some(TAG_VALUE.to_owned()),
                        }]);
                    let out = conn
                        .create_snapshot_group(req)
                        .await
                        .map_err(|e| format!("{e:#}"))?;
                    check(out.snapshot_group_id.as_deref())
                }
                Caller::FloorHttp(http, url) => {
                    let resp = http
                        .post(&**url)
                        .header("accept", "application/json")
                        .body("")
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    check_body(&resp.bytes().await.map_err(|e| e.to_string())?)
                }
                Caller::FloorHttps(http, url) => {
                    let resp = http
                        .post(&**url)
                        .header("accept", "application/json")
                        .body("")
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    check_body(&resp.bytes().await.map_err(|e| e.to_string())?)
                }
            }
        }
    }
}

mod bench {
    use super::*;
    use clients::Caller;

    struct Spec {
        name: &'static str,
        label: &'static str,
        floor: &'static str,
        /// Request caps (sequential, concurrent) besides the time bound.
        caps: (u64, u64),
    }

    const UNCAPPED: (u64, u64) = (5_000_000, 5_000_000);
    const SPECS: &[Spec] = &[
        Spec {
            name: "ours",
            label: "ecs-api (V2, http)",
            floor: "floor-http",
            caps: UNCAPPED,
        },
        Spec {
            name: "ours-v3",
            label: "ecs-api (V3, http)",
            floor: "floor-http",
            caps: UNCAPPED,
        },
        // Builds a reqwest client (and so a TLS context and a connection) per call: ~20 calls/s.
        Spec {
            name: "aliyun-openapi",
            label: "aliyun-openapi-core 1.1.0 (http)",
            floor: "floor-http",
            caps: (60, 200),
        },
        Spec {
            name: "ali-acs",
            label: "ali-acs 0.8.0 (V3, https)",
            floor: "floor-https",
            caps: UNCAPPED,
        },
        Spec {
            name: "floor-http",
            label: "floor: reqwest 0.12 (http)",
            floor: "floor-http",
            caps: UNCAPPED,
        },
        Spec {
            name: "floor-https",
            label: "floor: reqwest 0.13 (https)",
            floor: "floor-https",
            caps: UNCAPPED,
        },
    ];

    #[derive(Debug, Clone, Copy, Default)]
    struct Sample {
        rps: f64,
        p50_us: f64,
        p99_us: f64,
        cpu_us: f64,
        calls: u64,
    }

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            f64::NAN
        } else if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }

    fn percentile(sorted: &[u32], p: f64) -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let idx = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[idx] as f64
    }

    /// Runs `tasks` tasks that call until `cap` calls were started or `seconds` passed.
    async fn measure(caller: &Caller, tasks: usize, cap: u64, seconds: f64) -> Result<Sample> {
        // Warm-up (connections, pools, lazy statics), unmeasured: two calls per task, but no more
        // than a twentieth of the cap (a few calls for the capped, slow client).
        let warm = (tasks as u64 * 2).min((cap / 20).max(2));
        let started = Arc::new(AtomicU64::new(0));
        let mut handles = Vec::new();
        for _ in 0..tasks {
            let (c, started) = (caller.clone(), started.clone());
            handles.push(tokio::spawn(async move {
                while started.fetch_add(1, Ordering::Relaxed) < warm {
                    c.call().await?;
                }
                Ok::<(), String>(())
            }));
        }
        for h in handles {
            h.await?.map_err(|e| anyhow!("warm-up call failed: {e}"))?;
        }

        let started = Arc::new(AtomicU64::new(0));
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        let cpu0 = cpu_time();
        let t0 = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..tasks {
            let (c, started) = (caller.clone(), started.clone());
            handles.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(4096);
                let mut errors = 0u64;
                let mut first_error = None;
                while Instant::now() < deadline && started.fetch_add(1, Ordering::Relaxed) < cap {
                    let t = Instant::now();
                    match c.call().await {
                        Ok(()) => lat.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32),
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert(e);
                        }
                    }
                }
                (lat, errors, first_error)
            }));
        }
        let mut lat = Vec::new();
        let mut errors = 0;
        let mut first_error = None;
        for h in handles {
            let (l, e, f) = h.await?;
            lat.extend(l);
            errors += e;
            if first_error.is_none() {
                first_error = f;
            }
        }
        let wall = t0.elapsed();
        let cpu = cpu_time().saturating_sub(cpu0);
        if errors > 0 {
            bail!(
                "{errors} calls failed, first: {}",
                first_error.unwrap_or_default()
            );
        }
        lat.sort_unstable();
        let calls = lat.len() as u64;
        Ok(Sample {
            rps: calls as f64 / wall.as_secs_f64(),
            p50_us: percentile(&lat, 0.50),
            p99_us: percentile(&lat, 0.99),
            cpu_us: cpu.as_secs_f64() * 1e6 / calls.max(1) as f64,
            calls,
        })
    }

    /// One call per selected client; the server child prints each request it gets.
    pub async fn dump(opts: &Opts, info: &ServerInfo) -> Result<()> {
        for spec in SPECS.iter().filter(|s| {
            opts.only
                .as_ref()
                .is_none_or(|o| o.iter().any(|n| n == s.name))
        }) {
            eprintln!("--- {}", spec.label);
            let caller = clients::build(spec.name, info)?;
            caller
                .call()
                .await
                .map_err(|e| anyhow!("{}: {e}", spec.label))?;
            // Let the child's stderr catch up before the next label.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    pub async fn run(opts: &Opts, info: &ServerInfo) -> Result<()> {
        let specs: Vec<&Spec> = SPECS
            .iter()
            .filter(|s| {
                opts.only
                    .as_ref()
                    .is_none_or(|o| o.iter().any(|n| n == s.name))
            })
            .collect();
        if specs.is_empty() {
            bail!("--only selected no client");
        }
        let modes = [
            (1usize, "sequential (1 task)".to_owned()),
            (
                opts.concurrency,
                format!("{} concurrent tasks", opts.concurrency),
            ),
        ];
        println!(
            "bench-compare: CreateSnapshotGroup, same parameters, local server http://{} and https://{} (self-signed, as {ACS_HOST}), in a child process",
            info.http, info.https
        );
        println!(
            "{} round(s) alternating clients, each measurement ≤ {} s (aliyun-openapi also capped at 60 / 200 calls); medians over rounds",
            opts.rounds, opts.seconds
        );
        // samples[mode][spec][round]
        let mut samples = vec![vec![Vec::<Sample>::new(); specs.len()]; modes.len()];
        for round in 0..opts.rounds {
            for (mi, (tasks, mode)) in modes.iter().enumerate() {
                // Rotate the order each round so no client always runs first or last.
                for k in 0..specs.len() {
                    let si = (k + round) % specs.len();
                    let spec = specs[si];
                    let caller = clients::build(spec.name, info)?;
                    let cap = if *tasks == 1 {
                        spec.caps.0
                    } else {
                        spec.caps.1
                    };
                    let s = measure(&caller, *tasks, cap, opts.seconds)
                        .await
                        .with_context(|| format!("{} ({mode})", spec.label))?;
                    eprintln!(
                        "  round {} {mode:<22} {:<34} {:>6} calls {:>9.0} req/s  p50 {:>8.0} µs  p99 {:>8.0} µs  cpu {:>7.1} µs/call",
                        round + 1,
                        spec.label,
                        s.calls,
                        s.rps,
                        s.p50_us,
                        s.p99_us,
                        s.cpu_us
                    );
                    samples[mi][si].push(s);
                    drop(caller);
                    // Let closed connections settle before the next client.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }

        for (mi, (_, mode)) in modes.iter().enumerate() {
            let med: Vec<Sample> = samples[mi]
                .iter()
                .map(|v| Sample {
                    rps: median(v.iter().map(|s| s.rps).collect()),
                    p50_us: median(v.iter().map(|s| s.p50_us).collect()),
                    p99_us: median(v.iter().map(|s| s.p99_us).collect()),
                    cpu_us: median(v.iter().map(|s| s.cpu_us).collect()),
                    calls: v.iter().map(|s| s.calls).sum(),
                })
                .collect();
            let find = |name: &str| specs.iter().position(|s| s.name == name).map(|i| med[i]);
            let ours = find("ours");
            println!();
            println!("== {mode}: medians of {} round(s)", opts.rounds);
            println!(
                "{:<34} {:>9} {:>9} {:>9} {:>10} {:>9} {:>9} {:>9} {:>10}",
                "client",
                "req/s",
                "p50 µs",
                "p99 µs",
                "CPU µs/op",
                "ours÷it",
                "it÷floor",
                "CPU×floor",
                "CPU−floor"
            );
            for (si, spec) in specs.iter().enumerate() {
                let m = med[si];
                let floor = find(spec.floor);
                let fmt_ratio = |x: Option<f64>| match x {
                    Some(x) if x.is_finite() && x >= 100.0 => format!("{x:.0}"),
                    Some(x) if x.is_finite() && x >= 0.1 => format!("{x:.2}"),
                    Some(x) if x.is_finite() => format!("{x:.4}"),
                    _ => "-".to_owned(),
                };
                println!(
                    "{:<34} {:>9.0} {:>9.0} {:>9.0} {:>10.1} {:>9} {:>9} {:>9} {:>10}",
                    spec.label,
                    m.rps,
                    m.p50_us,
                    m.p99_us,
                    m.cpu_us,
                    fmt_ratio(ours.map(|o| o.rps / m.rps)),
                    fmt_ratio(floor.map(|f| m.rps / f.rps)),
                    fmt_ratio(floor.map(|f| m.cpu_us / f.cpu_us)),
                    floor
                        .map(|f| format!("{:+.1}", m.cpu_us - f.cpu_us))
                        .unwrap_or_else(|| "-".into()),
                );
            }
        }
        println!();
        println!(
            "ours÷it: ecs-api (V2) throughput over this client's (>1: ours faster). it÷floor: throughput over its floor's \
             (floor-http for http clients, floor-https for ali-acs). CPU×floor / CPU−floor: client CPU per call (this process, \
             server excluded) over / minus its floor's. ali-acs is https-only, so compare it with ours through the floors."
        );
        Ok(())
    }
}
