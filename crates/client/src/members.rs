//! Guild member calls.

use guildhall_wire::members::{GuildMember, MemberFilter, MemberList, MemberUpdate, MemberUpsert};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `GET /api/members`: one page of members.
    pub async fn list_members(&self, filter: &MemberFilter) -> Result<MemberList> {
        self.get("/api/members", Some(filter)).await
    }

    /// `GET /api/members/{id}`.
    pub async fn member(&self, id: i64) -> Result<GuildMember> {
        self.get::<(), _>(&format!("/api/members/{id}"), None).await
    }

    /// `POST /api/members`: create the member or bring it up to date (safe to repeat).
    pub async fn upsert_member(&self, member: &MemberUpsert) -> Result<GuildMember> {
        self.post("/api/members", member, Idempotency::Safe).await
    }

    /// `PUT /api/members/{id}`.
    pub async fn update_member(&self, id: i64, change: &MemberUpdate) -> Result<GuildMember> {
        self.put(&format!("/api/members/{id}"), change).await
    }

    /// `DELETE /api/members/{id}`: answers with the member as it was.
    pub async fn delete_member(&self, id: i64) -> Result<GuildMember> {
        self.delete(&format!("/api/members/{id}")).await
    }
}
