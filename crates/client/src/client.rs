//! The client itself: connection pool, token cache, in-flight cap and retry loop.
//!
//! Every call goes through [`Client::request`]: take a token, take an in-flight permit, send
//! one attempt, and decide from the outcome whether to return, refresh the token once, or wait
//! and try again. The retry rules live in `retry.rs`, what an attempt came back with in
//! `answer.rs`, and the token cache in `token.rs`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use guildhall_wire::auth::{TokenRequest, TokenResponse};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;

use crate::answer::{Answer, Failure, decode, transport_failure};
use crate::retry::RetryPolicy;
use crate::token::TokenCache;
use crate::{Error, ErrorKind, Result};

/// Whether a request may be sent twice without changing the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads, PUTs, deletes and upserts: retried on transient failures.
    Safe,
    /// Creates: sent again only when the request provably was not acted on (the connection
    /// could not be opened, or the server answered 429), since a retry after a lost answer
    /// could create twice.
    Unsafe,
}

/// Settings for a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    api_key: String,
    max_in_flight: usize,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    refresh_margin: Duration,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("max_in_flight", &self.max_in_flight)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("refresh_margin", &self.refresh_margin)
            .finish()
    }
}

/// Default cap on requests in flight: enough to keep a pooled HTTP/1.1 connection set busy
/// without queueing dozens of requests on a small API server's database pool.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;
/// Default limit on one attempt, from sending to having read the whole answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default retry budget: retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 4;

impl ClientBuilder {
    /// A builder for the API at `base_url` (e.g. `http://127.0.0.1:8000`) using `api_key`.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            api_key: api_key.into(),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: Duration::from_secs(5),
            retry: RetryPolicy {
                max_retries: DEFAULT_MAX_RETRIES,
                ..RetryPolicy::default()
            },
            refresh_margin: Duration::from_secs(60),
        }
    }

    /// The most requests in flight at once, across all clones of the client (default 16).
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n.max(1);
        self
    }

    /// How long one attempt may take, answer body included (default 30 s). An attempt that
    /// runs out fails with [`ErrorKind::Timeout`] (retried like any transient failure).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long opening a connection may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry budget: how many times a call is retried after its first attempt (default
    /// 4, so at most 5 attempts). `0` turns retries off.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry.max_retries = n;
        self
    }

    /// The first retry delay, doubled on each further retry up to `max` (defaults 200 ms,
    /// 10 s). Each delay is drawn between half and all of that value (jitter), so clients that
    /// failed together do not retry together.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.retry.base_delay = base;
        self.retry.max_delay = max.max(base);
        self
    }

    /// The longest `Retry-After` the client waits for (default 60 s). A server asking for
    /// longer ends the call at once with [`ErrorKind::RateLimited`], rather than parking it.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.retry.max_retry_after = limit;
        self
    }

    /// How long before expiry a cached token is replaced (default 60 s; at most half the
    /// token's lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "the API URL must start with http:// or https:// (got {:?})",
                    self.base_url
                ),
            ));
        }
        if self.api_key.trim().is_empty() {
            return Err(Error::new(ErrorKind::Config, "the API key is empty"));
        }
        // reqwest's rustls backend needs a process-wide crypto provider; install ring's unless
        // the program installed one already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // Keep as many idle connections as can be busy at once, so a burst that fills the
            // cap finds its connections already open next time.
            .pool_max_idle_per_host(self.max_in_flight)
            .tcp_nodelay(true)
            .user_agent(concat!("guildhall-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                Error::new(ErrorKind::Config, "the HTTP client could not be built").with_source(e)
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                permits: Semaphore::new(self.max_in_flight),
                http,
                tokens: TokenCache::new(self.refresh_margin),
                settings: self,
            }),
        })
    }
}

/// A guildhall API client. Cheap to clone: clones share the pool, the token and the cap.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    settings: ClientBuilder,
    tokens: TokenCache,
    /// One permit per request in flight; attempts wait here, retries' sleeps do not.
    permits: Semaphore,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("settings", &self.settings)
            .field("tokens", &self.tokens)
            .finish()
    }
}

