//! Client configuration: region, endpoint, credentials, signing, retries, timeouts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{
    Credentials, CredentialsEnv, DefaultCredentialsChain, ProvideCredentials,
    SharedCredentialsProvider, cli_profile_region,
};
use crate::retry::{AsyncSleep, RetryConfig, TokioSleep};
use crate::signer::{Clock, NonceSource, RandomNonce, SignatureVersion, SystemClock};
use crate::wire::ValidationMode;

const ENV_REGION: &str = "ALIBABA_CLOUD_REGION_ID";
const ENV_ENDPOINT: &str = "ALIBABA_CLOUD_ECS_ENDPOINT";

/// Default deadline of a whole call, retries and waits included: three 10 s attempts plus two
/// capped waits fit in it.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(90);
/// Default largest response body (8 MiB): a full page of `DescribeInstances` is far below it.
pub const DEFAULT_MAX_RESPONSE_BODY_SIZE: usize = 8 << 20;

// The official per-region endpoint map, generated from spec/common/endpoints.json.
#[rustfmt::skip]
#[path = "generated/endpoints.rs"]
mod endpoints;

/// Where one product's API is served: `<prefix>.<region>.aliyuncs.com` (`<prefix>-vpc.` for VPC
/// endpoints) unless the product's official per-region map names another host. Generated for
/// each product from its pages (`Operation::PRODUCT`); [`ECS`] is this crate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    /// The product code the pages' OpenAPI Explorer links name (`Ecs`).
    pub code: &'static str,
    /// The lower-case host prefix (`ecs`).
    pub endpoint_prefix: &'static str,
    /// `(region, host)` exceptions to the rule, sorted by region (byte order).
    pub endpoints: &'static [(&'static str, &'static str)],
}

impl Product {
    /// The host for `region`: the map's when it lists the region, else the rule's.
    pub fn host(&self, region: &str, vpc: bool) -> String {
        let prefix = self.endpoint_prefix;
        if vpc {
            return format!("{prefix}-vpc.{region}.aliyuncs.com");
        }
        match self.endpoints.binary_search_by(|(r, _)| (*r).cmp(region)) {
            Ok(i) => self.endpoints[i].1.to_owned(),
            Err(_) => format!("{prefix}.{region}.aliyuncs.com"),
        }
    }
}

/// ECS, with the official per-region endpoint map (generated from spec/common/endpoints.json).
pub const ECS: Product = endpoints::PRODUCT;

/// The ECS endpoint for `region` over HTTPS: the official endpoint map's host when it lists the
/// region (`cn-hangzhou` → `ecs-cn-hangzhou.aliyuncs.com`), else `ecs.<region>.aliyuncs.com`;
/// `ecs-vpc.<region>.aliyuncs.com` when `vpc`.
pub fn endpoint_for_region(region: &str, vpc: bool) -> String {
    format!("https://{}", ECS.host(region, vpc))
}

/// Why a [`Config`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    MissingRegion,
    InvalidRegion(String),
    InvalidEndpoint { endpoint: String, reason: String },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingRegion => write!(
                f,
                "no region: set one with Config::builder().region(..), {ENV_REGION}, or the region_id of the aliyun CLI profile"
            ),
            ConfigError::InvalidRegion(r) => {
                write!(
                    f,
                    "invalid region {r:?}: expected lower-case letters, digits and '-', e.g. cn-hangzhou"
                )
            }
            ConfigError::InvalidEndpoint { endpoint, reason } => {
                write!(
                    f,
                    "invalid endpoint {endpoint:?}: {reason}; expected http(s)://host[:port]"
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Everything a [`crate::Client`] needs. Build with [`Config::builder`] or [`Config::from_env`].
#[derive(Clone)]
pub struct Config {
    pub(crate) region: String,
    /// ECS's endpoint, or the explicit one.
    pub(crate) endpoint: reqwest::Url,
    /// Whether `endpoint` was given (then every product's calls go there).
    pub(crate) explicit_endpoint: bool,
    pub(crate) vpc: bool,
    pub(crate) credentials: SharedCredentialsProvider,
    pub(crate) signature_version: SignatureVersion,
    pub(crate) retry: RetryConfig,
    pub(crate) validation: ValidationMode,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) max_response_body_size: usize,
    pub(crate) sleep: Arc<dyn AsyncSleep>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) nonce: Arc<dyn NonceSource>,
    pub(crate) user_agent: String,
}

