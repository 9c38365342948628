//! Guilds (Discord servers) the bot serves.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

use crate::Snowflake;

/// A Discord guild as guildhall records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Guild {
    /// Internal id, used by other records' `guild_id`.
    pub id: i64,
    pub discord_id: Snowflake,
    pub name: String,
    /// Icon hash or URL.
    pub icon: Option<String>,
    pub owner_discord_id: Option<Snowflake>,
    /// When the bot joined the guild.
    pub joined_at: Option<DateTime<Utc>>,
    /// When the bot left the guild, if it did.
    pub left_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/guilds` body. Creating a guild whose `discord_id` exists is a 409.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GuildCreate {
    pub discord_id: Snowflake,
    pub name: String,
    #[serde(default)]
    pub icon: Option<String>,
    #[serde(default)]
    pub owner_discord_id: Option<Snowflake>,
    #[serde(default)]
    pub joined_at: Option<DateTime<Utc>>,
}

/// `PUT /api/guilds/{id}` body: fields given are changed, fields left out are kept.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct GuildUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_discord_id: Option<Snowflake>,
    /// `true` marks the bot as having left the guild; `false` as being in it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<bool>,
}

/// `GET /api/guilds` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GuildFilter {
    /// Only the guild with this Discord id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = Option<String>)]
    pub discord_id: Option<Snowflake>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/guilds` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GuildList {
    pub guilds: Vec<Guild>,
    pub next_cursor: Option<String>,
}
