//! Moderation cases, numbered per guild.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use chrono::{DateTime, Utc};

/// What a moderator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CaseAction {
    Warn,
    Mute,
    Unmute,
    Timeout,
    Kick,
    Ban,
    Unban,
    Softban,
    Note,
}

impl CaseAction {
    /// Every action, in the order they are listed in documentation.
    pub const ALL: [CaseAction; 9] = [
        CaseAction::Warn,
        CaseAction::Mute,
        CaseAction::Unmute,
        CaseAction::Timeout,
        CaseAction::Kick,
        CaseAction::Ban,
        CaseAction::Unban,
        CaseAction::Softban,
        CaseAction::Note,
    ];

    /// The action's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Warn => "warn",
            CaseAction::Mute => "mute",
            CaseAction::Unmute => "unmute",
            CaseAction::Timeout => "timeout",
            CaseAction::Kick => "kick",
            CaseAction::Ban => "ban",
            CaseAction::Unban => "unban",
            CaseAction::Softban => "softban",
            CaseAction::Note => "note",
        }
    }

    /// Parses an action name (case-insensitive).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// A moderation case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModerationCase {
    pub id: i64,
    pub guild_id: i64,
    /// The case's number within its guild: 1, 2, 3... with no gaps.
    pub case_number: i64,
    pub user_id: i64,
    /// The moderator (an internal user id).
    pub mod_id: i64,
    pub action: CaseAction,
    pub reason: String,
    /// How long the action lasts (for mutes, timeouts, temporary bans), in seconds.
    pub duration_seconds: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub resolved: bool,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution_note: Option<String>,
}

/// `POST /api/moderation-cases` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseCreate {
    pub guild_id: i64,
    pub user_id: i64,
    pub mod_id: i64,
    pub action: CaseAction,
    pub reason: String,
    #[serde(default)]
    pub duration_seconds: Option<i64>,
}

/// `PUT /api/moderation-cases/{id}` body: resolve or reopen a case, or change its reason.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct CaseUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `true` resolves the case (now); `false` reopens it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_note: Option<String>,
}

/// `GET /api/moderation-cases` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mod_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<CaseAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /api/moderation-cases` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseList {
    pub moderation_cases: Vec<ModerationCase>,
    pub next_cursor: Option<String>,
}
