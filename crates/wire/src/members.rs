//! Guild members: a user's membership of a guild (nickname, roles, join date).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

use crate::Snowflake;

/// A user's membership of a guild.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GuildMember {
    pub id: i64,
    pub guild_id: i64,
    pub user_id: i64,
    pub nickname: Option<String>,
    /// Discord role ids the member holds.
    pub roles: Vec<Snowflake>,
    pub joined_at: Option<DateTime<Utc>>,
    /// When the member left; `None` while they are in the guild.
    pub left_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/members` body. Posting a member who exists (same guild and user) updates them
/// and marks them as present again, so the call is safe to repeat.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberUpsert {
    pub guild_id: i64,
    pub user_id: i64,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default)]
    pub roles: Vec<Snowflake>,
    #[serde(default)]
    pub joined_at: Option<DateTime<Utc>>,
}

/// `PUT /api/members/{id}` body: fields given are changed, fields left out are kept.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct MemberUpdate {
    /// The new nickname; an empty string clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Snowflake>>,
    /// `true` marks the member as having left; `false` as present again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<bool>,
}

/// `GET /api/members` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// Include members who left (default: only present members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_left: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/members` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberList {
    pub members: Vec<GuildMember>,
    pub next_cursor: Option<String>,
}
