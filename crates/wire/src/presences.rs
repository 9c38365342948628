//! Presences: each member's current Discord status, custom status and activities.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Snowflake;

/// The most presences `POST /api/guilds/{id}/presences` takes at once.
pub const MAX_PRESENCE_BATCH: usize = 1000;

/// A Discord status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PresenceStatus {
    Online,
    Idle,
    Dnd,
    #[default]
    Offline,
}

impl PresenceStatus {
    /// The status as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceStatus::Online => "online",
            PresenceStatus::Idle => "idle",
            PresenceStatus::Dnd => "dnd",
            PresenceStatus::Offline => "offline",
        }
    }

    /// Parses a status; Discord's `invisible` reads as offline, as other users see it.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "online" => Some(PresenceStatus::Online),
            "idle" => Some(PresenceStatus::Idle),
            "dnd" => Some(PresenceStatus::Dnd),
            "offline" | "invisible" => Some(PresenceStatus::Offline),
            _ => None,
        }
    }
}

/// One activity (a game, music, a stream...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Activity {
    /// Discord's activity type: 0 playing, 1 streaming, 2 listening, 3 watching, 4 custom,
    /// 5 competing.
    #[serde(rename = "type")]
    pub kind: u8,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

/// The status on each platform the user is connected from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClientStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desktop: Option<PresenceStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<PresenceStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<PresenceStatus>,
}

/// One presence change as the bot saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PresenceUpdate {
    /// The user's Discord id.
    pub user_id: Snowflake,
    pub status: PresenceStatus,
    #[serde(default)]
    pub custom_status: Option<String>,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub client_status: ClientStatus,
    /// When the bot saw the change; an older update never overwrites a newer one.
    pub at: DateTime<Utc>,
}

/// `POST /api/guilds/{id}/presences` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PresenceBatch {
    pub presences: Vec<PresenceUpdate>,
}

/// What a presence batch did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PresenceBatchResult {
    /// Presences stored (new or newer than the stored one).
    pub stored: u32,
    /// Discord ids with no user record yet; sync the member first.
    pub unknown_users: Vec<Snowflake>,
}

/// A member's current presence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Presence {
    pub guild_id: i64,
    pub user_id: i64,
    pub user_discord_id: Snowflake,
    pub status: PresenceStatus,
    pub custom_status: Option<String>,
    pub activities: Vec<Activity>,
    pub client_status: ClientStatus,
    pub updated_at: DateTime<Utc>,
}

/// `GET /api/presences` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PresenceFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PresenceStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/presences` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PresenceList {
    pub presences: Vec<Presence>,
    pub next_cursor: Option<String>,
}
