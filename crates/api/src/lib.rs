//! guildhall's REST API server.
//!
//! # Layout
//! - [`App`]: builds the router from a [`Store`] and an [`ApiConfig`]; [`serve`] runs it on a
//!   bound listener until a shutdown future completes, so tests bind port 0 and stop it on
//!   purpose.
//! - `error`: the one error enum, mapped to status codes in one place.
//! - `auth`: API key -> signed token exchange, and the [`auth::Caller`] extractor with scopes.
//! - `routes/`: one module per resource, each owning its router and handlers.
//! - `openapi`: the OpenAPI document (generated from the handlers) and the docs page.
//! - `metrics`: Prometheus request metrics and `/metrics`; `health`: `/healthz`, `/readyz`.

pub mod auth;
mod error;
mod extract;
mod health;
pub mod metrics;
mod openapi;
mod routes;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use guildhall_store::Store;
use tokio::net::TcpListener;
use tower::Layer;
use tower_http::normalize_path::NormalizePathLayer;

pub use error::ApiError;

/// Settings of the API server.
#[derive(Clone)]
pub struct ApiConfig {
    /// Secret that signs bearer tokens. `None` uses a secret generated once and kept in the
    /// database, which suits a single machine and keeps replicas sharing one database in step.
    pub secret: Option<String>,
    /// How long a token lives.
    pub token_ttl: Duration,
    /// Development mode: the API key `TESTING` is accepted. Never in production.
    pub dev_mode: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
}

impl std::fmt::Debug for ApiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiConfig")
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("token_ttl", &self.token_ttl)
            .field("dev_mode", &self.dev_mode)
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            secret: None,
            token_ttl: Duration::from_secs(3600),
            dev_mode: false,
            // A full user batch (500 users) is about 100 KiB; 1 MiB leaves room.
            body_limit: 1024 * 1024,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub(crate) tokens: Arc<auth::TokenSigner>,
    pub(crate) dev_mode: bool,
}

/// A built API server, ready to serve.
#[derive(Debug)]
pub struct App {
    router: Router,
    state: AppState,
}

/// The settings key under which a generated signing secret is kept.
const SECRET_SETTING: &str = "token_secret";

impl App {
    /// Builds the server. Resolves the signing secret (generating and keeping one if none is
    /// configured) and warns loudly in development mode.
    pub async fn build(
        store: Store,
        config: ApiConfig,
    ) -> Result<App, guildhall_store::StoreError> {
        let secret = match config.secret.clone() {
            Some(secret) => secret,
            None => {
                let fresh = auth::random_secret();
                store.setting_or_insert(SECRET_SETTING, &fresh).await?
            }
        };
        // Install the metrics recorder before the first request, so no request goes uncounted.
        metrics::handle();
        if config.dev_mode {
            tracing::warn!(
                "development mode is on: the API key \"TESTING\" is accepted by anyone; never run it like this in production"
            );
        }
        let state = AppState {
            store,
            tokens: Arc::new(auth::TokenSigner::new(secret.as_bytes(), config.token_ttl)),
            dev_mode: config.dev_mode,
        };
        let router = routes::router(state.clone(), config.body_limit);
        Ok(App { router, state })
    }

    /// The state handlers share (for embedding the API in a larger process).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The router, for embedding or for calling without a socket.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// Serves on `listener` until `shutdown` completes, then finishes requests in flight.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        serve(listener, self.router, shutdown).await
    }
}

/// Serves `router` on `listener` until `shutdown` completes. Trailing slashes are trimmed
/// before routing, so `/api/guilds/` and `/api/guilds` are the same route.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = NormalizePathLayer::trim_trailing_slash().layer(router);
    axum::serve(
        listener,
        axum::ServiceExt::<Request>::into_make_service(app),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
