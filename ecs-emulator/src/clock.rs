//! The world's clock and how long things take. Resources progress lazily against this clock (no
//! background task): a snapshot's `Progress` and an instance's transitional state are worked out
//! when read. Tests can freeze the clock or move it forward; request signing keeps real time.

use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How long the emulated service takes; `Duration::ZERO` makes a change instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// A snapshot (alone or in a snapshot group) goes `progressing` → `accomplished` over this.
    pub snapshot: Duration,
    /// `Starting`/`Stopping` last this long before `Running`/`Stopped`.
    pub instance_transition: Duration,
}

impl Default for Timings {
    /// Short enough for tests that wait, long enough that the transitional states can be seen.
    fn default() -> Self {
        Timings {
            snapshot: Duration::from_millis(1500),
            instance_transition: Duration::from_millis(1000),
        }
    }
}

impl Timings {
    /// Everything completes at once.
    pub fn instant() -> Self {
        Timings {
            snapshot: Duration::ZERO,
            instance_transition: Duration::ZERO,
        }
    }
}

/// Real time, shifted by what tests advanced it, or frozen at an instant.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    frozen: Option<OffsetDateTime>,
    /// Signed: resuming after a freeze pulls it back by the time spent frozen.
    offset: time::Duration,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        self.frozen.unwrap_or_else(OffsetDateTime::now_utc) + self.offset
    }
    /// Stops the clock at the current instant (until [`Clock::resume`]).
    pub fn freeze(&mut self) {
        if self.frozen.is_none() {
            self.frozen = Some(self.now() - self.offset);
        }
    }
    /// Lets the clock run again from where it stands (advances are kept).
    pub fn resume(&mut self) {
        if let Some(at) = self.frozen.take() {
            // Time spent frozen does not count.
            self.offset -= OffsetDateTime::now_utc() - at;
        }
    }
    pub fn advance(&mut self, by: Duration) {
        self.offset += by;
    }
}

/// `YYYY-MM-DDThh:mm:ssZ`, as responses show times.
pub(crate) fn show(t: OffsetDateTime) -> String {
    ecs_api::signer::format_timestamp(t)
}

/// RFC 3339 with fractions, as the world file and the state dump hold times.
pub(crate) fn stamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| show(t))
}

pub(crate) fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Whole percent done of a change from `start` to `end` at `now`.
pub(crate) fn percent(start: OffsetDateTime, end: OffsetDateTime, now: OffsetDateTime) -> u8 {
    if now >= end {
        return 100;
    }
    let total = (end - start).as_seconds_f64();
    let done = (now - start).as_seconds_f64();
    if total <= 0.0 {
        100
    } else {
        ((done / total) * 100.0).clamp(0.0, 99.0) as u8
    }
}
