//! Caches credentials and refreshes them shortly before they expire.

use std::sync::{Arc, RwLock};
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
    /// The keys in use. Every call reads them: a plain lock held only to clone an `Arc`, so
    /// that readers never wait on one another nor on a refresh in progress.
    current: RwLock<Option<Credentials>>,
    /// Held while the provider is asked, so that one refresh serves all the callers waiting.
    refreshing: tokio::sync::Mutex<()>,
}

impl CredentialsCache {
    pub fn new(provider: SharedCredentialsProvider) -> Self {
        CredentialsCache {
            provider,
            clock: Arc::new(SystemClock),
            refresh_before: Duration::from_secs(300),
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
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
        if let Some(c) = self.cached() {
            return Ok(c);
        }
        let _refreshing = self.refreshing.lock().await;
        // Another caller may have refreshed while this one waited.
        if let Some(c) = self.cached() {
            return Ok(c);
        }
        match self.provider.provide_credentials().await {
            Ok(fresh) => {
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
                Ok(fresh)
            }
            // A failed early refresh keeps using keys that are still valid.
            Err(e) => match self.current() {
                Some(c) if c.expiry().is_some_and(|exp| self.clock.now() < exp) => {
                    tracing::warn!(error = %e, "credentials refresh failed; using the cached keys until they expire");
                    Ok(c)
                }
                _ => Err(e),
            },
        }
    }

    /// The cached keys when they need no refresh, without waiting: what `get` returns on its fast
    /// path.
    pub fn cached(&self) -> Option<Credentials> {
        let c = self.current()?;
        // Long-lived keys never expire: no clock read.
        match c.expiry() {
            None => Some(c),
            Some(exp) if self.clock.now() + self.refresh_before < exp => Some(c),
            Some(_) => None,
        }
    }

    fn current(&self) -> Option<Credentials> {
        // A poisoned lock only means a thread panicked while replacing the keys; the slot is whole.
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
