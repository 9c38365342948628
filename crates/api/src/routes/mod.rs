//! Every route, one module per resource; this module only assembles them.

mod api_keys;
mod bot_status;
mod bump_stats;
mod cases;
mod channel_locks;
mod command_usage;
mod guilds;
mod members;
mod notes;
mod persistent_roles;
mod presences;
mod sync;
mod temporary_roles;
mod tokens;
mod users;
mod warnings;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Uri};
use axum::middleware;
use axum::routing::get;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::extract::Json;
use crate::openapi::ApiDoc;
use crate::{ApiError, AppState, health, metrics, openapi};

/// The whole server: API routes, OpenAPI document and docs page, health and metrics.
pub(crate) fn router(state: AppState, body_limit: usize) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(tokens::router())
        .merge(api_keys::router())
        .merge(guilds::router())
        .merge(users::router())
        .merge(members::router())
        .merge(notes::router())
        .merge(warnings::router())
        .merge(cases::router())
        .merge(persistent_roles::router())
        .merge(temporary_roles::router())
        .merge(channel_locks::router())
        .merge(bump_stats::router())
        .merge(command_usage::router())
        .merge(sync::router())
        .merge(presences::router())
        .merge(bot_status::router())
        .split_for_parts();
    let doc = Arc::new(doc);
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc) }
            }),
        )
        .merge(health::router())
        .route("/metrics", get(metrics::render))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
        .merge(openapi::docs_router())
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!(
        "there is no route {method} {}; see /api/docs",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not accept {method}", uri.path()))
}
