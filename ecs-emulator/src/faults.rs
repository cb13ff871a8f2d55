//! Scripted and random faults, and the rate limiter.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;

/// Something going wrong with one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Fault {
    /// Waits this long, then handles the request normally.
    Latency(Duration),
    /// `InternalError` (HTTP 500) before any effect.
    InternalError,
    /// `ServiceUnavailable` (HTTP 503) before any effect.
    ServiceUnavailable,
    /// `Throttling` (HTTP 400) with `x-acs-retry-after` in milliseconds, before any effect.
    Throttling { retry_after: Duration },
    /// Closes the connection without an answer, before any effect.
    ConnectionReset,
    /// Applies the request (the group is created), then closes the connection without an answer.
    LostResponse,
    /// Applies the request, then waits this long before answering (past the client's timeout).
    SlowResponse(Duration),
}

#[derive(Debug, Clone)]
struct Scripted {
    action: Option<String>,
    remaining: u32,
    fault: Fault,
}

#[derive(Debug, Clone)]
struct Rated {
    action: Option<String>,
    rate: f64,
    fault: Fault,
}

/// Which faults the next requests get: scripted ones first (in the order added), then by rate.
#[derive(Debug)]
pub struct FaultPlan {
    scripted: VecDeque<Scripted>,
    rated: Vec<Rated>,
    rng: u64,
}

impl Default for FaultPlan {
    fn default() -> Self {
        FaultPlan::with_seed(0x0005_EED0_FEC5)
    }
}

impl FaultPlan {
    /// A fixed seed makes rate-based faults reproducible.
    pub fn with_seed(seed: u64) -> Self {
        FaultPlan {
            scripted: VecDeque::new(),
            rated: Vec::new(),
            rng: seed | 1,
        }
    }

    pub fn next(&mut self, action: Option<&str>, n: u32, fault: Fault) {
        if n > 0 {
            self.scripted.push_back(Scripted {
                action: action.map(str::to_owned),
                remaining: n,
                fault,
            });
        }
    }

    /// `rate` in 0..=1 of matching requests get `fault`.
    pub fn rate(&mut self, action: Option<&str>, rate: f64, fault: Fault) {
        self.rated.push(Rated {
            action: action.map(str::to_owned),
            rate: rate.clamp(0.0, 1.0),
            fault,
        });
    }

    pub fn clear(&mut self) {
        self.scripted.clear();
        self.rated.clear();
    }

    /// The fault for a request to `action`, consuming one scripted use.
    pub fn pick(&mut self, action: Option<&str>) -> Option<Fault> {
        let matches = |a: &Option<String>| a.is_none() || a.as_deref() == action;
        if let Some(i) = self.scripted.iter().position(|s| matches(&s.action)) {
            let s = &mut self.scripted[i];
            s.remaining -= 1;
            let fault = s.fault.clone();
            if s.remaining == 0 {
                self.scripted.remove(i);
            }
            return Some(fault);
        }
        for i in 0..self.rated.len() {
            if matches(&self.rated[i].action) {
                let roll = self.next_f64();
                if roll < self.rated[i].rate {
                    return Some(self.rated[i].fault.clone());
                }
            }
        }
        None
    }

    /// xorshift64*: enough randomness for fault rates without a dependency.
    fn next_f64(&mut self) -> f64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let v = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (v >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A token bucket: `per_second` requests on average, bursts up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

impl RateLimit {
    pub fn per_second(n: f64) -> Self {
        RateLimit {
            per_second: n,
            burst: n.ceil().max(1.0) as u32,
        }
    }
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }
}

#[derive(Debug)]
pub(crate) struct Bucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Bucket {
            limit,
            tokens: f64::from(limit.burst),
            last: Instant::now(),
        }
    }

    /// Takes a token, or says how long until one is available.
    pub(crate) fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        let rate = self.limit.per_second.max(f64::MIN_POSITIVE);
        self.tokens = (self.tokens + elapsed * rate).min(f64::from(self.limit.burst));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - self.tokens) / rate).min(3600.0);
            Err(Duration::from_secs_f64(wait).max(Duration::from_millis(1)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_then_rated() {
        let mut p = FaultPlan::default();
        p.next(Some("A"), 2, Fault::InternalError);
        assert_eq!(p.pick(Some("B")), None);
        assert_eq!(p.pick(Some("A")), Some(Fault::InternalError));
        assert_eq!(p.pick(Some("A")), Some(Fault::InternalError));
        assert_eq!(p.pick(Some("A")), None);
        p.rate(None, 0.5, Fault::ServiceUnavailable);
        let hits = (0..1000).filter(|_| p.pick(Some("A")).is_some()).count();
        assert!((350..650).contains(&hits), "{hits}");
    }

    #[test]
    fn bucket_refuses_past_burst() {
        let mut b = Bucket::new(RateLimit::per_second(2.0));
        let now = Instant::now();
        assert!(b.take(now).is_ok());
        assert!(b.take(now).is_ok());
        let wait = b.take(now).unwrap_err();
        assert!(wait <= Duration::from_millis(500) && wait > Duration::ZERO);
        assert!(b.take(now + Duration::from_millis(600)).is_ok());
    }
}
