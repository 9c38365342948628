//! Temporary role calls.

use guildhall_wire::temporary_roles::{
    TemporaryRole, TemporaryRoleCreate, TemporaryRoleFilter, TemporaryRoleList, TemporaryRoleUpdate,
};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `GET /api/temporary-roles`: one page of temporary roles.
    pub async fn list_temporary_roles(
        &self,
        filter: &TemporaryRoleFilter,
    ) -> Result<TemporaryRoleList> {
        self.get("/api/temporary-roles", Some(filter)).await
    }

    /// `GET /api/temporary-roles/{id}`.
    pub async fn temporary_role(&self, id: i64) -> Result<TemporaryRole> {
        self.get::<(), _>(&format!("/api/temporary-roles/{id}"), None)
            .await
    }

    /// `POST /api/temporary-roles`: grant a role and schedule its removal.
    pub async fn create_temporary_role(&self, new: &TemporaryRoleCreate) -> Result<TemporaryRole> {
        self.post("/api/temporary-roles", new, Idempotency::Unsafe)
            .await
    }

    /// `PUT /api/temporary-roles/{id}`: move the expiry, or record the role as taken back.
    pub async fn update_temporary_role(
        &self,
        id: i64,
        change: &TemporaryRoleUpdate,
    ) -> Result<TemporaryRole> {
        self.put(&format!("/api/temporary-roles/{id}"), change)
            .await
    }

    /// `DELETE /api/temporary-roles/{id}`: answers with the record as it was.
    pub async fn delete_temporary_role(&self, id: i64) -> Result<TemporaryRole> {
        self.delete(&format!("/api/temporary-roles/{id}")).await
    }
}
