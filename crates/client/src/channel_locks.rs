//! Channel lock calls.

use guildhall_wire::channel_locks::{
    ChannelLock, ChannelLockCreate, ChannelLockFilter, ChannelLockList, ChannelLockUpdate,
};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `GET /api/channel-locks`: one page of channel locks.
    pub async fn list_channel_locks(&self, filter: &ChannelLockFilter) -> Result<ChannelLockList> {
        self.get("/api/channel-locks", Some(filter)).await
    }

    /// `GET /api/channel-locks/{id}`.
    pub async fn channel_lock(&self, id: i64) -> Result<ChannelLock> {
        self.get::<(), _>(&format!("/api/channel-locks/{id}"), None)
            .await
    }

    /// `POST /api/channel-locks`: a channel already locked is a conflict.
    pub async fn create_channel_lock(&self, new: &ChannelLockCreate) -> Result<ChannelLock> {
        self.post("/api/channel-locks", new, Idempotency::Unsafe)
            .await
    }

    /// `PUT /api/channel-locks/{id}`: move the unlock time, or record the channel as unlocked.
    pub async fn update_channel_lock(
        &self,
        id: i64,
        change: &ChannelLockUpdate,
    ) -> Result<ChannelLock> {
        self.put(&format!("/api/channel-locks/{id}"), change).await
    }
}
