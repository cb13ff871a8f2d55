//! Waiting for a resource to reach a state: poll a call until its output says done, with growing
//! delays between polls and an overall deadline.
//!
//! ```no_run
//! # async fn demo(client: &ecs_api::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use ecs_api::waiter::{Poll, WaitConfig, wait_until};
//!
//! let out = wait_until(
//!     WaitConfig::default().timeout(Duration::from_secs(300)),
//!     || client.describe_instances().set_instance_ids(["i-bp1example"]).send(),
//!     |out| match out.instances.first().and_then(|i| i.status.as_deref()) {
//!         Some("Running") => Poll::Ready,
//!         Some("Stopped") => Poll::Failed("the instance stopped".into()),
//!         _ => Poll::Pending,
//!     },
//! )
//! .await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::retry::{AsyncSleep, TokioSleep};

/// What an output says about the state waited for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// The state is reached.
    Ready,
    /// Not yet: poll again.
    Pending,
    /// The state can no longer be reached (a terminal state that is not the one waited for).
    Failed(String),
}

/// Delays and deadline of a wait.
#[derive(Clone)]
pub struct WaitConfig {
    initial_delay: Duration,
    max_delay: Duration,
    timeout: Duration,
    sleep: Arc<dyn AsyncSleep>,
}

impl fmt::Debug for WaitConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitConfig")
            .field("initial_delay", &self.initial_delay)
            .field("max_delay", &self.max_delay)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Default for WaitConfig {
    /// First delay 2 s, doubling to at most 30 s, for at most 10 minutes.
    fn default() -> Self {
        WaitConfig {
            initial_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            timeout: Duration::from_secs(600),
            sleep: Arc::new(TokioSleep),
        }
    }
}

impl WaitConfig {
    pub fn initial_delay(mut self, d: Duration) -> Self {
        self.initial_delay = d;
        self
    }
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }
    /// The overall deadline, counted from the first poll.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
    /// The sleep used between polls (tests inject one that returns at once).
    pub fn sleep_impl(mut self, sleep: Arc<dyn AsyncSleep>) -> Self {
        self.sleep = sleep;
        self
    }
}

/// Why a wait ended without the state.
#[derive(Debug)]
pub enum WaitError<E> {
    /// A poll failed (after the client's own retries).
    Call(E),
    /// The output said the state cannot be reached.
    Failed { reason: String, polls: u32 },
    /// The deadline passed.
    Timeout { after: Duration, polls: u32 },
}

impl<E: fmt::Display> fmt::Display for WaitError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Call(e) => write!(f, "waiting failed: {e}"),
            WaitError::Failed { reason, polls } => {
                write!(
                    f,
                    "the state cannot be reached after {polls} polls: {reason}"
                )
            }
            WaitError::Timeout { after, polls } => {
                write!(
                    f,
                    "the state was not reached within {after:?} ({polls} polls)"
                )
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for WaitError<E> {}

/// Polls `call` until `check` says [`Poll::Ready`] (returning that output), the output says
/// [`Poll::Failed`], a call fails, or the deadline passes. The delay doubles from the initial
/// delay up to the maximum, and never sleeps past the deadline.
pub async fn wait_until<T, E, F, Fut, C>(
    config: WaitConfig,
    mut call: F,
    mut check: C,
) -> Result<T, WaitError<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    C: FnMut(&T) -> Poll,
{
    let started = Instant::now();
    let mut delay = config.initial_delay;
    let mut polls = 0u32;
    loop {
        polls += 1;
        let out = call().await.map_err(WaitError::Call)?;
        match check(&out) {
            Poll::Ready => return Ok(out),
            Poll::Failed(reason) => return Err(WaitError::Failed { reason, polls }),
            Poll::Pending => {}
        }
        let left = config.timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(WaitError::Timeout {
                after: config.timeout,
                polls,
            });
        }
        config.sleep.sleep(delay.min(left)).await;
        delay = (delay * 2).min(config.max_delay);
        if started.elapsed() >= config.timeout {
            return Err(WaitError::Timeout {
                after: config.timeout,
                polls,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::credentials::BoxFuture;

    /// Records the delays asked for and advances a fake clock by nothing.
    #[derive(Debug, Default)]
    struct Recorded(Mutex<Vec<Duration>>);

    impl AsyncSleep for Recorded {
        fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
            self.0.lock().unwrap().push(d);
            Box::pin(async {})
        }
    }

    fn config(sleep: Arc<Recorded>) -> WaitConfig {
        WaitConfig::default()
            .initial_delay(Duration::from_secs(1))
            .max_delay(Duration::from_secs(3))
            .sleep_impl(sleep)
    }

    #[tokio::test]
    async fn polls_until_ready_with_growing_capped_delays() {
        let sleep = Arc::new(Recorded::default());
        let mut n = 0;
        let out = wait_until(
            config(sleep.clone()),
            || {
                n += 1;
                let v = n;
                async move { Ok::<_, String>(v) }
            },
            |v| if *v == 4 { Poll::Ready } else { Poll::Pending },
        )
        .await
        .unwrap();
        assert_eq!(out, 4);
        let secs: Vec<u64> = sleep
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|d| d.as_secs())
            .collect();
        assert_eq!(secs, [1, 2, 3]);
    }

    #[tokio::test]
    async fn a_failed_state_or_call_ends_the_wait() {
        let sleep = Arc::new(Recorded::default());
        let err = wait_until(
            config(sleep.clone()),
            || async { Ok::<_, String>("Stopped") },
            |s| Poll::Failed(format!("instance is {s}")),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, WaitError::Failed { polls: 1, .. }), "{err}");
        let err = wait_until(
            config(sleep),
            || async { Err::<u8, _>("boom".to_string()) },
            |_| Poll::Ready,
        )
        .await
        .unwrap_err();
        assert_eq!(err.to_string(), "waiting failed: boom");
    }

    #[tokio::test]
    async fn the_deadline_ends_the_wait() {
        let err = wait_until(
            WaitConfig::default()
                .initial_delay(Duration::from_millis(5))
                .timeout(Duration::from_millis(30)),
            || async { Ok::<_, String>(()) },
            |_| Poll::Pending,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, WaitError::Timeout { .. }), "{err}");
    }
}
