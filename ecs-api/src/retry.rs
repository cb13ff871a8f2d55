//! Retry policy: how many attempts, how long to wait between them, and the injectable sleep.

use std::fmt;
use std::time::Duration;

use crate::credentials::BoxFuture;

/// Waits; injectable so retry tests run instantly and can see the delays asked for.
pub trait AsyncSleep: Send + Sync + fmt::Debug {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl AsyncSleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Standard policy: up to `max_attempts` attempts (3 by default; 1 means no retry), exponential
/// backoff with full jitter (a random wait in `0..=min(max_backoff, initial_backoff * 2^n)`), and the
/// server's `x-acs-retry-after` taking precedence when sent, up to `max_retry_after` (20 s by
/// default, so that a bogus header cannot stall a call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(20),
        }
    }

    /// One attempt, no retry.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Total attempts including the first; 0 is taken as 1.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Longest wait honoured when the service sends `x-acs-retry-after`; a longer one is cut to it.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait after failed attempt number `attempt` (1-based).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(d) = retry_after {
            return d.min(self.max_retry_after);
        }
        let exp = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        ceiling.mul_f64(random_unit())
    }
}

/// A uniform random number in `[0, 1]`, from the same source as UUIDs (no extra dependency).
fn random_unit() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u64_pair().0 >> 11;
    bits as f64 / ((1u64 << 53) - 1) as f64
}

/// Parses `x-acs-retry-after` (milliseconds).
pub(crate) fn parse_retry_after(v: &str) -> Option<Duration> {
    v.trim().parse::<u64>().ok().map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_and_retry_after_wins() {
        let r = RetryConfig::standard()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(250));
        for attempt in 1..40 {
            assert!(r.delay(attempt, None) <= Duration::from_millis(250));
        }
        assert!(r.delay(1, None) <= Duration::from_millis(100));
        assert_eq!(
            r.delay(1, Some(Duration::from_millis(1500))),
            Duration::from_millis(1500)
        );
        assert_eq!(
            RetryConfig::standard().delay(1, parse_retry_after("99999999")),
            Duration::from_secs(20)
        );
        assert_eq!(
            RetryConfig::standard()
                .max_retry_after(Duration::from_secs(2))
                .delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(2)
        );
        assert_eq!(
            parse_retry_after(" 1500 "),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(
            RetryConfig::standard().max_attempts(0).get_max_attempts(),
            1
        );
    }
}
