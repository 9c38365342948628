//! Moderator notes about a user in a guild.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

/// A note a moderator wrote about a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Note {
    pub id: i64,
    pub guild_id: i64,
    pub user_id: i64,
    /// The moderator (an internal user id).
    pub mod_id: i64,
    pub content: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/notes` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteCreate {
    pub guild_id: i64,
    pub user_id: i64,
    pub mod_id: i64,
    pub content: String,
}

/// `PUT /api/notes/{id}` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteUpdate {
    pub content: String,
}

/// `GET /api/notes` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoteFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mod_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/notes` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteList {
    pub notes: Vec<Note>,
    pub next_cursor: Option<String>,
}
