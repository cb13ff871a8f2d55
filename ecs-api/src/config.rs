//! Client configuration: region, endpoint, credentials, signing, retries, timeouts.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{
    Credentials, CredentialsEnv, DefaultCredentialsChain, ProvideCredentials,
    SharedCredentialsProvider, StsConfig, cli_profile_region,
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
    InvalidEndpoint {
        endpoint: String,
        reason: String,
    },
    /// A proxy variable (`HTTPS_PROXY`, …) that is not a URL; its value is not shown (it may hold a
    /// password).
    InvalidProxy {
        variable: String,
    },
    /// The HTTP client could not be built, or the builder mixed an injected client with settings
    /// that only apply to the client ecs-api builds.
    HttpClient(String),
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
            ConfigError::InvalidProxy { variable } => {
                write!(f, "{variable} is not a proxy URL (http://host:port)")
            }
            ConfigError::HttpClient(reason) => write!(f, "HTTP client: {reason}"),
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
    /// Built once here (or injected): the pool every call of every client from this config shares.
    pub(crate) http: reqwest::Client,
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

    pub fn user_agent(&self) -> &str {
        &self.user_agent
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
    http_client: Option<reqwest::Client>,
    proxies: Vec<reqwest::Proxy>,
    root_certificates: Vec<reqwest::Certificate>,
    resolve: Vec<(String, SocketAddr)>,
    ignore_env_proxy: bool,
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

    /// Sends every request through this HTTP client: its own timeouts, proxy, certificates and
    /// redirect policy apply (the attempt and operation timeouts still wrap each call). Cannot be
    /// combined with [`Self::proxy`], [`Self::add_root_certificate`] or [`Self::resolve`]: set
    /// those on the injected client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// A proxy for ECS and STS calls (e.g. `reqwest::Proxy::https("http://proxy:3128")?`); when
    /// any is set, `HTTPS_PROXY` / `HTTP_PROXY` are not read.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxies.push(proxy);
        self
    }

    /// Trusts this CA as well as the built-in roots (a corporate TLS proxy, a private endpoint).
    pub fn add_root_certificate(mut self, cert: reqwest::Certificate) -> Self {
        self.root_certificates.push(cert);
        self
    }

    /// Connects to `addr` for `host` instead of asking DNS (the port of `addr` is ignored: the
    /// endpoint's applies). TLS still checks the certificate against `host`.
    pub fn resolve(mut self, host: impl Into<String>, addr: SocketAddr) -> Self {
        self.resolve.push((host.into(), addr));
        self
    }

    /// Ignores `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (read by default, as the official SDKs
    /// do, from the environment given to [`Self::credentials_env`] or the process's).
    pub fn ignore_env_proxy(mut self, ignore: bool) -> Self {
        self.ignore_env_proxy = ignore;
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
        let env = self.credentials_env.unwrap_or_default();
        let connect_timeout = self.connect_timeout.unwrap_or(Duration::from_secs(5));
        let attempt_timeout = self.attempt_timeout.unwrap_or(Duration::from_secs(10));
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("ecs-api-rust/", env!("CARGO_PKG_VERSION")).to_owned());
        let http = match self.http_client {
            Some(client) => {
                if !self.proxies.is_empty()
                    || !self.root_certificates.is_empty()
                    || !self.resolve.is_empty()
                {
                    return Err(ConfigError::HttpClient(
                        "proxy, add_root_certificate and resolve apply to the client ecs-api \
                         builds; set them on the injected client instead"
                            .into(),
                    ));
                }
                client
            }
            None => {
                let mut b = reqwest::Client::builder()
                    .connect_timeout(connect_timeout)
                    .pool_idle_timeout(Duration::from_secs(90))
                    .tcp_keepalive(Duration::from_secs(60))
                    .user_agent(user_agent.clone())
                    .redirect(reqwest::redirect::Policy::none())
                    // reqwest would read the process's proxy variables; ours come from `env`.
                    .no_proxy();
                let loopback = endpoint
                    .host_str()
                    .is_some_and(|h| h == "localhost" || h.starts_with("127.") || h == "[::1]");
                // Never send loopback traffic (tests, a local emulator) through a proxy from the environment.
                if self.proxies.is_empty() && !self.ignore_env_proxy && !loopback {
                    for p in env_proxies(&env)? {
                        b = b.proxy(p);
                    }
                }
                for p in self.proxies {
                    b = b.proxy(p);
                }
                for c in self.root_certificates {
                    b = b.add_root_certificate(c);
                }
                for (host, addr) in &self.resolve {
                    b = b.resolve(host, *addr);
                }
                b.build()
                    .map_err(|e| ConfigError::HttpClient(e.to_string()))?
            }
        };
        let retry = self.retry.unwrap_or_default();
        let sleep = self.sleep.unwrap_or_else(|| Arc::new(TokioSleep));
        let clock: Arc<dyn Clock> = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let nonce: Arc<dyn NonceSource> = self.nonce.unwrap_or_else(|| Arc::new(RandomNonce));
        let credentials = self.credentials.unwrap_or_else(|| {
            // Role sources call STS over the same HTTP client, timeouts and retry policy.
            let sts = StsConfig::from_env(&env)
                .http_client(http.clone())
                .connect_timeout(connect_timeout)
                .attempt_timeout(attempt_timeout)
                .retry(retry.clone())
                .sleep_impl(sleep.clone())
                .clock(clock.clone())
                .nonce_source(nonce.clone());
            Arc::new(DefaultCredentialsChain::new(env).sts(sts))
        });
        Ok(Config {
            region,
            endpoint,
            explicit_endpoint,
            vpc: self.vpc,
            credentials,
            signature_version: self.signature_version,
            retry,
            validation: self.validation,
            connect_timeout,
            attempt_timeout,
            operation_timeout: Some(self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT)),
            max_response_body_size: self
                .max_response_body_size
                .unwrap_or(DEFAULT_MAX_RESPONSE_BODY_SIZE),
            sleep,
            clock,
            nonce,
            user_agent,
            http,
        })
    }
}

/// `HTTPS_PROXY` for https endpoints and `HTTP_PROXY` for http ones (upper or lower case), minus
/// the hosts of `NO_PROXY`, as the official SDKs read them.
fn env_proxies(env: &CredentialsEnv) -> Result<Vec<reqwest::Proxy>, ConfigError> {
    let var = |name: &str| {
        env.var(name).map(|v| (name.to_owned(), v)).or_else(|| {
            env.var(&name.to_lowercase())
                .map(|v| (name.to_lowercase(), v))
        })
    };
    let no_proxy = var("NO_PROXY").and_then(|(_, v)| reqwest::NoProxy::from_string(&v));
    let mut out = Vec::new();
    for name in ["HTTPS_PROXY", "HTTP_PROXY"] {
        let Some((variable, url)) = var(name) else {
            continue;
        };
        let proxy = if name == "HTTPS_PROXY" {
            reqwest::Proxy::https(url.as_str())
        } else {
            reqwest::Proxy::http(url.as_str())
        };
        let proxy = proxy.map_err(|_| ConfigError::InvalidProxy { variable })?;
        out.push(proxy.no_proxy(no_proxy.clone()));
    }
    Ok(out)
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
