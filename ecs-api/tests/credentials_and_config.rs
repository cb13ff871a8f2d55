//! Credentials sources (each on its own and in the chain), the cache, and config building. The
//! environment and home directory are injected: no test touches the process environment.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use common::{Reply, TestServer};
use ecs_api::config::{ConfigError, endpoint_for_region};
use ecs_api::credentials::{
    BoxFuture, CliConfigProvider, CredentialsCache, CredentialsEnv, CredentialsError,
    DefaultCredentialsChain, EcsRamRoleProvider, EnvironmentProvider, IniFileProvider,
    ProvideCredentials, RamRoleArnProvider, StsConfig,
};
use ecs_api::signer::FixedClock;
use ecs_api::{Config, Credentials};

/// A fresh empty home directory under the system temp dir.
fn temp_home() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecs-api-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const CLI_CONFIG: &str = r#"{
  "current": "main",
  "profiles": [
    {"name": "main", "mode": "AK", "access_key_id": "cli-id", "access_key_secret": "cli-secret", "region_id": "cn-shenzhen"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "sts-id", "access_key_secret": "sts-secret", "sts_token": "sts-tok", "region_id": "cn-beijing"},
    {"name": "sso", "mode": "CloudSSO"}
  ]
}"#;

fn no_metadata() -> (&'static str, &'static str) {
    ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
}

#[tokio::test]
async fn environment_source() {
    let env = CredentialsEnv::from_vars([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token"),
    ]);
    let c = EnvironmentProvider::new(env)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(
        c,
        Credentials::with_security_token("env-id", "env-secret", "env-token")
    );

    let half = CredentialsEnv::from_vars([("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")]);
    let err = DefaultCredentialsChain::new(half)
        .resolve()
        .await
        .unwrap_err();
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"),
        "{err}"
    );
}

#[tokio::test]
async fn cli_config_source_modes_and_profiles() {
    let home = temp_home();
    write(&home.join(".aliyun/config.json"), CLI_CONFIG);

    let current = CredentialsEnv::from_vars([no_metadata()]).home(&home);
    let c = CliConfigProvider::new(current.clone())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c, Credentials::new("cli-id", "cli-secret"));
    assert_eq!(
        ecs_api::credentials::cli_profile_region(&current).as_deref(),
        Some("cn-shenzhen")
    );

    let sts = CredentialsEnv::from_vars([("ALIBABA_CLOUD_PROFILE", "sts")]).home(&home);
    let c = CliConfigProvider::new(sts)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(
        c,
        Credentials::with_security_token("sts-id", "sts-secret", "sts-tok")
    );

    // An unsupported mode stops the chain with an error naming the profile and the mode.
    let sso =
        CredentialsEnv::from_vars([("ALIBABA_CLOUD_PROFILE", "sso"), no_metadata()]).home(&home);
    let err = DefaultCredentialsChain::new(sso)
        .resolve()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. }),
        "{text}"
    );
    assert!(
        text.contains("profile \"sso\"") && text.contains("mode \"CloudSSO\" is not supported"),
        "{text}"
    );
}

