//! Raw HTTP against the emulator, signed by hand with `ecs_api::signer`: signature and replay
//! checks, V2 in query / form body / GET, V3, XML, rate limiting, and hostile input.

use std::time::Duration;

use ecs_api::Credentials;
use ecs_api::signer::{format_timestamp, percent_encode, v2, v3};
use ecs_emulator::{Emulator, RateLimit, RunningEmulator};
use serde_json::Value;
use time::OffsetDateTime;

/// The default world with snapshots done at once: these tests create groups of the same disks
/// back to back, which a snapshot in progress would refuse (`IncorrectDiskStatus.CreatingSnapshot`).
async fn start_instant() -> RunningEmulator {
    ecs_emulator::Emulator::builder()
        .timings(ecs_emulator::Timings::instant())
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn nonce() -> String {
    let n = NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("raw-{}-{n}", std::process::id())
}

/// Common params for `testid` at `now + skew`, then `business`.
fn common(business: &[(&str, &str)], skew: time::Duration) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = vec![
        ("Action".into(), "CreateSnapshotGroup".into()),
        ("Version".into(), "2014-05-26".into()),
        ("Format".into(), "JSON".into()),
        ("AccessKeyId".into(), "testid".into()),
        ("SignatureMethod".into(), "HMAC-SHA1".into()),
        ("SignatureVersion".into(), "1.0".into()),
        ("SignatureNonce".into(), nonce()),
        (
            "Timestamp".into(),
            format_timestamp(OffsetDateTime::now_utc() + skew),
        ),
        ("RegionId".into(), "cn-hangzhou".into()),
    ];
    p.extend(business.iter().map(|(k, v)| ((*k).into(), (*v).into())));
    p
}

/// Adds `Signature` computed with `secret` over every pair.
fn sign(mut p: Vec<(String, String)>, method: &str, secret: &str) -> Vec<(String, String)> {
    let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let key_id = p
        .iter()
        .find(|(k, _)| k == "AccessKeyId")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let sig = v2::sign_params(&Credentials::new(key_id, secret), method, &refs).signature;
    p.push(("Signature".into(), sig));
    p
}

fn encode(p: &[(String, String)]) -> String {
    p.iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn post_query(
    emu: &RunningEmulator,
    query: &str,
) -> (u16, reqwest::header::HeaderMap, String) {
    let r = http()
        .post(format!("{}/?{query}", emu.url()))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.text().await.unwrap())
}

fn code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    for field in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
        assert!(v.get(field).is_some(), "{field} missing in {body}");
    }
    v["Code"].as_str().unwrap_or_default().to_owned()
}

fn signed(business: &[(&str, &str)]) -> Vec<(String, String)> {
    sign(common(business, time::Duration::ZERO), "POST", "testsecret")
}

#[tokio::test]
async fn v2_query_succeeds_and_spaces_as_plus_are_accepted() {
    let emu = start_instant().await;
    let p = signed(&[
        ("InstanceId", "i-emu-running"),
        ("Description", "hello world"),
        ("InstantAccess", "True"),
    ]);
    let query = encode(&p).replace("%20", "+");
    assert!(query.contains("hello+world"));
    let (status, headers, body) = post_query(&emu, &query).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["SnapshotGroupId"].as_str().unwrap().starts_with("ssg-"));
    assert_eq!(
        headers["x-acs-request-id"].to_str().unwrap(),
        v["RequestId"].as_str().unwrap()
    );
    let g = &emu.snapshot_groups()[0];
    assert_eq!(g.description.as_deref(), Some("hello world"));
    assert!(g.instant_access);
    emu.shutdown().await;
}

