//! Discord's REST rate limits: a global per-second limit and per-route buckets keyed by the
//! route and its major parameter (channel, guild or webhook), with the `X-RateLimit-*`
//! headers clients use to pace themselves.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::config::RestLimits;
use crate::control::faults::RestFault;

/// Path parameters that Discord treats as major: each value gets its own bucket.
const MAJOR_PARAMETERS: [&str; 3] = ["{channel_id}", "{guild_id}", "{webhook_id}"];
/// Interaction callbacks are exempt from the global limit (Discord's rate-limit docs).
const GLOBAL_EXEMPT_SEGMENT: &str = "/interactions/";

/// A route template plus the value of its major parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RouteKey {
    method: String,
    template: String,
    major: String,
}

impl RouteKey {
    pub fn of(request: &Request) -> Self {
        let path = request.uri().path();
        let template = request
            .extensions()
            .get::<MatchedPath>()
            .map_or(path, MatchedPath::as_str)
            .to_owned();
        // Compare from the end: the template and the path may differ in whether they carry
        // the `/api/v10` nesting prefix.
        let major = template
            .rsplit('/')
            .zip(path.rsplit('/'))
            .filter(|(t, _)| MAJOR_PARAMETERS.contains(t))
            .map(|(_, value)| value)
            .collect::<Vec<_>>()
            .join("/");
        Self {
            method: request.method().as_str().to_owned(),
            template,
            major,
        }
    }

    /// The opaque `X-RateLimit-Bucket` id: shared by every major value of one route.
    fn bucket_id(&self) -> String {
        let mut hasher = DefaultHasher::new();
        (&self.method, &self.template).hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }
}

#[derive(Debug)]
struct Bucket {
    remaining: u32,
    resets_at: Instant,
}

#[derive(Debug)]
struct Windows {
    buckets: HashMap<RouteKey, Bucket>,
    global_started: Instant,
    global_count: u32,
    invalid_started: Instant,
    invalid_count: u32,
}

/// The limiter behind every REST call.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limits: RestLimits,
    windows: Mutex<Windows>,
}

/// Permission to go ahead, with the bucket's state for the response headers.
#[derive(Debug)]
pub(crate) struct Grant {
    limit: u32,
    remaining: u32,
    reset_after: Duration,
    bucket: String,
    scope_always: bool,
}

/// A refusal: the 429 to send.
#[derive(Debug)]
pub(crate) struct Limited {
    retry_after: Duration,
    global: bool,
    grant: Grant,
}

impl RateLimiter {
    pub fn new(limits: RestLimits) -> Self {
        Self {
            limits,
            windows: Mutex::new(Windows {
                buckets: HashMap::new(),
                global_started: Instant::now(),
                global_count: 0,
                invalid_started: Instant::now(),
                invalid_count: 0,
            }),
        }
    }

    /// Counts a 401, 403 or 429 answer towards the invalid-request ban.
    pub fn note_invalid(&self) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.invalid_started.elapsed() >= self.limits.invalid_request_window {
            windows.invalid_started = Instant::now();
            windows.invalid_count = 0;
        }
        windows.invalid_count = windows.invalid_count.saturating_add(1);
    }

    /// While banned for too many invalid requests, how long the ban still lasts.
    pub fn banned_for(&self) -> Option<Duration> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = windows.invalid_started.elapsed();
        (windows.invalid_count >= self.limits.invalid_request_limit
            && elapsed < self.limits.invalid_request_window)
            .then(|| self.limits.invalid_request_window - elapsed)
    }

    pub fn acquire(&self, route: &RouteKey) -> Result<Grant, Limited> {
        let now = Instant::now();
        let limits = &self.limits;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let bucket_state = |bucket: &Bucket| Grant {
            limit: limits.route_limit,
            remaining: bucket.remaining,
            reset_after: bucket.resets_at.saturating_duration_since(now),
            bucket: route.bucket_id(),
            scope_always: limits.scope_header_always,
        };
        if !route.template.contains(GLOBAL_EXEMPT_SEGMENT) {
            if now.duration_since(windows.global_started) >= Duration::from_secs(1) {
                windows.global_started = now;
                windows.global_count = 0;
            }
            if windows.global_count >= limits.global_per_second {
                let retry_after = Duration::from_secs(1)
                    .saturating_sub(now.duration_since(windows.global_started));
                let grant = windows
                    .buckets
                    .get(route)
                    .map(bucket_state)
                    .unwrap_or_else(|| Grant {
                        limit: limits.route_limit,
                        remaining: limits.route_limit,
                        reset_after: limits.route_window,
                        bucket: route.bucket_id(),
                        scope_always: limits.scope_header_always,
                    });
                return Err(Limited {
                    retry_after,
                    global: true,
                    grant,
                });
            }
        }
        let bucket = windows.buckets.entry(route.clone()).or_insert(Bucket {
            remaining: limits.route_limit,
            resets_at: now + limits.route_window,
        });
        if now >= bucket.resets_at {
            bucket.remaining = limits.route_limit;
            bucket.resets_at = now + limits.route_window;
        }
        if bucket.remaining == 0 {
            let grant = bucket_state(bucket);
            return Err(Limited {
                retry_after: grant.reset_after,
                global: false,
                grant,
            });
        }
        bucket.remaining -= 1;
        let grant = bucket_state(bucket);
        windows.global_count += 1;
        Ok(grant)
    }
}

