//! The presence queue: presence changes coalesce per member (latest wins) and are flushed to
//! the API in batches as soon as the writer is free, so a burst costs one write per member,
//! memory stays bounded by the number of members, and nothing is dropped when the API is
//! briefly unreachable.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use guildhall_client::Client;
use guildhall_wire::presences::{MAX_PRESENCE_BATCH, PresenceUpdate};
use tokio::sync::Notify;

use crate::guilds::GuildIds;

/// How often an update for a user the API does not know yet is retried before it is let go
/// (the member sync that creates the user normally lands within a few flushes).
const UNKNOWN_USER_RETRIES: u8 = 100;

#[derive(Debug, Default)]
struct Pending {
    /// guild Discord id -> user Discord id -> (latest update, retries for unknown users).
    by_guild: HashMap<u64, HashMap<u64, (PresenceUpdate, u8)>>,
}

/// Presence changes waiting to be written.
#[derive(Debug, Clone, Default)]
pub struct PresenceQueue {
    pending: Arc<Mutex<Pending>>,
    wake: Arc<Notify>,
}

impl PresenceQueue {
    /// Queues a change; a newer change for the same member replaces an older one.
    pub fn push(&self, guild: u64, update: PresenceUpdate) {
        self.merge(guild, update, 0);
        self.wake.notify_one();
    }

    fn merge(&self, guild: u64, update: PresenceUpdate, retries: u8) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let members = pending.by_guild.entry(guild).or_default();
        let user = update.user_id.get();
        match members.get(&user) {
            Some((queued, _)) if queued.at > update.at => {}
            _ => {
                members.insert(user, (update, retries));
            }
        }
    }

    /// How many member presences are waiting.
    pub fn len(&self) -> usize {
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.by_guild.values().map(HashMap::len).sum()
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes queued presences until `stop` completes.
    pub async fn run(
        self,
        api: Client,
        guilds: GuildIds,
        stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut backoff = Duration::from_millis(100);
        loop {
            if *stop.borrow() && self.is_empty() {
                return;
            }
            let taken = std::mem::take(
                &mut self
                    .pending
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .by_guild,
            );
            if taken.is_empty() {
                tokio::select! {
                    () = self.wake.notified() => {},
                    () = tokio::time::sleep(Duration::from_millis(250)) => {},
                }
                continue;
            }
            let mut failed = false;
            let mut requeued = false;
            for (guild, members) in taken {
                let Some(guild_id) = guilds.internal(guild) else {
                    // The guild is not synced yet: keep its presences for the next round.
                    requeued = true;
                    for (update, retries) in members.into_values() {
                        self.merge(guild, update, retries);
                    }
                    continue;
                };
                let mut updates: Vec<(PresenceUpdate, u8)> = members.into_values().collect();
                while !updates.is_empty() {
                    let rest = updates.split_off(updates.len().min(MAX_PRESENCE_BATCH));
                    let batch: Vec<PresenceUpdate> =
                        updates.iter().map(|(u, _)| u.clone()).collect();
                    match api.store_presences(guild_id, &batch).await {
                        Ok(result) => {
                            metrics::histogram!("guildhall_bot_batch_size", "kind" => "presences")
                                .record(batch.len() as f64);
                            let now = chrono::Utc::now();
                            for update in &batch {
                                let lag = (now - update.at).num_microseconds().unwrap_or_default()
                                    as f64
                                    / 1e6;
                                metrics::histogram!("guildhall_bot_presence_lag_seconds")
                                    .record(lag);
                            }
                            for (update, retries) in updates.drain(..) {
                                if result.unknown_users.contains(&update.user_id)
                                    && retries < UNKNOWN_USER_RETRIES
                                {
                                    requeued = true;
                                    self.merge(guild, update, retries + 1);
                                }
                            }
                        }
                        Err(e) => {
                            metrics::counter!("guildhall_bot_api_failures_total", "queue" => "presences").increment(1);
                            tracing::warn!(error = %e, pending = batch.len(), "could not write presences; keeping them to retry");
                            for (update, retries) in updates.drain(..) {
                                self.merge(guild, update, retries);
                            }
                            failed = true;
                        }
                    }
                    updates = rest;
                }
            }
            metrics::gauge!("guildhall_bot_queue_depth", "queue" => "presences")
                .set(self.len() as f64);
            if failed {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            } else {
                backoff = Duration::from_millis(100);
                if requeued {
                    // Give the member sync a moment to create the users these wait for.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }
}
