//! Guild calls.

use guildhall_wire::guilds::{Guild, GuildCreate, GuildFilter, GuildList, GuildUpdate};

use crate::pages::{ItemStream, paged};
use crate::{Client, Idempotency, Result};

paged!(GuildList, guilds, Guild, GuildFilter);

impl Client {
    /// `GET /api/guilds`: one page of guilds.
    pub async fn list_guilds(&self, filter: &GuildFilter) -> Result<GuildList> {
        self.get("/api/guilds", Some(filter)).await
    }

    /// Every guild matching `filter`, fetched page by page as the stream is read.
    pub fn guilds_stream(&self, filter: &GuildFilter) -> ItemStream<Guild> {
        self.paginate::<GuildList, _>("/api/guilds", filter)
    }

    /// Every guild matching `filter`, all pages collected.
    pub async fn all_guilds(&self, filter: &GuildFilter) -> Result<Vec<Guild>> {
        self.collect_all::<GuildList, _>("/api/guilds", filter)
            .await
    }

    /// `GET /api/guilds/{id}`.
    pub async fn guild(&self, id: i64) -> Result<Guild> {
        self.get::<(), _>(&format!("/api/guilds/{id}"), None).await
    }

    /// `POST /api/guilds`.
    pub async fn create_guild(&self, new: &GuildCreate) -> Result<Guild> {
        self.post("/api/guilds", new, Idempotency::Unsafe).await
    }

    /// `PUT /api/guilds/{id}`.
    pub async fn update_guild(&self, id: i64, change: &GuildUpdate) -> Result<Guild> {
        self.put(&format!("/api/guilds/{id}"), change).await
    }
}
