//! Moderation case calls.

use guildhall_wire::cases::{CaseCreate, CaseFilter, CaseList, CaseUpdate, ModerationCase};

use crate::pages::{ItemStream, paged};
use crate::{Client, Idempotency, Result};

paged!(CaseList, moderation_cases, ModerationCase, CaseFilter);

impl Client {
    /// `GET /api/moderation-cases`: one page of cases.
    pub async fn list_cases(&self, filter: &CaseFilter) -> Result<CaseList> {
        self.get("/api/moderation-cases", Some(filter)).await
    }

    /// Every case matching `filter`, fetched page by page as the stream is read.
    pub fn cases_stream(&self, filter: &CaseFilter) -> ItemStream<ModerationCase> {
        self.paginate::<CaseList, _>("/api/moderation-cases", filter)
    }

    /// Every case matching `filter`, all pages collected.
    pub async fn all_cases(&self, filter: &CaseFilter) -> Result<Vec<ModerationCase>> {
        self.collect_all::<CaseList, _>("/api/moderation-cases", filter)
            .await
    }

    /// `GET /api/moderation-cases/{id}`.
    pub async fn case(&self, id: i64) -> Result<ModerationCase> {
        self.get::<(), _>(&format!("/api/moderation-cases/{id}"), None)
            .await
    }

    /// `POST /api/moderation-cases`.
    pub async fn create_case(&self, new: &CaseCreate) -> Result<ModerationCase> {
        self.post("/api/moderation-cases", new, Idempotency::Unsafe)
            .await
    }

    /// `PUT /api/moderation-cases/{id}`: resolve or reopen, or change the reason.
    pub async fn update_case(&self, id: i64, change: &CaseUpdate) -> Result<ModerationCase> {
        self.put(&format!("/api/moderation-cases/{id}"), change)
            .await
    }

    /// Resolves case `id`, with an optional note saying how.
    pub async fn resolve_case(&self, id: i64, note: Option<&str>) -> Result<ModerationCase> {
        let change = CaseUpdate {
            resolved: Some(true),
            resolution_note: note.map(str::to_owned),
            ..CaseUpdate::default()
        };
        self.update_case(id, &change).await
    }
}
