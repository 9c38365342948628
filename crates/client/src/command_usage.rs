//! Command usage calls.

use guildhall_wire::command_usage::{
    CommandUsage, CommandUsageFilter, CommandUsageList, CommandUse,
};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `GET /api/command-usage`: one page of command usage counters.
    pub async fn list_command_usage(
        &self,
        filter: &CommandUsageFilter,
    ) -> Result<CommandUsageList> {
        self.get("/api/command-usage", Some(filter)).await
    }

    /// `GET /api/command-usage/{id}`.
    pub async fn command_usage(&self, id: i64) -> Result<CommandUsage> {
        self.get::<(), _>(&format!("/api/command-usage/{id}"), None)
            .await
    }

    /// `POST /api/command-usage`: count one use; answers with the counter after it.
    pub async fn record_command_use(&self, used: &CommandUse) -> Result<CommandUsage> {
        // Each call counts: a retry after a lost answer would count the use twice.
        self.post("/api/command-usage", used, Idempotency::Unsafe)
            .await
    }
}
