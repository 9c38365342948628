//! The bot's sync routes: guilds and members addressed by Discord id, in batches.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Snowflake;
use crate::users::UserCreate;

/// The most members `POST /api/guilds/{id}/members/sync` takes at once.
pub const MAX_MEMBER_BATCH: usize = 500;

/// One member as the bot sees it: the user and their membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberSync {
    pub user: UserCreate,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default)]
    pub roles: Vec<Snowflake>,
    #[serde(default)]
    pub joined_at: Option<DateTime<Utc>>,
}

/// `POST /api/guilds/{id}/members/sync` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberSyncBatch {
    pub members: Vec<MemberSync>,
}

/// How many records a sync created, changed, or found already as given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SyncCounts {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
}

impl std::ops::AddAssign for SyncCounts {
    fn add_assign(&mut self, other: Self) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// What a member sync batch did, for users and for memberships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberSyncResult {
    pub users: SyncCounts,
    pub members: SyncCounts,
    /// The server's time stamp on this batch. A full sync passes its first batch's stamp to
    /// `finish-sync`, so both ends of the comparison come from the server's clock.
    pub synced_at: DateTime<Utc>,
}

/// `POST /api/guilds/{id}/members/left` body: these users left the guild.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MembersLeft {
    /// Discord ids of the users who left.
    pub user_ids: Vec<Snowflake>,
}

/// `POST /api/guilds/{id}/members/finish-sync` body: a full member sync that started at
/// `started_at` is complete, so members it did not see have left.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FinishSync {
    pub started_at: DateTime<Utc>,
}

/// How many members were marked as left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeftCount {
    pub left: u64,
}
