//! OAuth2 for "Log in with Discord": `/oauth2/authorize` (consent given by the control API,
//! automatically for a configured user, or by a form), `/api/v10/oauth2/token` with the
//! `authorization_code` and `refresh_token` grants, and bearer tokens for `users/@me`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;

use crate::sim::{Shared, Simulator};

/// Discord's access tokens last a week.
const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(604_800);
/// Authorization codes are short-lived; Discord's last about ten minutes.
const CODE_LIFETIME: Duration = Duration::from_secs(600);

#[derive(Debug, Clone)]
struct Grant {
    user_id: u64,
    scope: String,
    redirect_uri: String,
    issued: Instant,
}

#[derive(Debug, Default)]
struct Tokens {
    codes: HashMap<String, Grant>,
    access: HashMap<String, (u64, String, Instant)>,
    refresh: HashMap<String, (u64, String)>,
    auto_user: Option<u64>,
    queued_consents: VecDeque<u64>,
}

/// OAuth2 state: pending codes and issued tokens.
#[derive(Debug)]
pub(crate) struct OAuthState {
    tokens: Mutex<Tokens>,
}

impl OAuthState {
    pub fn new(auto_user: Option<u64>) -> Self {
        Self {
            tokens: Mutex::new(Tokens {
                auto_user,
                ..Tokens::default()
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tokens> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn user_for_access_token(&self, token: &str) -> Option<u64> {
        let tokens = self.lock();
        let (user_id, _, issued) = tokens.access.get(token)?;
        (issued.elapsed() < ACCESS_TOKEN_LIFETIME).then_some(*user_id)
    }

    pub fn user_has_scope(&self, user_id: u64, scope: &str) -> bool {
        self.lock()
            .access
            .values()
            .any(|(u, s, _)| *u == user_id && s.split(' ').any(|x| x == scope))
    }
}

fn random_token() -> String {
    format!("{:030x}", rand::rng().random::<u128>() >> 8)
}

impl Simulator {
    /// Every later authorization is consented to as this user (`None` turns that off).
    pub fn set_oauth_auto_consent(&self, user_id: Option<u64>) {
        self.shared.oauth.lock().auto_user = user_id;
    }

    /// The next authorization (only that one) is consented to as this user.
    pub fn queue_oauth_consent(&self, user_id: u64) {
        self.shared.oauth.lock().queued_consents.push_back(user_id);
    }
}

/// `/oauth2/authorize`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new().route("/oauth2/authorize", get(authorize).post(authorize_form))
}

/// `/oauth2/token`, mounted under `/api/v10`.
pub(crate) fn token_router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/oauth2/token", post(token))
        .route("/oauth2/token/revoke", post(revoke))
}

#[derive(Debug, Deserialize)]
struct AuthorizeQuery {
    client_id: String,
    #[serde(default)]
    response_type: Option<String>,
    redirect_uri: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    if let Err(refusal) = check_authorize(&shared, &query) {
        return refusal.into_response();
    }
    let consent = {
        let mut tokens = shared.oauth.lock();
        tokens.queued_consents.pop_front().or(tokens.auto_user)
    };
    match consent {
        Some(user_id) => grant_code(&shared, &query, user_id),
        None => consent_page(&query),
    }
}

#[derive(Debug, Deserialize)]
struct ConsentForm {
    client_id: String,
    redirect_uri: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    state: Option<String>,
    user_id: u64,
}

async fn authorize_form(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<ConsentForm>,
) -> Response {
    let query = AuthorizeQuery {
        client_id: form.client_id,
        response_type: Some("code".into()),
        redirect_uri: form.redirect_uri,
        scope: form.scope,
        state: form.state,
    };
    if let Err(refusal) = check_authorize(&shared, &query) {
        return refusal.into_response();
    }
    if shared.world().user(form.user_id).is_none() {
        return (StatusCode::BAD_REQUEST, "unknown user").into_response();
    }
    grant_code(&shared, &query, form.user_id)
}

fn check_authorize(
    shared: &Shared,
    query: &AuthorizeQuery,
) -> Result<(), (StatusCode, &'static str)> {
    let client_id = shared.world().bot.application_id.to_string();
    if query.client_id != client_id {
        return Err((StatusCode::BAD_REQUEST, "unknown client_id"));
    }
    if query.response_type.as_deref().is_some_and(|t| t != "code") {
        return Err((StatusCode::BAD_REQUEST, "unsupported response_type"));
    }
    Ok(())
}

fn grant_code(shared: &Shared, query: &AuthorizeQuery, user_id: u64) -> Response {
    let code = random_token();
    shared.oauth.lock().codes.insert(
        code.clone(),
        Grant {
            user_id,
            scope: query.scope.clone().unwrap_or_else(|| "identify".into()),
            redirect_uri: query.redirect_uri.clone(),
            issued: Instant::now(),
        },
    );
    let separator = if query.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    let mut location = format!("{}{separator}code={code}", query.redirect_uri);
    if let Some(state) = &query.state {
        location.push_str("&state=");
        location.push_str(&form_urlencode(state));
    }
    Redirect::to(&location).into_response()
}

fn form_urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn html_escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Without a configured consent, a page asks which simulated user is logging in.
fn consent_page(query: &AuthorizeQuery) -> Response {
    let hidden = |name: &str, value: &str| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            html_escape(value)
        )
    };
    let page = format!(
        r#"<!doctype html><title>Authorize - Discord simulator</title>
<h1>Log in to the Discord simulator</h1>
<form method="post" action="/oauth2/authorize">{}{}{}{}
<label>User id <input name="user_id" required></label> <button>Authorize</button></form>"#,
        hidden("client_id", &query.client_id),
        hidden("redirect_uri", &query.redirect_uri),
        hidden("scope", query.scope.as_deref().unwrap_or("identify")),
        hidden("state", query.state.as_deref().unwrap_or("")),
    );
    Html(page).into_response()
}

