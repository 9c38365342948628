//! Persistent roles: roles re-applied to a user whenever they rejoin a guild.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

use crate::Snowflake;

/// A role that sticks to a user across leaving and rejoining.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersistentRole {
    pub id: i64,
    pub guild_id: i64,
    pub user_id: i64,
    pub role_id: Snowflake,
    /// Who set it up (an internal user id), if known.
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/persistent-roles` body. Adding a role the user already keeps is a 409.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersistentRoleCreate {
    pub guild_id: i64,
    pub user_id: i64,
    pub role_id: Snowflake,
    #[serde(default)]
    pub created_by: Option<i64>,
}

/// `GET /api/persistent-roles` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersistentRoleFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/persistent-roles` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersistentRoleList {
    pub persistent_roles: Vec<PersistentRole>,
    pub next_cursor: Option<String>,
}
