//! The ecs-api client against the emulator over real HTTP on 127.0.0.1: success, every error code the
//! emulator can produce, client-side validation, faults with retries, and concurrency. Last, a
//! generated crate of another product (`codegen-golden`, product `Gadget`) against a tiny server.

use std::collections::HashSet;
use std::time::Duration;

use ecs_api::operation::create_snapshot_group::{
    CreateSnapshotGroup, CreateSnapshotGroupError, CreateSnapshotGroupErrorKind as Kind,
    CreateSnapshotGroupInput,
};
use ecs_api::wire::ValidationMode;
use ecs_api::{CallOptions, Client, Config, Credentials, RetryConfig, SdkError, SignatureVersion};
use ecs_emulator::{Fault, Outcome, RunningEmulator};

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

fn config(emu: &RunningEmulator, creds: Credentials) -> ecs_api::config::ConfigBuilder {
    Config::builder()
        .region("cn-hangzhou")
        .signature_version(ecs_api::SignatureVersion::V2)
        .endpoint(emu.url())
        .credentials(creds)
        .attempt_timeout(Duration::from_secs(5))
        .retry(
            RetryConfig::standard()
                .max_attempts(4)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(50)),
        )
}

fn client(emu: &RunningEmulator) -> Client {
    Client::new(
        config(emu, Credentials::new("testid", "testsecret"))
            .build()
            .unwrap(),
    )
}

fn client_as(emu: &RunningEmulator, creds: Credentials) -> Client {
    Client::new(config(emu, creds).build().unwrap())
}

/// Every code the emulator answers is classified: a variant of the page's codes (named by the
/// codegen's own rule) or a common code, never `Unhandled`.
fn assert_variant(e: &CreateSnapshotGroupError) {
    let code = e.code();
    let debug = format!("{:?}", e.kind());
    match e.kind() {
        Kind::Common(c) => assert_eq!(c.code(), code),
        Kind::Unhandled => panic!("{code} is not classified"),
        _ => assert_eq!(debug, codegen::naming::error_variant(code), "{code}"),
    }
}

async fn expect_code(
    client: &Client,
    input: CreateSnapshotGroupInput,
    code: &str,
    status: u16,
) -> CreateSnapshotGroupError {
    let opts = CallOptions::default()
        .no_retry()
        .validation(ValidationMode::Off);
    match client.call::<CreateSnapshotGroup>(input, &opts).await {
        Err(SdkError::Service(e)) => {
            assert_eq!(e.code(), code, "{e}");
            assert_eq!(e.http_status(), status, "{e}");
            assert!(e.request_id().is_some_and(|r| !r.is_empty()));
            assert_variant(&e);
            e
        }
        other => panic!("expected {code}, got {other:?}"),
    }
}

