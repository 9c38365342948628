//! The bot's reported state, behind `GET /api/staff/discord/status/`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Snowflake;

/// How long a bot report counts as current. The bot reports every few seconds, so a bot that
/// stopped or lost its connection shows as not running within this time.
pub const REPORT_FRESH_SECONDS: i64 = 15;

/// One gateway shard's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ShardState {
    pub id: u32,
    /// Whether the shard has a live, identified gateway session.
    pub connected: bool,
    /// Gateway heartbeat round trip, in milliseconds.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    #[serde(default)]
    pub last_event_at: Option<DateTime<Utc>>,
}

/// `PUT /api/bot/status` body: what the bot reports about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BotReport {
    pub shards: Vec<ShardState>,
    /// Discord ids of the guilds the bot serves.
    #[serde(default)]
    pub guild_ids: Vec<Snowflake>,
}

/// `GET /api/staff/discord/status/` response (the seed's contract, extended).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BotStatus {
    /// Whether a bot is set up to report here (it has reported at least once).
    pub configured: bool,
    /// True only while a recent report says a gateway connection is live.
    pub is_running: bool,
    /// The (first) guild the bot serves.
    pub guild_id: Option<Snowflake>,
    pub guild_ids: Vec<Snowflake>,
    pub shards: Vec<ShardState>,
    /// The best shard latency, in milliseconds.
    pub latency_ms: Option<u64>,
    pub last_event_at: Option<DateTime<Utc>>,
    pub reported_at: Option<DateTime<Utc>>,
}
