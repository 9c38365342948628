//! Fault tests: the client against a local server (port 0) that injects failures and counts
//! what reaches it, so each test can assert how many attempts a call made, how long it waited
//! and which error it returned.
//!
//! Delays stay tiny through `ClientBuilder::backoff`; real sockets and real time are used
//! throughout, since paused tokio time would fire the client's timeouts while it waits on I/O.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::StreamExt;
use guildhall_client::wire::Snowflake;
use guildhall_client::wire::guilds::{GuildCreate, GuildFilter};
use guildhall_client::wire::users::{UserCreate, UserFilter};
use guildhall_client::{Client, ClientBuilder, ErrorKind};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the next attempt at a probe route meets.
#[derive(Debug, Clone)]
enum Fault {
    Status {
        status: u16,
        retry_after: Option<&'static str>,
    },
    Slow(Duration),
}

fn status(status: u16) -> Fault {
    Fault::Status {
        status,
        retry_after: None,
    }
}

/// The fault-injecting server's state and counters.
#[derive(Debug, Default)]
struct Server {
    /// Token exchanges answered.
    exchanges: AtomicU32,
    /// Requests that reached a probe route (`/api/guilds`), refused ones included.
    attempts: AtomicU32,
    /// Probe requests refused with 401.
    refused: AtomicU32,
    in_flight: AtomicU32,
    max_in_flight: AtomicU32,
    /// Lifetime of new tokens, in seconds (0 means the default of an hour).
    token_ttl: AtomicU64,
    /// Tokens from an older generation are refused, as if their key had been rotated.
    generation: AtomicU32,
    /// Refuse the API key itself.
    refuse_key: AtomicBool,
    /// Refuse every token at the probe routes.
    always_401: AtomicBool,
    /// How long each successful probe call takes.
    work: Mutex<Duration>,
    /// Faults for the next attempts, in order; then `always`, if set.
    script: Mutex<VecDeque<Fault>>,
    always: Mutex<Option<Fault>>,
    issued: Mutex<HashMap<String, (Instant, Duration)>>,
    /// `/api/users` page requests and the `limit` each asked for.
    page_limits: Mutex<Vec<Option<u32>>>,
    /// Sizes of the `/api/users/batch` requests received.
    batch_sizes: Mutex<Vec<usize>>,
}

/// Leaves the in-flight count when a probe call ends, however it ends.
struct InFlight<'a>(&'a Server);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, SeqCst);
    }
}

impl Server {
    fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.max_in_flight.fetch_max(now, SeqCst);
        InFlight(self)
    }

    fn script(&self, faults: impl IntoIterator<Item = Fault>) {
        self.script.lock().unwrap().extend(faults);
    }

    fn always(&self, fault: Fault) {
        *self.always.lock().unwrap() = Some(fault);
    }

    fn count(&self) -> (u32, u32) {
        (self.attempts.load(SeqCst), self.exchanges.load(SeqCst))
    }

    /// `None` when the bearer token is current, else the 401 answer.
    fn check_token(&self, headers: &HeaderMap) -> Option<Response> {
        let token = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let generation = format!("g{}.", self.generation.load(SeqCst));
        let fresh = self
            .issued
            .lock()
            .unwrap()
            .get(token)
            .is_some_and(|(at, ttl)| at.elapsed() < *ttl);
        if fresh && token.starts_with(&generation) && !self.always_401.load(SeqCst) {
            return None;
        }
        self.refused.fetch_add(1, SeqCst);
        Some(error(
            401,
            "the token has expired; exchange the API key for a new one",
        ))
    }
}

fn error(status: u16, sentence: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({ "error": sentence })),
    )
        .into_response()
}

fn guild_json(id: i64) -> Value {
    json!({
        "id": id, "discord_id": (1000 + id).to_string(), "name": format!("guild {id}"),
        "icon": null, "owner_discord_id": null, "joined_at": null, "left_at": null,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
    })
}

fn user_json(id: i64) -> Value {
    json!({
        "id": id, "discord_id": (5000 + id).to_string(), "username": format!("user{id}"),
        "global_name": null, "avatar": null, "bot": false,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
    })
}

async fn exchange(State(s): State<Arc<Server>>) -> Response {
    let serial = s.exchanges.fetch_add(1, SeqCst) + 1;
    if s.refuse_key.load(SeqCst) {
        return error(401, "the API key is not valid");
    }
    let ttl = match s.token_ttl.load(SeqCst) {
        0 => 3600,
        n => n,
    };
    let token = format!("g{}.{serial}", s.generation.load(SeqCst));
    s.issued
        .lock()
        .unwrap()
        .insert(token.clone(), (Instant::now(), Duration::from_secs(ttl)));
    Json(json!({ "token": token, "expires_in": ttl, "scopes": ["admin"] })).into_response()
}