impl Config {
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Region from `ALIBABA_CLOUD_REGION_ID` (else the aliyun CLI profile's), credentials from the
    /// default chain (resolved on first use), endpoint override from `ALIBABA_CLOUD_ECS_ENDPOINT`.
    pub async fn from_env() -> Result<Config, ConfigError> {
        Self::from_env_with(CredentialsEnv::process()).await
    }

    /// [`Config::from_env`] reading the given environment instead of the process's.
    pub async fn from_env_with(env: CredentialsEnv) -> Result<Config, ConfigError> {
        Self::builder_from_env(env).build()
    }

    /// A builder pre-filled from the environment, to adjust before `build()`.
    pub fn builder_from_env(env: CredentialsEnv) -> ConfigBuilder {
        let mut b = Config::builder().credentials_env(env.clone());
        if let Some(region) = env.var(ENV_REGION).or_else(|| cli_profile_region(&env)) {
            b = b.region(region);
        }
        if let Some(endpoint) = env.var(ENV_ENDPOINT) {
            b = b.endpoint(endpoint);
        }
        b
    }

    pub fn region(&self) -> &str {
        &self.region
    }
    /// The base URL ECS requests go to, e.g. `https://ecs.cn-beijing.aliyuncs.com/` (the explicit
    /// endpoint when one was set).
    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str()
    }
    /// The host calls to `product` go to, with the port when not the scheme's default: the
    /// explicit endpoint's when one was set, else the product's for the configured region.
    pub fn host_for(&self, product: &Product) -> String {
        if self.explicit_endpoint || product.code == ECS.code {
            return self.host_header();
        }
        product.host(&self.region, self.vpc)
    }
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }
    pub fn validation(&self) -> ValidationMode {
        self.validation
    }
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }
    /// The largest response body read, in bytes.
    pub fn max_response_body_size(&self) -> usize {
        self.max_response_body_size
    }

    /// `host[:port]` as the HTTP client sends it in `Host` (the port only when not the scheme's default).
    pub(crate) fn host_header(&self) -> String {
        let host = self.endpoint.host_str().unwrap_or_default();
        match self.endpoint.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The provider's own Debug is redacted (Credentials prints no secret).
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint.as_str())
            .field("credentials", &self.credentials)
            .field("signature_version", &self.signature_version)
            .field("retry", &self.retry)
            .field("validation", &self.validation)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("max_response_body_size", &self.max_response_body_size)
            .finish_non_exhaustive()
    }
}

