//! Bump stat calls.

use guildhall_wire::bump_stats::{BumpRecord, BumpStat, BumpStatFilter, BumpStatList};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `GET /api/bump-stats`: one page of bump stats.
    pub async fn list_bump_stats(&self, filter: &BumpStatFilter) -> Result<BumpStatList> {
        self.get("/api/bump-stats", Some(filter)).await
    }

    /// `GET /api/bump-stats/{id}`.
    pub async fn bump_stat(&self, id: i64) -> Result<BumpStat> {
        self.get::<(), _>(&format!("/api/bump-stats/{id}"), None)
            .await
    }

    /// `POST /api/bump-stats`: count one bump; answers with the stat after it.
    pub async fn record_bump(&self, bump: &BumpRecord) -> Result<BumpStat> {
        // Each call counts: a retry after a lost answer would count the bump twice.
        self.post("/api/bump-stats", bump, Idempotency::Unsafe)
            .await
    }
}