#[tokio::test]
async fn creates_a_group_with_one_snapshot_per_disk() {
    let emu = start_instant().await;
    let out = client(&emu)
        .create_snapshot_group("i-emu-running")
        .exclude_disk_id("d-emu-data2")
        .name("nightly")
        .description("before upgrade")
        .tag(ecs_api::types::Tag::new().key("env").value("test"))
        .send()
        .await
        .unwrap();
    let id = out.snapshot_group_id.unwrap();
    assert!(id.starts_with("ssg-"));
    assert!(out.request_id.is_some());
    let groups = emu.snapshot_groups();
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(g.snapshot_group_id, id);
    assert_eq!(g.name.as_deref(), Some("nightly"));
    assert_eq!(g.tags, vec![("env".to_owned(), "test".to_owned())]);
    // The client fills a ClientToken once per call so retries are safe.
    assert!(g.client_token.is_some());
    let disks: Vec<String> = emu.snapshots().into_iter().map(|s| s.disk_id).collect();
    assert_eq!(disks, ["d-emu-sys", "d-emu-data1"]);
    assert!(
        emu.snapshots()
            .iter()
            .all(|s| s.snapshot_id.starts_with("s-"))
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn stopped_instance_disk_ids_and_v3_and_sts_succeed() {
    let emu = start_instant().await;
    let c = client(&emu);
    c.create_snapshot_group("i-emu-stopped")
        .send()
        .await
        .unwrap();
    c.create_snapshot_group("i-emu-running")
        .disk_id("d-emu-data1")
        .send()
        .await
        .unwrap();
    let v3 = Client::new(
        config(&emu, Credentials::new("testid", "testsecret"))
            .signature_version(SignatureVersion::V3)
            .build()
            .unwrap(),
    );
    v3.create_snapshot_group("i-emu-running")
        .send()
        .await
        .unwrap();
    let sts = client_as(
        &emu,
        Credentials::with_security_token("stsid", "stssecret", "emu-sts-token"),
    );
    sts.create_snapshot_group("i-emu-running")
        .send()
        .await
        .unwrap();
    assert_eq!(emu.snapshot_groups().len(), 4);
    assert_eq!(emu.snapshots().len(), 1 + 1 + 3 + 3);
    let schemes: Vec<_> = emu.requests().iter().map(|r| r.scheme).collect();
    assert_eq!(schemes[2], ecs_emulator::Scheme::V3);
    emu.shutdown().await;
}

#[tokio::test]
async fn every_state_error_maps_to_its_variant() {
    let emu = start_instant().await;
    let c = client(&emu);
    let i = CreateSnapshotGroupInput::new;
    let cases: Vec<(CreateSnapshotGroupInput, &str, u16)> = vec![
        (i("i-emu-starting"), "IncorrectInstanceStatus", 400),
        (i("i-emu-locked"), "InstanceLockedForSecurity", 403),
        (i("i-emu-ssd"), "DiskCategory.OperationNotSupported", 400),
        (i("i-emu-eleven"), "InvalidParameter", 400),
        (i("i-emu-huge"), "InvalidParameter", 400),
        (i("i-emu-neverused"), "IncorrectDiskStatus.NeverUsed", 403),
        (
            i("i-emu-creating"),
            "IncorrectDiskStatus.CreatingSnapshot",
            403,
        ),
        (i("i-emu-arrears"), "DiskInArrears", 403),
        (
            i("i-emu-kms-disabled"),
            "InvalidParameter.KMSKeyId.CMKNotEnabled",
            403,
        ),
        (
            i("i-emu-kms-unauthorized"),
            "InvalidParameter.KMSKeyId.KMSUnauthorized",
            403,
        ),
        (i("i-emu-detaching"), "IncorrectDiskStatus", 403),
        (i("i-nope"), "InvalidInstanceId.NotFound", 404),
        // Exists, but in another region.
        (i("i-emu-beijing"), "InvalidInstanceId.NotFound", 404),
        (
            i("i-emu-running").region_id("cn-nowhere"),
            "InvalidRegionId.NotFound",
            404,
        ),
        (
            i("i-emu-running").exclude_disk_id("d-nope"),
            "InvalidDiskId.NotFound",
            404,
        ),
        (
            i("i-emu-running").disk_id("d-nope"),
            "InvalidDiskId.NotFound",
            404,
        ),
        // A disk of another instance.
        (
            i("i-emu-running").disk_id("d-emu-stopped"),
            "InvalidParameter",
            400,
        ),
        // The SSD excluded, the ESSD left: fine; but excluding everything leaves nothing.
        (
            i("i-emu-running").set_exclude_disk_ids(["d-emu-sys", "d-emu-data1", "d-emu-data2"]),
            "InvalidParameter",
            400,
        ),
        (
            i("i-emu-running")
                .tag(ecs_api::types::Tag::new().key("a").value("1"))
                .tag(ecs_api::types::Tag::new().key("a").value("2")),
            "Duplicate.TagKey",
            400,
        ),
        // Server-side param rules (the client validation is off for these calls).
        (
            i("i-emu-running").name("-bad"),
            "InvalidSnapshotName.Malformed",
            400,
        ),
        (
            i("i-emu-running").description("x"),
            "InvalidDescription.Malformed",
            404,
        ),
        (
            i("i-emu-running")
                .instant_access(true)
                .instant_access_retention_days(0),
            "InvalidRetentionDays.Malformed",
            400,
        ),
        (
            i("i-emu-running").tag(ecs_api::types::Tag::new().key("aliyun-x")),
            "InvalidTagKey.Malformed",
            400,
        ),
        (
            i("i-emu-running").tag(ecs_api::types::Tag::new().key("k").value("acs:x")),
            "InvalidTagValue.Malformed",
            400,
        ),
        (
            i("i-emu-running")
                .disk_id("d-emu-sys")
                .exclude_disk_id("d-emu-data1"),
            "InvalidParameter",
            400,
        ),
    ];
    for (input, code, status) in cases {
        expect_code(&c, input, code, status).await;
    }
    // Spelled out for a few, so a renamed variant fails to compile here.
    let e = expect_code(&c, i("i-emu-starting"), "IncorrectInstanceStatus", 400).await;
    assert_eq!(e.kind(), Kind::IncorrectInstanceStatus);
    let e = expect_code(
        &c,
        i("i-emu-kms-disabled"),
        "InvalidParameter.KMSKeyId.CMKNotEnabled",
        403,
    )
    .await;
    assert_eq!(e.kind(), Kind::InvalidParameterKmsKeyIdCmkNotEnabled);
    let e = expect_code(
        &c,
        i("i-emu-creating"),
        "IncorrectDiskStatus.CreatingSnapshot",
        403,
    )
    .await;
    assert_eq!(e.kind(), Kind::IncorrectDiskStatusCreatingSnapshot);
    // Nothing was created by any of them.
    assert!(emu.snapshot_groups().is_empty());
    // The SSD instance works once the SSD is excluded.
    c.create_snapshot_group("i-emu-ssd")
        .exclude_disk_id("d-emu-ssd")
        .send()
        .await
        .unwrap();
    emu.shutdown().await;
}

#[tokio::test]
async fn account_and_credential_errors() {
    let emu = start_instant().await;
    let input = || CreateSnapshotGroupInput::new("i-emu-running");
    let as_ = |id: &str, secret: &str| client_as(&emu, Credentials::new(id, secret));
    expect_code(
        &as_("poorid", "poorsecret"),
        input(),
        "InvalidAccountStatus.NotEnoughBalance",
        403,
    )
    .await;
    expect_code(
        &as_("nosnapid", "nosnapsecret"),
        input(),
        "InvalidAccountStatus.SnapshotServiceUnavailable",
        403,
    )
    .await;
    // quotaid: 2 snapshots, 1 tag. i-emu-running has 3 disks.
    let quota = as_("quotaid", "quotasecret");
    expect_code(&quota, input(), "QuotaExceed.Snapshot", 403).await;
    let two_tags = CreateSnapshotGroupInput::new("i-emu-stopped")
        .tag(ecs_api::types::Tag::new().key("a"))
        .tag(ecs_api::types::Tag::new().key("b"));
    expect_code(&quota, two_tags, "QuotaExceed.Tags", 403).await;
    expect_code(
        &as_("nobody", "x"),
        input(),
        "InvalidAccessKeyId.NotFound",
        400,
    )
    .await;
    expect_code(
        &as_("disabledid", "disabledsecret"),
        input(),
        "InvalidAccessKeyId.Inactive",
        400,
    )
    .await;
    let e = expect_code(
        &as_("testid", "wrong"),
        input(),
        "SignatureDoesNotMatch",
        400,
    )
    .await;
    assert!(e.message().contains("server string to sign is:"));
    let expired = client_as(
        &emu,
        Credentials::with_security_token("stsexpiredid", "stsexpiredsecret", "emu-expired-token"),
    );
    expect_code(&expired, input(), "InvalidSecurityToken.Expired", 400).await;
    let bad_token = client_as(
        &emu,
        Credentials::with_security_token("stsid", "stssecret", "forged"),
    );
    expect_code(&bad_token, input(), "InvalidSecurityToken.Malformed", 400).await;
    let no_token = as_("stsid", "stssecret");
    expect_code(&no_token, input(), "InvalidSecurityToken.Malformed", 400).await;
    assert!(emu.snapshot_groups().is_empty());
    emu.shutdown().await;
}

#[tokio::test]
async fn client_token_replays_and_mismatches() {
    let emu = start_instant().await;
    let c = client(&emu);
    let first = c
        .create_snapshot_group("i-emu-running")
        .client_token("token-1")
        .name("a1")
        .send()
        .await
        .unwrap();
    let again = c
        .create_snapshot_group("i-emu-running")
        .client_token("token-1")
        .name("a1")
        .send()
        .await
        .unwrap();
    assert_eq!(first.snapshot_group_id, again.snapshot_group_id);
    assert_eq!(emu.snapshot_groups().len(), 1);
    let input = CreateSnapshotGroupInput::new("i-emu-running")
        .client_token("token-1")
        .name("b2");
    expect_code(&c, input, "IdempotentParameterMismatch", 403).await;
    assert_eq!(emu.snapshot_groups().len(), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn client_validation_errors_never_reach_the_emulator() {
    let emu = start_instant().await;
    let c = client(&emu);
    let bad = [
        c.create_snapshot_group("i-emu-running")
            .name("-starts-with-dash"),
        c.create_snapshot_group("i-emu-running").name("x"),
        c.create_snapshot_group("i-emu-running")
            .description("http://spam"),
        c.create_snapshot_group("i-emu-running")
            .instant_access(true)
            .instant_access_retention_days(70000),
        c.create_snapshot_group("i-emu-running")
            .disk_id("d-emu-sys")
            .exclude_disk_id("d-emu-data1"),
        c.create_snapshot_group("i-emu-running")
            .set_exclude_disk_ids((0..17).map(|n| format!("d-{n}"))),
    ];
    for req in bad {
        let err = req.send().await.unwrap_err();
        assert!(matches!(err, SdkError::Validation(_)), "{err:?}");
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
    emu.shutdown().await;
}

/// Runs one call with `fault` on the first attempt; retries on; exactly one group must exist.
async fn one_group_despite(
    fault: Fault,
    attempt_timeout: Duration,
) -> Vec<ecs_emulator::RequestRecord> {
    let emu = start_instant().await;
    let c = Client::new(
        config(&emu, Credentials::new("testid", "testsecret"))
            .attempt_timeout(attempt_timeout)
            .build()
            .unwrap(),
    );
    emu.fail_next(Some("CreateSnapshotGroup"), 1, fault.clone());
    let out = c
        .create_snapshot_group("i-emu-running")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
    let groups = emu.snapshot_groups();
    assert_eq!(groups.len(), 1, "{fault:?}");
    assert_eq!(
        out.snapshot_group_id.as_deref(),
        Some(groups[0].snapshot_group_id.as_str())
    );
    assert_eq!(emu.snapshots().len(), 3);
    let requests = emu.requests();
    assert_eq!(requests[0].fault.as_ref(), Some(&fault));
    // Every attempt carried the same token, each with its own nonce.
    let tokens: HashSet<_> = requests
        .iter()
        .map(|r| r.param("ClientToken").map(str::to_owned))
        .collect();
    assert_eq!(tokens.len(), 1);
    let nonces: HashSet<_> = requests
        .iter()
        .map(|r| r.param("SignatureNonce").map(str::to_owned))
        .collect();
    assert_eq!(nonces.len(), requests.len());
    emu.shutdown().await;
    requests
}

#[tokio::test]
async fn faults_before_the_effect_are_retried() {
    let t = Duration::from_secs(5);
    for fault in [
        Fault::InternalError,
        Fault::ServiceUnavailable,
        Fault::Throttling {
            retry_after: Duration::from_millis(30),
        },
        Fault::ConnectionReset,
    ] {
        let requests = one_group_despite(fault.clone(), t).await;
        assert_eq!(requests.len(), 2, "{fault:?}");
        assert!(
            matches!(requests[1].outcome, Outcome::Created { .. }),
            "{fault:?}"
        );
    }
    let requests = one_group_despite(Fault::Latency(Duration::from_millis(100)), t).await;
    assert_eq!(requests.len(), 1);
}

#[tokio::test]
async fn lost_and_slow_responses_do_not_duplicate() {
    for (fault, timeout) in [
        (Fault::LostResponse, Duration::from_secs(5)),
        (
            Fault::SlowResponse(Duration::from_secs(3)),
            Duration::from_millis(300),
        ),
    ] {
        let requests = one_group_despite(fault.clone(), timeout).await;
        assert_eq!(requests.len(), 2, "{fault:?}");
        assert!(
            matches!(requests[0].outcome, Outcome::Created { .. }),
            "{fault:?}"
        );
        // The retry found the token and answered the first group.
        assert!(
            matches!(requests[1].outcome, Outcome::Replayed { .. }),
            "{fault:?}"
        );
    }
}

#[tokio::test]
async fn concurrent_creates_lose_and_duplicate_nothing() {
    let emu = start_instant().await;
    // Faults at random on a fifth of requests, before and after the effect.
    emu.fail_rate(Some("CreateSnapshotGroup"), 0.1, Fault::InternalError);
    emu.fail_rate(Some("CreateSnapshotGroup"), 0.1, Fault::LostResponse);
    let c = Client::new(
        config(&emu, Credentials::new("testid", "testsecret"))
            .retry(
                RetryConfig::standard()
                    .max_attempts(10)
                    .initial_backoff(Duration::from_millis(2))
                    .max_backoff(Duration::from_millis(20)),
            )
            .build()
            .unwrap(),
    );
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..64 {
        let c = c.clone();
        tasks.spawn(async move {
            c.create_snapshot_group("i-emu-running")
                .name(format!("task-{n}"))
                .send()
                .await
                .map(|o| o.snapshot_group_id.unwrap_or_default())
        });
    }
    let mut ids = HashSet::new();
    while let Some(r) = tasks.join_next().await {
        let id = r.unwrap().unwrap();
        assert!(ids.insert(id), "duplicate id returned");
    }
    let groups = emu.snapshot_groups();
    assert_eq!(groups.len(), 64);
    let stored: HashSet<String> = groups.iter().map(|g| g.snapshot_group_id.clone()).collect();
    assert_eq!(stored, ids);
    let names: HashSet<_> = groups.iter().filter_map(|g| g.name.clone()).collect();
    assert_eq!(names.len(), 64);
    assert_eq!(emu.snapshots().len(), 64 * 3);
    let requests = emu.requests();
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    assert!(
        faulted > 0 && requests.len() == 64 + faulted,
        "{faulted} of {}",
        requests.len()
    );
    emu.shutdown().await;
}

/// What the tiny server saw of one request: its query pairs and headers.
type Seen = (Vec<(String, String)>, Vec<(String, String)>);

/// A one-request-per-connection HTTP server on 127.0.0.1 that answers `{"RequestId":"r-1"}` and
/// hands each request's query pairs and headers to the test.
async fn tiny_server() -> (String, tokio::sync::mpsc::UnboundedReceiver<Seen>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // The client sends no body (the query carries the params): the head is the request.
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&buf).into_owned();
            let mut lines = head.split("\r\n");
            let target = lines
                .next()
                .and_then(|l| l.split(' ').nth(1))
                .unwrap_or("/")
                .to_string();
            let headers = lines
                .filter_map(|l| l.split_once(": "))
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect();
            let query = reqwest::Url::parse(&format!("http://x{target}"))
                .unwrap()
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let _ = tx.send((query, headers));
            let body = r#"{"RequestId":"r-1"}"#;
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(reply.as_bytes()).await;
        }
    });
    (url, rx)
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn a_generated_crate_of_another_product_calls_and_signs_for_it() {
    use codegen_golden::operation::attach_link::{AttachLink, AttachLinkExt, AttachLinkInput};
    use codegen_golden::operation::delete_gadget::DeleteGadgetExt;
    use ecs_api::operation::Operation;

    let creds = Credentials::new("gadget-id", "gadget-secret");
    let (url, mut seen) = tiny_server().await;
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(url)
            .credentials(creds.clone())
            .signature_version(SignatureVersion::V2)
            .build()
            .unwrap(),
    );
    client.attach_link("lnk-1", "vpc-1").send().await.unwrap();
    let (query, _) = seen.recv().await.unwrap();
    assert_eq!(param(&query, "Action"), Some("AttachLink"));
    assert_eq!(param(&query, "Version"), Some("2024-01-01"));
    assert_eq!(param(&query, "LinkId"), Some("lnk-1"));
    // The signature the server computes over what it received matches the one sent.
    let unsigned: Vec<(&str, &str)> = query
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let expected = ecs_api::signer::v2::sign_params(&creds, "POST", &unsigned);
    assert_eq!(
        param(&query, "Signature"),
        Some(expected.signature.as_str())
    );

    // V3 names the action and version in headers.
    let (url, mut seen) = tiny_server().await;
    let v3 = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(url)
            .credentials(creds.clone())
            .signature_version(SignatureVersion::V3)
            .build()
            .unwrap(),
    );
    v3.delete_gadget().send().await.unwrap();
    let (_, headers) = seen.recv().await.unwrap();
    assert_eq!(param(&headers, "x-acs-action"), Some("DeleteGadget"));
    assert_eq!(param(&headers, "x-acs-version"), Some("2024-01-01"));
    assert!(param(&headers, "authorization").is_some_and(|a| a.starts_with("ACS3-HMAC-SHA256 ")));

    // Without an explicit endpoint, calls go to the product's own host.
    assert_eq!(AttachLink::PRODUCT.code, "Gadget");
    let regional = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(creds.clone())
            .build()
            .unwrap(),
    );
    let mut input = AttachLinkInput::new("lnk-1", "vpc-1");
    let prepared = regional
        .prepare::<AttachLink>(&mut input, &CallOptions::default(), &creds)
        .unwrap();
    assert!(
        prepared
            .url
            .starts_with("https://gadget.cn-hangzhou.aliyuncs.com/?"),
        "{}",
        prepared.url
    );
    assert_eq!(
        regional.config().endpoint(),
        "https://ecs-cn-hangzhou.aliyuncs.com/",
        "ECS keeps its own map"
    );
}
