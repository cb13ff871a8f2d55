//! End-to-end through real HTTP on 127.0.0.1: what the server receives, how answers map to errors,
//! retries, timeouts.

mod common;
#[path = "client_http/limits.rs"]
mod limits;

use std::sync::Arc;
use std::time::Duration;

use common::{CreateThing, DescribeThings, RecordingSleep, Reply, TestServer, ThingInput};
use ecs_api::error::TimeoutScope;
use ecs_api::signer::{FixedClock, FixedNonce, SignatureVersion};
use ecs_api::{CallOptions, Client, Config, Credentials, RetryConfig, SdkError};

fn creds() -> Credentials {
    Credentials::new("testid", "testsecret")
}

fn client_for(server: &TestServer, sleep: Arc<RecordingSleep>) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(creds())
            .endpoint(server.endpoint())
            .sleep_impl(sleep)
            .attempt_timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn sends_exact_query_with_valid_v2_signature() {
    let server = TestServer::start(vec![Reply::ok("ssg-1")]).await;
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(creds())
            .endpoint(server.endpoint())
            .clock(Arc::new(FixedClock(
                time::macros::datetime!(2024-05-26 08:00:00 UTC),
            )))
            .nonce_source(Arc::new(FixedNonce(
                "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf".into(),
            )))
            .build()
            .unwrap(),
    );
    let out = client
        .create_snapshot_group("i-bp1g6zv0ce8oghu7****")
        .exclude_disk_id("d-bp1****")
        .exclude_disk_id("d-*")
        .name("nightly-1")
        .description("a b*c")
        .client_token("tok-1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.snapshot_group_id.as_deref(), Some("ssg-1"));

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/");
    assert!(req.body.is_empty());
    let canonical = "AccessKeyId=testid&Action=CreateSnapshotGroup&ClientToken=tok-1\
        &Description=a%20b%2Ac&ExcludeDiskId.1=d-bp1%2A%2A%2A%2A&ExcludeDiskId.2=d-%2A&Format=JSON\
        &InstanceId=i-bp1g6zv0ce8oghu7%2A%2A%2A%2A&Name=nightly-1&RegionId=cn-hangzhou\
        &SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
        &SignatureVersion=1.0&Timestamp=2024-05-26T08%3A00%3A00Z&Version=2014-05-26";
    let (head, sig) = req.raw_query.split_once("&Signature=").unwrap();
    assert_eq!(head, canonical);
    let expected = ecs_api::signer::v2::sign_string(
        &creds(),
        &ecs_api::signer::v2::string_to_sign("POST", canonical),
    );
    assert_eq!(sig, ecs_api::signer::percent_encode(&expected));
    assert!(req.verify_v2(&creds()));
}

#[tokio::test]
async fn v3_signature_with_sts_is_verified_server_side() {
    let server = TestServer::start(vec![Reply::ok("ssg-3")]).await;
    let sts = Credentials::with_security_token("STS.key", "sts-secret", "sts-token/+=");
    let client = Client::new(
        Config::builder()
            .region("cn-beijing")
            .credentials(sts.clone())
            .endpoint(server.endpoint())
            .signature_version(SignatureVersion::V3)
            .build()
            .unwrap(),
    );
    client
        .create_snapshot_group("i-1")
        .tag(ecs_api::types::Tag::new().key("env").value("prod"))
        .send()
        .await
        .unwrap();
    let req = &server.seen()[0];
    assert!(req.verify_v3(&sts), "server-side V3 check failed: {req:?}");
    assert_eq!(
        req.header("x-acs-action").as_deref(),
        Some("CreateSnapshotGroup")
    );
    assert_eq!(req.header("x-acs-version").as_deref(), Some("2014-05-26"));
    assert_eq!(
        req.header("x-acs-security-token").as_deref(),
        Some("sts-token/+=")
    );
    assert_eq!(req.header("x-acs-accesskey-id").as_deref(), Some("STS.key"));
    assert_eq!(req.param("RegionId").as_deref(), Some("cn-beijing"));
    assert_eq!(req.param("Tag.1.Key").as_deref(), Some("env"));
    assert!(req.param("Signature").is_none());
    assert!(req.param("AccessKeyId").is_none());
}

#[tokio::test]
async fn sts_token_travels_as_security_token_in_v2() {
    let server = TestServer::start(vec![Reply::ok("ssg-1")]).await;
    let sts = Credentials::with_security_token("STS.key", "sts-secret", "tok en/+");
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(sts.clone())
            .endpoint(server.endpoint())
            .build()
            .unwrap(),
    );
    client.create_snapshot_group("i-1").send().await.unwrap();
    let req = &server.seen()[0];
    assert_eq!(req.param("SecurityToken").as_deref(), Some("tok en/+"));
    assert!(req.verify_v2(&sts));
}

