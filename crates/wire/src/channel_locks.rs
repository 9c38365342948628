//! Channel locks: a channel's permission overwrites saved, the channel locked until a time.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

use crate::Snowflake;

/// A locked channel and what to restore when it is unlocked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChannelLock {
    pub id: i64,
    pub guild_id: i64,
    pub channel_id: Snowflake,
    /// Who locked it (an internal user id), if known.
    pub locked_by: Option<i64>,
    pub reason: Option<String>,
    /// The channel's permission overwrites before the lock (Discord's JSON shape).
    #[schema(value_type = Object)]
    pub saved_overwrites: serde_json::Value,
    pub locked_at: DateTime<Utc>,
    /// When the channel unlocks by itself; `None` locks until someone unlocks it.
    pub unlock_at: Option<DateTime<Utc>>,
    /// When it was unlocked; `None` while locked.
    pub unlocked_at: Option<DateTime<Utc>>,
}

/// `POST /api/channel-locks` body. Locking a channel that is already locked is a 409.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelLockCreate {
    pub guild_id: i64,
    pub channel_id: Snowflake,
    #[serde(default)]
    pub locked_by: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default = "empty_overwrites")]
    #[schema(value_type = Object)]
    pub saved_overwrites: serde_json::Value,
    #[serde(default)]
    pub unlock_at: Option<DateTime<Utc>>,
}

fn empty_overwrites() -> serde_json::Value {
    serde_json::Value::Array(Vec::new())
}

/// `PUT /api/channel-locks/{id}` body: move the unlock time, or unlock now.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ChannelLockUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlock_at: Option<DateTime<Utc>>,
    /// `true` records the channel as unlocked now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlocked: Option<bool>,
}

/// `GET /api/channel-locks` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChannelLockFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = Option<String>)]
    pub channel_id: Option<Snowflake>,
    /// `true`: only locks in force; `false`: only past locks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/channel-locks` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelLockList {
    pub channel_locks: Vec<ChannelLock>,
    pub next_cursor: Option<String>,
}
