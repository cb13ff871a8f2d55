//! Caches credentials and refreshes them shortly before they expire.

use std::sync::Arc;
use std::time::Duration;

use super::{Credentials, CredentialsError, SharedCredentialsProvider};
use crate::signer::{Clock, SystemClock};

/// Asks the provider once, then again only when the cached keys expire within `refresh_before`
/// (5 minutes by default). Concurrent callers wait for one refresh instead of each starting one.
#[derive(Debug)]
pub struct CredentialsCache {
    provider: SharedCredentialsProvider,
    clock: Arc<dyn Clock>,
    refresh_before: Duration,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl CredentialsCache {
    pub fn new(provider: SharedCredentialsProvider) -> Self {
        CredentialsCache {
            provider,
            clock: Arc::new(SystemClock),
            refresh_before: Duration::from_secs(300),
            cached: tokio::sync::Mutex::new(None),
        }
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn refresh_before(mut self, d: Duration) -> Self {
        self.refresh_before = d;
        self
    }

    pub async fn get(&self) -> Result<Credentials, CredentialsError> {
        let mut cached = self.cached.lock().await;
        let now = self.clock.now();
        if let Some(c) = cached.as_ref() {
            match c.expiry() {
                None => return Ok(c.clone()),
                Some(exp) if now + self.refresh_before < exp => return Ok(c.clone()),
                _ => {}
            }
        }
        match self.provider.provide_credentials().await {
            Ok(fresh) => {
                *cached = Some(fresh.clone());
                Ok(fresh)
            }
            // A failed early refresh keeps using keys that are still valid.
            Err(e) => match cached.as_ref() {
                Some(c) if c.expiry().is_some_and(|exp| now < exp) => {
                    tracing::warn!(error = %e, "credentials refresh failed; using the cached keys until they expire");
                    Ok(c.clone())
                }
                _ => Err(e),
            },
        }
    }
}