#[tokio::test]
async fn fills_region_and_one_client_token() {
    let server = TestServer::start(vec![Reply::ok("ssg-1")]).await;
    let client = client_for(&server, Arc::default());
    client.create_snapshot_group("i-1").send().await.unwrap();
    let req = &server.seen()[0];
    assert_eq!(req.param("RegionId").as_deref(), Some("cn-hangzhou"));
    let token = req.param("ClientToken").unwrap();
    assert!(uuid::Uuid::parse_str(&token).is_ok(), "{token}");

    // An explicit region wins.
    client
        .create_snapshot_group("i-1")
        .region_id("cn-shanghai")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.seen()[1].param("RegionId").as_deref(),
        Some("cn-shanghai")
    );
}

#[tokio::test]
async fn validation_errors_send_nothing() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server, Arc::default());
    let err = client
        .create_snapshot_group("i-1")
        .name("x")
        .send()
        .await
        .unwrap_err();
    let report = err.as_validation().expect("a validation error");
    assert_eq!(report.errors[0].param, "Name");
    let text = err.to_string();
    assert!(text.starts_with("validation failed: Name: "), "{text}");
    assert!(server.seen().is_empty());

    // Off: the same input goes out.
    client
        .create_snapshot_group("i-1")
        .name("x")
        .call_options(CallOptions::default().validation(ecs_api::wire::ValidationMode::Off))
        .send()
        .await
        .unwrap();
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn json_error_maps_to_service_error_and_is_final() {
    let server = TestServer::start(vec![Reply::error(
        400,
        "InvalidSnapshotName.Malformed",
        "The specified SnapshotName is wrongly formed.",
    )])
    .await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = client_for(&server, sleep.clone());
    let err = client
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSnapshotName.Malformed"));
    assert_eq!(err.request_id(), Some("req-InvalidSnapshotName.Malformed"));
    assert_eq!(
        err.to_string(),
        "service error: InvalidSnapshotName.Malformed (HTTP 400): The specified SnapshotName is wrongly formed. [request id: req-InvalidSnapshotName.Malformed]"
    );
    let svc = err.as_service().unwrap();
    assert_eq!(svc.meta().host_id.as_deref(), Some("ecs.aliyuncs.com"));
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(server.seen().len(), 1, "a non-retryable 4xx is not retried");
    assert!(sleep.delays().is_empty());
    assert!(err.into_service().is_some());
}

