//! The environment the default chain reads, injectable so tests never touch the process env.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use super::{BoxFuture, Credentials, CredentialsError, Lookup, ProvideCredentials};

pub(crate) const ENV_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub(crate) const ENV_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub(crate) const ENV_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// Environment variables and home directory, either the process's or given ones.
#[derive(Clone, Default)]
pub struct CredentialsEnv {
    /// `None`: read the process environment.
    vars: Option<HashMap<String, String>>,
    home: Option<PathBuf>,
}

impl CredentialsEnv {
    /// The process environment and `$HOME`.
    pub fn process() -> Self {
        CredentialsEnv::default()
    }

    /// Exactly these variables (nothing from the process); no home dir unless [`Self::home`] is set.
    pub fn from_vars<K, V, I>(vars: I) -> Self
    where
        K: Into<String>,
        V: Into<String>,
        I: IntoIterator<Item = (K, V)>,
    {
        CredentialsEnv {
            vars: Some(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            ),
            home: None,
        }
    }

    /// Overrides the home directory (where `.aliyun/` and `.alibabacloud/` are looked for).
    pub fn home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// A variable, `None` when unset or empty.
    pub fn var(&self, name: &str) -> Option<String> {
        let v = match &self.vars {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        v.filter(|s| !s.trim().is_empty())
    }

    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(h) = &self.home {
            return Some(h.clone());
        }
        match &self.vars {
            Some(_) => None,
            None => std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
        }
    }
}

impl fmt::Debug for CredentialsEnv {
    // Names only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("CredentialsEnv");
        match &self.vars {
            Some(map) => {
                let mut names: Vec<&String> = map.keys().collect();
                names.sort();
                d.field("vars", &names)
            }
            None => d.field("vars", &"process"),
        };
        d.field("home", &self.home).finish()
    }
}

/// `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / optional `ALIBABA_CLOUD_SECURITY_TOKEN`.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: CredentialsEnv,
}

impl EnvironmentProvider {
    pub fn new(env: CredentialsEnv) -> Self {
        EnvironmentProvider { env }
    }

    pub(crate) fn lookup(env: &CredentialsEnv) -> Result<Lookup, CredentialsError> {
        match (env.var(ENV_KEY_ID), env.var(ENV_KEY_SECRET)) {
            (Some(id), Some(secret)) => Ok(Lookup::Found(std::sync::Arc::new(
                match env.var(ENV_TOKEN) {
                    Some(token) => Credentials::with_security_token(id, secret, token),
                    None => Credentials::new(id, secret),
                },
            ))),
            (None, None) => Ok(Lookup::NotConfigured(format!(
                "environment ({ENV_KEY_ID} not set)"
            ))),
            (Some(_), None) => Err(CredentialsError::invalid(
                "environment",
                format!("{ENV_KEY_ID} is set but {ENV_KEY_SECRET} is not"),
            )),
            (None, Some(_)) => Err(CredentialsError::invalid(
                "environment",
                format!("{ENV_KEY_SECRET} is set but {ENV_KEY_ID} is not"),
            )),
        }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            match Self::lookup(&self.env)? {
                Lookup::Found(p) => p.provide_credentials().await,
                Lookup::NotConfigured(why) => Err(CredentialsError::NotFound { tried: vec![why] }),
            }
        })
    }
}