/// `GET /api/guilds` and `POST /api/guilds`: count, check the token, apply the next fault.
async fn probe(State(s): State<Arc<Server>>, method: Method, headers: HeaderMap) -> Response {
    s.attempts.fetch_add(1, SeqCst);
    if let Some(refused) = s.check_token(&headers) {
        return refused;
    }
    let _in_flight = s.enter();
    let fault = s
        .script
        .lock()
        .unwrap()
        .pop_front()
        .or_else(|| s.always.lock().unwrap().clone());
    match fault {
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let mut answer = error(status, &format!("injected {status}"));
            if let Some(wait) = retry_after {
                answer
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static(wait));
            }
            return answer;
        }
        Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    let work = *s.work.lock().unwrap();
    if !work.is_zero() {
        tokio::time::sleep(work).await;
    }
    if method == Method::POST {
        (StatusCode::CREATED, Json(guild_json(1))).into_response()
    } else {
        Json(json!({ "guilds": [guild_json(1)], "next_cursor": null })).into_response()
    }
}

/// The number of users `GET /api/users` pages through.
const LISTED_USERS: i64 = 2345;

/// `GET /api/users`: `LISTED_USERS` users, the cursor being the next index.
async fn list_users(
    State(s): State<Arc<Server>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let limit = q.get("limit").and_then(|l| l.parse::<u32>().ok());
    s.page_limits.lock().unwrap().push(limit);
    let start: i64 = q.get("cursor").map_or(0, |c| c.parse().unwrap());
    let end = (start + i64::from(limit.unwrap_or(100))).min(LISTED_USERS);
    let users: Vec<Value> = (start..end).map(|i| user_json(i + 1)).collect();
    let next = (end < LISTED_USERS).then(|| end.to_string());
    Json(json!({ "users": users, "next_cursor": next })).into_response()
}

/// `POST /api/users/batch`: records the batch size; every user counts as created.
async fn batch_users(State(s): State<Arc<Server>>, Json(body): Json<Value>) -> Response {
    let n = body["users"].as_array().map_or(0, Vec::len);
    s.batch_sizes.lock().unwrap().push(n);
    Json(json!({ "created": n, "updated": 0, "unchanged": 0, "users": [] })).into_response()
}

/// Starts the fault server on port 0.
async fn spawn_server() -> (String, Arc<Server>) {
    let state = Arc::new(Server::default());
    let app = Router::new()
        .route("/api/auth/token", post(exchange))
        .route("/api/guilds", get(probe).post(probe))
        .route("/api/users", get(list_users))
        .route("/api/users/batch", post(batch_users))
        .with_state(state.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, state)
}

/// A client with millisecond backoff, so retries cost no test time.
fn builder(url: &str) -> ClientBuilder {
    Client::builder(url, "gh_test_key").backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn new_guild() -> GuildCreate {
    GuildCreate {
        discord_id: Snowflake::new(1001).unwrap(),
        name: "guild".into(),
        icon: None,
        owner_discord_id: None,
        joined_at: None,
    }
}

#[tokio::test]
async fn token_expiry_mid_run_exchanges_again_before_the_server_refuses() {
    let (url, server) = spawn_server().await;
    server.token_ttl.store(1, SeqCst);
    let client = builder(&url).build().unwrap();

    client.list_guilds(&GuildFilter::default()).await.unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(server.count(), (2, 1), "a fresh token is reused");

    // A 1 s token is replaced after half its lifetime.
    tokio::time::sleep(Duration::from_millis(600)).await;
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(
        server.count(),
        (3, 2),
        "the near-expiry token was exchanged again"
    );
    assert_eq!(
        server.refused.load(SeqCst),
        0,
        "no call was sent with an expired token"
    );
}

#[tokio::test]
async fn a_stale_token_gets_one_refresh_and_one_retry() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap();

    server.generation.fetch_add(1, SeqCst); // every token issued so far is now refused
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(server.count(), (3, 2), "401, one exchange, one retry");
    assert_eq!(server.refused.load(SeqCst), 1);
}

#[tokio::test]
async fn a_stale_token_met_by_many_callers_is_exchanged_once() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).max_in_flight(8).build().unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    server.generation.fetch_add(1, SeqCst);

    let filter = GuildFilter::default();
    let calls = (0..100).map(|_| client.list_guilds(&filter));
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(
        server.exchanges.load(SeqCst),
        2,
        "one exchange at start, one after the rotation"
    );
}