#[tokio::test]
async fn xml_error_body_is_read() {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><RequestId>req-x</RequestId><HostId>ecs.aliyuncs.com</HostId><Code>InvalidInstanceId.NotFound</Code><Message>The specified InstanceId does not exist &amp; more.</Message></Error>";
    let server = TestServer::start(vec![Reply::raw(404, "text/xml", body)]).await;
    let client = client_for(&server, Arc::default());
    let err = client
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidInstanceId.NotFound"));
    let meta = err.as_service().unwrap().meta();
    assert_eq!(
        meta.message,
        "The specified InstanceId does not exist & more."
    );
    assert_eq!(meta.request_id.as_deref(), Some("req-x"));
    assert_eq!(meta.http_status, 404);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn html_502_from_a_proxy_is_undecodable_and_retried() {
    let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>upstream failed for /?AccessKeyId=testid&Signature=abc%3D&SecurityToken=secret-token</body></html>";
    let server = TestServer::start(vec![Reply::raw(502, "text/html", html)]).await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = client_for(&server, sleep.clone());
    let err = client
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap_err();
    match &err {
        SdkError::UndecodableResponse {
            status, snippet, ..
        } => {
            assert_eq!(*status, 502);
            assert!(
                snippet.starts_with("<html> <head><title>502 Bad Gateway"),
                "{snippet}"
            );
            assert!(
                !snippet.contains("testid")
                    && !snippet.contains("secret-token")
                    && !snippet.contains("abc")
            );
            assert!(snippet.chars().count() <= 201);
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.starts_with("undecodable response (HTTP 502)"),
        "{text}"
    );
    assert!(!text.contains('\n'));
    assert_eq!(
        server.seen().len(),
        3,
        "5xx without a code is retried up to 3 attempts"
    );
    assert_eq!(sleep.delays().len(), 2);
}

#[tokio::test]
async fn empty_4xx_body_is_undecodable_and_final() {
    let server = TestServer::start(vec![Reply::raw(403, "text/plain", "")]).await;
    let client = client_for(&server, Arc::default());
    let err = client
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap_err();
    match err {
        SdkError::UndecodableResponse { status, reason, .. } => {
            assert_eq!(status, 403);
            assert_eq!(reason, "empty body");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn unreadable_success_body_is_undecodable() {
    let server = TestServer::start(vec![Reply::raw(200, "text/plain", "all good")]).await;
    let client = client_for(&server, Arc::default());
    let err = client
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::UndecodableResponse { status: 200, .. }),
        "{err:?}"
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn throttling_is_retried_honouring_retry_after() {
    let server = TestServer::start(vec![
        Reply::error(400, "Throttling", "slow down").header("x-acs-retry-after", "1500"),
        Reply::ok("ssg-after-throttle"),
    ])
    .await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = client_for(&server, sleep.clone());
    let out = client.create_snapshot_group("i-1").send().await.unwrap();
    assert_eq!(out.snapshot_group_id.as_deref(), Some("ssg-after-throttle"));
    assert_eq!(sleep.delays(), vec![Duration::from_millis(1500)]);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn retries_resign_with_the_same_client_token() {
    let server = TestServer::start(vec![
        Reply::error(500, "InternalError", "oops"),
        Reply::error(503, "ServiceUnavailable", "busy"),
        Reply::ok("ssg-third"),
    ])
    .await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = client_for(&server, sleep.clone());
    client.create_snapshot_group("i-1").send().await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let tokens: Vec<_> = seen
        .iter()
        .map(|s| s.param("ClientToken").unwrap())
        .collect();
    assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
    let nonces: std::collections::HashSet<_> = seen
        .iter()
        .map(|s| s.param("SignatureNonce").unwrap())
        .collect();
    assert_eq!(nonces.len(), 3, "each attempt has a fresh nonce");
    assert!(seen.iter().all(|s| s.verify_v2(&creds())));
    // Full jitter stays within the (default) exponential ceiling.
    let delays = sleep.delays();
    assert_eq!(delays.len(), 2);
    assert!(delays[0] <= Duration::from_millis(200) && delays[1] <= Duration::from_millis(400));
}

#[tokio::test]
async fn retries_stop_at_max_attempts_and_can_be_off() {
    let server = TestServer::start(vec![Reply::error(500, "InternalError", "oops")]).await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = client_for(&server, sleep.clone());
    let err = client
        .create_snapshot_group("i-1")
        .call_options(CallOptions::default().max_attempts(5))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InternalError"));
    assert_eq!(server.seen().len(), 5);

    let off = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(creds())
            .endpoint(server.endpoint())
            .retry(RetryConfig::disabled())
            .sleep_impl(sleep)
            .build()
            .unwrap(),
    );
    off.create_snapshot_group("i-1").send().await.unwrap_err();
    assert_eq!(server.seen().len(), 6);
}

#[tokio::test]
async fn attempt_timeout_is_retried_when_a_token_makes_it_safe() {
    let server = TestServer::start(vec![Reply::hang(), Reply::ok("ssg-2nd")]).await;
    let client = client_for(&server, Arc::default());
    let out = client.create_snapshot_group("i-1").send().await.unwrap();
    assert_eq!(out.snapshot_group_id.as_deref(), Some("ssg-2nd"));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].param("ClientToken"), seen[1].param("ClientToken"));
}

#[tokio::test]
async fn attempt_timeout_is_final_for_a_mutating_call_without_token() {
    let server = TestServer::start(vec![Reply::hang()]).await;
    let client = client_for(&server, Arc::default());
    let err = client
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap_err();
    match err {
        SdkError::Timeout {
            scope, attempts, ..
        } => {
            assert_eq!(scope, TimeoutScope::Attempt);
            assert_eq!(attempts, 1);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn attempt_timeout_is_retried_for_read_only_calls() {
    let server = TestServer::start(vec![
        Reply::hang(),
        Reply::json(200, r#"{"RequestId":"r2"}"#),
    ])
    .await;
    let client = client_for(&server, Arc::default());
    let out = client
        .call::<DescribeThings>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(out.request_id.as_deref(), Some("r2"));
    assert_eq!(server.seen().len(), 2);
    assert_eq!(
        server.seen()[0].param("Action").as_deref(),
        Some("DescribeThings")
    );
}

#[tokio::test]
async fn operation_timeout_covers_the_whole_call() {
    let server = TestServer::start(vec![Reply::hang()]).await;
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(creds())
            .endpoint(server.endpoint())
            .build()
            .unwrap(),
    );
    let err = client
        .create_snapshot_group("i-1")
        .call_options(CallOptions::default().timeout(Duration::from_millis(200)))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SdkError::Timeout {
                scope: TimeoutScope::Operation,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("timeout: the operation did not finish within")
    );
}

#[tokio::test]
async fn refused_connections_are_transport_errors_and_retried() {
    // Bind then drop: nothing listens on the port any more.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sleep = Arc::new(RecordingSleep::default());
    let sts =
        Credentials::with_security_token("AKID-SHOULD-NOT-LEAK", "secret", "TOKEN-SHOULD-NOT-LEAK");
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(sts)
            .endpoint(format!("http://127.0.0.1:{port}"))
            .sleep_impl(sleep.clone())
            .build()
            .unwrap(),
    );
    // Even without a token: a refused connection never reached the service.
    let err = client
        .call::<CreateThing>(ThingInput::default(), &CallOptions::default())
        .await
        .unwrap_err();
    match &err {
        SdkError::Transport { attempts, .. } => assert_eq!(*attempts, 3),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(sleep.delays().len(), 2);
    let shown = format!("{err} {err:?}");
    assert!(
        shown.starts_with("transport error after 3 attempt(s)"),
        "{shown}"
    );
    assert!(!shown.contains("SHOULD-NOT-LEAK"), "{shown}");
}

#[tokio::test]
async fn service_messages_are_redacted() {
    let msg = "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DSTS.key%26SecurityToken%3Dsecret-token%26Version";
    let server = TestServer::start(vec![Reply::error(400, "SignatureDoesNotMatch", msg)]).await;
    let client = client_for(&server, Arc::default());
    let err = client
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    assert!(
        !text.contains("secret-token") && !text.contains("STS.key"),
        "{text}"
    );
}

#[tokio::test]
async fn credentials_errors_send_nothing() {
    #[derive(Debug)]
    struct NoKeys;
    impl ecs_api::credentials::ProvideCredentials for NoKeys {
        fn provide_credentials(
            &self,
        ) -> ecs_api::credentials::BoxFuture<
            '_,
            Result<Credentials, ecs_api::credentials::CredentialsError>,
        > {
            Box::pin(async {
                Err(ecs_api::credentials::CredentialsError::NotFound {
                    tried: vec!["nowhere".into()],
                })
            })
        }
    }
    let server = TestServer::start(vec![]).await;
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials_provider(NoKeys)
            .endpoint(server.endpoint())
            .build()
            .unwrap(),
    );
    let err = client
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Credentials(_)));
    assert_eq!(
        err.to_string(),
        "credentials error: no credentials found; tried: nowhere"
    );
    assert!(server.seen().is_empty());
}

// ---- the HTTP seam: proxies (explicit and from the environment), DNS overrides, injected client ----

/// A config for `http://ecs.example.test` (a name that never resolves) signed with V2.
fn remote_config(env: ecs_api::credentials::CredentialsEnv) -> ecs_api::config::ConfigBuilder {
    Config::builder()
        .region("cn-hangzhou")
        .credentials(creds())
        .endpoint("http://ecs.example.test")
        .signature_version(SignatureVersion::V2)
        .credentials_env(env)
        .retry(RetryConfig::disabled())
}

#[tokio::test]
async fn proxies_from_the_builder_and_the_environment() {
    use ecs_api::credentials::CredentialsEnv;
    let none = || CredentialsEnv::from_vars(Vec::<(String, String)>::new());

    // A recording forward proxy: it receives the absolute-form request for the remote host.
    let proxy = TestServer::start(vec![Reply::ok("ssg-proxied")]).await;
    let config = remote_config(none())
        .proxy(reqwest::Proxy::http(proxy.endpoint()).unwrap())
        .build()
        .unwrap();
    let out = Client::new(config)
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.snapshot_group_id.as_deref(), Some("ssg-proxied"));
    let seen = proxy.seen();
    assert_eq!(seen[0].header("host").as_deref(), Some("ecs.example.test"));
    assert!(seen[0].verify_v2(&creds()));

    // HTTP_PROXY from the (injected) environment, as the official SDKs read it.
    let env = CredentialsEnv::from_vars([("http_proxy", proxy.endpoint())]);
    let config = remote_config(env).build().unwrap();
    Client::new(config)
        .create_snapshot_group("i-2")
        .send()
        .await
        .unwrap();
    assert_eq!(proxy.seen().len(), 2);

    // NO_PROXY names the host: it goes direct, to where `resolve` points it.
    let direct = TestServer::start(vec![Reply::ok("ssg-direct")]).await;
    let env = CredentialsEnv::from_vars([
        ("HTTP_PROXY", proxy.endpoint()),
        ("NO_PROXY", "example.test".to_owned()),
    ]);
    let config = remote_config(env)
        .endpoint(format!("http://ecs.example.test:{}", direct.addr.port()))
        .resolve("ecs.example.test", direct.addr)
        .build()
        .unwrap();
    let out = Client::new(config)
        .create_snapshot_group("i-3")
        .send()
        .await
        .unwrap();
    assert_eq!(out.snapshot_group_id.as_deref(), Some("ssg-direct"));

    // The switch ignores the environment's proxy.
    let env = CredentialsEnv::from_vars([("HTTP_PROXY", proxy.endpoint())]);
    let config = remote_config(env)
        .endpoint(format!("http://ecs.example.test:{}", direct.addr.port()))
        .resolve("ecs.example.test", direct.addr)
        .ignore_env_proxy(true)
        .build()
        .unwrap();
    Client::new(config)
        .create_snapshot_group("i-4")
        .send()
        .await
        .unwrap();
    assert_eq!(proxy.seen().len(), 2, "nothing more through the proxy");
    assert_eq!(direct.seen().len(), 2);

    // A malformed proxy variable is named, its value (maybe a password) is not shown.
    let env = CredentialsEnv::from_vars([("HTTPS_PROXY", "http://user:pw@[bad")]);
    let err = remote_config(env).build().unwrap_err().to_string();
    assert!(err.contains("HTTPS_PROXY") && !err.contains("pw"), "{err}");
}

#[tokio::test]
async fn an_injected_client_is_used_and_cannot_be_mixed_with_builder_http_settings() {
    let server = TestServer::start(vec![Reply::ok("ssg-1")]).await;
    let http = reqwest::Client::builder()
        .user_agent("injected-agent/1")
        .build()
        .unwrap();
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(creds())
        .endpoint(server.endpoint())
        .http_client(http.clone())
        .build()
        .unwrap();
    Client::new(config)
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.seen()[0].header("user-agent").as_deref(),
        Some("injected-agent/1")
    );
    let err = Config::builder()
        .region("cn-hangzhou")
        .http_client(http)
        .resolve("x", server.addr)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("injected client"), "{err}");
}

