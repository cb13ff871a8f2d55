//! Temporary keys from a role: RAM role ARN (STS `AssumeRole` signed with base credentials),
//! OIDC / RRSA (`AssumeRoleWithOIDC` with a token file), and a credentials URI.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::http::{read_capped, read_small_file, strict_http_client};
use super::imds::parse_role_credentials;
use super::sts::{StsConfig, default_session_name};
use super::{
    BoxFuture, Credentials, CredentialsEnv, CredentialsError, Lookup, ProvideCredentials,
    SharedCredentialsProvider,
};

pub(crate) const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
pub(crate) const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
pub(crate) const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
pub(crate) const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
pub(crate) const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// Assumes a RAM role: STS `AssumeRole` signed (V2) with the keys of `base`. Each call asks STS
/// again; the client's [`super::CredentialsCache`] keeps the keys and refreshes them before
/// `Expiration`.
#[derive(Clone)]
pub struct RamRoleArnProvider {
    base: SharedCredentialsProvider,
    role_arn: String,
    session: Session,
    external_id: Option<String>,
}

/// What both STS role calls share: session name, duration, policy, and where STS is.
#[derive(Debug, Clone)]
struct Session {
    name: String,
    duration_seconds: u32,
    policy: Option<String>,
    sts: StsConfig,
}

impl Session {
    fn new() -> Self {
        Session {
            name: default_session_name(),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            policy: None,
            sts: StsConfig::from_env(&CredentialsEnv::process()),
        }
    }

    /// `DurationSeconds`, `RoleArn`, `RoleSessionName`, then `Policy` when set, plus `extra`.
    fn params(
        &self,
        role_arn: &str,
        extra: Vec<(&'static str, String)>,
    ) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("DurationSeconds", self.duration_seconds.to_string()),
            ("RoleArn", role_arn.to_owned()),
            ("RoleSessionName", self.name.clone()),
        ];
        params.extend(extra);
        if let Some(p) = &self.policy {
            params.push(("Policy", p.clone()));
        }
        params
    }
}

/// The setters both role providers share (their `session` field).
macro_rules! session_setters {
    () => {
        /// The `RoleSessionName` (default `ecs-api-rust-<milliseconds>`).
        pub fn session_name(mut self, name: impl Into<String>) -> Self {
            self.session.name = name.into();
            self
        }
        /// Lifetime of the keys, 900 s to the role's maximum; default 3600.
        pub fn duration(mut self, d: Duration) -> Self {
            self.session.duration_seconds = u32::try_from(d.as_secs()).unwrap_or(u32::MAX);
            self
        }
        /// A policy (JSON) narrowing the role's permissions.
        pub fn policy(mut self, policy: impl Into<String>) -> Self {
            self.session.policy = Some(policy.into());
            self
        }
        /// Where STS is and how it is called (default: [`StsConfig::from_env`] of the process).
        pub fn sts(mut self, sts: StsConfig) -> Self {
            self.session.sts = sts;
            self
        }
    };
}

impl RamRoleArnProvider {
    /// Assume `role_arn` with the keys `base` provides (STS endpoint from the process environment;
    /// see [`Self::sts`]).
    pub fn new(base: impl ProvideCredentials + 'static, role_arn: impl Into<String>) -> Self {
        Self::with_base(std::sync::Arc::new(base), role_arn.into())
    }

    pub(crate) fn with_base(base: SharedCredentialsProvider, role_arn: String) -> Self {
        RamRoleArnProvider {
            base,
            role_arn,
            session: Session::new(),
            external_id: None,
        }
    }
    session_setters!();
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let base = self.base.provide_credentials().await?;
        let extra = self
            .external_id
            .iter()
            .map(|e| ("ExternalId", e.clone()))
            .collect();
        let params = self.session.params(&self.role_arn, extra);
        self.session
            .sts
            .assume("AssumeRole", &params, Some(&base))
            .await
    }
}

