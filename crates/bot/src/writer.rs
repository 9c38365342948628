//! The writer: guild and member changes go to the API in the order the gateway gave them,
//! through a bounded queue (a burst backs up into the gateway, not into memory). A failed
//! write is retried with backoff until it lands; only a request the API calls invalid is
//! given up, since repeating it cannot succeed.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use guildhall_client::{Client, ErrorKind};
use guildhall_wire::Snowflake;
use guildhall_wire::guilds::{GuildCreate, GuildUpdate};
use guildhall_wire::sync::MemberSync;
use tokio::sync::mpsc;

use crate::guilds::GuildIds;

/// How many changes may wait for the API before the gateway reader waits too.
pub const QUEUE_CAPACITY: usize = 4096;

/// One change to write.
#[derive(Debug)]
pub enum Work {
    /// Create or update a guild (and learn its internal id).
    Guild(GuildCreate),
    /// The bot left a guild.
    GuildLeft(u64),
    /// A full member sync of a guild starts.
    StartSync(u64),
    /// Members seen (in a sync, or joining / changing).
    Members {
        guild: u64,
        members: Vec<MemberSync>,
    },
    /// Members left.
    MembersLeft { guild: u64, users: Vec<Snowflake> },
    /// A full member sync of a guild has seen every member.
    FinishSync(u64),
}

/// Sends work to the writer.
pub type WorkSender = mpsc::Sender<Work>;

/// Writes work to the API until the queue closes.
#[derive(Debug)]
pub struct Writer {
    api: Client,
    guilds: GuildIds,
    /// Guilds with a full sync in progress, and the server's stamp on its first batch.
    syncs: HashMap<u64, Option<DateTime<Utc>>>,
}

impl Writer {
    pub fn new(api: Client, guilds: GuildIds) -> Self {
        Self {
            api,
            guilds,
            syncs: HashMap::new(),
        }
    }

    pub async fn run(mut self, mut queue: mpsc::Receiver<Work>) {
        while let Some(work) = queue.recv().await {
            metrics::gauge!("guildhall_bot_queue_depth", "queue" => "writer")
                .set(queue.len() as f64);
            if let Work::Members { members, .. } = &work {
                metrics::histogram!("guildhall_bot_batch_size", "kind" => "members")
                    .record(members.len() as f64);
            }
            let mut backoff = Duration::from_millis(200);
            loop {
                match self.apply(&work).await {
                    Ok(()) => break,
                    Err(e)
                        if matches!(
                            e.kind(),
                            ErrorKind::InvalidRequest
                                | ErrorKind::Forbidden
                                | ErrorKind::Unauthorized
                        ) =>
                    {
                        tracing::error!(error = %e, ?work, "the API refused a change; it is dropped");
                        break;
                    }
                    Err(e) => {
                        metrics::counter!("guildhall_bot_api_failures_total", "queue" => "writer")
                            .increment(1);
                        tracing::warn!(error = %e, queued = queue.len(), "the API is unreachable; retrying in {backoff:?}");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                    }
                }
            }
        }
    }

    async fn apply(&mut self, work: &Work) -> Result<(), guildhall_client::Error> {
        match work {
            Work::Guild(guild) => {
                let stored = self.api.sync_guild(guild).await?;
                self.guilds.insert(guild.discord_id.get(), stored.id);
            }
            Work::GuildLeft(guild) => {
                if let Some(id) = self.guilds.internal(*guild) {
                    let change = GuildUpdate {
                        left: Some(true),
                        ..Default::default()
                    };
                    self.api.update_guild(id, &change).await?;
                    self.guilds.remove(*guild);
                }
            }
            Work::StartSync(guild) => {
                self.syncs.insert(*guild, None);
            }
            Work::Members { guild, members } => {
                let Some(id) = self.guilds.internal(*guild) else {
                    tracing::warn!(guild, "members of a guild that was never synced; skipped");
                    return Ok(());
                };
                let result = self.api.sync_members(id, members).await?;
                if let Some(started @ None) = self.syncs.get_mut(guild) {
                    *started = Some(result.synced_at);
                }
            }
            Work::MembersLeft { guild, users } => {
                if let Some(id) = self.guilds.internal(*guild) {
                    self.api.members_left(id, users).await?;
                }
            }
            Work::FinishSync(guild) => {
                if let (Some(id), Some(Some(started))) =
                    (self.guilds.internal(*guild), self.syncs.get(guild))
                {
                    let left = self.api.finish_member_sync(id, *started).await?;
                    tracing::info!(guild, left = left.left, "full member sync complete");
                }
                self.syncs.remove(guild);
            }
        }
        Ok(())
    }
}
