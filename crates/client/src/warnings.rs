//! Warning calls.

use guildhall_wire::warnings::{Warning, WarningCreate, WarningFilter, WarningList};

use crate::pages::{ItemStream, paged};
use crate::{Client, Idempotency, Result};

paged!(WarningList, warnings, Warning, WarningFilter);

impl Client {
    /// `GET /api/warnings`: one page of warnings.
    pub async fn list_warnings(&self, filter: &WarningFilter) -> Result<WarningList> {
        self.get("/api/warnings", Some(filter)).await
    }

    /// Every warning matching `filter`, fetched page by page as the stream is read.
    pub fn warnings_stream(&self, filter: &WarningFilter) -> ItemStream<Warning> {
        self.paginate::<WarningList, _>("/api/warnings", filter)
    }

    /// Every warning matching `filter`, all pages collected.
    pub async fn all_warnings(&self, filter: &WarningFilter) -> Result<Vec<Warning>> {
        self.collect_all::<WarningList, _>("/api/warnings", filter)
            .await
    }

    /// `GET /api/warnings/{id}`.
    pub async fn warning(&self, id: i64) -> Result<Warning> {
        self.get::<(), _>(&format!("/api/warnings/{id}"), None)
            .await
    }

    /// `POST /api/warnings`.
    pub async fn create_warning(&self, new: &WarningCreate) -> Result<Warning> {
        self.post("/api/warnings", new, Idempotency::Unsafe).await
    }
}
