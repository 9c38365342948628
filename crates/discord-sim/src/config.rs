//! Settings of one simulator instance.

use std::fmt;
use std::time::Duration;

use crate::state::ScenarioSpec;

/// Discord's default heartbeat interval, in milliseconds, as sent in real HELLOs.
pub const DISCORD_HEARTBEAT_INTERVAL_MS: u64 = 41_250;

/// A secret string that prints as `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Which privileged intents the application's settings page has switched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivilegedIntents {
    /// "Server Members Intent" (GUILD_MEMBERS).
    pub guild_members: bool,
    /// "Presence Intent" (GUILD_PRESENCES).
    pub guild_presences: bool,
    /// "Message Content Intent" (MESSAGE_CONTENT).
    pub message_content: bool,
}

impl PrivilegedIntents {
    /// All three enabled.
    pub const ALL: Self = Self {
        guild_members: true,
        guild_presences: true,
        message_content: true,
    };
}

/// REST rate-limit settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RestLimits {
    /// Requests per bucket per window. Discord's buckets vary by route; 5 per 5 s is common
    /// for writes, the default here is generous so that benchmarks measure the bot.
    pub route_limit: u32,
    /// Length of a bucket's window.
    pub route_window: Duration,
    /// Requests per second across all routes; Discord's global limit is 50/s per bot.
    pub global_per_second: u32,
    /// Send `X-RateLimit-Scope` on every response (twilight-http 0.18 reads bucket headers
    /// only when it is present) instead of only on 429s as the docs describe.
    pub scope_header_always: bool,
    /// Discord bans a bot for a while after 10,000 invalid requests (401, 403, 429) in 10
    /// minutes.
    pub invalid_request_limit: u32,
    /// The window of `invalid_request_limit`.
    pub invalid_request_window: Duration,
}

impl Default for RestLimits {
    fn default() -> Self {
        Self {
            route_limit: 50,
            route_window: Duration::from_secs(1),
            global_per_second: 50,
            scope_header_always: true,
            invalid_request_limit: 10_000,
            invalid_request_window: Duration::from_secs(600),
        }
    }
}

/// Settings for [`crate::Simulator::new`].
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Interval announced in HELLO.
    pub heartbeat_interval: Duration,
    /// Slack after two missed heartbeat intervals before a silent connection is closed with
    /// 4009; generous by default so a briefly busy client is not cut off.
    pub heartbeat_grace: Duration,
    /// The bot's token; `None` derives a realistic-looking one from the bot's id.
    pub bot_token: Option<Secret>,
    /// The bot user's name.
    pub bot_username: String,
    /// Privileged intents enabled for the application.
    pub privileged_intents: PrivilegedIntents,
    /// OAuth2 client secret; the client id is the application id.
    pub client_secret: Secret,
    /// REST rate limits.
    pub rest_limits: RestLimits,
    /// Base URL that clients should use, when it differs from the listener's address
    /// (for example behind a proxy). Without a scheme's `http://` it is used as is.
    pub public_url: Option<String>,
    /// Dispatches buffered per connection before a slow client loses its session.
    pub event_buffer: usize,
    /// Dispatches kept per session for RESUME replay.
    pub replay_buffer: usize,
    /// How long a disconnected session stays resumable.
    pub resume_window: Duration,
    /// Discord allows one all-members op 8 request per guild per 30 s.
    pub all_members_request_interval: Duration,
    /// Discord allows `max_concurrency` (here 1) IDENTIFYs per 5 s and answers more with
    /// op 9; `None` turns the check off so tests can identify freely.
    pub identify_interval: Option<Duration>,
    /// A user who automatically consents at `/oauth2/authorize`.
    pub oauth_auto_consent_user: Option<u64>,
    /// Scenario built at start.
    pub scenario: Option<ScenarioSpec>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(DISCORD_HEARTBEAT_INTERVAL_MS),
            heartbeat_grace: Duration::from_secs(5),
            bot_token: None,
            bot_username: "Guildhall".into(),
            privileged_intents: PrivilegedIntents::ALL,
            client_secret: Secret::new("sim-client-secret"),
            rest_limits: RestLimits::default(),
            public_url: None,
            event_buffer: 1 << 16,
            replay_buffer: 4096,
            resume_window: Duration::from_secs(180),
            all_members_request_interval: Duration::from_secs(30),
            identify_interval: None,
            oauth_auto_consent_user: None,
            scenario: None,
        }
    }
}

impl SimConfig {
    /// The demo community with default settings.
    pub fn demo() -> Self {
        Self {
            scenario: Some(ScenarioSpec::demo()),
            ..Self::default()
        }
    }
}
