//! Persistent role calls.

use guildhall_wire::persistent_roles::{
    PersistentRole, PersistentRoleCreate, PersistentRoleFilter, PersistentRoleList,
};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `GET /api/persistent-roles`: one page of persistent roles.
    pub async fn list_persistent_roles(
        &self,
        filter: &PersistentRoleFilter,
    ) -> Result<PersistentRoleList> {
        self.get("/api/persistent-roles", Some(filter)).await
    }

    /// `GET /api/persistent-roles/{id}`.
    pub async fn persistent_role(&self, id: i64) -> Result<PersistentRole> {
        self.get::<(), _>(&format!("/api/persistent-roles/{id}"), None)
            .await
    }

    /// `POST /api/persistent-roles`: a role the user already keeps is a conflict.
    pub async fn create_persistent_role(
        &self,
        new: &PersistentRoleCreate,
    ) -> Result<PersistentRole> {
        // A retry after a lost answer would meet the 409, so it is not retried.
        self.post("/api/persistent-roles", new, Idempotency::Unsafe)
            .await
    }

    /// `DELETE /api/persistent-roles/{id}`: answers with the record as it was.
    pub async fn delete_persistent_role(&self, id: i64) -> Result<PersistentRole> {
        self.delete(&format!("/api/persistent-roles/{id}")).await
    }
}