impl Client {
    /// A client with default settings.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Result<Self> {
        ClientBuilder::new(base_url, api_key).build()
    }

    /// A builder, to change the defaults.
    pub fn builder(base_url: impl Into<String>, api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url, api_key)
    }

    /// The API's base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.settings.base_url
    }

    /// Sends a request and decodes the JSON answer, with the token, cap and retries applied.
    ///
    /// A 401 makes the client drop its token, exchange the key again and retry once; a second
    /// 401 is returned as [`ErrorKind::Unauthorized`]. Other failures are retried as described
    /// in the crate documentation, within the retry budget.
    pub async fn request<Q, B, T>(
        &self,
        method: Method,
        path: &str,
        query: Option<&Q>,
        body: Option<&B>,
        idempotency: Idempotency,
    ) -> Result<T>
    where
        Q: Serialize + ?Sized,
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let body = body
            .map(|b| serde_json::to_vec(b).map(Bytes::from))
            .transpose()
            .map_err(|e| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    "the request body could not be encoded",
                )
                .with_source(e)
            })?;
        let url = format!("{}{path}", self.inner.settings.base_url);
        let mut refreshed = false;
        let mut retries = 0u32;
        loop {
            let token = self.inner.tokens.get(self.exchange()).await?;
            let failure = match self
                .send(method.clone(), &url, query, body.clone(), Some(&token))
                .await
            {
                Ok(answer) if answer.status.is_success() => return decode(&answer),
                Ok(answer) if answer.status == StatusCode::UNAUTHORIZED && !refreshed => {
                    // The token may have expired early or been revoked with its key: one
                    // refresh, one retry. The retry does not spend the retry budget, and a
                    // second 401 is final, so a refused key cannot loop.
                    refreshed = true;
                    self.inner.tokens.forget(&token);
                    tracing::debug!(%url, "token refused; exchanging the key again");
                    continue;
                }
                Ok(answer) => Failure::Answer(answer),
                Err(failure) => failure,
            };
            match self
                .inner
                .settings
                .retry
                .delay(&failure, idempotency, retries)
            {
                Some(delay) => {
                    retries += 1;
                    tracing::debug!(%url, retries, ?delay, "retrying guildhall API call");
                    tokio::time::sleep(delay).await;
                }
                None => return Err(failure.into_error()),
            }
        }
    }

    /// GET `path` with optional query parameters.
    pub(crate) async fn get<Q: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        query: Option<&Q>,
    ) -> Result<T> {
        self.request::<Q, (), T>(Method::GET, path, query, None, Idempotency::Safe)
            .await
    }

    /// POST `body` to `path`.
    pub(crate) async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency: Idempotency,
    ) -> Result<T> {
        self.request::<(), B, T>(Method::POST, path, None, Some(body), idempotency)
            .await
    }

    /// PUT `body` to `path` (safe to repeat).
    pub(crate) async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        self.request::<(), B, T>(Method::PUT, path, None, Some(body), Idempotency::Safe)
            .await
    }

    /// DELETE `path` (safe to repeat).
    pub(crate) async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.request::<(), (), T>(Method::DELETE, path, None, None, Idempotency::Safe)
            .await
    }

    /// One attempt, holding an in-flight permit for its duration.
    async fn send<Q: Serialize + ?Sized>(
        &self,
        method: Method,
        url: &str,
        query: Option<&Q>,
        body: Option<Bytes>,
        token: Option<&str>,
    ) -> Result<Answer, Failure> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| Failure::Transport {
                error: Error::new(ErrorKind::Transport, "the client is shut down"),
                unsent: true,
            })?;
        let mut request = self.inner.http.request(method, url);
        if let Some(query) = query {
            request = request.query(query);
        }
        if let Some(token) = token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let timeout = self.inner.settings.timeout;
        let response = request
            .send()
            .await
            .map_err(|e| transport_failure(e, timeout))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_failure(e, timeout))?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// Trades the API key for a token. The exchange is safe to repeat, so it is retried like
    /// a read; a refused key (401) is final.
    async fn exchange(&self) -> Result<TokenResponse> {
        let url = format!("{}/api/auth/token", self.inner.settings.base_url);
        let body = serde_json::to_vec(&TokenRequest {
            api_key: self.inner.settings.api_key.clone(),
        })
        .map(Bytes::from)
        .map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                "the token request could not be encoded",
            )
            .with_source(e)
        })?;
        let mut retries = 0u32;
        loop {
            let failure = match self
                .send::<()>(Method::POST, &url, None, Some(body.clone()), None)
                .await
            {
                Ok(answer) if answer.status.is_success() => return decode(&answer),
                Ok(answer) => Failure::Answer(answer),
                Err(failure) => failure,
            };
            match self
                .inner
                .settings
                .retry
                .delay(&failure, Idempotency::Safe, retries)
            {
                Some(delay) => {
                    retries += 1;
                    tracing::debug!(retries, ?delay, "retrying the token exchange");
                    tokio::time::sleep(delay).await;
                }
                None => return Err(failure.into_error()),
            }
        }
    }
}
