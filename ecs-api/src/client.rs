//! The client: one pooled HTTP connection set, the credentials cache, and the generic call loop that
//! the generated fluent builders end in.

mod decode;

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderName;
use tokio::time::Instant;

use tracing::Instrument as _;
use tracing::field::Empty;

use crate::config::Config;
use crate::credentials::{Credentials, CredentialsCache};
use crate::error::{SdkError, TimeoutScope, redact};
use crate::operation::{IdempotentInput as _, Operation};
use crate::retry::{RetryConfig, parse_retry_after};
use crate::signer::{CallInfo, SignatureVersion, v2, v3};
use crate::wire::{ParamSink, SortedParams, ToParams, Validate as _, ValidationMode};
use decode::decode;

/// Per-call overrides of the client's config; all unset by default.
///
/// ```
/// # use std::time::Duration;
/// # use ecs_api::{CallOptions, wire::ValidationMode};
/// let opts = CallOptions::default()
///     .timeout(Duration::from_secs(30))
///     .max_attempts(5)
///     .validation(ValidationMode::Lenient);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    max_attempts: Option<u32>,
    validation: Option<ValidationMode>,
}

impl CallOptions {
    pub fn new() -> Self {
        Self::default()
    }
    /// Deadline for the whole operation, retries and waits included.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// Deadline for each attempt.
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }
    /// Replaces the retry policy for this call.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }
    /// Total attempts for this call (1 = no retry), on top of whichever policy applies.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n);
        self
    }
    /// One attempt only.
    pub fn no_retry(self) -> Self {
        self.max_attempts(1)
    }
    pub fn validation(mut self, mode: ValidationMode) -> Self {
        self.validation = Some(mode);
        self
    }
    /// The validation mode set for this call, if any (`dynamic` validates before calling).
    #[cfg_attr(not(feature = "dynamic"), allow(dead_code))]
    pub(crate) fn validation_mode(&self) -> Option<ValidationMode> {
        self.validation
    }
}

/// A signed request ready to send (see [`Client::prepare`]). The body is empty.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// The HTTP method, `POST`.
    pub method: &'static str,
    /// Endpoint + `/?` + query. V2: the signed query, `Signature` last. V3: the canonical query.
    /// Holds `AccessKeyId`, `Signature` and, for STS, `SecurityToken`: do not log it.
    pub url: String,
    /// Headers to add (lower-case names): the `x-acs-*` and `authorization` headers for V3, none for
    /// V2. `host` is left to the HTTP client.
    pub headers: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for PreparedRequest {
    // The URL and headers carry credentials: show them redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| match *k {
                "x-acs-security-token" | "authorization" | "x-acs-accesskey-id" => (*k, "***"),
                _ => (*k, v.as_str()),
            })
            .collect();
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &redact(&self.url))
            .field("headers", &headers)
            .finish()
    }
}

/// Client for the ECS API. Cheap to clone; clones share the connection pool and credentials cache.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    http: Result<reqwest::Client, String>,
    credentials: CredentialsCache,
    /// `endpoint/?` (endpoint without its trailing `/`): signers write the query right after it.
    url_prefix: String,
    host_header: String,
    /// The routes of the other products called through this client, by product code.
    other_products: std::sync::RwLock<Vec<(&'static str, Route)>>,
}

/// `(url_prefix, host_header)` of one product.
type Route = Arc<(String, String)>;

/// How a failed attempt may be retried.
enum RetryHint {
    Never,
    /// Safe whatever the operation (the request did not take effect, or the code says so).
    Always(Option<Duration>),
    /// The request may have reached the server (timeouts, dropped connections, 5xx): only with a
    /// ClientToken or for read-only actions.
    IfIdempotent(Option<Duration>),
}

struct Failure<E> {
    error: SdkError<E>,
    hint: RetryHint,
}

