//! Command usage: how often each user ran each bot command in each guild.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

/// One user's use of one command in one guild.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommandUsage {
    pub id: i64,
    pub guild_id: i64,
    pub user_id: i64,
    pub command: String,
    pub use_count: i64,
    pub last_used_at: DateTime<Utc>,
}

/// `POST /api/command-usage` body: record one use (the count goes up by one).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommandUse {
    pub guild_id: i64,
    pub user_id: i64,
    pub command: String,
    /// When the command ran (default: now).
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// `GET /api/command-usage` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommandUsageFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/command-usage` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommandUsageList {
    pub command_usage: Vec<CommandUsage>,
    pub next_cursor: Option<String>,
}