#[tokio::test]
async fn ini_file_source_default_path_explicit_path_and_section() {
    let home = temp_home();
    write(
        &home.join(".alibabacloud/credentials.ini"),
        "[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = ini-secret\n\n[other]\ntype = access_key\naccess_key_id = other-id\naccess_key_secret = other-secret\n",
    );
    let env = CredentialsEnv::from_vars([no_metadata()]).home(&home);
    let c = IniFileProvider::new(env)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c, Credentials::new("ini-id", "ini-secret"));

    let env = CredentialsEnv::from_vars([("ALIBABA_CLOUD_PROFILE", "other")]).home(&home);
    let c = IniFileProvider::new(env)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c, Credentials::new("other-id", "other-secret"));

    let elsewhere = temp_home().join("creds.ini");
    write(
        &elsewhere,
        "[default]\naccess_key_id = file-id\naccess_key_secret = file-secret\n",
    );
    let env = CredentialsEnv::from_vars([(
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        elsewhere.to_str().unwrap(),
    )]);
    let c = IniFileProvider::new(env)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c, Credentials::new("file-id", "file-secret"));

    // A file named explicitly must exist.
    let env =
        CredentialsEnv::from_vars([("ALIBABA_CLOUD_CREDENTIALS_FILE", "/nonexistent/creds.ini")]);
    let err = DefaultCredentialsChain::new(env)
        .resolve()
        .await
        .unwrap_err();
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn ecs_ram_role_from_metadata_service() {
    let server = TestServer::start(vec![
        Reply::raw(200, "text/plain", "md-token-1"),
        Reply::raw(200, "text/plain", "MyRole\n"),
        Reply::json(
            200,
            r#"{"Code":"Success","AccessKeyId":"STS.role-id","AccessKeySecret":"role-secret","SecurityToken":"role-token","Expiration":"2030-01-01T00:00:00Z","LastUpdated":"2029-12-31T18:00:00Z"}"#,
        ),
    ])
    .await;
    let c = EcsRamRoleProvider::new(server.endpoint())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.role-id");
    assert_eq!(c.security_token(), Some("role-token"));
    assert_eq!(
        c.expiry(),
        Some(time::macros::datetime!(2030-01-01 00:00:00 UTC))
    );

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("PUT", "/latest/api/token")
    );
    assert!(
        seen[0]
            .header("x-aliyun-ecs-metadata-token-ttl-seconds")
            .is_some()
    );
    assert_eq!(seen[1].path, "/latest/meta-data/ram/security-credentials/");
    assert_eq!(
        seen[2].path,
        "/latest/meta-data/ram/security-credentials/MyRole"
    );
    assert_eq!(
        seen[2].header("x-aliyun-ecs-metadata-token").as_deref(),
        Some("md-token-1")
    );
}

#[tokio::test]
async fn chain_order_and_metadata_endpoint_from_env() {
    let home = temp_home();
    write(&home.join(".aliyun/config.json"), CLI_CONFIG);
    // Environment wins over the CLI file.
    let env = CredentialsEnv::from_vars([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
    ])
    .home(&home);
    assert_eq!(
        DefaultCredentialsChain::new(env)
            .resolve()
            .await
            .unwrap()
            .access_key_id(),
        "env-id"
    );
    // Then the CLI file.
    let env = CredentialsEnv::from_vars([no_metadata()]).home(&home);
    assert_eq!(
        DefaultCredentialsChain::new(env)
            .resolve()
            .await
            .unwrap()
            .access_key_id(),
        "cli-id"
    );

    // Last, the metadata service, found through ALIBABA_CLOUD_ECS_METADATA_ENDPOINT.
    let server = TestServer::start(vec![
        Reply::raw(200, "text/plain", "t"),
        Reply::json(200, r#"{"Code":"Success","AccessKeyId":"STS.x","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}"#),
    ])
    .await;
    let env = CredentialsEnv::from_vars([
        ("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", server.endpoint()),
        ("ALIBABA_CLOUD_ECS_METADATA", "GivenRole".to_owned()),
    ])
    .home(temp_home());
    let c = DefaultCredentialsChain::new(env).resolve().await.unwrap();
    assert_eq!(c.access_key_id(), "STS.x");
    assert_eq!(
        server.seen()[1].path,
        "/latest/meta-data/ram/security-credentials/GivenRole"
    );
}

#[tokio::test]
async fn nothing_found_lists_every_source() {
    let env = CredentialsEnv::from_vars([no_metadata()]).home(temp_home());
    let err = DefaultCredentialsChain::new(env)
        .resolve()
        .await
        .unwrap_err();
    let text = err.to_string();
    for part in [
        "no credentials found; tried:",
        "explicit keys",
        "environment (ALIBABA_CLOUD_ACCESS_KEY_ID not set)",
        "aliyun CLI config",
        "credentials file",
        "ECS RAM role (disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED)",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }

    // An unreachable metadata service is reported, not hidden.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let env = CredentialsEnv::from_vars(Vec::<(String, String)>::new()).home(temp_home());
    let err = DefaultCredentialsChain::new(env)
        .metadata_endpoint(format!("http://127.0.0.1:{port}"))
        .resolve()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("ECS RAM role (credentials provider ECS metadata service"),
        "{err}"
    );
}

#[derive(Debug)]
struct Counting {
    calls: AtomicU32,
    expires_in: time::Duration,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let exp = time::macros::datetime!(2030-01-01 00:00:00 UTC) + self.expires_in;
        Box::pin(async move {
            Ok(Credentials::with_security_token(format!("id-{n}"), "s", "t").expiring_at(exp))
        })
    }
}

