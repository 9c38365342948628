//! Bump statistics: how often each user bumped the guild on a listing site.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

/// One user's bump count in one guild.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BumpStat {
    pub id: i64,
    pub guild_id: i64,
    pub user_id: i64,
    pub bump_count: i64,
    pub last_bump_at: DateTime<Utc>,
}

/// `POST /api/bump-stats` body: record one bump (the count goes up by one).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BumpRecord {
    pub guild_id: i64,
    pub user_id: i64,
    /// When the bump happened (default: now).
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// `GET /api/bump-stats` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BumpStatFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/bump-stats` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BumpStatList {
    pub bump_stats: Vec<BumpStat>,
    pub next_cursor: Option<String>,
}
