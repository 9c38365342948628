//! The token cache: one bearer token shared by every clone of a client.
//!
//! Reads take a short `std` lock that is never held across an `.await`, so the common case
//! (a valid token is cached) costs no queueing. Exchanges go through an async gate so that
//! however many callers find the token missing or stale at once, one exchange runs and the
//! others wait for it, and share its failure too: a bad key met by a thousand concurrent
//! callers costs one refused exchange, not a thousand.

use std::future::Future;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use guildhall_wire::auth::TokenResponse;
use tokio::time::Instant;

use crate::{Error, Result};

/// The cached token and the exchange gate.
pub(crate) struct TokenCache {
    current: RwLock<Option<CachedToken>>,
    /// Held while an exchange runs; remembers how the last one failed, if it did.
    gate: tokio::sync::Mutex<Option<Error>>,
    /// Counts finished exchanges, so a caller that queued behind one can tell it finished.
    exchanges: AtomicU64,
    /// How long before expiry a token is replaced.
    margin: Duration,
}

struct CachedToken {
    token: String,
    refresh_at: Instant,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("token", &"<redacted>")
            .field("exchanges", &self.exchanges.load(Ordering::Relaxed))
            .finish()
    }
}

impl TokenCache {
    pub(crate) fn new(margin: Duration) -> Self {
        Self {
            current: RwLock::new(None),
            gate: tokio::sync::Mutex::new(None),
            exchanges: AtomicU64::new(0),
            margin,
        }
    }

    /// The cached token, or the result of `exchange` when none is cached or it is about to
    /// expire. `exchange` is only awaited by the one caller that runs the exchange.
    pub(crate) async fn get<F>(&self, exchange: F) -> Result<String>
    where
        F: Future<Output = Result<TokenResponse>>,
    {
        if let Some(token) = self.valid() {
            return Ok(token);
        }
        let seen = self.exchanges.load(Ordering::Acquire);
        let mut last_failure = self.gate.lock().await;
        // Someone else may have exchanged while this caller queued.
        if let Some(token) = self.valid() {
            return Ok(token);
        }
        if self.exchanges.load(Ordering::Acquire) != seen
            && let Some(failure) = last_failure.as_ref()
        {
            return Err(failure.replay());
        }
        let result = exchange.await;
        self.exchanges.fetch_add(1, Ordering::Release);
        match result {
            Ok(fresh) => {
                *last_failure = None;
                Ok(self.store(fresh))
            }
            Err(e) => {
                *last_failure = Some(e.replay());
                Err(e)
            }
        }
    }

    /// Forgets `stale` after the server refused it, unless another caller already replaced it.
    pub(crate) fn forget(&self, stale: &str) {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if current.as_ref().is_some_and(|t| t.token == stale) {
            *current = None;
        }
    }

    fn valid(&self) -> Option<String> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        current
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .map(|t| t.token.clone())
    }

    fn store(&self, fresh: TokenResponse) -> String {
        let lifetime = Duration::from_secs(fresh.expires_in);
        // Refresh `margin` early, but never sooner than half the lifetime, so a short token
        // lifetime does not make every call exchange the key again.
        let early = self.margin.min(lifetime / 2);
        let token = fresh.token;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(CachedToken {
            token: token.clone(),
            refresh_at: Instant::now() + lifetime - early,
        });
        token
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;

    use super::*;
    use crate::ErrorKind;

    /// An exchange that takes a second and counts itself; `fail` makes it refuse the key.
    async fn exchange(count: &AtomicU32, fail: bool) -> Result<TokenResponse> {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_secs(1)).await;
        if fail {
            return Err(Error::from_status(401, "the API key is not valid".into()));
        }
        Ok(TokenResponse {
            token: format!("t{n}"),
            expires_in: 3600,
            scopes: Vec::new(),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_are_replaced_a_margin_before_they_expire() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let count = AtomicU32::new(0);
        assert_eq!(cache.get(exchange(&count, false)).await.unwrap(), "t1");
        tokio::time::advance(Duration::from_secs(3539)).await;
        assert_eq!(cache.get(exchange(&count, false)).await.unwrap(), "t1");
        tokio::time::advance(Duration::from_secs(2)).await; // 60 s before expiry
        assert_eq!(cache.get(exchange(&count, false)).await.unwrap(), "t2");
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_exchange_and_its_failure() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let count = AtomicU32::new(0);
        let calls = (0..100).map(|_| cache.get(exchange(&count, true)));
        for result in futures::future::join_all(calls).await {
            assert_eq!(result.unwrap_err().kind(), ErrorKind::Unauthorized);
        }
        assert_eq!(count.load(Ordering::SeqCst), 1, "the failure was shared");

        // A later call tries again, and its success is shared too.
        let calls = (0..100).map(|_| cache.get(exchange(&count, false)));
        for result in futures::future::join_all(calls).await {
            assert_eq!(result.unwrap(), "t2");
        }
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn forgetting_a_stale_token_spares_its_replacement() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let count = AtomicU32::new(0);
        let first = cache.get(exchange(&count, false)).await.unwrap();
        cache.forget(&first);
        let second = cache.get(exchange(&count, false)).await.unwrap();
        cache.forget(&first); // a late 401 on the old token
        assert_eq!(cache.get(exchange(&count, false)).await.unwrap(), second);
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }
}
