//! The default chain, in the official credentials library's order: environment → OIDC role →
//! aliyun CLI config → credentials file → ECS RAM role → credentials URI.

use std::sync::{Arc, Mutex};

use super::env::EnvironmentProvider;
use super::imds::{ENV_METADATA_DISABLED, EcsRamRoleProvider};
use super::profile::{CliConfigProvider, IniFileProvider};
use super::roles::{CredentialsUriProvider, ENV_CREDENTIALS_URI, OidcRoleArnProvider};
use super::sts::StsConfig;
use super::{
    BoxFuture, Credentials, CredentialsEnv, CredentialsError, Lookup, ProvideCredentials,
    SharedCredentialsProvider,
};

/// Tries each source in order and uses the first that is configured; when none is, the error lists
/// every source and why it had none. A source that is configured but broken (a half-set
/// environment, an unreadable file, an unsupported profile mode, STS refusing the role) stops the
/// chain with its own error: silently skipping it would use keys the user did not mean. Once a
/// source has answered, later refreshes ask it again directly.
#[derive(Debug, Clone, Default)]
pub struct DefaultCredentialsChain {
    env: CredentialsEnv,
    metadata: Option<EcsRamRoleProvider>,
    sts: Option<StsConfig>,
    chosen: Arc<Mutex<Option<SharedCredentialsProvider>>>,
}

impl DefaultCredentialsChain {
    pub fn new(env: CredentialsEnv) -> Self {
        DefaultCredentialsChain {
            env,
            ..Default::default()
        }
    }

    /// Overrides the metadata service base URL (default `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT`, else
    /// `http://100.100.100.200`).
    pub fn metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        let mut p = EcsRamRoleProvider::new(endpoint);
        if let Some(r) = self.env.var("ALIBABA_CLOUD_ECS_METADATA") {
            p = p.role_name(r);
        }
        self.metadata = Some(p);
        self
    }

    /// Where role sources call STS (default: [`StsConfig::from_env`] of the chain's environment;
    /// [`crate::Config`] passes its HTTP client, timeouts and retry policy).
    pub fn sts(mut self, sts: StsConfig) -> Self {
        self.sts = Some(sts);
        self
    }

    pub async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let remembered = self.chosen.lock().ok().and_then(|c| c.clone());
        if let Some(p) = remembered {
            return p.provide_credentials().await;
        }
        let (provider, fetched) = self.find().await?;
        let creds = match fetched {
            Some(c) => c,
            None => provider.provide_credentials().await?,
        };
        if let Ok(mut c) = self.chosen.lock() {
            *c = Some(provider);
        }
        Ok(creds)
    }

    /// The first configured source, with its credentials when finding it meant fetching them.
    async fn find(
        &self,
    ) -> Result<(SharedCredentialsProvider, Option<Credentials>), CredentialsError> {
        let env = self.env.clone();
        let sts = self
            .sts
            .clone()
            .unwrap_or_else(|| StsConfig::from_env(&self.env));
        // Files are read on the blocking pool: the runtime never waits on a disk (or a FIFO).
        let found = blocking(move || {
            let mut tried = vec!["explicit keys (none given)".to_owned()];
            type LookupFn = fn(&CredentialsEnv, &StsConfig) -> Result<Lookup, CredentialsError>;
            let sources: [LookupFn; 4] = [
                |env, _| EnvironmentProvider::lookup(env),
                OidcRoleArnProvider::lookup,
                CliConfigProvider::lookup,
                IniFileProvider::lookup,
            ];
            for lookup in sources {
                match lookup(&env, &sts)? {
                    Lookup::Found(p) => return Ok(Ok(p)),
                    Lookup::NotConfigured(why) => tried.push(why),
                }
            }
            Ok(Err(tried))
        })
        .await?;
        let mut tried = match found {
            Ok(p) => return Ok((p, None)),
            Err(tried) => tried,
        };
        let uri = self.env.var(ENV_CREDENTIALS_URI);
        let metadata_disabled = self
            .env
            .var(ENV_METADATA_DISABLED)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if !metadata_disabled {
            let imds = self
                .metadata
                .clone()
                .unwrap_or_else(|| EcsRamRoleProvider::from_env(&self.env));
            // Tried unasked: off ECS its failure means "not configured here".
            match imds.fetch().await {
                Ok(c) => return Ok((Arc::new(imds), Some(c))),
                Err(e) => tried.push(format!("ECS RAM role ({e})")),
            }
        } else {
            tried.push(format!(
                "ECS RAM role (disabled by {ENV_METADATA_DISABLED})"
            ));
        }
        match uri {
            Some(uri) => Ok((Arc::new(CredentialsUriProvider::new(uri)), None)),
            None => {
                tried.push(format!("credentials URI ({ENV_CREDENTIALS_URI} not set)"));
                Err(CredentialsError::NotFound { tried })
            }
        }
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.resolve())
    }
}

/// Runs `f` on tokio's blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CredentialsError> + Send + 'static,
) -> Result<T, CredentialsError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CredentialsError::Provider {
            source_name: "credentials chain".into(),
            message: format!("file lookup task failed: {e}"),
            source: None,
        })?
}