impl Client {
    pub fn new(config: Config) -> Client {
        // Built (or injected) by `Config::build`: proxy, certificates, DNS overrides, redirects off.
        let http: Result<reqwest::Client, String> = Ok(config.http.clone());
        let credentials =
            CredentialsCache::new(config.credentials.clone()).with_clock(config.clock.clone());
        Client {
            inner: Arc::new(Inner {
                url_prefix: format!("{}/?", config.endpoint.as_str().trim_end_matches('/')),
                host_header: config.host_header(),
                other_products: Default::default(),
                config,
                http,
                credentials,
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Runs operation `O`: fills `RegionId`, validates, fills the idempotency token once, then
    /// signs and sends attempts (each re-signed with a fresh nonce and timestamp) until one succeeds,
    /// fails for good, or the retry policy gives up.
    pub async fn call<O: Operation>(
        &self,
        input: O::Input,
        options: &CallOptions,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let span = tracing::info_span!(
            "ecs_operation",
            action = O::ACTION,
            attempts = Empty,
            status = Empty,
            request_id = Empty
        );
        // The operation's deadline is not a timer of its own around the call: each wait (an
        // attempt, a credentials refresh, a retry delay) is bounded by whichever of its own limit
        // and the deadline comes first, so a call arms one timer per attempt, not two.
        let deadline = options
            .timeout
            .or(self.inner.config.operation_timeout)
            .and_then(|limit| {
                Some(Deadline {
                    at: Instant::now().checked_add(limit)?,
                    limit,
                })
            });
        self.run::<O>(input, options, deadline)
            .instrument(span)
            .await
    }

    async fn run<O: Operation>(
        &self,
        mut input: O::Input,
        options: &CallOptions,
        deadline: Option<Deadline>,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let config = &self.inner.config;
        self.check::<O>(&mut input, options)?;
        let idempotent = input.idempotency_token().is_some_and(|t| !t.is_empty()) || O::READ_ONLY;
        let params = flatten(&input, config.signature_version);

        let mut retry = options
            .retry
            .clone()
            .unwrap_or_else(|| config.retry.clone());
        if let Some(n) = options.max_attempts {
            retry = retry.max_attempts(n);
        }
        let attempt_timeout = options.attempt_timeout.unwrap_or(config.attempt_timeout);
        let http = self
            .inner
            .http
            .as_ref()
            .map_err(|e| SdkError::Construction(format!("HTTP client: {e}")))?;

        let mut attempt = 0u32;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            // Cached keys are read without an await; only a refresh waits (within the deadline).
            let credentials = match self.inner.credentials.cached() {
                Some(c) => c,
                None => within(deadline, attempt, self.inner.credentials.get())
                    .await?
                    .map_err(SdkError::Credentials)?,
            };
            let limit = Limit::for_attempt(deadline, attempt_timeout);
            let span =
                tracing::debug_span!("ecs_attempt", attempt, status = Empty, request_id = Empty);
            let outcome = self
                .attempt::<O>(http, &params, &credentials, attempt, limit)
                .instrument(span)
                .await;
            let failure = match outcome {
                Ok(out) => return Ok(out),
                Err(f) => f,
            };
            let retry_after = match failure.hint {
                RetryHint::Never => return Err(failure.error),
                RetryHint::Always(after) => after,
                RetryHint::IfIdempotent(after) if idempotent => after,
                RetryHint::IfIdempotent(_) => {
                    tracing::debug!(
                        "not retrying: the request may have reached the service and has no idempotency token"
                    );
                    return Err(failure.error);
                }
            };
            if attempt >= retry.get_max_attempts() {
                return Err(failure.error);
            }
            let delay = retry.delay(attempt, retry_after);
            tracing::info!(attempt, ?delay, error = %failure.error, "retrying");
            within(deadline, attempt, config.sleep.sleep(delay)).await?;
        }
    }

    /// Prepares the request `call` would send for `input`, without sending it: fills `RegionId`
    /// and the idempotency token when unset (so `input` shows what is sent), validates, flattens,
    /// signs with `credentials` (V2 or V3 as configured, with the configured clock and nonce) and
    /// builds the full URL plus, for V3, the headers.
    ///
    /// `call` goes through the same steps, re-signing each attempt; use this for presigned URLs,
    /// another HTTP stack, or to measure preparation. Credentials can come from [`Client::credentials`].
    ///
    /// ```
    /// # use ecs_api::{CallOptions, Client, Config, Credentials};
    /// # use ecs_api::operation::create_snapshot_group::{CreateSnapshotGroup, CreateSnapshotGroupInput};
    /// let creds = Credentials::new("id", "secret");
    /// let config = Config::builder()
    ///     .region("cn-hangzhou")
    ///     .credentials(creds.clone())
    ///     .signature_version(ecs_api::SignatureVersion::V2) // V3 signs in headers, V2 in the query
    ///     .build()?;
    /// let client = Client::new(config);
    /// let mut input = CreateSnapshotGroupInput::new("i-bp1example");
    /// let req = client.prepare::<CreateSnapshotGroup>(&mut input, &CallOptions::default(), &creds)?;
    /// assert!(req.url.starts_with("https://ecs-cn-hangzhou.aliyuncs.com/?AccessKeyId=id&"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prepare<O: Operation>(
        &self,
        input: &mut O::Input,
        options: &CallOptions,
        credentials: &Credentials,
    ) -> Result<PreparedRequest, SdkError<O::Error>> {
        self.check::<O>(input, options)?;
        let params = flatten(input, self.inner.config.signature_version);
        Ok(self.sign::<O>(&params, credentials))
    }

    /// The credentials the next call would sign with (cached; refreshed by the configured provider).
    pub async fn credentials(&self) -> Result<Credentials, crate::credentials::CredentialsError> {
        self.inner.credentials.get().await
    }

    /// Once per call: fills `RegionId`, validates, fills the idempotency token.
    fn check<O: Operation>(
        &self,
        input: &mut O::Input,
        options: &CallOptions,
    ) -> Result<(), SdkError<O::Error>> {
        let config = &self.inner.config;
        if input.region_id().is_none() {
            input.set_region_id(config.region.clone());
        }

        let mode = options.validation.unwrap_or(config.validation);
        let report = input.validate(mode);
        for w in &report.warnings {
            tracing::warn!(param = %w.param, "{w}");
        }
        if !report.is_ok() {
            return Err(SdkError::Validation(report));
        }

        // Filled once, before any attempt, so every retry carries the same token.
        if O::IDEMPOTENCY_TOKEN.is_some() && input.idempotency_token().is_none_or(str::is_empty) {
            input.set_idempotency_token(crate::signer::fresh_client_token());
        }
        Ok(())
    }

    /// Once per attempt: a fresh nonce and timestamp, the signature, the URL and headers.
    fn sign<O: Operation>(
        &self,
        params: &SortedParams,
        credentials: &Credentials,
    ) -> PreparedRequest {
        let config = &self.inner.config;
        let nonce = config.nonce.nonce();
        let call = CallInfo {
            method: "POST",
            action: O::ACTION,
            version: O::VERSION,
            timestamp: config.clock.now(),
            nonce: &nonce,
        };
        // The query is written straight after `endpoint/?`: the URL is the signer's buffer.
        let other;
        let (prefix, host) =
            if config.explicit_endpoint || O::PRODUCT.code == crate::config::ECS.code {
                (&self.inner.url_prefix, &self.inner.host_header)
            } else {
                other = self.product_route(O::PRODUCT);
                (&other.0, &other.1)
            };
        match config.signature_version {
            SignatureVersion::V2 => PreparedRequest {
                method: "POST",
                url: v2::signed_url(credentials, &call, params, prefix),
                headers: Vec::new(),
            },
            SignatureVersion::V3 => {
                let signed = v3::sign_sorted(credentials, &call, host, params, prefix);
                PreparedRequest {
                    method: "POST",
                    url: signed.url,
                    headers: signed.headers,
                }
            }
        }
    }

    /// Where calls to a product other than ECS go, resolved once per client and product.
    fn product_route(&self, product: &'static crate::config::Product) -> Route {
        let cached = |list: &[(&str, Route)]| {
            list.iter()
                .find(|(code, _)| *code == product.code)
                .map(|(_, r)| r.clone())
        };
        // A poisoned lock only means another thread panicked mid-push; the list is still valid.
        let read = self.inner.other_products.read();
        if let Some(route) = cached(&read.unwrap_or_else(|e| e.into_inner())) {
            return route;
        }
        let host = self.inner.config.host_for(product);
        let route = Arc::new((format!("https://{host}/?"), host));
        let mut list = self
            .inner
            .other_products
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(route) = cached(&list) {
            return route;
        }
        list.push((product.code, route.clone()));
        route
    }

    async fn attempt<O: Operation>(
        &self,
        http: &reqwest::Client,
        params: &SortedParams,
        credentials: &Credentials,
        attempt: u32,
        limit: Limit,
    ) -> Result<O::Output, Failure<O::Error>> {
        let prepared = self.sign::<O>(params, credentials);
        let method = reqwest::Method::from_bytes(prepared.method.as_bytes())
            .unwrap_or(reqwest::Method::POST);
        let mut request = http.request(method, prepared.url);
        for (name, value) in prepared.headers {
            request = request.header(name, value);
        }
        // Prebuilt: no header name parsing, no value check or copy per call.
        let request = request
            .header(
                reqwest::header::ACCEPT,
                const { reqwest::header::HeaderValue::from_static("application/json") },
            )
            .body("");

        let body_limit = self.inner.config.max_response_body_size;
        let exchange = async {
            let mut resp = request.send().await?;
            let status = resp.status().as_u16();
            let header = |name: HeaderName| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let retry_after = header(const { HeaderName::from_static("x-acs-retry-after") })
                .and_then(|v| parse_retry_after(&v));
            let request_id = header(const { HeaderName::from_static("x-acs-request-id") });
            let body = read_body(&mut resp, body_limit).await?;
            Ok::<_, reqwest::Error>((status, retry_after, request_id, body))
        };
        let (status, retry_after, header_request_id, body) = match limit.bound(exchange).await {
            None => {
                return Err(Failure {
                    error: SdkError::Timeout {
                        scope: limit.scope,
                        after: limit.after,
                        attempts: attempt,
                    },
                    // Past the operation's deadline nothing may follow.
                    hint: match limit.scope {
                        TimeoutScope::Attempt => RetryHint::IfIdempotent(None),
                        _ => RetryHint::Never,
                    },
                });
            }
            Some(Err(e)) => {
                // Refused connections never reached the service; anything later might have.
                let hint = if e.is_connect() {
                    RetryHint::Always(None)
                } else {
                    RetryHint::IfIdempotent(None)
                };
                tracing::debug!(error = %e.without_url_ref(), "transport failure");
                return Err(Failure {
                    // The URL holds AccessKeyId, Signature and SecurityToken: never keep it.
                    error: SdkError::Transport {
                        attempts: attempt,
                        source: Box::new(e.without_url()),
                    },
                    hint,
                });
            }
            Some(Ok((status, _, request_id, Err(start)))) => {
                return Err(Failure {
                    error: SdkError::UndecodableResponse {
                        status,
                        reason: format!(
                            "the body is longer than the limit of {body_limit} bytes \
                                 (ConfigBuilder::max_response_body_size); the rest was not read"
                        ),
                        snippet: crate::error::snippet(&start),
                        request_id,
                    },
                    hint: RetryHint::Never,
                });
            }
            Some(Ok((status, retry_after, request_id, Ok(body)))) => {
                (status, retry_after, request_id, body)
            }
        };
        let span = tracing::Span::current();
        span.record("status", status);
        decode::<O>(status, retry_after, header_request_id, &body)
    }
}

/// When the whole operation must end, and the limit that set it (for the error).
#[derive(Clone, Copy)]
struct Deadline {
    at: Instant,
    limit: Duration,
}

/// What ends one attempt: its own timeout or the operation's deadline, whichever comes first.
struct Limit {
    /// `None`: neither can be represented as an instant (a limit of centuries), so no timer.
    at: Option<Instant>,
    scope: TimeoutScope,
    after: Duration,
}

impl Limit {
    fn for_attempt(deadline: Option<Deadline>, attempt_timeout: Duration) -> Limit {
        let own = Instant::now().checked_add(attempt_timeout);
        match deadline {
            Some(d) if own.is_none_or(|at| d.at <= at) => Limit {
                at: Some(d.at),
                scope: TimeoutScope::Operation,
                after: d.limit,
            },
            _ => Limit {
                at: own,
                scope: TimeoutScope::Attempt,
                after: attempt_timeout,
            },
        }
    }

    /// `None` when the limit passed first.
    async fn bound<T>(&self, work: impl std::future::Future<Output = T>) -> Option<T> {
        match self.at {
            Some(at) => tokio::time::timeout_at(at, work).await.ok(),
            None => Some(work.await),
        }
    }
}

/// Runs `wait` (a credentials refresh, a retry delay) until the operation's deadline.
async fn within<T, E>(
    deadline: Option<Deadline>,
    attempts: u32,
    wait: impl std::future::Future<Output = T>,
) -> Result<T, SdkError<E>> {
    match deadline {
        None => Ok(wait.await),
        Some(d) => tokio::time::timeout_at(d.at, wait)
            .await
            .map_err(|_| SdkError::Timeout {
                scope: TimeoutScope::Operation,
                after: d.limit,
                attempts,
            }),
    }
}

/// Reads the body up to `limit` bytes, chunk by chunk, so that an endless or huge answer costs at
/// most the limit: `Err` holds what was read when the body is longer (or says it will be).
async fn read_body(
    resp: &mut reqwest::Response,
    limit: usize,
) -> Result<Result<Vec<u8>, Vec<u8>>, reqwest::Error> {
    let announced = resp.content_length().unwrap_or(0);
    if announced > limit as u64 {
        return Ok(Err(Vec::new()));
    }
    // Capacity from the announced length, bounded by the limit (checked above).
    let mut body = Vec::with_capacity(announced as usize);
    while let Some(chunk) = resp.chunk().await? {
        if chunk.len() > limit - body.len() {
            return Ok(Err(body));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(body))
}

/// Once per call: the input's params, encoded and sorted, for every attempt to sign (V2: also
/// encoded twice, for its string to sign).
fn flatten(input: &impl ToParams, version: SignatureVersion) -> SortedParams {
    let twice = version == SignatureVersion::V2;
    let mut sink = ParamSink::for_signing(input.params_len_hint(), twice);
    input.write_params(&mut sink);
    sink.into_sorted()
}

/// reqwest's `without_url` consumes the error; this shows one without its URL for logging.
trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}
impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut msg = self.to_string();
        if let Some(url) = self.url() {
            msg = msg.replace(url.as_str(), "<url>");
        }
        msg
    }
}
