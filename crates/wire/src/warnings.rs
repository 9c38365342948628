//! Warnings given to users, optionally expiring.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

/// A warning a moderator gave a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Warning {
    pub id: i64,
    pub guild_id: i64,
    pub user_id: i64,
    /// The moderator (an internal user id).
    pub mod_id: i64,
    pub reason: String,
    /// When the warning stops counting, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/warnings` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WarningCreate {
    pub guild_id: i64,
    pub user_id: i64,
    pub mod_id: i64,
    pub reason: String,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// `GET /api/warnings` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WarningFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mod_id: Option<i64>,
    /// `true`: only warnings that have not expired; `false`: only expired ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/warnings` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WarningList {
    pub warnings: Vec<Warning>,
    pub next_cursor: Option<String>,
}
