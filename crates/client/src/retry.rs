//! When to try a failed attempt again, and how long to wait first.
//!
//! The rules, in one place:
//! - 429: retried for any request, since the server refused it without acting on it;
//!   `Retry-After` sets the delay, and one longer than `max_retry_after` ends the call.
//! - 5xx, timeouts and broken connections: retried for safe requests only.
//! - A connection that could not be opened: retried for any request (nothing was sent).
//! - Any other status: never retried (401 is handled before this, by a token refresh).
//!
//! Every retry spends one unit of the budget (`max_retries`); without `Retry-After` the delay
//! is exponential backoff with jitter.

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::Idempotency;
use crate::answer::Failure;

/// The retry settings of a client.
#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    /// Retries allowed after the first attempt.
    pub(crate) max_retries: u32,
    /// The first backoff delay, doubled on each further retry.
    pub(crate) base_delay: Duration,
    /// The longest backoff delay.
    pub(crate) max_delay: Duration,
    /// The longest `Retry-After` worth waiting for.
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // Five attempts spread over about 3 s (0.2 + 0.4 + 0.8 + 1.6 s before jitter) ride out
        // a server restart or a short database lock without holding a caller for long; a
        // `Retry-After` of over a minute is a maintenance window, better left to the caller.
        Self {
            max_retries: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// How long to wait before retrying after `failure`, given `retries` made so far, or
    /// `None` when the failure is final.
    pub(crate) fn delay(
        &self,
        failure: &Failure,
        idempotency: Idempotency,
        retries: u32,
    ) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        let safe = idempotency == Idempotency::Safe;
        match failure {
            Failure::Answer(answer) if answer.status == StatusCode::TOO_MANY_REQUESTS => {
                match retry_after(&answer.headers) {
                    Some(wait) if wait > self.max_retry_after => None,
                    Some(wait) => Some(wait),
                    None => Some(self.backoff(retries)),
                }
            }
            Failure::Answer(answer) if answer.status.is_server_error() && safe => Some(
                retry_after(&answer.headers)
                    .filter(|wait| *wait <= self.max_retry_after)
                    .unwrap_or_else(|| self.backoff(retries)),
            ),
            Failure::Answer(_) => None,
            Failure::Transport { unsent, .. } if safe || *unsent => Some(self.backoff(retries)),
            Failure::Transport { .. } => None,
        }
    }

    /// Exponential backoff with jitter: between half and all of `base * 2^retries`, capped,
    /// so that clients that failed together do not retry together.
    pub(crate) fn backoff(&self, retries: u32) -> Duration {
        let full = self
            .base_delay
            .saturating_mul(1u32 << retries.min(16))
            .min(self.max_delay);
        let half = full / 2;
        half + full
            .saturating_sub(half)
            .mul_f64(rand::rng().random::<f64>())
    }
}

/// `Retry-After` as seconds (fractions allowed) or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use reqwest::header::HeaderValue;

    use super::*;
    use crate::answer::Answer;
    use crate::{Error, ErrorKind};

    fn answer(status: u16, retry_after: Option<&str>) -> Failure {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        }
        Failure::Answer(Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: Bytes::new(),
        })
    }

    fn transport(unsent: bool) -> Failure {
        Failure::Transport {
            error: Error::new(ErrorKind::Transport, "reset"),
            unsent,
        }
    }

    const SAFE: Idempotency = Idempotency::Safe;
    const UNSAFE: Idempotency = Idempotency::Unsafe;

    #[test]
    fn the_decision_table() {
        let policy = RetryPolicy::default();
        let retried = |f: &Failure, i| policy.delay(f, i, 0).is_some();
        assert!(retried(&answer(429, None), SAFE) && retried(&answer(429, None), UNSAFE));
        assert!(retried(&answer(503, None), SAFE) && !retried(&answer(503, None), UNSAFE));
        assert!(retried(&transport(false), SAFE) && !retried(&transport(false), UNSAFE));
        assert!(retried(&transport(true), SAFE) && retried(&transport(true), UNSAFE));
        for status in [400, 401, 403, 404, 409, 413, 422] {
            assert!(!retried(&answer(status, None), SAFE), "{status}");
        }
        assert_eq!(
            policy.delay(&answer(503, None), SAFE, 4),
            None,
            "budget spent"
        );
    }

    #[test]
    fn retry_after_sets_the_delay_within_the_limit() {
        let policy = RetryPolicy::default();
        let delay = |f: &Failure| policy.delay(f, SAFE, 0);
        assert_eq!(delay(&answer(429, Some("3"))), Some(Duration::from_secs(3)));
        assert_eq!(
            delay(&answer(429, Some("0.25"))),
            Some(Duration::from_millis(250))
        );
        assert_eq!(delay(&answer(503, Some("2"))), Some(Duration::from_secs(2)));
        assert_eq!(
            delay(&answer(429, Some("61"))),
            None,
            "longer than max_retry_after"
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
        let wait = delay(&answer(429, Some(&soon))).unwrap();
        assert!(
            wait > Duration::from_secs(3) && wait <= Duration::from_secs(5),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(5));
        assert_eq!(delay(&answer(429, Some(&past))), Some(Duration::ZERO));
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy::default();
        for retries in 0..8 {
            let full =
                (Duration::from_millis(200) * 2u32.pow(retries)).min(Duration::from_secs(10));
            let wait = policy.backoff(retries);
            assert!(
                wait >= full / 2 && wait <= full,
                "retry {retries}: {wait:?}"
            );
        }
    }
}
