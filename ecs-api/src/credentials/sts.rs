//! STS (`sts.aliyuncs.com`, version 2015-04-01): `AssumeRole` for RAM role ARNs and
//! `AssumeRoleWithOIDC` for RRSA, with the endpoint rules, timeouts and retries of ECS calls.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::http::{read_capped, strict_http_client};
use super::{Credentials, CredentialsEnv, CredentialsError};
use crate::error::CommonErrorCode;
use crate::retry::{AsyncSleep, RetryConfig, TokioSleep};
use crate::signer::{
    Clock, NonceSource, RandomNonce, SystemClock, format_timestamp, percent_encode, v2,
};

const VERSION: &str = "2015-04-01";
/// The official SDKs' variables: STS region and VPC endpoints.
pub(crate) const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
pub(crate) const ENV_VPC_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// This crate's own override of the whole STS endpoint (e.g. a private gateway or a test server).
pub const ENV_STS_ENDPOINT: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// STS answers are a few hundred bytes; anything far larger is not STS.
const MAX_BODY: usize = 64 * 1024;

/// Where and how STS is called: endpoint, HTTP client, timeouts and retries (the ECS defaults:
/// connect 5 s, 10 s per attempt, 3 attempts with backoff).
#[derive(Clone)]
pub struct StsConfig {
    endpoint: Option<String>,
    region: Option<String>,
    vpc: bool,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    retry: RetryConfig,
    sleep: Arc<dyn AsyncSleep>,
    clock: Arc<dyn Clock>,
    nonce: Arc<dyn NonceSource>,
}

impl Default for StsConfig {
    fn default() -> Self {
        StsConfig {
            endpoint: None,
            region: None,
            vpc: false,
            http: None,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(10),
            retry: RetryConfig::default(),
            sleep: Arc::new(TokioSleep),
            clock: Arc::new(SystemClock),
            nonce: Arc::new(RandomNonce),
        }
    }
}

