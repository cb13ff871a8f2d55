//! ECS RAM role credentials from the instance metadata service (hardened mode: token first).

use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::http::read_capped;
use super::{BoxFuture, Credentials, CredentialsEnv, CredentialsError, ProvideCredentials};

/// The metadata answers are a few KB at most.
const MAX_BODY: usize = 64 * 1024;

pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
const TOKEN_PATH: &str = "/latest/api/token";
const ROLE_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
pub(crate) const ENV_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
pub(crate) const ENV_METADATA_ENDPOINT: &str = "ALIBABA_CLOUD_ECS_METADATA_ENDPOINT";
/// The official SDKs read the role name from this variable.
const ENV_ROLE_NAME: &str = "ALIBABA_CLOUD_ECS_METADATA";

/// Fetches the STS keys of the instance's RAM role. Each call asks the service again; wrap it in a
/// [`super::CredentialsCache`] (the client does) to refresh only before `Expiration`.
#[derive(Debug, Clone)]
pub struct EcsRamRoleProvider {
    endpoint: String,
    role_name: Option<String>,
    token_ttl_seconds: u32,
    http: Result<reqwest::Client, String>,
}

impl Default for EcsRamRoleProvider {
    fn default() -> Self {
        Self::new(DEFAULT_METADATA_ENDPOINT)
    }
}

impl EcsRamRoleProvider {
    /// `endpoint`: the metadata base URL (`http://host[:port]`; a bare host means `http://`).
    pub fn new(endpoint: impl Into<String>) -> Self {
        let mut endpoint: String = endpoint.into();
        if !endpoint.contains("://") {
            endpoint = format!("http://{endpoint}");
        }
        let endpoint = endpoint.trim_end_matches('/').to_owned();
        // Off ECS the address does not answer: fail fast rather than stall the chain.
        // Never follows redirects: one to another host would send it the metadata token and
        // bring back whatever keys it chose.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| e.to_string());
        EcsRamRoleProvider {
            endpoint,
            role_name: None,
            token_ttl_seconds: 21600,
            http,
        }
    }

    /// From the environment: endpoint `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT`, role `ALIBABA_CLOUD_ECS_METADATA`.
    pub fn from_env(env: &CredentialsEnv) -> Self {
        let mut p = Self::new(
            env.var(ENV_METADATA_ENDPOINT)
                .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.into()),
        );
        p.role_name = env.var(ENV_ROLE_NAME);
        p
    }

    /// Uses this role instead of asking the service which role the instance has.
    pub fn role_name(mut self, role: impl Into<String>) -> Self {
        self.role_name = Some(role.into());
        self
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn fail(&self, message: String, source: Option<reqwest::Error>) -> CredentialsError {
        CredentialsError::Provider {
            source_name: format!("ECS metadata service ({})", self.endpoint),
            message,
            source: source.map(|e| Box::new(e.without_url()) as _),
        }
    }

    async fn text(
        &self,
        req: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<String, CredentialsError> {
        let resp = req
            .send()
            .await
            .map_err(|e| self.fail(format!("{what}: request failed"), Some(e)))?;
        let status = resp.status();
        if !status.is_success() {
            // A 3xx lands here too: redirects are refused, never followed.
            return Err(self.fail(format!("{what}: HTTP {}", status.as_u16()), None));
        }
        let body = read_capped(resp, MAX_BODY)
            .await
            .map_err(|e| self.fail(format!("{what}: reading the answer failed: {e}"), None))?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    pub(crate) async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let http = self
            .http
            .as_ref()
            .map_err(|e| self.fail(format!("cannot build HTTP client: {e}"), None))?;
        let token = self
            .text(
                http.put(format!("{}{TOKEN_PATH}", self.endpoint))
                    .header(TTL_HEADER, self.token_ttl_seconds.to_string()),
                "metadata token",
            )
            .await?;
        let token = token.trim().to_owned();
        let role = match &self.role_name {
            Some(r) => r.clone(),
            None => {
                let listing = self
                    .text(
                        http.get(format!("{}{ROLE_PATH}", self.endpoint))
                            .header(TOKEN_HEADER, &token),
                        "role name",
                    )
                    .await?;
                match listing.lines().map(str::trim).find(|l| !l.is_empty()) {
                    Some(r) => r.to_owned(),
                    None => {
                        return Err(self.fail("the instance has no RAM role attached".into(), None));
                    }
                }
            }
        };
        let body = self
            .text(
                http.get(format!("{}{ROLE_PATH}{role}", self.endpoint))
                    .header(TOKEN_HEADER, &token),
                "role credentials",
            )
            .await?;
        parse_role_credentials(&body).map_err(|m| self.fail(m, None))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleCredentials {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    security_token: String,
    #[serde(default)]
    expiration: Option<String>,
}

pub(crate) fn parse_role_credentials(body: &str) -> Result<Credentials, String> {
    // Serde's message could quote the body, which holds secrets: keep only the position.
    let rc: RoleCredentials = serde_json::from_str(body).map_err(|e| {
        format!(
            "role credentials are not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    if let Some(code) = rc.code.as_deref().filter(|c| *c != "Success") {
        return Err(format!("role credentials answer has Code {code:?}"));
    }
    if rc.access_key_id.is_empty()
        || rc.access_key_secret.is_empty()
        || rc.security_token.is_empty()
    {
        return Err(
            "role credentials answer lacks AccessKeyId, AccessKeySecret or SecurityToken".into(),
        );
    }
    let creds =
        Credentials::with_security_token(rc.access_key_id, rc.access_key_secret, rc.security_token);
    match rc.expiration {
        Some(exp) => {
            let t = OffsetDateTime::parse(&exp, &Rfc3339)
                .map_err(|_| format!("role credentials have an unreadable Expiration {exp:?}"))?;
            Ok(creds.expiring_at(t))
        }
        None => Ok(creds),
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}