#[tokio::test]
async fn a_permanent_401_is_unauthorized_after_exactly_two_attempts() {
    let (url, server) = spawn_server().await;
    server.always_401.store(true, SeqCst);
    let client = builder(&url).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.message(),
        "the token has expired; exchange the API key for a new one"
    );
    assert_eq!(
        server.count(),
        (2, 2),
        "two attempts, two exchanges, no loop"
    );
}

#[tokio::test]
async fn a_refused_key_is_one_exchange_for_all_concurrent_callers() {
    let (url, server) = spawn_server().await;
    server.refuse_key.store(true, SeqCst);
    let client = builder(&url).build().unwrap();

    let filter = GuildFilter::default();
    let calls = (0..50).map(|_| client.list_guilds(&filter));
    for result in futures::future::join_all(calls).await {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unauthorized);
        assert_eq!(err.message(), "the API key is not valid");
    }
    assert_eq!(server.count(), (0, 1));
}

#[tokio::test]
async fn retry_after_sets_the_delay() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap(); // token first
    server.script([Fault::Status {
        status: 429,
        retry_after: Some("1"),
    }]);

    let started = Instant::now();
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
    assert_eq!(server.count(), (3, 1), "one 429, then success");
}

#[tokio::test]
async fn retry_after_beyond_the_limit_ends_the_call_at_once() {
    let (url, server) = spawn_server().await;
    server.always(Fault::Status {
        status: 429,
        retry_after: Some("120"),
    });
    let client = builder(&url).build().unwrap();

    let started = Instant::now();
    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.status(), Some(429));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.count(), (1, 1));
}

#[tokio::test]
async fn persistent_429_spends_the_budget_then_is_rate_limited() {
    let (url, server) = spawn_server().await;
    server.always(status(429));
    let client = builder(&url).max_retries(2).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(server.count(), (3, 1), "first attempt + 2 retries");
}

#[tokio::test]
async fn a_429_on_a_create_is_retried_because_the_server_did_not_act() {
    let (url, server) = spawn_server().await;
    server.script([Fault::Status {
        status: 429,
        retry_after: Some("0.05"),
    }]);
    let client = builder(&url).build().unwrap();

    client.create_guild(&new_guild()).await.unwrap();
    assert_eq!(server.count(), (2, 1));
}

#[tokio::test]
async fn a_503_burst_within_the_budget_succeeds() {
    let (url, server) = spawn_server().await;
    server.script([status(503), status(503), status(503)]);
    let client = builder(&url).max_retries(4).build().unwrap();

    let page = client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(page.guilds.len(), 1);
    assert_eq!(server.count(), (4, 1), "three 503s, then success");
}

#[tokio::test]
async fn a_503_burst_beyond_the_budget_is_a_server_error() {
    let (url, server) = spawn_server().await;
    server.always(status(503));
    let client = builder(&url).max_retries(4).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        err.message(),
        "injected 503",
        "the server's sentence is kept"
    );
    assert_eq!(server.count(), (5, 1), "first attempt + 4 retries");
}

#[tokio::test]
async fn a_503_on_a_create_is_not_retried() {
    let (url, server) = spawn_server().await;
    server.always(status(503));
    let client = builder(&url).build().unwrap();

    let err = client.create_guild(&new_guild()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.count(), (1, 1));
}

#[tokio::test]
async fn other_4xx_are_never_retried() {
    let (url, server) = spawn_server().await;
    server.always(status(422));
    let client = builder(&url).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.status(), Some(422));
    assert_eq!(server.count(), (1, 1));
}

#[tokio::test]
async fn a_slow_server_hits_the_timeout() {
    let (url, server) = spawn_server().await;
    server.always(Fault::Slow(Duration::from_secs(2)));
    let client = builder(&url)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap();

    let started = Instant::now();
    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.status(), None);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "gave up after {:?}",
        started.elapsed()
    );
    assert_eq!(
        server.count(),
        (2, 1),
        "a timed-out read is retried once (budget 1)"
    );
}

#[tokio::test]
async fn a_timed_out_create_is_not_retried() {
    let (url, server) = spawn_server().await;
    server.always(Fault::Slow(Duration::from_secs(2)));
    let client = builder(&url)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let err = client.create_guild(&new_guild()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.count(), (1, 1));
}

/// A server that answers token exchanges and resets every other connection after reading
/// the request, counting (attempts, exchanges).
async fn spawn_resetting_server() -> (String, Arc<(AtomicU32, AtomicU32)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counts = Arc::new((AtomicU32::new(0), AtomicU32::new(0)));
    let shared = counts.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let counts = shared.clone();
            tokio::spawn(async move { reset_or_answer(stream, &counts).await });
        }
    });
    (url, counts)
}

