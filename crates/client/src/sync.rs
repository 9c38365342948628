//! The bot's calls: guild and member sync, presences, and its status report.

use guildhall_wire::bot::{BotReport, BotStatus};
use guildhall_wire::guilds::{Guild, GuildCreate};
use guildhall_wire::presences::{
    PresenceBatch, PresenceBatchResult, PresenceFilter, PresenceList, PresenceUpdate,
};
use guildhall_wire::sync::{
    FinishSync, LeftCount, MemberSync, MemberSyncBatch, MemberSyncResult, MembersLeft,
};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `POST /api/guilds/sync`: create or update a guild by Discord id (safe to repeat).
    pub async fn sync_guild(&self, guild: &GuildCreate) -> Result<Guild> {
        self.post("/api/guilds/sync", guild, Idempotency::Safe)
            .await
    }

    /// `POST /api/guilds/{id}/members/sync`: one batch of at most 500 members (safe to repeat).
    pub async fn sync_members(
        &self,
        guild_id: i64,
        members: &[MemberSync],
    ) -> Result<MemberSyncResult> {
        let batch = MemberSyncBatch {
            members: members.to_vec(),
        };
        self.post(
            &format!("/api/guilds/{guild_id}/members/sync"),
            &batch,
            Idempotency::Safe,
        )
        .await
    }

    /// `POST /api/guilds/{id}/members/left`: these users (Discord ids) left.
    pub async fn members_left(
        &self,
        guild_id: i64,
        user_ids: &[guildhall_wire::Snowflake],
    ) -> Result<LeftCount> {
        let body = MembersLeft {
            user_ids: user_ids.to_vec(),
        };
        self.post(
            &format!("/api/guilds/{guild_id}/members/left"),
            &body,
            Idempotency::Safe,
        )
        .await
    }

    /// `POST /api/guilds/{id}/members/finish-sync`: members a full sync did not see have left.
    pub async fn finish_member_sync(
        &self,
        guild_id: i64,
        started_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<LeftCount> {
        self.post(
            &format!("/api/guilds/{guild_id}/members/finish-sync"),
            &FinishSync { started_at },
            Idempotency::Safe,
        )
        .await
    }

    /// `POST /api/guilds/{id}/presences`: at most 1000 presences (safe to repeat: latest wins).
    pub async fn store_presences(
        &self,
        guild_id: i64,
        presences: &[PresenceUpdate],
    ) -> Result<PresenceBatchResult> {
        let batch = PresenceBatch {
            presences: presences.to_vec(),
        };
        self.post(
            &format!("/api/guilds/{guild_id}/presences"),
            &batch,
            Idempotency::Safe,
        )
        .await
    }

    /// `GET /api/presences`: one page of presences.
    pub async fn list_presences(&self, filter: &PresenceFilter) -> Result<PresenceList> {
        self.get("/api/presences", Some(filter)).await
    }

    /// `PUT /api/bot/status`: the bot's report about itself; answers the resulting status.
    pub async fn report_bot_status(&self, report: &BotReport) -> Result<BotStatus> {
        self.put("/api/bot/status", report).await
    }

    /// `GET /api/staff/discord/status/`.
    pub async fn bot_status(&self) -> Result<BotStatus> {
        self.get::<(), _>("/api/staff/discord/status", None).await
    }
}
