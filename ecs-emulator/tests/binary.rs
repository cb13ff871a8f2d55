//! The binary (the first stdout line, serving, world files, flags) and the server's connection
//! handling on 127.0.0.1: limits, deadlines, error documents for protocol rejections, the
//! request log's bounds.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

fn run(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

#[tokio::test]
async fn prints_url_first_and_serves() {
    let (mut child, line) = run(&["--listen", "127.0.0.1:0"]);
    let url = line
        .trim_end()
        .strip_prefix("listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!(
            "{url}/?Action=CreateSnapshotGroup&Version=2014-05-26"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("MissingParameter"));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn strict_actions_flag_refuses_unmodelled_actions() {
    let (mut child, line) = run(&["--listen", "127.0.0.1:0", "--strict-actions"]);
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    let r = common::raw(&url, "DescribeRegions", &[]).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (404, "InvalidAction.NotFound")
    );
    assert!(
        r.unmodelled() && r.body.contains("does not model"),
        "{}",
        r.body
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn loads_a_world_file_and_rejects_a_bad_one() {
    let dir = std::env::temp_dir().join(format!("ecs-emu-world-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("world.json");
    std::fs::write(
        &good,
        r#"{"accounts":[{"access_key_id":"k","access_key_secret":"s"}],
            "regions":[{"region_id":"cn-shanghai","instances":[{"instance_id":"i-1","status":"Running",
            "disks":[{"disk_id":"d-1","size_gib":40}]}]}]}"#,
    )
    .unwrap();
    let (mut child, line) = run(&["--listen", "127.0.0.1:0", "--world", good.to_str().unwrap()]);
    assert!(
        line.starts_with("listening on http://127.0.0.1:"),
        "{line:?}"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"accounts":[],"regions":[],"typo":1}"#).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_ecs-emulator"))
        .args(["--world", bad.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn admin_flag_serves_the_state_and_timing_flags_are_read() {
    let (mut child, line) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--admin",
        "--snapshot-seconds",
        "0",
        "--transition-seconds",
        "0.5",
    ]);
    let url = line
        .trim_end()
        .trim_start_matches("listening on ")
        .to_owned();
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{url}{}", ecs_emulator::ADMIN_STATE_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let world = ecs_emulator::World::from_json(&r.text().await.unwrap()).unwrap();
    assert!(world.region("cn-hangzhou").is_some());
    child.kill().unwrap();
    child.wait().unwrap();
    let bad = Command::new(env!("CARGO_BIN_EXE_ecs-emulator"))
        .args(["--snapshot-seconds", "soon"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--snapshot-seconds"));
}

#[test]
fn warns_when_listening_beyond_loopback() {
    let (mut child, line) = run(&["--listen", "0.0.0.0:0"]);
    assert!(line.starts_with("listening on http://0.0.0.0:"), "{line:?}");
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: listening on 0.0.0.0:") && err.contains("published in the README"),
        "{err}"
    );

    let (mut child, _) = run(&["--listen", "127.0.0.1:0"]);
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn limit_flags_are_checked() {
    for args in [
        ["--idle-timeout", "0"],
        ["--max-connections", "-1"],
        ["--header-timeout", "soon"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ecs-emulator"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(args[0]),
            "{args:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Connection handling (in-process, raw TCP)
// ---------------------------------------------------------------------------------------------

use std::time::Duration;

use ecs_emulator::{Emulator, Limits, RunningEmulator};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Short deadlines so the tests wait a fraction of a second.
fn quick() -> Limits {
    Limits {
        idle_timeout: Duration::from_millis(300),
        header_read_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        ..Limits::default()
    }
}

async fn start(limits: Limits) -> RunningEmulator {
    Emulator::builder()
        .limits(limits)
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

/// An answer read off a raw connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {self:?}"))
    }
    /// An ECS error document: JSON with the four fields, `code` as its Code.
    fn assert_error_document(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert!(
            self.head
                .to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{self:?}"
        );
        let doc = self.json();
        for field in ["RequestId", "Code", "Message", "HostId"] {
            assert!(
                doc[field].as_str().is_some_and(|v| !v.is_empty()),
                "{field}: {doc}"
            );
        }
        assert_eq!(doc["Code"], code, "{doc}");
    }
}

/// A raw connection and what it has read but not yet consumed.
struct Wire {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Wire {
    async fn connect(emu: &RunningEmulator) -> Wire {
        Wire {
            stream: TcpStream::connect(emu.addr()).await.unwrap(),
            buf: Vec::new(),
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes).await
    }

    /// Reads more; false on close or error.
    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk).await {
            Ok(n) if n > 0 => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
            _ => false,
        }
    }

    /// Reads one answer (head, then `content-length` bytes of body); `None` when the server
    /// closed first. Fails the test after 5 s.
    async fn answer(&mut self) -> Option<Answer> {
        let read = async {
            loop {
                if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    while self.buf.len() < end + 4 + length {
                        if !self.fill().await {
                            return None;
                        }
                    }
                    let status = head[9..12].parse().unwrap();
                    let body =
                        String::from_utf8_lossy(&self.buf[end + 4..end + 4 + length]).into_owned();
                    self.buf.drain(..end + 4 + length);
                    return Some(Answer { status, head, body });
                }
                if !self.fill().await {
                    return None;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(5), read)
            .await
            .expect("an answer or a close within 5 s")
    }
}

async fn send(emu: &RunningEmulator, bytes: &[u8]) -> Wire {
    let mut w = Wire::connect(emu).await;
    w.write(bytes).await.unwrap();
    w
}

/// A whole signed request for `action` as the bytes on the wire, params in a form body.
fn signed_post(action: &str, params: &[(&str, &str)]) -> Vec<u8> {
    let body = common::signed_query(action, params);
    format!(
        "POST / HTTP/1.1\r\nHost: emu\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn protocol_rejections_are_error_documents() {
    let emu = start(quick()).await;
    let limits = Limits::default();
    let huge_header = format!(
        "GET / HTTP/1.1\r\nHost: emu\r\nX-Big: {}\r\n\r\n",
        "a".repeat(limits.max_head_bytes)
    );
    let long_uri = format!(
        "GET /?{} HTTP/1.1\r\nHost: emu\r\n\r\n",
        "a".repeat(limits.max_uri_bytes + 10)
    );
    let endless_uri = format!("GET /?{}", "a".repeat(limits.max_head_bytes + 10));
    let big_body = format!(
        "POST / HTTP/1.1\r\nHost: emu\r\nContent-Length: {}\r\n\r\n",
        limits.max_body_bytes + 1
    );
    let cases: [(&str, &[u8], u16); 8] = [
        ("headers too large", huge_header.as_bytes(), 431),
        (
            "too many headers",
            &"GET / HTTP/1.1\r\n"
                .bytes()
                .chain("X-A: 1\r\n".repeat(101).bytes())
                .chain(*b"\r\n")
                .collect::<Vec<u8>>(),
            431,
        ),
        ("URI too long", long_uri.as_bytes(), 414),
        ("request line never ends", endless_uri.as_bytes(), 414),
        ("malformed request line", b"GARBAGE\r\n\r\n", 400),
        ("bad version", b"GET / HTTP/9.9\r\nHost: emu\r\n\r\n", 400),
        (
            "both framings",
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
        ),
        ("body too large", big_body.as_bytes(), 413),
    ];
    for (what, bytes, status) in cases {
        let mut s = send(&emu, bytes).await;
        let answer = s
            .answer()
            .await
            .unwrap_or_else(|| panic!("{what}: closed without an answer"));
        answer.assert_error_document(status, "InvalidParameter");
        assert!(
            answer
                .head
                .to_ascii_lowercase()
                .contains("connection: close"),
            "{what}"
        );
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn idle_and_half_sent_connections_are_closed_on_their_deadlines() {
    let emu = start(quick()).await;
    // Idle: closed without a word.
    let mut idle = Wire::connect(&emu).await;
    assert!(idle.answer().await.is_none());
    // A kept-alive connection idles out after its answer.
    let mut kept = send(&emu, &signed_post("DescribeRegions", &[])).await;
    assert_eq!(kept.answer().await.unwrap().status, 200);
    assert!(kept.answer().await.is_none());
    // Half a head: 408.
    let mut half = send(&emu, b"POST / HTTP/1.1\r\nHost: emu\r\n").await;
    half.answer()
        .await
        .unwrap()
        .assert_error_document(408, "InvalidParameter");
    // A head dripped a byte at a time does not keep the connection past the deadline (dripped
    // for less than the deadline plus the half second the server drains a refused connection).
    let mut drip = Wire::connect(&emu).await;
    let dripping = async {
        for b in b"POST / HTTP/1.1\r\nHost: emu\r\nX-Slow: ".iter().cycle() {
            if drip.write(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_millis(600), dripping).await;
    drip.answer()
        .await
        .unwrap()
        .assert_error_document(408, "InvalidParameter");
    // Half a body: 408.
    let mut body = send(
        &emu,
        b"POST / HTTP/1.1\r\nHost: emu\r\nContent-Length: 100\r\n\r\nAction=",
    )
    .await;
    body.answer()
        .await
        .unwrap()
        .assert_error_document(408, "InvalidParameter");
    // Still serving.
    let mut ok = send(&emu, &signed_post("DescribeRegions", &[])).await;
    assert_eq!(ok.answer().await.unwrap().status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn connections_beyond_the_limit_are_refused_with_503() {
    let emu = start(Limits {
        max_connections: 2,
        ..Limits::default()
    })
    .await;
    let held: Vec<Wire> = vec![Wire::connect(&emu).await, Wire::connect(&emu).await];
    let mut third = send(&emu, &signed_post("DescribeRegions", &[])).await;
    let answer = third.answer().await.expect("an answer");
    answer.assert_error_document(503, "ServiceUnavailable");
    assert!(answer.body.contains("max_connections"), "{}", answer.body);
    // A freed slot serves again.
    drop(held);
    let mut served = false;
    for _ in 0..50 {
        let mut s = send(&emu, &signed_post("DescribeRegions", &[])).await;
        if s.answer().await.is_some_and(|a| a.status == 200) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served);
    emu.shutdown().await;
}

#[tokio::test]
async fn keep_alive_pipelining_chunked_bodies_and_100_continue() {
    let emu = start(quick()).await;
    // Two requests in one write: two answers, in order, on one connection.
    let mut both = signed_post("DescribeRegions", &[]);
    both.extend(signed_post("DescribeZones", &[("RegionId", "cn-hangzhou")]));
    let mut s = send(&emu, &both).await;
    for _ in 0..2 {
        assert_eq!(s.answer().await.unwrap().status, 200);
    }
    // A chunked form body, announced with Expect: 100-continue.
    let form = common::signed_query("DescribeRegions", &[]);
    let (a, b) = form.split_at(form.len() / 2);
    let head = "POST / HTTP/1.1\r\nHost: emu\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n";
    let mut s = send(&emu, head.as_bytes()).await;
    let mut cont = [0u8; 25];
    s.stream.read_exact(&mut cont).await.unwrap();
    assert_eq!(&cont, b"HTTP/1.1 100 Continue\r\n\r\n");
    let chunks = format!(
        "{:x}\r\n{a}\r\n{:x};ext=1\r\n{b}\r\n0\r\nTrailer: x\r\n\r\n",
        a.len(),
        b.len()
    );
    s.write(chunks.as_bytes()).await.unwrap();
    let answer = s.answer().await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    // HTTP/1.0 without keep-alive: answered, then closed.
    let query = common::signed_query("DescribeRegions", &[]);
    let mut s = send(&emu, format!("POST /?{query} HTTP/1.0\r\n\r\n").as_bytes()).await;
    assert_eq!(s.answer().await.unwrap().status, 200);
    assert!(s.answer().await.is_none());
    emu.shutdown().await;
}

#[tokio::test]
async fn the_request_log_keeps_params_of_signed_requests_only_and_stays_in_its_bytes() {
    let emu = start(Limits {
        request_log_bytes: 64 << 10,
        request_log_params_bytes: 2 << 10,
        ..Limits::default()
    })
    .await;
    // Unsigned (a wrong signature): recorded, without its params.
    let mut forged = common::signed_query("DescribeRegions", &[("RegionId", "cn-hangzhou")]);
    forged.push('x');
    let mut s = send(
        &emu,
        format!("POST /?{forged} HTTP/1.1\r\nHost: emu\r\n\r\n").as_bytes(),
    )
    .await;
    s.answer()
        .await
        .unwrap()
        .assert_error_document(400, "SignatureDoesNotMatch");
    let r = emu.requests().pop().unwrap();
    assert_eq!(r.action.as_deref(), Some("DescribeRegions"));
    assert!(
        r.params.is_empty() && r.params_truncated && r.access_key_id.is_none(),
        "{r:?}"
    );
    // Signed: recorded with its params.
    let mut s = send(
        &emu,
        &signed_post("DescribeZones", &[("RegionId", "cn-hangzhou")]),
    )
    .await;
    let answer = s.answer().await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    let r = emu.requests().pop().unwrap();
    assert_eq!(r.param("RegionId"), Some("cn-hangzhou"));
    assert!(!r.params_truncated);
    assert_eq!(r.access_key_id.as_deref(), Some("testid"));
    // Signed but large: params cut at the per-record limit.
    let big = "x".repeat(4 << 10);
    let mut s = send(
        &emu,
        &signed_post(
            "DescribeZones",
            &[("RegionId", "cn-hangzhou"), ("AcceptLanguage", &big)],
        ),
    )
    .await;
    s.answer().await.unwrap();
    let r = emu.requests().pop().unwrap();
    assert!(
        r.params_truncated && r.param("AcceptLanguage").is_none(),
        "{:?}",
        r.params.len()
    );
    // Many large unsigned requests: the log stays within its bytes, the newest kept.
    let body = format!("Action=DescribeRegions&Junk={}", "y".repeat(200 << 10));
    for _ in 0..20 {
        let head = format!(
            "POST / HTTP/1.1\r\nHost: emu\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut s = send(&emu, head.as_bytes()).await;
        s.write(body.as_bytes()).await.unwrap();
        assert_eq!(s.answer().await.unwrap().status, 400);
    }
    assert!(
        emu.request_log_bytes() <= 64 << 10,
        "{}",
        emu.request_log_bytes()
    );
    assert!(emu.requests().len() >= 20);
    emu.shutdown().await;
}

/// Bytes a client might send: a valid signed request cut short, with a byte changed, with a
/// junk header or a junk query, or plain noise.
fn hostile_request() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let valid = signed_post("DescribeInstances", &[("RegionId", "cn-hangzhou")]);
    let len = valid.len();
    let noise = proptest::collection::vec(any::<u8>(), 0..600);
    let v1 = valid.clone();
    let cut = (0..len).prop_map(move |n| v1[..n].to_vec());
    let v2 = valid.clone();
    let flip = (0..len, any::<u8>()).prop_map(move |(i, b)| {
        let mut v = v2.clone();
        v[i] = b;
        v
    });
    let v3 = valid;
    let header = "[ -~]{0,80}".prop_map(move |h| {
        let text = String::from_utf8_lossy(&v3).into_owned();
        text.replacen("\r\n", &format!("\r\n{h}\r\n"), 1)
            .into_bytes()
    });
    let query = "[%&=+a-zA-Z0-9.]{0,200}"
        .prop_map(|q| format!("GET /?{q} HTTP/1.1\r\nHost: emu\r\n\r\n").into_bytes());
    prop_oneof![noise, cut, flip, header, query]
}

#[test]
fn any_bytes_get_an_answer_or_a_close_and_the_server_keeps_serving() {
    use proptest::prelude::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(start(quick()));
    let config = ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(bytes in hostile_request())| {
        let answer = rt.block_on(async {
            let mut w = send(&emu, &bytes).await;
            // The client is done: the server must not wait for more.
            let _ = w.stream.shutdown().await;
            w.answer().await
        });
        if let Some(a) = answer {
            prop_assert!((200..600).contains(&a.status), "{a:?}");
            if a.status >= 400 {
                let doc: serde_json::Value = serde_json::from_str(&a.body)
                    .map_err(|_| TestCaseError::fail(format!("not an error document: {a:?}")))?;
                prop_assert!(doc["Code"].as_str().is_some_and(|c| !c.is_empty()), "{doc}");
            }
        }
    });
    // No case took the server down or left it stuck.
    let ok = rt.block_on(async {
        let mut w = send(
            &emu,
            &signed_post("DescribeInstances", &[("RegionId", "cn-hangzhou")]),
        )
        .await;
        w.answer().await
    });
    assert_eq!(ok.map(|a| a.status), Some(200));
}
