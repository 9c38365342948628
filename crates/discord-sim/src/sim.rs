//! The [`Simulator`] handle, the state its servers share, and how it starts.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use axum::Router;
use axum::serve::ListenerExt;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::{Secret, SimConfig};
use crate::error::Error;
use crate::events::{Dispatch, EventBus, EventCounters};
use crate::gateway::session::GatewayState;
use crate::oauth::OAuthState;
use crate::rest::RestState;
use crate::state::World;

/// Where clients reach a running simulator.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SimUrls {
    /// `http://host:port`, the root of everything.
    pub base: String,
    /// `ws://host:port`: twilight's `proxy_url`, and READY's `resume_gateway_url`.
    pub gateway: String,
    /// `http://host:port/api/v10`.
    pub rest: String,
    /// `host:port`: twilight-http's `proxy(addr, true)`.
    pub proxy_addr: String,
    /// `http://host:port/_sim`, the control API.
    pub control: String,
}

impl SimUrls {
    /// The URLs under a base such as `http://127.0.0.1:8081`.
    pub fn from_base(base: &str) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        let host = base
            .split_once("://")
            .map_or(base.as_str(), |(_, rest)| rest)
            .to_owned();
        let ws_scheme = if base.starts_with("https://") {
            "wss"
        } else {
            "ws"
        };
        Self {
            gateway: format!("{ws_scheme}://{host}"),
            rest: format!("{base}/api/v10"),
            proxy_addr: host,
            control: format!("{base}/_sim"),
            base,
        }
    }
}

/// State shared by the gateway, REST, OAuth2 and control servers.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: SimConfig,
    world: Mutex<World>,
    pub bus: EventBus,
    pub gateway: GatewayState,
    pub rest: RestState,
    pub oauth: OAuthState,
    pub token: Secret,
    urls: OnceLock<SimUrls>,
    pub churn: Mutex<Option<crate::churn::ChurnTask>>,
    pub churn_targets: Mutex<crate::churn::TargetCache>,
    shutdown: Notify,
}

impl Shared {
    /// The world, recovering from a poisoned lock (a panicked test must not wedge others).
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `token` (with or without the `Bot ` prefix) is the bot's token.
    pub fn is_bot_token(&self, token: &str) -> bool {
        let bare = token.strip_prefix("Bot ").unwrap_or(token).trim();
        bare == self.token.expose()
    }

    pub fn urls(&self) -> SimUrls {
        self.urls
            .get()
            .cloned()
            .unwrap_or_else(|| SimUrls::from_base("http://127.0.0.1:0"))
    }

    /// Publishes a dispatch to every session that wants it.
    pub fn emit(&self, name: &'static str, guild_id: Option<u64>, intents: u64, data: String) {
        self.bus.publish(Dispatch {
            name,
            guild_id,
            intents,
            data,
            data_without_content: None,
        });
    }
}

/// A handle on one simulator: the Rust control API. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Simulator {
    pub(crate) shared: Arc<Shared>,
}

