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
    ProvideCredentials,
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
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y"}
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

    // An unsupported mode is skipped with a reason.
    let role =
        CredentialsEnv::from_vars([("ALIBABA_CLOUD_PROFILE", "role"), no_metadata()]).home(&home);
    let err = DefaultCredentialsChain::new(role)
        .resolve()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("mode RamRoleArn is not supported"),
        "{err}"
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
