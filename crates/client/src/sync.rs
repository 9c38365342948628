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

impl Client {
    /// `POST /api/staff/discord/sync/`: asks the bot for a full sync; waits for it unless
    /// `wait` is false. Not retried: a retry would queue a second sync.
    pub async fn request_sync(&self, wait: bool) -> Result<guildhall_wire::bot::SyncJob> {
        #[derive(serde::Serialize)]
        struct Wait {
            wait: bool,
        }
        self.request::<Wait, (), _>(
            reqwest::Method::POST,
            "/api/staff/discord/sync",
            Some(&Wait { wait }),
            None,
            Idempotency::Unsafe,
        )
        .await
    }

    /// `GET /api/staff/discord/sync/{id}`.
    pub async fn sync_job(&self, id: i64) -> Result<guildhall_wire::bot::SyncJob> {
        self.get::<(), _>(&format!("/api/staff/discord/sync/{id}"), None)
            .await
    }

    /// `POST /api/bot/sync-jobs/claim`: the oldest waiting sync job, if any.
    pub async fn claim_sync_job(&self) -> Result<Option<guildhall_wire::bot::SyncJob>> {
        let claimed: guildhall_wire::bot::ClaimedSyncJob = self
            .post("/api/bot/sync-jobs/claim", &(), Idempotency::Unsafe)
            .await?;
        Ok(claimed.job)
    }

    /// `PUT /api/bot/sync-jobs/{id}`: progress on a job.
    pub async fn update_sync_job(
        &self,
        id: i64,
        progress: &guildhall_wire::bot::SyncJobProgress,
    ) -> Result<guildhall_wire::bot::SyncJob> {
        self.put(&format!("/api/bot/sync-jobs/{id}"), progress)
            .await
    }
}
