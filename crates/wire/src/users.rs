//! Discord users, including the batch sync the bot uses.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

use crate::Snowflake;

/// The most users `POST /api/users/batch` takes at once.
pub const MAX_USER_BATCH: usize = 500;

/// A Discord user as guildhall records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DiscordUser {
    /// Internal id, used by other records' `user_id` and `mod_id`.
    pub id: i64,
    pub discord_id: Snowflake,
    pub username: String,
    /// The display name chosen by the user, if any.
    pub global_name: Option<String>,
    /// Avatar hash or URL.
    pub avatar: Option<String>,
    pub bot: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/users` body, and one item of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserCreate {
    pub discord_id: Snowflake,
    pub username: String,
    #[serde(default)]
    pub global_name: Option<String>,
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub bot: bool,
}

/// `PUT /api/users/{id}` body: fields given are changed, fields left out are kept.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct UserUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<bool>,
}

/// `POST /api/users/batch` body: create or update up to 500 users by Discord id.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserBatch {
    pub users: Vec<UserCreate>,
}

/// What a batch did. Each distinct Discord id is counted once, by its final state; a later
/// duplicate inside the batch wins.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserBatchResult {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// The stored users, one per distinct Discord id, in first-seen order.
    pub users: Vec<DiscordUser>,
}

/// `GET /api/users` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Only the user with this Discord id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = Option<String>)]
    pub discord_id: Option<Snowflake>,
    /// Usernames starting with this text (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/users` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserList {
    pub users: Vec<DiscordUser>,
    pub next_cursor: Option<String>,
}
