//! Access keys: the [`Credentials`] value, the [`ProvideCredentials`] trait, the default chain and a
//! refreshing cache.
//!
//! Default chain, in the official credentials library's order (the first configured source wins):
//! environment → OIDC role (RRSA) → aliyun CLI `~/.aliyun/config.json` → INI credentials file →
//! ECS RAM role from the instance metadata service → credentials URI. Keys given explicitly to
//! [`crate::Config`] bypass the chain. Role sources call STS ([`StsConfig`]).

mod cache;
mod chain;
mod env;
mod http;
mod imds;
mod profile;
mod roles;
mod sts;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use hmac::Hmac;
use hmac::digest::KeyInit;
use sha1::Sha1;
use sha2::Sha256;
use time::OffsetDateTime;

pub use cache::CredentialsCache;
pub use chain::DefaultCredentialsChain;
pub use env::{CredentialsEnv, EnvironmentProvider};
pub use http::MAX_CREDENTIALS_FILE_BYTES;
pub use imds::{DEFAULT_METADATA_ENDPOINT, EcsRamRoleProvider};
pub use profile::{CliConfigProvider, IniFileProvider, cli_profile_region};
pub use roles::{CredentialsUriProvider, OidcRoleArnProvider, RamRoleArnProvider};
pub use sts::{ENV_STS_ENDPOINT, StsConfig};

/// A boxed, `Send` future (the trait below must be object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An access key pair, optionally with an STS token and an expiry.
///
/// Cheap to clone. The HMAC key states for both signature versions are computed once here, so
/// signing a request never re-derives them.
#[derive(Clone)]
pub struct Credentials(Arc<Inner>);

struct Inner {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiry: Option<OffsetDateTime>,
    v2_key: Hmac<Sha1>,
    v3_key: Hmac<Sha256>,
}

impl Credentials {
    /// Long-lived access keys.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self::from_parts(access_key_id.into(), access_key_secret.into(), None, None)
    }

    /// Temporary STS keys: the token travels as `SecurityToken` (V2) or `x-acs-security-token` (V3).
    pub fn with_security_token(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self::from_parts(
            access_key_id.into(),
            access_key_secret.into(),
            Some(security_token.into()),
            None,
        )
    }

    /// The same keys, valid until `expiry` (the cache refreshes before then).
    pub fn expiring_at(self, expiry: OffsetDateTime) -> Self {
        let i = &self.0;
        Self::from_parts(
            i.access_key_id.clone(),
            i.access_key_secret.clone(),
            i.security_token.clone(),
            Some(expiry),
        )
    }

    fn from_parts(
        access_key_id: String,
        access_key_secret: String,
        security_token: Option<String>,
        expiry: Option<OffsetDateTime>,
    ) -> Self {
        let mut v2_secret = String::with_capacity(access_key_secret.len() + 1);
        v2_secret.push_str(&access_key_secret);
        v2_secret.push('&');
        // HMAC takes keys of any length, so these never fall back; the fallback only avoids a panic path.
        let v2_key = <Hmac<Sha1> as KeyInit>::new_from_slice(v2_secret.as_bytes())
            .unwrap_or_else(|_| <Hmac<Sha1> as KeyInit>::new(&Default::default()));
        let v3_key = <Hmac<Sha256> as KeyInit>::new_from_slice(access_key_secret.as_bytes())
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        Credentials(Arc::new(Inner {
            access_key_id,
            access_key_secret,
            security_token,
            expiry,
            v2_key,
            v3_key,
        }))
    }

    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }
    pub fn access_key_secret(&self) -> &str {
        &self.0.access_key_secret
    }
    pub fn security_token(&self) -> Option<&str> {
        self.0.security_token.as_deref()
    }
    pub fn expiry(&self) -> Option<OffsetDateTime> {
        self.0.expiry
    }

    pub(crate) fn v2_key(&self) -> &Hmac<Sha1> {
        &self.0.v2_key
    }
    pub(crate) fn v3_key(&self) -> &Hmac<Sha256> {
        &self.0.v3_key
    }
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        a.access_key_id == b.access_key_id
            && a.access_key_secret == b.access_key_secret
            && a.security_token == b.security_token
            && a.expiry == b.expiry
    }
}
impl Eq for Credentials {}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.0.access_key_id)
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.0.security_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.0.expiry)
            .finish()
    }
}

/// Why no credentials could be had. Never contains a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No source of the chain had credentials; each entry says which source and why not.
    NotFound { tried: Vec<String> },
    /// A source is configured but unusable (e.g. a malformed file, a half-set environment).
    InvalidConfig {
        source_name: String,
        message: String,
    },
    /// A source failed while fetching (e.g. the metadata service answered an error).
    Provider {
        source_name: String,
        message: String,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl CredentialsError {
    pub(crate) fn invalid(source_name: impl Into<String>, message: impl Into<String>) -> Self {
        CredentialsError::InvalidConfig {
            source_name: source_name.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotFound { tried } => {
                write!(f, "no credentials found; tried: {}", tried.join("; "))
            }
            CredentialsError::InvalidConfig {
                source_name,
                message,
            } => write!(
                f,
                "invalid credentials configuration in {source_name}: {message}"
            ),
            CredentialsError::Provider {
                source_name,
                message,
                ..
            } => write!(f, "credentials provider {source_name} failed: {message}"),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Provider {
                source: Some(s), ..
            } => Some(s.as_ref()),
            _ => None,
        }
    }
}

/// A source of credentials; implement it to plug your own. Wrapped in a [`CredentialsCache`] by the
/// client, so it is asked again only when the last answer is about to expire.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

/// A shared provider.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let c = self.clone();
        Box::pin(async move { Ok(c) })
    }
}

/// What one source of the chain found.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Configured here; asking the provider may still fail (and then stops the chain).
    Found(SharedCredentialsProvider),
    /// Not configured here; the reason is shown when the whole chain comes up empty.
    NotConfigured(String),
}