impl fmt::Debug for RamRoleArnProvider {
    // The external id is a shared secret between the role's owner and its user.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RamRoleArnProvider")
            .field("base", &self.base)
            .field("role_arn", &self.role_arn)
            .field("session", &self.session)
            .field(
                "external_id",
                &self.external_id.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

impl ProvideCredentials for RamRoleArnProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

/// OIDC role (RRSA on Kubernetes): STS `AssumeRoleWithOIDC` with the token read from a file,
/// re-read on every refresh (the platform rotates it).
#[derive(Debug, Clone)]
pub struct OidcRoleArnProvider {
    role_arn: String,
    oidc_provider_arn: String,
    token_file: PathBuf,
    session: Session,
}

impl OidcRoleArnProvider {
    pub fn new(
        role_arn: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> Self {
        OidcRoleArnProvider {
            role_arn: role_arn.into(),
            oidc_provider_arn: oidc_provider_arn.into(),
            token_file: token_file.into(),
            session: Session::new(),
        }
    }
    session_setters!();

    /// `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`
    /// (all three, or none), session name `ALIBABA_CLOUD_ROLE_SESSION_NAME`.
    pub(crate) fn lookup(
        env: &CredentialsEnv,
        sts: &StsConfig,
    ) -> Result<Lookup, CredentialsError> {
        let names = [ENV_ROLE_ARN, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE];
        match names.map(|n| env.var(n)) {
            [Some(role), Some(provider), Some(file)] => {
                let mut p = Self::new(role, provider, file).sts(sts.clone());
                if let Some(name) = env.var(ENV_ROLE_SESSION_NAME) {
                    p = p.session_name(name);
                }
                Ok(Lookup::Found(std::sync::Arc::new(p)))
            }
            [None, None, None] => Ok(Lookup::NotConfigured(format!(
                "OIDC role ({ENV_ROLE_ARN} not set)"
            ))),
            values => {
                let missing: Vec<&str> = names
                    .iter()
                    .zip(&values)
                    .filter(|(_, v)| v.is_none())
                    .map(|(n, _)| *n)
                    .collect();
                Err(CredentialsError::invalid(
                    "environment (OIDC role)",
                    format!(
                        "{} not set while the other OIDC variables are",
                        missing.join(", ")
                    ),
                ))
            }
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let token = read_small_file(self.token_file.clone())
            .await
            .map_err(|e| {
                CredentialsError::invalid(
                    format!("OIDC token file {}", self.token_file.display()),
                    e.to_string(),
                )
            })?;
        let extra = vec![
            ("OIDCProviderArn", self.oidc_provider_arn.clone()),
            ("OIDCToken", token.trim().to_owned()),
        ];
        let params = self.session.params(&self.role_arn, extra);
        self.session
            .sts
            .assume("AssumeRoleWithOIDC", &params, None)
            .await
    }
}

impl ProvideCredentials for OidcRoleArnProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

/// Keys from a URL (`ALIBABA_CLOUD_CREDENTIALS_URI`): `GET` it, JSON with `Code`, `AccessKeyId`,
/// `AccessKeySecret`, `SecurityToken`, `Expiration`. Redirects are not followed.
#[derive(Debug, Clone)]
pub struct CredentialsUriProvider {
    uri: String,
    http: Result<reqwest::Client, String>,
    timeout: Duration,
}

impl CredentialsUriProvider {
    pub fn new(uri: impl Into<String>) -> Self {
        CredentialsUriProvider {
            uri: uri.into(),
            http: strict_http_client(Duration::from_secs(5), false),
            timeout: Duration::from_secs(10),
        }
    }

    fn fail(&self, message: String) -> CredentialsError {
        CredentialsError::Provider {
            // Only scheme, host and path: a query could hold a secret.
            source_name: format!("credentials URI ({})", shown_uri(&self.uri)),
            message,
            source: None,
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let http = self
            .http
            .as_ref()
            .map_err(|e| self.fail(format!("cannot build HTTP client: {e}")))?;
        let read = async {
            let resp = http.get(&self.uri).send().await?;
            let status = resp.status().as_u16();
            Ok::<_, super::http::ReadError>((status, read_capped(resp, 64 * 1024).await?))
        };
        let (status, body) = match tokio::time::timeout(self.timeout, read).await {
            Err(_) => return Err(self.fail(format!("no answer within {:?}", self.timeout))),
            Ok(r) => r.map_err(|e| self.fail(e.to_string()))?,
        };
        if !(200..300).contains(&status) {
            return Err(self.fail(format!("HTTP {status}")));
        }
        let body = String::from_utf8_lossy(&body);
        parse_role_credentials(&body).map_err(|m| self.fail(m))
    }
}

impl ProvideCredentials for CredentialsUriProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

fn shown_uri(uri: &str) -> String {
    match reqwest::Url::parse(uri) {
        Ok(u) => {
            format!(
                "{}://{}{}",
                u.scheme(),
                u.host_str().unwrap_or_default(),
                u.port().map(|p| format!(":{p}")).unwrap_or_default()
            ) + u.path()
        }
        Err(_) => "<unparsable URI>".to_owned(),
    }
}