#[tokio::test]
async fn cache_refreshes_only_near_expiry() {
    let now = time::macros::datetime!(2030-01-01 00:00:00 UTC);
    let fresh = Arc::new(Counting {
        calls: AtomicU32::new(0),
        expires_in: time::Duration::hours(1),
    });
    let cache = CredentialsCache::new(fresh.clone()).with_clock(Arc::new(FixedClock(now)));
    assert_eq!(cache.get().await.unwrap().access_key_id(), "id-0");
    assert_eq!(cache.get().await.unwrap().access_key_id(), "id-0");
    assert_eq!(fresh.calls.load(Ordering::SeqCst), 1);

    // Keys expiring within the refresh window are fetched again each time.
    let stale = Arc::new(Counting {
        calls: AtomicU32::new(0),
        expires_in: time::Duration::minutes(2),
    });
    let cache = CredentialsCache::new(stale.clone()).with_clock(Arc::new(FixedClock(now)));
    assert_eq!(cache.get().await.unwrap().access_key_id(), "id-0");
    assert_eq!(cache.get().await.unwrap().access_key_id(), "id-1");
}

/// Answers after a pause, so that callers pile up while it is asked.
#[derive(Debug)]
struct Slow(Counting);

impl ProvideCredentials for Slow {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let answer = self.0.provide_credentials();
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            answer.await
        })
    }
}

#[tokio::test]
async fn concurrent_callers_share_one_refresh() {
    let now = time::macros::datetime!(2030-01-01 00:00:00 UTC);
    let slow = Arc::new(Slow(Counting {
        calls: AtomicU32::new(0),
        expires_in: time::Duration::hours(1),
    }));
    let cache = CredentialsCache::new(slow.clone()).with_clock(Arc::new(FixedClock(now)));
    assert!(
        cache.cached().is_none(),
        "nothing cached before the first get"
    );
    let (a, b, c, d) = tokio::join!(cache.get(), cache.get(), cache.get(), cache.get());
    for got in [a, b, c, d] {
        assert_eq!(got.unwrap().access_key_id(), "id-0");
    }
    assert_eq!(slow.0.calls.load(Ordering::SeqCst), 1);
    assert_eq!(cache.cached().unwrap().access_key_id(), "id-0");
}