impl Grant {
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let reset_after = self.reset_after.as_secs_f64();
        let reset_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or_default()
            + reset_after;
        let mut set = |name: &'static str, value: String| {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        };
        set("x-ratelimit-limit", self.limit.to_string());
        set("x-ratelimit-remaining", self.remaining.to_string());
        set("x-ratelimit-reset", format!("{reset_at:.3}"));
        set("x-ratelimit-reset-after", format!("{reset_after:.3}"));
        set("x-ratelimit-bucket", self.bucket.clone());
        if self.scope_always {
            set("x-ratelimit-scope", "user".into());
        }
    }
}

impl IntoResponse for Limited {
    fn into_response(self) -> Response {
        let mut response = too_many_requests(self.retry_after, self.global);
        self.grant.write_headers(response.headers_mut());
        finish_429_headers(response.headers_mut(), self.retry_after, self.global);
        response
    }
}

/// The 429 body Discord sends: `{message, retry_after, global, code}`.
fn too_many_requests(retry_after: Duration, global: bool) -> Response {
    let body = json!({
        "message": "You are being rate limited.",
        "retry_after": (retry_after.as_secs_f64() * 1000.0).round() / 1000.0,
        "global": global,
        "code": 0,
    });
    (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
}

fn finish_429_headers(headers: &mut HeaderMap, retry_after: Duration, global: bool) {
    // Retry-After is whole seconds, rounded up so a client that obeys it never comes early.
    let secs = retry_after.as_secs_f64().ceil().max(0.0) as u64;
    headers.insert("retry-after", HeaderValue::from(secs));
    headers.insert(
        "x-ratelimit-scope",
        HeaderValue::from_static(if global { "global" } else { "user" }),
    );
    if global {
        headers.insert("x-ratelimit-global", HeaderValue::from_static("true"));
    }
}

/// The answer while the bot is banned for too many invalid requests.
pub(crate) fn banned_response(retry_after: Duration) -> Response {
    let mut response = too_many_requests(retry_after, true);
    finish_429_headers(response.headers_mut(), retry_after, true);
    response
}

/// The response for an injected fault.
pub(crate) fn fault_response(fault: RestFault, scope_always: bool) -> Response {
    match fault {
        RestFault::RateLimited {
            retry_after_ms,
            global,
            ..
        } => {
            let retry_after = Duration::from_millis(retry_after_ms);
            let mut response = too_many_requests(retry_after, global);
            let grant = Grant {
                limit: 1,
                remaining: 0,
                reset_after: retry_after,
                bucket: "injected".into(),
                scope_always,
            };
            grant.write_headers(response.headers_mut());
            finish_429_headers(response.headers_mut(), retry_after, global);
            response
        }
        RestFault::ServerError { status, .. } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = json!({"message": format!("{}: {}", status.as_u16(), status.canonical_reason().unwrap_or("Server Error")), "code": 0});
            (status, Json(body)).into_response()
        }
    }
}