#[tokio::test]
async fn get_and_form_body_are_accepted() {
    let emu = start_instant().await;
    let p = sign(
        common(&[("InstanceId", "i-emu-running")], time::Duration::ZERO),
        "GET",
        "testsecret",
    );
    let r = http()
        .get(format!("{}/?{}", emu.url(), encode(&p)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    // Form body carrying the params, signed over all of them.
    let p = signed(&[("InstanceId", "i-emu-stopped"), ("Name", "form body")]);
    let r = http()
        .post(format!("{}/", emu.url()))
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(encode(&p))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body = r.text().await.unwrap();
    // `Name` with a space breaks the charset rule: the server read it from the body.
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "InvalidSnapshotName.Malformed");

    // Common params in the query, business params in the body.
    let p = signed(&[("InstanceId", "i-emu-stopped")]);
    let (q, b): (Vec<_>, Vec<_>) = p.into_iter().partition(|(k, _)| k != "InstanceId");
    let r = http()
        .post(format!("{}/?{}", emu.url(), encode(&q)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&b))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(emu.snapshot_groups().len(), 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn signature_checks() {
    let emu = start_instant().await;
    let zero = time::Duration::ZERO;

    // Tampered param after signing.
    let p = signed(&[("InstanceId", "i-emu-running")]);
    let tampered = encode(&p).replace("i-emu-running", "i-emu-stopped");
    let (status, _, body) = post_query(&emu, &tampered).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (400, "SignatureDoesNotMatch")
    );
    assert!(body.contains("server string to sign is:"));

    // Wrong secret.
    let p = sign(
        common(&[("InstanceId", "i-emu-running")], zero),
        "POST",
        "nope",
    );
    let (status, _, body) = post_query(&emu, &encode(&p)).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (400, "SignatureDoesNotMatch")
    );

    // Signed for GET, sent as POST.
    let p = sign(
        common(&[("InstanceId", "i-emu-running")], zero),
        "GET",
        "testsecret",
    );
    let (_, _, body) = post_query(&emu, &encode(&p)).await;
    assert_eq!(code(&body), "SignatureDoesNotMatch");

    // Replayed nonce: the first succeeds, the identical second is refused.
    let q = encode(&signed(&[("InstanceId", "i-emu-running")]));
    let (status, _, body) = post_query(&emu, &q).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = post_query(&emu, &q).await;
    assert_eq!((status, code(&body).as_str()), (400, "SignatureNonceUsed"));

    // Timestamps 20 minutes off either way.
    for skew in [time::Duration::minutes(-20), time::Duration::minutes(20)] {
        let p = sign(
            common(&[("InstanceId", "i-emu-running")], skew),
            "POST",
            "testsecret",
        );
        let (status, _, body) = post_query(&emu, &encode(&p)).await;
        assert_eq!(
            (status, code(&body).as_str()),
            (400, "InvalidTimeStamp.Expired")
        );
    }
    // 10 minutes off is within the window.
    let p = sign(
        common(
            &[("InstanceId", "i-emu-stopped")],
            time::Duration::minutes(-10),
        ),
        "POST",
        "testsecret",
    );
    let (status, _, body) = post_query(&emu, &encode(&p)).await;
    assert_eq!(status, 200, "{body}");

    // Badly formatted timestamp.
    let mut p = common(&[("InstanceId", "i-emu-running")], zero);
    for (k, v) in &mut p {
        if k == "Timestamp" {
            *v = "2024-01-01 00:00:00".into();
        }
    }
    let (_, _, body) = post_query(&emu, &encode(&sign(p, "POST", "testsecret"))).await;
    assert_eq!(code(&body), "InvalidTimeStamp.Format");

    // Unknown key id; unsupported method.
    let mut p = common(&[("InstanceId", "i-emu-running")], zero);
    p[3].1 = "ghost".into();
    let (_, _, body) = post_query(&emu, &encode(&sign(p, "POST", "x"))).await;
    assert_eq!(code(&body), "InvalidAccessKeyId.NotFound");
    let mut p = common(&[("InstanceId", "i-emu-running")], zero);
    p[4].1 = "HMAC-SHA256".into();
    let (_, _, body) = post_query(&emu, &encode(&sign(p, "POST", "testsecret"))).await;
    assert_eq!(code(&body), "UnsupportedSignatureMethod");

    // Only the two good requests had an effect.
    assert_eq!(emu.snapshot_groups().len(), 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn missing_common_params_and_unknown_action() {
    let emu = start_instant().await;
    for (name, shown) in [
        ("Action", "Action"),
        ("Version", "Version"),
        ("AccessKeyId", "AccessKeyId"),
        ("Signature", "Signature"),
        ("Timestamp", "TimeStamp"),
        ("SignatureNonce", "SignatureNonce"),
    ] {
        let p: Vec<_> = signed(&[("InstanceId", "i-emu-running")])
            .into_iter()
            .filter(|(k, _)| k != name)
            .collect();
        let (status, _, body) = post_query(&emu, &encode(&p)).await;
        assert_eq!(
            (status, code(&body).as_str()),
            (400, "MissingParameter"),
            "{name}"
        );
        assert!(body.contains(&format!("`{shown}`")), "{body}");
    }
    let mut p = common(&[], time::Duration::ZERO);
    p[0].1 = "DescribeNothing".into();
    let (status, _, body) = post_query(&emu, &encode(&sign(p, "POST", "testsecret"))).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (404, "InvalidAction.NotFound")
    );
    // Missing business params and unknown ones.
    let (_, _, body) = post_query(&emu, &encode(&signed(&[]))).await;
    assert_eq!(code(&body), "MissingParameter");
    assert!(body.contains("InstanceId"), "{body}");
    let (_, _, body) = post_query(
        &emu,
        &encode(&signed(&[("InstanceId", "i-emu-running"), ("Bogus", "1")])),
    )
    .await;
    assert_eq!(code(&body), "InvalidParameter");
    assert!(emu.snapshot_groups().is_empty());
    emu.shutdown().await;
}

#[tokio::test]
async fn xml_format() {
    let emu = start_instant().await;
    let mut p = common(&[("InstanceId", "i-emu-running")], time::Duration::ZERO);
    p[2].1 = "XML".into();
    let (status, headers, body) = post_query(&emu, &encode(&sign(p, "POST", "testsecret"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(headers["content-type"].to_str().unwrap().contains("xml"));
    assert!(
        body.contains("<CreateSnapshotGroupResponse><RequestId>"),
        "{body}"
    );
    assert!(body.contains("<SnapshotGroupId>ssg-"), "{body}");
    let mut p = common(&[("InstanceId", "i-emu-starting")], time::Duration::ZERO);
    p[2].1 = "xml".into();
    let (status, _, body) = post_query(&emu, &encode(&sign(p, "POST", "testsecret"))).await;
    assert_eq!(status, 400);
    for tag in [
        "<Error>",
        "<RequestId>",
        "<HostId>",
        "<Code>IncorrectInstanceStatus</Code>",
        "<Message>",
        "<Recommend>",
    ] {
        assert!(body.contains(tag), "{tag} in {body}");
    }
    emu.shutdown().await;
}

async fn send_v3(
    emu: &RunningEmulator,
    creds: &Credentials,
    params: &[(String, String)],
    tamper: impl FnOnce(&mut String, &mut Vec<(&'static str, String)>),
) -> (u16, String) {
    let host = emu.addr().to_string();
    let signed = v3::sign_rpc(
        creds,
        &v3::RpcRequest {
            method: "POST",
            host: &host,
            action: "CreateSnapshotGroup",
            version: "2014-05-26",
            params,
            timestamp: OffsetDateTime::now_utc(),
            nonce: &nonce(),
        },
    );
    let mut query = signed.query.clone();
    let mut headers = signed.headers.clone();
    tamper(&mut query, &mut headers);
    let mut req = http().post(format!("{}/?{query}", emu.url()));
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn v3_signatures() {
    let emu = start_instant().await;
    let creds = Credentials::new("testid", "testsecret");
    let params = vec![
        ("InstanceId".to_owned(), "i-emu-running".to_owned()),
        ("RegionId".to_owned(), "cn-hangzhou".to_owned()),
        ("Name".to_owned(), "v3".to_owned()),
    ];
    let (status, body) = send_v3(&emu, &creds, &params, |_, _| {}).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send_v3(&emu, &creds, &params, |q, _| *q = q.replace("v3", "v4")).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (400, "SignatureDoesNotMatch")
    );
    // An x-acs-* header that is not signed.
    let (_, body) = send_v3(&emu, &creds, &params, |_, h| {
        h.push(("x-acs-extra", "1".into()))
    })
    .await;
    assert_eq!(code(&body), "IncompleteSignature");
    let (_, body) = send_v3(&emu, &Credentials::new("testid", "bad"), &params, |_, _| {}).await;
    assert_eq!(code(&body), "SignatureDoesNotMatch");
    let sts = Credentials::with_security_token("stsid", "stssecret", "emu-sts-token");
    let (status, body) = send_v3(&emu, &sts, &params[..2], |_, _| {}).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(emu.snapshot_groups().len(), 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn rate_limit_answers_throttling_with_retry_after() {
    let emu = Emulator::builder()
        .timings(ecs_emulator::Timings::instant())
        .rate_limit(RateLimit::per_second(1.0).burst(2))
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let mut codes = Vec::new();
    for _ in 0..3 {
        let (status, headers, body) =
            post_query(&emu, &encode(&signed(&[("InstanceId", "i-emu-running")]))).await;
        if status != 200 {
            assert_eq!(status, 400);
            let ms: u64 = headers["x-acs-retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(ms > 0 && ms <= 1000, "{ms}");
            codes.push(code(&body));
        }
    }
    assert_eq!(codes, ["Throttling"]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _, body) =
        post_query(&emu, &encode(&signed(&[("InstanceId", "i-emu-running")]))).await;
    assert_eq!(status, 200, "{body}");
    emu.shutdown().await;
}

#[tokio::test]
async fn hostile_input_gets_answers_not_panics() {
    let emu = start_instant().await;
    let raw = [
        "%",
        "%FF%FE=1",
        "Action=%E5%BF",
        "&&&==&",
        "Tag.99999999999999999999999.Key=a",
        "ExcludeDiskId.0=a&Tag.x.Key=b",
    ];
    for q in raw {
        let (status, _, _) = post_query(&emu, q).await;
        assert!((400..500).contains(&status), "{q}: {status}");
    }
    // Signed but hostile business params.
    for business in [
        vec![
            ("InstanceId", "i-emu-running"),
            ("Tag.99999999999999999999.Key", "a"),
        ],
        vec![("InstanceId", "i-emu-running"), ("Tag.1000000.Key", "a")],
        vec![
            ("InstanceId", "i-emu-running"),
            ("ExcludeDiskId.1.Nested", "a"),
        ],
        vec![
            ("InstanceId", "i-emu-running"),
            ("InstantAccessRetentionDays", "99999999999999999999"),
        ],
        vec![("InstanceId", "i-emu-running"), ("InstantAccess", "maybe")],
        vec![("InstanceId", "\u{0}\u{FFFF}快")],
        vec![
            ("InstanceId", "i-emu-running"),
            ("Name", &"x".repeat(5_000)),
        ],
    ] {
        let (status, _, body) = post_query(&emu, &encode(&signed(&business))).await;
        assert!(
            (400..500).contains(&status),
            "{business:?}: {status} {body}"
        );
    }
    // A body over the limit: 413 with an error document.
    let r = http()
        .post(format!("{}/", emu.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a".repeat(2 << 20))
        .send()
        .await;
    if let Ok(r) = r {
        assert_eq!(r.status(), 413);
        assert!(r.text().await.unwrap().contains("max_body_bytes"));
    }
    // Still serving.
    let (status, _, body) =
        post_query(&emu, &encode(&signed(&[("InstanceId", "i-emu-running")]))).await;
    assert_eq!(status, 200, "{body}");
    emu.shutdown().await;
}
