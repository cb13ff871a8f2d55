//! The default chain: environment → aliyun CLI config → INI file → ECS RAM role.

use super::env::EnvironmentProvider;
use super::imds::{ENV_METADATA_DISABLED, EcsRamRoleProvider};
use super::profile::{CliConfigProvider, IniFileProvider};
use super::{BoxFuture, Credentials, CredentialsEnv, CredentialsError, Lookup, ProvideCredentials};

/// Tries each source in order and returns the first credentials found; when none has any, the error
/// lists every source and why it had none. A source that is configured but broken stops the chain
/// with its own error (silently skipping it would use keys the user did not mean).
#[derive(Debug, Clone, Default)]
pub struct DefaultCredentialsChain {
    env: CredentialsEnv,
    metadata: Option<EcsRamRoleProvider>,
}

impl DefaultCredentialsChain {
    pub fn new(env: CredentialsEnv) -> Self {
        DefaultCredentialsChain {
            env,
            metadata: None,
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

    pub async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut tried = vec!["explicit keys (none given)".to_owned()];
        type LookupFn = fn(&CredentialsEnv) -> Result<Lookup, CredentialsError>;
        let sources: [LookupFn; 3] = [
            EnvironmentProvider::lookup,
            CliConfigProvider::lookup,
            IniFileProvider::lookup,
        ];
        for lookup in sources {
            match lookup(&self.env)? {
                Lookup::Found(c) => return Ok(c),
                Lookup::NotConfigured(why) => tried.push(why),
            }
        }
        if self
            .env
            .var(ENV_METADATA_DISABLED)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            tried.push(format!(
                "ECS RAM role (disabled by {ENV_METADATA_DISABLED})"
            ));
            return Err(CredentialsError::NotFound { tried });
        }
        let imds = self
            .metadata
            .clone()
            .unwrap_or_else(|| EcsRamRoleProvider::from_env(&self.env));
        match imds.fetch().await {
            Ok(c) => Ok(c),
            Err(e) => {
                tried.push(format!("ECS RAM role ({e})"));
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
