//! The fault-injecting server: an API stand-in whose state scripts what the next attempts
//! meet and counts what reaches it; and a raw TCP server that resets connections.

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
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the next attempt at a probe route meets.
#[derive(Debug, Clone)]
pub enum Fault {
    Status {
        status: u16,
        retry_after: Option<&'static str>,
    },
    Slow(Duration),
}

pub fn status(status: u16) -> Fault {
    Fault::Status {
        status,
        retry_after: None,
    }
}

/// The fault-injecting server's state and counters.
#[derive(Debug, Default)]
pub struct Server {
    /// Token exchanges answered.
    pub exchanges: AtomicU32,
    /// Requests that reached a probe route (`/api/guilds`), refused ones included.
    pub attempts: AtomicU32,
    /// Probe requests refused with 401.
    pub refused: AtomicU32,
    pub in_flight: AtomicU32,
    pub max_in_flight: AtomicU32,
    /// Lifetime of new tokens, in seconds (0 means the default of an hour).
    pub token_ttl: AtomicU64,
    /// Tokens from an older generation are refused, as if their key had been rotated.
    pub generation: AtomicU32,
    /// Refuse the API key itself.
    pub refuse_key: AtomicBool,
    /// Refuse every token at the probe routes.
    pub always_401: AtomicBool,
    /// How long each successful probe call takes.
    pub work: Mutex<Duration>,
    /// Faults for the next attempts, in order; then `always`, if set.
    pub script: Mutex<VecDeque<Fault>>,
    pub always: Mutex<Option<Fault>>,
    pub issued: Mutex<HashMap<String, (Instant, Duration)>>,
    /// `/api/users` page requests and the `limit` each asked for.
    pub page_limits: Mutex<Vec<Option<u32>>>,
    /// Sizes of the `/api/users/batch` requests received.
    pub batch_sizes: Mutex<Vec<usize>>,
}

/// Leaves the in-flight count when a probe call ends, however it ends.
pub struct InFlight<'a>(&'a Server);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, SeqCst);
    }
}

impl Server {
    pub fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.max_in_flight.fetch_max(now, SeqCst);
        InFlight(self)
    }

    pub fn script(&self, faults: impl IntoIterator<Item = Fault>) {
        self.script.lock().unwrap().extend(faults);
    }

    pub fn always(&self, fault: Fault) {
        *self.always.lock().unwrap() = Some(fault);
    }

    pub fn count(&self) -> (u32, u32) {
        (self.attempts.load(SeqCst), self.exchanges.load(SeqCst))
    }

    /// `None` when the bearer token is current, else the 401 answer.
    pub fn check_token(&self, headers: &HeaderMap) -> Option<Response> {
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

pub fn error(status: u16, sentence: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({ "error": sentence })),
    )
        .into_response()
}

pub fn guild_json(id: i64) -> Value {
    json!({
        "id": id, "discord_id": (1000 + id).to_string(), "name": format!("guild {id}"),
        "icon": null, "owner_discord_id": null, "joined_at": null, "left_at": null,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
    })
}

pub fn user_json(id: i64) -> Value {
    json!({
        "id": id, "discord_id": (5000 + id).to_string(), "username": format!("user{id}"),
        "global_name": null, "avatar": null, "bot": false,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
    })
}

pub async fn exchange(State(s): State<Arc<Server>>) -> Response {
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
pub async fn probe(State(s): State<Arc<Server>>, method: Method, headers: HeaderMap) -> Response {
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
pub const LISTED_USERS: i64 = 2345;

/// `GET /api/users`: `LISTED_USERS` users, the cursor being the next index.
pub async fn list_users(
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
pub async fn batch_users(State(s): State<Arc<Server>>, Json(body): Json<Value>) -> Response {
    let n = body["users"].as_array().map_or(0, Vec::len);
    s.batch_sizes.lock().unwrap().push(n);
    Json(json!({ "created": n, "updated": 0, "unchanged": 0, "users": [] })).into_response()
}

/// Starts the fault server on port 0.
pub async fn spawn_server() -> (String, Arc<Server>) {
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

/// A server that answers token exchanges and resets every other connection after reading
/// the request, counting (attempts, exchanges).
pub async fn spawn_resetting_server() -> (String, Arc<(AtomicU32, AtomicU32)>) {
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

pub async fn reset_or_answer(mut stream: TcpStream, counts: &(AtomicU32, AtomicU32)) {
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
pub async fn read_request(stream: &mut TcpStream) -> Option<String> {
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