impl Simulator {
    /// Builds the simulator and its scenario (if the config has one); nothing listens yet.
    pub fn new(config: SimConfig) -> Self {
        let mut world = World::new(&config.bot_username);
        if let Some(scenario) = &config.scenario {
            world.build_scenario(scenario);
        }
        let token = config
            .bot_token
            .clone()
            .unwrap_or_else(|| realistic_token(world.bot.user_id));
        let shared = Shared {
            bus: EventBus::new(config.event_buffer),
            gateway: GatewayState::default(),
            rest: RestState::new(&config.rest_limits),
            oauth: OAuthState::new(config.oauth_auto_consent_user),
            world: Mutex::new(world),
            token,
            urls: OnceLock::new(),
            churn: Mutex::new(None),
            churn_targets: Mutex::new(crate::churn::TargetCache::default()),
            shutdown: Notify::new(),
            config,
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    /// Serves gateway, REST, OAuth2 and control API on `listener` until `shutdown` resolves
    /// or [`Simulator::shutdown`] is called.
    pub async fn run(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        self.prepare(&listener)?;
        let app = self.router();
        // Without TCP_NODELAY, Nagle's algorithm stalls small frames (READY, then
        // GUILD_CREATE) for ~40 ms against delayed ACKs.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let shared = self.shared.clone();
        let stop = async move {
            tokio::select! {
                () = shutdown => {}
                () = shared.shutdown.notified() => {}
            }
            // 4000 keeps sessions resumable, as when Discord restarts a gateway node.
            shared
                .gateway
                .close_all(crate::gateway::intents::close::UNKNOWN_ERROR);
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
            .map_err(Error::Serve)
    }

    /// Binds `127.0.0.1:0`, serves in a background task and returns once the port is known.
    pub async fn spawn(config: SimConfig) -> Result<Self, Error> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(Error::Bind)?;
        let simulator = Self::new(config);
        simulator.prepare(&listener)?;
        let runner = simulator.clone();
        tokio::spawn(async move {
            if let Err(error) = runner.run(listener, std::future::pending()).await {
                tracing::error!(%error, "simulator stopped");
            }
        });
        Ok(simulator)
    }

    /// Fixes the URLs from the listener's address (or `public_url`) and returns them, so a
    /// binary can print them before awaiting [`Simulator::run`]. The first call wins.
    pub fn prepare(&self, listener: &TcpListener) -> Result<SimUrls, Error> {
        let addr = listener.local_addr().map_err(Error::LocalAddr)?;
        let base = self
            .shared
            .config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let _ = self.shared.urls.set(SimUrls::from_base(&base));
        Ok(self.shared.urls())
    }

    /// Stops the server started by [`Simulator::run`] or [`Simulator::spawn`].
    pub fn shutdown(&self) {
        self.shared.shutdown.notify_waiters();
        self.stop_churn();
    }

    /// The whole HTTP surface: gateway at `/`, REST at `/api/v10`, OAuth2, control API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", axum::routing::get(crate::gateway::upgrade))
            .merge(crate::rest::router(self.shared.clone()))
            .merge(crate::oauth::router())
            .merge(crate::control::http::router())
            .with_state(self.shared.clone())
    }

    /// Where clients connect; valid once [`Simulator::run`] or [`Simulator::spawn`] bound.
    pub fn urls(&self) -> SimUrls {
        self.shared.urls()
    }

    /// The bot's token, without the `Bot ` prefix.
    pub fn bot_token(&self) -> String {
        self.shared.token.expose().to_owned()
    }

    /// The application id, which is also the OAuth2 client id.
    pub fn application_id(&self) -> u64 {
        self.shared.world().bot.application_id
    }

    /// The bot user's id.
    pub fn bot_user_id(&self) -> u64 {
        self.shared.world().bot.user_id
    }

    /// The OAuth2 client secret.
    pub fn client_secret(&self) -> String {
        self.shared.config.client_secret.expose().to_owned()
    }

    /// What has been sent so far.
    pub fn counters(&self) -> EventCounters {
        self.shared.bus.snapshot()
    }

    /// Waits until `condition` holds, checking every 10 ms, for at most `timeout`; returns
    /// whether it held. For tests that wait on a bot ("it connected", "it added the role")
    /// without sleeping for a guessed time.
    pub async fn wait_for(
        &self,
        timeout: std::time::Duration,
        mut condition: impl FnMut(&Simulator) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if condition(self) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Number of identified gateway connections.
    pub fn live_sessions(&self) -> usize {
        self.shared.gateway.live_sessions()
    }
}

/// A token shaped like Discord's: base64 user id, base64 timestamp, 38-character HMAC.
fn realistic_token(user_id: u64) -> Secret {
    let id = STANDARD_NO_PAD.encode(user_id.to_string());
    let timestamp = URL_SAFE_NO_PAD.encode(1_704_067_200u32.to_be_bytes());
    let mut hmac =
        URL_SAFE_NO_PAD.encode(user_id.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    hmac.push_str(&URL_SAFE_NO_PAD.encode(b"guildhall-sim-hmac-padding"));
    hmac.truncate(38);
    Secret::new(format!("{id}.{timestamp}.{hmac}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_derive_from_base() {
        let urls = SimUrls::from_base("http://127.0.0.1:9000/");
        assert_eq!(urls.gateway, "ws://127.0.0.1:9000");
        assert_eq!(urls.rest, "http://127.0.0.1:9000/api/v10");
        assert_eq!(urls.proxy_addr, "127.0.0.1:9000");
    }

    #[test]
    fn token_looks_like_discords() {
        let token = realistic_token(1_234_567_890_123_456_789);
        let parts: Vec<&str> = token.expose().split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2].len(), 38);
    }
}