#[derive(Debug, Deserialize)]
struct TokenRequest {
    grant_type: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// Client credentials from the form or from HTTP Basic auth.
fn client_credentials(headers: &HeaderMap, request: &TokenRequest) -> Option<(String, String)> {
    if let (Some(id), Some(secret)) = (&request.client_id, &request.client_secret) {
        return Some((id.clone(), secret.clone()));
    }
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let decoded = STANDARD.decode(value.strip_prefix("Basic ")?).ok()?;
    let (id, secret) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(request): Form<TokenRequest>,
) -> Response {
    let client_id = shared.world().bot.application_id.to_string();
    match client_credentials(&headers, &request) {
        Some((id, secret)) if id == client_id && secret == shared.config.client_secret.expose() => {
        }
        _ => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Invalid client"),
    }
    let mut tokens = shared.oauth.lock();
    let (user_id, scope) = match request.grant_type.as_str() {
        "authorization_code" => {
            let Some(grant) = request.code.as_deref().and_then(|c| tokens.codes.remove(c)) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid \"code\" in request.",
                );
            };
            if grant.issued.elapsed() > CODE_LIFETIME
                || request.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str())
            {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid \"redirect_uri\" in request.",
                );
            }
            (grant.user_id, grant.scope)
        }
        "refresh_token" => {
            let Some(found) = request
                .refresh_token
                .as_deref()
                .and_then(|r| tokens.refresh.remove(r))
            else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid \"refresh_token\" in request.",
                );
            };
            found
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Unsupported grant type",
            );
        }
    };
    let access_token = random_token();
    let refresh_token = random_token();
    tokens.access.insert(
        access_token.clone(),
        (user_id, scope.clone(), Instant::now()),
    );
    tokens
        .refresh
        .insert(refresh_token.clone(), (user_id, scope.clone()));
    Json(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME.as_secs(),
        "refresh_token": refresh_token,
        "scope": scope,
    }))
    .into_response()
}

#[derive(Debug, Deserialize)]
struct RevokeRequest {
    token: String,
}

async fn revoke(
    State(shared): State<Arc<Shared>>,
    Form(request): Form<RevokeRequest>,
) -> StatusCode {
    let mut tokens = shared.oauth.lock();
    tokens.access.remove(&request.token);
    tokens.refresh.remove(&request.token);
    StatusCode::OK
}