#[test]
fn debug_never_shows_secrets() {
    let c = Credentials::with_security_token("LTAI-id", "the-secret-value", "the-token-value");
    let shown = format!("{c:?}");
    assert!(shown.contains("LTAI-id"));
    assert!(
        !shown.contains("the-secret-value") && !shown.contains("the-token-value"),
        "{shown}"
    );

    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(c)
        .build()
        .unwrap();
    let shown = format!("{config:?}");
    assert!(shown.contains("cn-hangzhou"));
    assert!(
        !shown.contains("the-secret-value") && !shown.contains("the-token-value"),
        "{shown}"
    );

    let env = CredentialsEnv::from_vars([("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "the-secret-value")]);
    assert!(!format!("{env:?}").contains("the-secret-value"));
}

#[test]
fn config_builder_checks_region_and_endpoint() {
    let base = || Config::builder().credentials(Credentials::new("a", "b"));
    assert_eq!(base().build().unwrap_err(), ConfigError::MissingRegion);
    assert!(
        base()
            .build()
            .unwrap_err()
            .to_string()
            .contains("ALIBABA_CLOUD_REGION_ID")
    );
    assert!(matches!(
        base().region("CN HZ").build(),
        Err(ConfigError::InvalidRegion(_))
    ));
    for bad in [
        "ftp://x",
        "http://",
        "http://h/path",
        "http://h?x=1",
        "http://u:p@h",
    ] {
        let err = base()
            .region("cn-hangzhou")
            .endpoint(bad)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, ConfigError::InvalidEndpoint { .. }),
            "{bad}: {err}"
        );
    }
    let c = base()
        .region("cn-hangzhou")
        .endpoint("http://127.0.0.1:1234")
        .build()
        .unwrap();
    assert_eq!(c.endpoint(), "http://127.0.0.1:1234/");
    let c = base()
        .region("cn-beijing")
        .endpoint("ecs.example.com")
        .build()
        .unwrap();
    assert_eq!(c.endpoint(), "https://ecs.example.com/");

    // Defaults.
    let c = base().region("cn-beijing").build().unwrap();
    assert_eq!(c.endpoint(), "https://ecs.cn-beijing.aliyuncs.com/");
    assert_eq!(c.connect_timeout(), Duration::from_secs(5));
    assert_eq!(c.attempt_timeout(), Duration::from_secs(10));
    assert_eq!(c.retry().get_max_attempts(), 3);
    let c = base()
        .region("cn-beijing")
        .vpc_endpoint(true)
        .build()
        .unwrap();
    assert_eq!(c.endpoint(), "https://ecs-vpc.cn-beijing.aliyuncs.com/");
}

#[test]
fn endpoints_derived_from_region() {
    assert_eq!(
        endpoint_for_region("cn-hangzhou", false),
        "https://ecs-cn-hangzhou.aliyuncs.com"
    );
    // As the official endpoint map says (the finance regions are served from Hangzhou).
    assert_eq!(
        endpoint_for_region("cn-shanghai-finance-1", false),
        "https://ecs-cn-hangzhou.aliyuncs.com"
    );
    assert_eq!(
        endpoint_for_region("cn-shenzhen-finance-1", false),
        "https://ecs-cn-hangzhou.aliyuncs.com"
    );
    assert_eq!(
        endpoint_for_region("cn-beijing-gov-1", false),
        "https://ecs.aliyuncs.com"
    );
    assert_eq!(
        endpoint_for_region("cn-north-2-gov-1", false),
        "https://ecs.aliyuncs.com"
    );
    assert_eq!(
        endpoint_for_region("eu-central-1", false),
        "https://ecs.eu-central-1.aliyuncs.com"
    );
    assert_eq!(
        endpoint_for_region("eu-central-1", true),
        "https://ecs-vpc.eu-central-1.aliyuncs.com"
    );
}

#[tokio::test]
async fn config_from_env_reads_region_endpoint_and_profile() {
    let env = CredentialsEnv::from_vars([
        ("ALIBABA_CLOUD_REGION_ID", "cn-qingdao"),
        ("ALIBABA_CLOUD_ECS_ENDPOINT", "http://127.0.0.1:9"),
    ]);
    let c = Config::from_env_with(env).await.unwrap();
    assert_eq!(c.region(), "cn-qingdao");
    assert_eq!(c.endpoint(), "http://127.0.0.1:9/");

    let home = temp_home();
    write(&home.join(".aliyun/config.json"), CLI_CONFIG);
    let c = Config::from_env_with(CredentialsEnv::from_vars([no_metadata()]).home(&home))
        .await
        .unwrap();
    assert_eq!(c.region(), "cn-shenzhen");

    let err = Config::from_env_with(CredentialsEnv::from_vars([no_metadata()]).home(temp_home()))
        .await
        .unwrap_err();
    assert_eq!(err, ConfigError::MissingRegion);
}

#[tokio::test]
async fn client_uses_the_default_chain_from_the_injected_env() {
    let server = TestServer::start(vec![Reply::ok("ssg-env")]).await;
    let env = CredentialsEnv::from_vars([
        ("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou".to_owned()),
        ("ALIBABA_CLOUD_ECS_ENDPOINT", server.endpoint()),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "chain-id".to_owned()),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "chain-secret".to_owned()),
    ]);
    let config = Config::builder_from_env(env)
        .signature_version(ecs_api::SignatureVersion::V2)
        .build()
        .unwrap();
    let client = ecs_api::Client::new(config);
    client.create_snapshot_group("i-1").send().await.unwrap();
    let req = &server.seen()[0];
    assert_eq!(req.param("AccessKeyId").as_deref(), Some("chain-id"));
    assert!(req.verify_v2(&Credentials::new("chain-id", "chain-secret")));
}

// ---- role sources: STS, OIDC, credentials URI; hardening of metadata and files ----

fn sts_answer(id: &str, expiration: &str) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"RequestId":"r","Credentials":{{"AccessKeyId":"{id}","AccessKeySecret":"{id}-secret","SecurityToken":"{id}-token","Expiration":"{expiration}"}}}}"#
        ),
    )
}

fn sts_for(server: &TestServer) -> StsConfig {
    StsConfig::default()
        .endpoint(server.endpoint())
        .sleep_impl(Arc::new(common::RecordingSleep::default()))
}

