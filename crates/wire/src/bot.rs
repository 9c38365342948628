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

/// Where a requested sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SyncJobStatus {
    Pending,
    Running,
    Done,
    Failed,
}

impl SyncJobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncJobStatus::Pending => "pending",
            SyncJobStatus::Running => "running",
            SyncJobStatus::Done => "done",
            SyncJobStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            SyncJobStatus::Pending,
            SyncJobStatus::Running,
            SyncJobStatus::Done,
            SyncJobStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Whether the job has ended.
    pub fn is_finished(self) -> bool {
        matches!(self, SyncJobStatus::Done | SyncJobStatus::Failed)
    }
}

/// A full sync requested by a manager (`POST /api/staff/discord/sync/`) and run by the bot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SyncJob {
    pub id: i64,
    pub status: SyncJobStatus,
    /// Who asked (the API key's id).
    pub requested_by: Option<String>,
    /// Members to sync, once known.
    pub total: i64,
    /// Members synced so far.
    pub processed: i64,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// `PUT /api/bot/sync-jobs/{id}` body: the bot's progress on a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SyncJobProgress {
    pub status: SyncJobStatus,
    pub total: i64,
    pub processed: i64,
    #[serde(default)]
    pub error: Option<String>,
}

/// `POST /api/bot/sync-jobs/claim` response: the oldest waiting job, now the caller's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimedSyncJob {
    pub job: Option<SyncJob>,
}