async fn reset_or_answer(mut stream: TcpStream, counts: &(AtomicU32, AtomicU32)) {
    let Some(head) = read_request(&mut stream).await else {
        return;
    };
    if head.starts_with("POST /api/auth/token ") {
        counts.1.fetch_add(1, SeqCst);
        let body = r#"{"token":"t","expires_in":3600,"scopes":["admin"]}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    } else {
        counts.0.fetch_add(1, SeqCst);
        // SO_LINGER 0: closing sends RST, the client sees "connection reset by peer".
        stream.set_zero_linger().unwrap();
        drop(stream);
    }
}

/// Reads one request (head and body); returns its head.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .unwrap_or(0);
        while buf.len() < end + 4 + length {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        return Some(head);
    }
}

#[tokio::test]
async fn connection_resets_are_retried_for_reads() {
    let (url, counts) = spawn_resetting_server().await;
    let client = builder(&url).max_retries(2).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.status(), None);
    assert_eq!(counts.0.load(SeqCst), 3, "first attempt + 2 retries");
    assert_eq!(counts.1.load(SeqCst), 1);
}

#[tokio::test]
async fn connection_resets_are_not_retried_for_creates() {
    let (url, counts) = spawn_resetting_server().await;
    let client = builder(&url).max_retries(2).build().unwrap();

    let err = client.create_guild(&new_guild()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(
        counts.0.load(SeqCst),
        1,
        "a create that may have reached the server is sent once"
    );
}

#[tokio::test]
async fn a_refused_connection_says_so() {
    // Bind and drop a listener, so the port is very likely closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = builder(&format!("http://127.0.0.1:{port}"))
        .max_retries(2)
        .build()
        .unwrap();
    let err = client.create_guild(&new_guild()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(
        err.message().starts_with("could not connect to the API"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_respect_the_cap_and_share_one_exchange() {
    let (url, server) = spawn_server().await;
    *server.work.lock().unwrap() = Duration::from_millis(2);
    let client = builder(&url).max_in_flight(8).build().unwrap();

    let calls = (0..1000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_guilds(&GuildFilter::default()).await })
    });
    for handle in futures::future::join_all(calls).await {
        handle.unwrap().unwrap();
    }
    let max = server.max_in_flight.load(SeqCst);
    assert!(max <= 8, "{max} requests were in flight at once");
    assert!(max >= 2, "the calls did not overlap at all ({max})");
    assert_eq!(server.count(), (1000, 1), "1000 calls, one token exchange");
}

#[tokio::test]
async fn streams_follow_cursors_to_the_last_page() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();

    let users = client.all_users(&UserFilter::default()).await.unwrap();
    assert_eq!(users.len(), LISTED_USERS as usize);
    assert!(
        users.iter().enumerate().all(|(i, u)| u.id == i as i64 + 1),
        "in order, no gaps"
    );
    assert_eq!(
        *server.page_limits.lock().unwrap(),
        [Some(1000), Some(1000), Some(1000)],
        "the largest page size when none is given"
    );

    // A given limit is the page size; the stream fetches lazily.
    server.page_limits.lock().unwrap().clear();
    let filter = UserFilter {
        limit: Some(500),
        ..UserFilter::default()
    };
    let first: Vec<_> = client.users_stream(&filter).take(600).collect().await;
    assert_eq!(first.len(), 600);
    assert_eq!(
        server.page_limits.lock().unwrap().len(),
        2,
        "only the pages read were fetched"
    );
}

#[tokio::test]
async fn sync_users_splits_into_batches_and_sums() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();
    let mut users: Vec<UserCreate> = (1..=1234)
        .map(|i| UserCreate {
            discord_id: Snowflake::new(10_000 + i).unwrap(),
            username: format!("user{i}"),
            global_name: None,
            avatar: None,
            bot: false,
        })
        .collect();
    users.push(users[0].clone()); // a duplicate is sent once

    let mut progress = Vec::new();
    let summary = client
        .sync_users_with(&users, 100, |p, result| {
            progress.push((p.batch, p.batches, p.done, result.created))
        })
        .await
        .unwrap();
    assert_eq!(
        (summary.users, summary.batches, summary.created),
        (1234, 13, 1234)
    );
    assert_eq!(progress.len(), 13);
    assert_eq!(progress[0], (1, 13, 100, 100));
    assert_eq!(progress[12], (13, 13, 1234, 34));

    server.batch_sizes.lock().unwrap().clear();
    let summary = client.sync_users(&users).await.unwrap();
    assert_eq!(summary.batches, 3);
    assert_eq!(
        *server.batch_sizes.lock().unwrap(),
        [500, 500, 234],
        "server-sized batches by default"
    );
}