/// A clock tests move by hand.
#[derive(Debug)]
struct ManualClock(std::sync::Mutex<time::OffsetDateTime>);
impl ecs_api::signer::Clock for ManualClock {
    fn now(&self) -> time::OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

#[tokio::test]
async fn ram_role_arn_assumes_the_role_and_refreshes_before_expiry() {
    let server = TestServer::start(vec![
        sts_answer("STS.first", "2030-01-01T01:00:00Z"),
        sts_answer("STS.second", "2030-01-01T02:00:00Z"),
    ])
    .await;
    let base = Credentials::new("base-id", "base-secret");
    let provider = RamRoleArnProvider::new(base.clone(), "acs:ram::1:role/reader")
        .session_name("sess-1")
        .duration(Duration::from_secs(900))
        .policy(r#"{"Version":"1"}"#)
        .external_id("xid-secret-value")
        .sts(sts_for(&server));
    let shown = format!("{provider:?}");
    assert!(
        !shown.contains("xid-secret-value") && !shown.contains("base-secret"),
        "{shown}"
    );

    let clock = Arc::new(ManualClock(std::sync::Mutex::new(
        time::macros::datetime!(2030-01-01 00:00:00 UTC),
    )));
    let cache = CredentialsCache::new(Arc::new(provider)).with_clock(clock.clone());
    assert_eq!(cache.get().await.unwrap().access_key_id(), "STS.first");
    assert_eq!(cache.get().await.unwrap().access_key_id(), "STS.first");
    assert_eq!(server.seen().len(), 1, "cached until close to expiry");
    // Within 5 minutes of Expiration: refreshed before the keys run out.
    *clock.0.lock().unwrap() = time::macros::datetime!(2030-01-01 00:56:00 UTC);
    let c = cache.get().await.unwrap();
    assert_eq!(c.access_key_id(), "STS.second");
    assert_eq!(c.security_token(), Some("STS.second-token"));

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let req = &seen[0];
    for (k, v) in [
        ("Action", "AssumeRole"),
        ("Version", "2015-04-01"),
        ("RoleArn", "acs:ram::1:role/reader"),
        ("RoleSessionName", "sess-1"),
        ("DurationSeconds", "900"),
        ("Policy", r#"{"Version":"1"}"#),
        ("ExternalId", "xid-secret-value"),
        ("AccessKeyId", "base-id"),
    ] {
        assert_eq!(req.param(k).as_deref(), Some(v), "{k}");
    }
    assert!(
        req.verify_v2(&base),
        "AssumeRole is signed with the base keys"
    );
}

#[tokio::test]
async fn sts_retries_like_ecs_calls_and_reports_final_codes() {
    let server = TestServer::start(vec![
        Reply::error(503, "ServiceUnavailable", "busy"),
        Reply::error(400, "Throttling.User", "slow down"),
        sts_answer("STS.ok", "2030-01-01T01:00:00Z"),
        Reply::error(404, "EntityNotExist.Role", "The role not exists"),
    ])
    .await;
    let p = RamRoleArnProvider::new(Credentials::new("a", "b"), "acs:ram::1:role/x")
        .sts(sts_for(&server));
    assert_eq!(
        p.provide_credentials().await.unwrap().access_key_id(),
        "STS.ok"
    );
    assert_eq!(server.seen().len(), 3);
    let err = p.provide_credentials().await.unwrap_err().to_string();
    assert!(
        err.contains("EntityNotExist.Role") && err.contains("AssumeRole"),
        "{err}"
    );
    assert_eq!(server.seen().len(), 4, "a final code is not retried");
}

#[tokio::test]
async fn oidc_role_from_env_rereads_the_token_and_wins_over_the_cli_profile() {
    let server = TestServer::start(vec![
        sts_answer("STS.oidc1", "2030-01-01T01:00:00Z"),
        sts_answer("STS.oidc2", "2030-01-01T02:00:00Z"),
    ])
    .await;
    let home = temp_home();
    write(&home.join(".aliyun/config.json"), CLI_CONFIG);
    let token = home.join("token");
    write(&token, "token-one\n");
    let env = CredentialsEnv::from_vars([
        ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod".to_owned()),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/k8s".to_owned(),
        ),
        ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.display().to_string()),
        ("ALIBABA_CLOUD_ROLE_SESSION_NAME", "pod-session".to_owned()),
        ("ALIBABA_CLOUD_STS_ENDPOINT", server.endpoint()),
    ])
    .home(&home);
    let chain = DefaultCredentialsChain::new(env);
    assert_eq!(chain.resolve().await.unwrap().access_key_id(), "STS.oidc1");
    write(&token, "token-two");
    assert_eq!(chain.resolve().await.unwrap().access_key_id(), "STS.oidc2");

    let seen = server.seen();
    let form = |i: usize| common::decode_query(&String::from_utf8_lossy(&seen[i].body));
    let get = |i: usize, k: &str| form(i).into_iter().find(|(n, _)| n == k).map(|(_, v)| v);
    assert_eq!(
        seen[0].param("Action").as_deref(),
        Some("AssumeRoleWithOIDC")
    );
    assert!(seen[0].param("Signature").is_none() && seen[0].param("OIDCToken").is_none());
    assert_eq!(get(0, "OIDCToken").as_deref(), Some("token-one"));
    assert_eq!(get(1, "OIDCToken").as_deref(), Some("token-two"));
    assert_eq!(get(0, "RoleSessionName").as_deref(), Some("pod-session"));
    assert_eq!(
        get(0, "OIDCProviderArn").as_deref(),
        Some("acs:ram::1:oidc-provider/k8s")
    );

    // Half-configured OIDC is an error naming what is missing.
    let env = CredentialsEnv::from_vars([("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod")]);
    let err = DefaultCredentialsChain::new(env)
        .resolve()
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"), "{err}");
}

#[tokio::test]
async fn cli_role_modes_and_a_broken_role_stops_the_chain() {
    let sts = TestServer::start(vec![
        sts_answer("STS.one", "2030-01-01T01:00:00Z"),
        sts_answer("STS.two", "2030-01-01T01:00:00Z"),
        sts_answer("STS.three", "2030-01-01T01:00:00Z"),
        Reply::error(403, "NoPermission", "not allowed to assume"),
    ])
    .await;
    let metadata = TestServer::start(vec![
        Reply::raw(200, "text/plain", "md-token"),
        Reply::json(
            200,
            r#"{"Code":"Success","AccessKeyId":"STS.md","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}"#,
        ),
    ])
    .await;
    let home = temp_home();
    write(
        &home.join(".aliyun/config.json"),
        r#"{"current": "role", "profiles": [
          {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y",
           "ram_role_arn": "acs:ram::1:role/cli", "ram_session_name": "cli-s", "expired_seconds": 1800},
          {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role",
           "ram_role_arn": "acs:ram::1:role/second"},
          {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "NodeRole"},
          {"name": "loop", "mode": "ChainableRamRoleArn", "source_profile": "loop", "ram_role_arn": "r"},
          {"name": "nokeys", "mode": "RamRoleArn", "ram_role_arn": "r"}
        ]}"#,
    );
    // Valid keys later in the chain must not be used when an earlier source is broken.
    write(
        &home.join(".alibabacloud/credentials.ini"),
        "[default]\naccess_key_id = ini-id\naccess_key_secret = ini-secret\n",
    );
    let env = |profile: &str| {
        CredentialsEnv::from_vars([
            ("ALIBABA_CLOUD_PROFILE", profile.to_owned()),
            ("ALIBABA_CLOUD_STS_ENDPOINT", sts.endpoint()),
            ("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", metadata.endpoint()),
        ])
        .home(&home)
    };
    let c = DefaultCredentialsChain::new(env("role"))
        .resolve()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.one");
    let c = DefaultCredentialsChain::new(env("chained"))
        .resolve()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.three");
    let seen = sts.seen();
    assert_eq!(seen[0].param("RoleSessionName").as_deref(), Some("cli-s"));
    assert_eq!(seen[0].param("DurationSeconds").as_deref(), Some("1800"));
    assert!(seen[0].verify_v2(&Credentials::new("x", "y")));
    // The chained role is assumed with the first role's temporary keys.
    assert_eq!(
        seen[2].param("RoleArn").as_deref(),
        Some("acs:ram::1:role/second")
    );
    assert_eq!(seen[2].param("AccessKeyId").as_deref(), Some("STS.two"));
    assert_eq!(
        seen[2].param("SecurityToken").as_deref(),
        Some("STS.two-token")
    );

    let c = DefaultCredentialsChain::new(env("ecs"))
        .resolve()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.md");
    assert_eq!(
        metadata.seen()[1].path,
        "/latest/meta-data/ram/security-credentials/NodeRole"
    );

    for (profile, expected) in [
        ("role", "NoPermission"),
        ("loop", "source_profile chain longer than"),
        (
            "nokeys",
            "mode RamRoleArn: needs access_key_id, access_key_secret",
        ),
    ] {
        let err = DefaultCredentialsChain::new(env(profile))
            .resolve()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains(expected), "{profile}: {text}");
        assert!(!text.contains("ini-id"), "{text}");
    }
}

