//! API key calls (admin scope).

use guildhall_wire::PageQuery;
use guildhall_wire::auth::{ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyList};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `GET /api/api-keys`: one page of keys.
    pub async fn list_api_keys(&self, page: &PageQuery) -> Result<ApiKeyList> {
        self.get("/api/api-keys", Some(page)).await
    }

    /// `POST /api/api-keys`: the answer holds the new key's secret, shown only this once.
    pub async fn create_api_key(&self, new: &ApiKeyCreate) -> Result<ApiKeyCreated> {
        self.post("/api/api-keys", new, Idempotency::Unsafe).await
    }

    /// `GET /api/api-keys/{id}`.
    pub async fn api_key(&self, id: i64) -> Result<ApiKey> {
        self.get::<(), _>(&format!("/api/api-keys/{id}"), None)
            .await
    }

    /// `DELETE /api/api-keys/{id}`: revoke a key.
    pub async fn revoke_api_key(&self, id: i64) -> Result<ApiKey> {
        self.delete(&format!("/api/api-keys/{id}")).await
    }
}