impl fmt::Debug for StsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsConfig")
            .field("endpoint", &self.endpoint_url())
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl StsConfig {
    /// Endpoint from `ALIBABA_CLOUD_STS_ENDPOINT`, region from `ALIBABA_CLOUD_STS_REGION`, VPC
    /// endpoints when `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`.
    pub fn from_env(env: &CredentialsEnv) -> Self {
        StsConfig {
            endpoint: env.var(ENV_STS_ENDPOINT),
            region: env.var(ENV_STS_REGION),
            vpc: env
                .var(ENV_VPC_ENABLED)
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
            ..StsConfig::default()
        }
    }
    /// A full endpoint (`https://host[:port]`; a bare host means HTTPS); wins over region and VPC.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }
    /// `sts.<region>.aliyuncs.com` (or `sts-vpc.<region>…` with [`Self::vpc`]).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    pub fn vpc(mut self, vpc: bool) -> Self {
        self.vpc = vpc;
        self
    }
    /// The HTTP client to use (its own proxy, certificates and timeouts apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = d;
        self
    }
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }
    pub fn sleep_impl(mut self, sleep: Arc<dyn AsyncSleep>) -> Self {
        self.sleep = sleep;
        self
    }
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
    pub fn nonce_source(mut self, nonce: Arc<dyn NonceSource>) -> Self {
        self.nonce = nonce;
        self
    }

    /// The base URL calls go to, without a trailing `/`.
    pub fn endpoint_url(&self) -> String {
        if let Some(e) = &self.endpoint {
            let e = e.trim().trim_end_matches('/');
            return if e.contains("://") {
                e.to_owned()
            } else {
                format!("https://{e}")
            };
        }
        match (&self.region, self.vpc) {
            (Some(r), true) => format!("https://sts-vpc.{r}.aliyuncs.com"),
            (Some(r), false) => format!("https://sts.{r}.aliyuncs.com"),
            (None, _) => "https://sts.aliyuncs.com".to_owned(),
        }
    }

    fn fail(&self, action: &str, message: String) -> CredentialsError {
        CredentialsError::Provider {
            source_name: format!("STS {action} ({})", self.endpoint_url()),
            message,
            source: None,
        }
    }

    /// Calls `action` with `params` (signed with V2 when `signer` is given, else sent unsigned in
    /// the form body) and reads the `Credentials` of the answer. Retries transport failures, 5xx and
    /// retryable codes: these calls change nothing, so every retry is safe.
    pub(crate) async fn assume(
        &self,
        action: &str,
        params: &[(&str, String)],
        signer: Option<&Credentials>,
    ) -> Result<Credentials, CredentialsError> {
        let http = match &self.http {
            Some(h) => h.clone(),
            None => strict_http_client(self.connect_timeout, false)
                .map_err(|e| self.fail(action, format!("cannot build HTTP client: {e}")))?,
        };
        let base = self.endpoint_url();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = self.request(&http, &base, action, params, signer);
            let outcome = tokio::time::timeout(self.attempt_timeout, async {
                let resp = request.send().await?;
                let status = resp.status().as_u16();
                let body = read_capped(resp, MAX_BODY).await?;
                Ok::<_, super::http::ReadError>((status, body))
            })
            .await;
            let (message, retryable) = match outcome {
                Err(_) => (
                    format!(
                        "no answer within {:?} (attempt {attempt})",
                        self.attempt_timeout
                    ),
                    true,
                ),
                Ok(Err(e)) => (format!("{e} (attempt {attempt})"), true),
                Ok(Ok((status, body))) => match parse_answer(status, &body) {
                    Ok(c) => return Ok(c),
                    Err((m, retryable)) => (m, retryable),
                },
            };
            if !retryable || attempt >= self.retry.get_max_attempts() {
                return Err(self.fail(action, message));
            }
            tracing::info!(action, attempt, error = %message, "retrying STS");
            self.sleep.sleep(self.retry.delay(attempt, None)).await;
        }
    }

    fn request(
        &self,
        http: &reqwest::Client,
        base: &str,
        action: &str,
        params: &[(&str, String)],
        signer: Option<&Credentials>,
    ) -> reqwest::RequestBuilder {
        let timestamp = self.clock.now();
        match signer {
            Some(creds) => {
                let nonce = self.nonce.nonce();
                let signed = v2::sign_rpc(
                    creds,
                    &v2::RpcRequest {
                        method: "POST",
                        action,
                        version: VERSION,
                        params,
                        timestamp,
                        nonce: &nonce,
                    },
                );
                http.post(format!("{base}/?{}", signed.query()))
            }
            // AssumeRoleWithOIDC is unsigned; the OIDC token travels in the body, not the URL.
            None => {
                let ts = format_timestamp(timestamp);
                let query = [
                    ("Action", action),
                    ("Format", "JSON"),
                    ("Version", VERSION),
                    ("Timestamp", ts.as_str()),
                ];
                let query: String = query
                    .iter()
                    .map(|(k, v)| format!("{k}={}", percent_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                let body: String = params
                    .iter()
                    .map(|(k, v)| format!("{k}={}", percent_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                http.post(format!("{base}/?{query}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    #[serde(default)]
    credentials: Option<StsCredentials>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StsCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}

/// Credentials from a 200, or the error and whether a retry may help.
fn parse_answer(status: u16, body: &[u8]) -> Result<Credentials, (String, bool)> {
    let server_error = status >= 500;
    // Serde's message could quote the body, which holds secrets: keep only the position.
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        (
            format!(
                "HTTP {status}, body is not an STS answer (line {}, column {})",
                e.line(),
                e.column()
            ),
            server_error,
        )
    })?;
    if let Some(code) = answer.code.filter(|c| !c.is_empty()) {
        let retryable = server_error
            || CommonErrorCode::from_code(&code).is_some_and(|c| c.is_retryable())
            || CommonErrorCode::RETRYABLE_PREFIXES
                .iter()
                .any(|p| code.starts_with(p));
        let message = crate::error::redact(answer.message.as_deref().unwrap_or_default());
        let id = answer.request_id.unwrap_or_default();
        return Err((
            format!("HTTP {status}, {code}: {message} (request id {id})"),
            retryable,
        ));
    }
    match (status, answer.credentials) {
        (200..=299, Some(c)) => {
            if c.access_key_id.is_empty()
                || c.access_key_secret.is_empty()
                || c.security_token.is_empty()
            {
                return Err(("the answer has empty credentials".into(), false));
            }
            let expiry = OffsetDateTime::parse(&c.expiration, &Rfc3339)
                .map_err(|_| (format!("unreadable Expiration {:?}", c.expiration), false))?;
            Ok(Credentials::with_security_token(
                c.access_key_id,
                c.access_key_secret,
                c.security_token,
            )
            .expiring_at(expiry))
        }
        (200..=299, None) => Err(("the answer has no Credentials".into(), false)),
        _ => Err((format!("HTTP {status} without an error code"), server_error)),
    }
}

/// A session name the service accepts (`[\w.@-]`, 2 to 64 characters) when none is given.
pub(crate) fn default_session_name() -> String {
    format!(
        "ecs-api-rust-{}",
        OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_rules() {
        let c = StsConfig::default();
        assert_eq!(c.endpoint_url(), "https://sts.aliyuncs.com");
        assert_eq!(
            c.clone().region("cn-beijing").endpoint_url(),
            "https://sts.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            c.clone().region("cn-beijing").vpc(true).endpoint_url(),
            "https://sts-vpc.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            c.region("x").endpoint("127.0.0.1:9/").endpoint_url(),
            "https://127.0.0.1:9"
        );
        let env =
            CredentialsEnv::from_vars([(ENV_STS_REGION, "cn-shanghai"), (ENV_VPC_ENABLED, "true")]);
        assert_eq!(
            StsConfig::from_env(&env).endpoint_url(),
            "https://sts-vpc.cn-shanghai.aliyuncs.com"
        );
    }

    #[test]
    fn answers_and_errors() {
        let ok = br#"{"RequestId":"r","Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}"#;
        let c = parse_answer(200, ok).unwrap();
        assert_eq!(c.access_key_id(), "STS.id");
        assert!(c.expiry().is_some());
        let (m, retry) =
            parse_answer(400, br#"{"Code":"Throttling.User","Message":"slow down"}"#).unwrap_err();
        assert!(retry && m.contains("Throttling.User"), "{m}");
        let (m, retry) = parse_answer(
            404,
            br#"{"Code":"EntityNotExist.Role","Message":"no role","RequestId":"r1"}"#,
        )
        .unwrap_err();
        assert!(
            !retry && m.contains("EntityNotExist.Role") && m.contains("r1"),
            "{m}"
        );
        assert!(parse_answer(503, b"<html>").unwrap_err().1);
        let (m, _) =
            parse_answer(200, br#"{"Credentials":{"AccessKeyId":"secret-ish""#).unwrap_err();
        assert!(!m.contains("secret-ish"), "{m}");
    }
}