#[tokio::test]
async fn credentials_uri_is_the_last_source() {
    let server = TestServer::start(vec![
        Reply::json(
            200,
            r#"{"Code":"Success","AccessKeyId":"STS.uri","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}"#,
        ),
        Reply::json(500, r#"{"Code":"Failed"}"#),
    ])
    .await;
    let env = CredentialsEnv::from_vars([
        no_metadata(),
        (
            "ALIBABA_CLOUD_CREDENTIALS_URI",
            &format!("{}/creds?key=secret-q", server.endpoint()),
        ),
    ])
    .home(temp_home());
    let c = DefaultCredentialsChain::new(env.clone())
        .resolve()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.uri");
    assert_eq!(server.seen()[0].path, "/creds");
    let err = DefaultCredentialsChain::new(env)
        .resolve()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("credentials URI") && err.contains("HTTP 500"),
        "{err}"
    );
    assert!(!err.contains("secret-q"), "{err}");
}

#[tokio::test]
async fn metadata_redirects_are_never_followed() {
    let elsewhere = TestServer::start(vec![Reply::json(
        200,
        r#"{"Code":"Success","AccessKeyId":"EVIL","AccessKeySecret":"s","SecurityToken":"t"}"#,
    )])
    .await;
    let to = format!("{}/steal", elsewhere.endpoint());
    let metadata = TestServer::start(vec![
        Reply::raw(200, "text/plain", "md-token"),
        Reply::raw(302, "text/plain", "").header("location", &to),
        Reply::raw(307, "text/plain", "").header("location", &to),
    ])
    .await;
    let p = EcsRamRoleProvider::new(metadata.endpoint());
    let err = p.provide_credentials().await.unwrap_err().to_string();
    assert!(err.contains("HTTP 302"), "{err}");
    let err = p.provide_credentials().await.unwrap_err().to_string();
    assert!(err.contains("HTTP 307"), "{err}");
    assert!(
        elsewhere.seen().is_empty(),
        "the token never reaches another host"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn credentials_files_must_be_small_regular_files() {
    let dir = temp_home();
    let fifo = dir.join("fifo.ini");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let big = dir.join("big.ini");
    write(
        &big,
        &format!(
            "[default]\naccess_key_id = a\naccess_key_secret = b\n#{}\n",
            "x".repeat(ecs_api::credentials::MAX_CREDENTIALS_FILE_BYTES as usize)
        ),
    );
    let good = dir.join("good.ini");
    write(
        &good,
        "[default]\naccess_key_id = link-id\naccess_key_secret = s\n",
    );
    let link_good = dir.join("link-good.ini");
    std::os::unix::fs::symlink(&good, &link_good).unwrap();
    let link_zero = dir.join("link-zero.ini");
    std::os::unix::fs::symlink("/dev/zero", &link_zero).unwrap();

    let run = |path: &std::path::Path| {
        let env = CredentialsEnv::from_vars([
            ("ALIBABA_CLOUD_CREDENTIALS_FILE", path.display().to_string()),
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true".into()),
        ]);
        async move {
            tokio::time::timeout(
                Duration::from_secs(10),
                DefaultCredentialsChain::new(env).resolve(),
            )
            .await
            .expect("never blocks")
        }
    };
    for (path, expected) in [
        (fifo.as_path(), "not a regular file"),
        (std::path::Path::new("/dev/zero"), "not a regular file"),
        (link_zero.as_path(), "not a regular file"),
        (big.as_path(), "larger than"),
    ] {
        let err = run(path).await.unwrap_err().to_string();
        assert!(err.contains(expected), "{}: {err}", path.display());
    }
    assert_eq!(run(&link_good).await.unwrap().access_key_id(), "link-id");
}
