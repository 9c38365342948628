//! REST v10 under `/api/v10`: bot-token auth, rate limits and fault injection in one
//! middleware, then one file per resource.

mod applications;
mod channels;
mod error;
mod guilds;
mod ratelimit;
mod users;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::config::RestLimits;
use crate::control::faults::RestFault;
use crate::sim::Shared;
pub(crate) use error::RestError;

use ratelimit::RateLimiter;

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The bot, with its token.
    Bot,
    /// A user through an OAuth2 bearer token.
    User(u64),
}

/// Where an interaction happened, so its replies land in the right channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InteractionTarget {
    pub id: u64,
    pub guild_id: u64,
    pub channel_id: u64,
}

/// REST-wide state.
#[derive(Debug)]
pub(crate) struct RestState {
    limiter: RateLimiter,
    faults: Mutex<VecDeque<RestFault>>,
    /// Interaction token -> interaction, for callbacks and follow-ups.
    interactions: Mutex<HashMap<String, InteractionTarget>>,
}

impl RestState {
    pub fn new(limits: &RestLimits) -> Self {
        Self {
            limiter: RateLimiter::new(limits.clone()),
            faults: Mutex::new(VecDeque::new()),
            interactions: Mutex::new(HashMap::new()),
        }
    }

    pub fn inject(&self, fault: RestFault) {
        let count = match fault {
            RestFault::RateLimited { count, .. } | RestFault::ServerError { count, .. } => count,
        };
        if let Ok(mut faults) = self.faults.lock() {
            faults.extend(std::iter::repeat_n(fault, count as usize));
        }
    }

    fn next_fault(&self) -> Option<RestFault> {
        self.faults.lock().ok()?.pop_front()
    }

    pub fn remember_interaction(&self, token: &str, target: InteractionTarget) {
        if let Ok(mut interactions) = self.interactions.lock() {
            interactions.insert(token.to_owned(), target);
        }
    }

    pub fn interaction(&self, token: &str) -> Option<InteractionTarget> {
        self.interactions.lock().ok()?.get(token).copied()
    }
}

/// Routes under `/api/v10`.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let authed = Router::new()
        .merge(users::router())
        .merge(guilds::router())
        .merge(channels::router())
        .merge(applications::router())
        .route_layer(middleware::from_fn_with_state(shared.clone(), authenticate));
    let open = applications::open_router().merge(crate::oauth::token_router());
    let api = authed
        .merge(open)
        .route_layer(middleware::from_fn_with_state(shared, limit_and_fault))
        .fallback(not_found);
    Router::new().nest("/api/v10", api)
}

/// Unknown routes answer as Discord does, in its error shape.
async fn not_found() -> RestError {
    RestError::new(axum::http::StatusCode::NOT_FOUND, 0, "404: Not Found")
}

/// Bot token (`Bot <token>`) or OAuth2 bearer token; anything else is a 401.
async fn authenticate(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Result<Response, RestError> {
    let caller = caller(&shared, request.headers()).ok_or(RestError::unauthorized())?;
    request.extensions_mut().insert(caller);
    Ok(next.run(request).await)
}

fn caller(shared: &Shared, headers: &HeaderMap) -> Option<Caller> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    if let Some(token) = value.strip_prefix("Bearer ") {
        return shared.oauth.user_for_access_token(token).map(Caller::User);
    }
    // Discord wants the `Bot ` prefix on REST; a bare token is refused.
    let token = value.strip_prefix("Bot ")?;
    shared.is_bot_token(token).then_some(Caller::Bot)
}

/// Injected faults first, then the global and per-route limits; adds the rate-limit headers.
async fn limit_and_fault(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    shared
        .bus
        .counters
        .rest_requests
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if let Some(fault) = shared.rest.next_fault() {
        return ratelimit::fault_response(fault, shared.config.rest_limits.scope_header_always);
    }
    let limiter = &shared.rest.limiter;
    if let Some(retry_after) = limiter.banned_for() {
        return ratelimit::banned_response(retry_after);
    }
    let route = ratelimit::RouteKey::of(&request);
    let response = match limiter.acquire(&route) {
        Ok(grant) => {
            let mut response = next.run(request).await;
            grant.write_headers(response.headers_mut());
            response
        }
        Err(limited) => limited.into_response(),
    };
    if matches!(response.status().as_u16(), 401 | 403 | 429) {
        limiter.note_invalid();
    }
    response
}
