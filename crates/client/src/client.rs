//! The client itself: connection pool, token cache, in-flight cap and retry loop.
//!
//! Every call goes through [`Client::request`]: take a token, take an in-flight permit, send
//! one attempt, and decide from the outcome whether to return, refresh the token once, or wait
//! and try again. The retry rules live in [`Client::retry_delay`] so they can be read in one
//! place.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use guildhall_wire::auth::{TokenRequest, TokenResponse};
use rand::Rng;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;

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
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
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
            .field("max_retries", &self.max_retries)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("max_retry_after", &self.max_retry_after)
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
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
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
        self.max_retries = n;
        self
    }

    /// The first retry delay, doubled on each further retry up to `max` (defaults 200 ms,
    /// 10 s). Each delay is drawn between half and all of that value (jitter), so clients that
    /// failed together do not retry together.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// The longest `Retry-After` the client waits for (default 60 s). A server asking for
    /// longer ends the call at once with [`ErrorKind::RateLimited`], rather than parking it.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
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

/// One answer from the server, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// Why an attempt did not succeed.
enum Failure {
    /// The server answered with an error status.
    Answer(Answer),
    /// No answer. `unsent` is true when the connection could not even be opened, so the
    /// server cannot have acted on the request.
    Transport { error: Error, unsent: bool },
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::Answer(answer) => error_from(&answer),
            Failure::Transport { error, .. } => error,
        }
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
            match self.retry_delay(&failure, idempotency, retries) {
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

    /// Whether and how long to wait before retrying after `failure`, given `retries` so far.
    ///
    /// - 429: retried for any request, since the server refused it without acting on it;
    ///   `Retry-After` sets the delay, and one longer than `max_retry_after` ends the call.
    /// - 5xx, timeouts and broken connections: retried for safe requests only.
    /// - A connection that could not be opened: retried for any request (nothing was sent).
    /// - Any other status: never retried.
    fn retry_delay(
        &self,
        failure: &Failure,
        idempotency: Idempotency,
        retries: u32,
    ) -> Option<Duration> {
        let settings = &self.inner.settings;
        if retries >= settings.max_retries {
            return None;
        }
        let safe = idempotency == Idempotency::Safe;
        match failure {
            Failure::Answer(answer) if answer.status == StatusCode::TOO_MANY_REQUESTS => {
                match retry_after(&answer.headers) {
                    Some(wait) if wait > settings.max_retry_after => None,
                    Some(wait) => Some(wait),
                    None => Some(self.backoff(retries)),
                }
            }
            Failure::Answer(answer) if answer.status.is_server_error() && safe => Some(
                retry_after(&answer.headers)
                    .filter(|w| *w <= settings.max_retry_after)
                    .unwrap_or_else(|| self.backoff(retries)),
            ),
            Failure::Answer(_) => None,
            Failure::Transport { unsent, .. } if safe || *unsent => Some(self.backoff(retries)),
            Failure::Transport { .. } => None,
        }
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
            match self.retry_delay(&failure, Idempotency::Safe, retries) {
                Some(delay) => {
                    retries += 1;
                    tracing::debug!(retries, ?delay, "retrying the token exchange");
                    tokio::time::sleep(delay).await;
                }
                None => return Err(failure.into_error()),
            }
        }
    }

    /// Exponential backoff with jitter: between half and all of `base * 2^retries`, capped.
    fn backoff(&self, retries: u32) -> Duration {
        let settings = &self.inner.settings;
        let full = settings
            .base_delay
            .saturating_mul(1u32 << retries.min(16))
            .min(settings.max_delay);
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
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

fn decode<T: DeserializeOwned>(answer: &Answer) -> Result<T> {
    // A 204 or an empty 200 decodes as JSON `null`, so callers may ask for `()`.
    let body: &[u8] = if answer.body.is_empty() {
        b"null"
    } else {
        &answer.body
    };
    serde_json::from_slice(body).map_err(|e| {
        Error::new(
            ErrorKind::Decode,
            format!("the server's answer was not the JSON expected: {e}"),
        )
        .with_status(answer.status.as_u16())
        .with_source(e)
    })
}

/// The error for an error answer: the server's `{"error": "..."}` sentence when it sent one,
/// else the start of the body, else the status's reason phrase.
fn error_from(answer: &Answer) -> Error {
    let message = serde_json::from_slice::<guildhall_wire::ErrorBody>(&answer.body)
        .map(|b| b.error)
        .unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(&answer.body);
            if text.trim().is_empty() {
                answer
                    .status
                    .canonical_reason()
                    .unwrap_or("request failed")
                    .to_owned()
            } else {
                text.trim().chars().take(300).collect()
            }
        });
    Error::from_status(answer.status.as_u16(), message)
}

fn transport_failure(err: reqwest::Error, timeout: Duration) -> Failure {
    let unsent = err.is_connect();
    let error = if err.is_timeout() {
        Error::new(
            ErrorKind::Timeout,
            format!("the API did not answer within {timeout:?}"),
        )
        .with_source(err)
    } else if unsent {
        Error::new(
            ErrorKind::Transport,
            format!("could not connect to the API: {}", root_cause(&err)),
        )
        .with_source(err)
    } else {
        Error::new(
            ErrorKind::Transport,
            format!("the connection failed: {}", root_cause(&err)),
        )
        .with_source(err)
    };
    Failure::Transport { error, unsent }
}

/// The innermost cause's text (e.g. "Connection refused (os error 111)"), which says more
/// than reqwest's outer "error sending request".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