/// Builder for [`Config`]; `build()` checks region and endpoint.
#[derive(Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    vpc: bool,
    credentials: Option<SharedCredentialsProvider>,
    credentials_env: Option<CredentialsEnv>,
    signature_version: SignatureVersion,
    retry: Option<RetryConfig>,
    validation: ValidationMode,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    max_response_body_size: Option<usize>,
    sleep: Option<Arc<dyn AsyncSleep>>,
    clock: Option<Arc<dyn Clock>>,
    nonce: Option<Arc<dyn NonceSource>>,
    user_agent: Option<String>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint.as_deref().map(without_user_info))
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Explicit endpoint, `http(s)://host[:port]` (a bare host means HTTPS).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Use the VPC endpoint `ecs-vpc.<region>.aliyuncs.com` (ignored when an endpoint is given).
    pub fn vpc_endpoint(mut self, vpc: bool) -> Self {
        self.vpc = vpc;
        self
    }

    /// Fixed keys (skips the default chain).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(credentials));
        self
    }

    /// Your own source of credentials (cached by the client, refreshed before expiry).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// The environment the default chain reads when no credentials are given (default: the process's).
    pub fn credentials_env(mut self, env: CredentialsEnv) -> Self {
        self.credentials_env = Some(env);
        self
    }

    pub fn signature_version(mut self, v: SignatureVersion) -> Self {
        self.signature_version = v;
        self
    }

    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    pub fn validation(mut self, mode: ValidationMode) -> Self {
        self.validation = mode;
        self
    }

    /// Default 5 s.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }

    /// Per attempt, sending and reading the whole answer; default 10 s.
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }

    /// Whole operation, retries and waits included; default [`DEFAULT_OPERATION_TIMEOUT`].
    pub fn operation_timeout(mut self, d: Duration) -> Self {
        self.operation_timeout = Some(d);
        self
    }

    /// Largest response body read, in bytes; default [`DEFAULT_MAX_RESPONSE_BODY_SIZE`]. A longer
    /// answer fails the attempt as soon as the limit is passed, without reading the rest.
    pub fn max_response_body_size(mut self, bytes: usize) -> Self {
        self.max_response_body_size = Some(bytes);
        self
    }

    /// How retries wait (tests inject an instant sleep).
    pub fn sleep_impl(mut self, sleep: Arc<dyn AsyncSleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// The clock for request timestamps and credential expiry.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Where signature nonces come from.
    pub fn nonce_source(mut self, nonce: Arc<dyn NonceSource>) -> Self {
        self.nonce = Some(nonce);
        self
    }

    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    pub fn build(self) -> Result<Config, ConfigError> {
        let region = self
            .region
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .ok_or(ConfigError::MissingRegion)?;
        if !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(ConfigError::InvalidRegion(region));
        }
        let explicit_endpoint = self.endpoint.is_some();
        let endpoint = match self.endpoint {
            Some(e) => parse_endpoint(&e)?,
            None => parse_endpoint(&endpoint_for_region(&region, self.vpc))?,
        };
        let credentials = self.credentials.unwrap_or_else(|| {
            Arc::new(DefaultCredentialsChain::new(
                self.credentials_env.unwrap_or_default(),
            ))
        });
        Ok(Config {
            region,
            endpoint,
            explicit_endpoint,
            vpc: self.vpc,
            credentials,
            signature_version: self.signature_version,
            retry: self.retry.unwrap_or_default(),
            validation: self.validation,
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(5)),
            attempt_timeout: self.attempt_timeout.unwrap_or(Duration::from_secs(10)),
            operation_timeout: Some(self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT)),
            max_response_body_size: self
                .max_response_body_size
                .unwrap_or(DEFAULT_MAX_RESPONSE_BODY_SIZE),
            sleep: self.sleep.unwrap_or_else(|| Arc::new(TokioSleep)),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            nonce: self.nonce.unwrap_or_else(|| Arc::new(RandomNonce)),
            user_agent: self
                .user_agent
                .unwrap_or_else(|| concat!("ecs-api-rust/", env!("CARGO_PKG_VERSION")).to_owned()),
        })
    }
}

fn parse_endpoint(raw: &str) -> Result<reqwest::Url, ConfigError> {
    let bad = |reason: &str| ConfigError::InvalidEndpoint {
        endpoint: without_user_info(raw),
        reason: reason.to_owned(),
    };
    let trimmed = raw.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = reqwest::Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("no path, query or fragment allowed"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("no user info allowed"));
    }
    Ok(url)
}

/// `raw` with any `user:password@` before the host replaced by `***@`, for error messages and
/// Debug output. The endpoint may not parse, and a password may hold `/`, so everything up to
/// the last `@` before any query or fragment goes (an endpoint has no path that could hold one).
fn without_user_info(raw: &str) -> String {
    let start = raw.find("://").map_or(0, |i| i + 3);
    let end = raw[start..]
        .find(['?', '#'])
        .map_or(raw.len(), |i| start + i);
    match raw[start..end].rfind('@') {
        Some(at) => format!("{}***{}", &raw[..start], &raw[start + at..]),
        None => raw.to_owned(),
    }
}