/// A TLS endpoint on 127.0.0.1 with the committed test certificate (`fixtures/tls`: a CA valid
/// until 2126 and a leaf for `ecs.example.test` it signed), answering every request with `body`.
async fn tls_server(body: &'static str) -> std::net::SocketAddr {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject as _;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(include_bytes!("fixtures/tls/leaf.pem"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("fixtures/tls/leaf.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let svc = hyper::service::service_fn(|_req| async move {
                    Ok::<_, std::convert::Infallible>(
                        hyper::Response::builder()
                            .header("content-type", "application/json")
                            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                            .unwrap(),
                    )
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_custom_root_certificate_is_trusted_over_tls() {
    let addr = tls_server(r#"{"RequestId":"r-tls","SnapshotGroupId":"ssg-tls"}"#).await;
    let ca = reqwest::Certificate::from_pem(include_bytes!("fixtures/tls/ca.pem")).unwrap();
    let config = |trust: bool| {
        let mut b = Config::builder()
            .region("cn-hangzhou")
            .credentials(creds())
            .endpoint(format!("https://ecs.example.test:{}", addr.port()))
            .resolve("ecs.example.test", addr)
            .retry(RetryConfig::disabled());
        if trust {
            b = b.add_root_certificate(ca.clone());
        }
        b.build().unwrap()
    };
    let out = Client::new(config(true))
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.snapshot_group_id.as_deref(), Some("ssg-tls"));
    // Without the CA the same server is refused: TLS is never silently disabled.
    let err = Client::new(config(false))
        .create_snapshot_group("i-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Transport { .. }), "{err}");

    // The same through an injected client that trusts the CA (its own settings apply).
    let http = reqwest::Client::builder()
        .add_root_certificate(ca.clone())
        .resolve("ecs.example.test", addr)
        .build()
        .unwrap();
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(creds())
        .endpoint(format!("https://ecs.example.test:{}", addr.port()))
        .http_client(http)
        .build()
        .unwrap();
    let out = Client::new(config)
        .create_snapshot_group("i-2")
        .send()
        .await
        .unwrap();
    assert_eq!(out.snapshot_group_id.as_deref(), Some("ssg-tls"));
}
