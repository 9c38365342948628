//! Temporary roles: granted now, taken back at `expires_at`.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

use crate::Snowflake;

/// A role given to a user for a while.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TemporaryRole {
    pub id: i64,
    pub guild_id: i64,
    pub user_id: i64,
    pub role_id: Snowflake,
    /// Who granted it (an internal user id), if known.
    pub granted_by: Option<i64>,
    pub reason: Option<String>,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When the role was taken back; `None` while it is held.
    pub removed_at: Option<DateTime<Utc>>,
}

/// `POST /api/temporary-roles` body. Give either `expires_at` or `duration_seconds`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TemporaryRoleCreate {
    pub guild_id: i64,
    pub user_id: i64,
    pub role_id: Snowflake,
    #[serde(default)]
    pub granted_by: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub duration_seconds: Option<i64>,
}

/// `PUT /api/temporary-roles/{id}` body: move the expiry, or take the role back now.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct TemporaryRoleUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// `true` records the role as taken back now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<bool>,
}

/// `GET /api/temporary-roles` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemporaryRoleFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// `true`: only roles still held; `false`: only roles taken back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/temporary-roles` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TemporaryRoleList {
    pub temporary_roles: Vec<TemporaryRole>,
    pub next_cursor: Option<String>,
}
