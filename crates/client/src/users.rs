//! User calls, including the batch sync.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use futures::TryStreamExt;
use futures::stream::BoxStream;
use guildhall_wire::users::{
    DiscordUser, MAX_USER_BATCH, UserBatchResult, UserCreate, UserFilter, UserList, UserUpdate,
};
use serde::Serialize;

use crate::batch::{BatchProgress, batch_stream};
use crate::pages::{ItemStream, paged};
use crate::{Client, Idempotency, Result};

paged!(UserList, users, DiscordUser, UserFilter);

/// What [`Client::sync_users`] did, summed over its batches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UserSyncSummary {
    /// Distinct users sent (a Discord id given twice counts once, with its last version).
    pub users: usize,
    /// Requests made.
    pub batches: usize,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
}

impl UserSyncSummary {
    fn add(&mut self, progress: BatchProgress, result: &UserBatchResult) {
        self.users = progress.total;
        self.batches = progress.batch;
        self.created += result.created;
        self.updated += result.updated;
        self.unchanged += result.unchanged;
    }
}

/// `POST /api/users/batch` body, borrowed so that batching copies no user.
#[derive(Serialize)]
struct UserBatchRef<'a> {
    users: &'a [&'a UserCreate],
}

impl Client {
    /// `GET /api/users`: one page of users.
    pub async fn list_users(&self, filter: &UserFilter) -> Result<UserList> {
        self.get("/api/users", Some(filter)).await
    }

    /// Every user matching `filter`, fetched page by page as the stream is read.
    pub fn users_stream(&self, filter: &UserFilter) -> ItemStream<DiscordUser> {
        self.paginate::<UserList, _>("/api/users", filter)
    }

    /// Every user matching `filter`, all pages collected.
    pub async fn all_users(&self, filter: &UserFilter) -> Result<Vec<DiscordUser>> {
        self.collect_all::<UserList, _>("/api/users", filter).await
    }

    /// `GET /api/users/{id}`.
    pub async fn user(&self, id: i64) -> Result<DiscordUser> {
        self.get::<(), _>(&format!("/api/users/{id}"), None).await
    }

    /// `POST /api/users`.
    pub async fn create_user(&self, new: &UserCreate) -> Result<DiscordUser> {
        self.post("/api/users", new, Idempotency::Unsafe).await
    }

    /// `PUT /api/users/{id}`.
    pub async fn update_user(&self, id: i64, change: &UserUpdate) -> Result<DiscordUser> {
        self.put(&format!("/api/users/{id}"), change).await
    }

    /// `POST /api/users/batch`: one server-sized batch (at most [`MAX_USER_BATCH`]). An
    /// upsert, so it is retried like a read. For any number of users use
    /// [`Client::sync_users`].
    pub async fn batch_users(&self, users: &[UserCreate]) -> Result<UserBatchResult> {
        let users: Vec<&UserCreate> = users.iter().collect();
        self.send_user_batch(&users).await
    }

    /// Creates or updates any number of users by Discord id, in batches of
    /// [`MAX_USER_BATCH`], and sums what the batches did.
    pub async fn sync_users(&self, users: &[UserCreate]) -> Result<UserSyncSummary> {
        self.sync_users_with(users, MAX_USER_BATCH, |_, _| {}).await
    }

    /// Like [`Client::sync_users`], in batches of `batch_size` (capped at
    /// [`MAX_USER_BATCH`]), calling `on_batch` with the progress and the server's answer
    /// after each batch.
    ///
    /// A Discord id given more than once is sent once, with its last version, so the counts
    /// are exact per distinct user. On an error the batches already reported stay applied;
    /// since the sync is an upsert, running it again is safe.
    pub async fn sync_users_with<P>(
        &self,
        users: &[UserCreate],
        batch_size: usize,
        mut on_batch: P,
    ) -> Result<UserSyncSummary>
    where
        P: FnMut(BatchProgress, &UserBatchResult),
    {
        let mut batches = self.sync_users_batches(users, batch_size);
        let mut summary = UserSyncSummary::default();
        while let Some((progress, result)) = batches.try_next().await? {
            summary.add(progress, &result);
            on_batch(progress, &result);
        }
        Ok(summary)
    }

    /// The batches of a user sync as a stream: each poll sends the next batch (of at most
    /// `batch_size`, capped at [`MAX_USER_BATCH`]) and yields its answer with the progress,
    /// so the caller can await between batches, for example to post progress to a channel.
    /// Duplicates are handled as in [`Client::sync_users_with`]; the stream ends after the
    /// first error.
    pub fn sync_users_batches<'a>(
        &'a self,
        users: &'a [UserCreate],
        batch_size: usize,
    ) -> BoxStream<'a, Result<(BatchProgress, UserBatchResult)>> {
        let size = batch_size.clamp(1, MAX_USER_BATCH);
        batch_stream(last_version_per_id(users), size, move |chunk| async move {
            self.send_user_batch(&chunk).await
        })
    }

    async fn send_user_batch(&self, users: &[&UserCreate]) -> Result<UserBatchResult> {
        self.post(
            "/api/users/batch",
            &UserBatchRef { users },
            Idempotency::Safe,
        )
        .await
    }
}

/// One entry per Discord id, in first-seen order, holding the id's last version: the same
/// rule the server applies inside one batch, extended across batches.
fn last_version_per_id(users: &[UserCreate]) -> Vec<&UserCreate> {
    let mut position = HashMap::with_capacity(users.len());
    let mut distinct: Vec<&UserCreate> = Vec::with_capacity(users.len());
    for user in users {
        match position.entry(user.discord_id) {
            Entry::Occupied(seen) => distinct[*seen.get()] = user,
            Entry::Vacant(slot) => {
                slot.insert(distinct.len());
                distinct.push(user);
            }
        }
    }
    distinct
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: u64, name: &str) -> UserCreate {
        UserCreate {
            discord_id: guildhall_wire::Snowflake::new(id).unwrap(),
            username: name.into(),
            global_name: None,
            avatar: None,
            bot: false,
        }
    }

    #[test]
    fn later_duplicates_win_in_first_seen_order() {
        let users = [user(1, "a"), user(2, "b"), user(1, "a2")];
        let names: Vec<_> = last_version_per_id(&users)
            .iter()
            .map(|u| u.username.as_str())
            .collect();
        assert_eq!(names, ["a2", "b"]);
    }
}
