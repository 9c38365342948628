//! `!ping` and `!sync`.
//!
//! `sync` reads the guild's member list over REST (1000 per page, Discord's maximum) and writes
//! it to the API in batches, posting progress as the seed bot did.

use guildhall_wire::sync::SyncCounts;
use twilight_model::channel::Message;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker, UserMarker};

use crate::Context;
use crate::convert;

/// Progress is posted every this many batches (and at the end).
const PROGRESS_EVERY: usize = 5;
/// Discord's largest page of the guild member list.
const MEMBER_PAGE: u16 = 1000;

pub async fn on_message(context: &Context, slot: usize, message: &Message) {
    if !context.config.prefix_commands || message.author.bot {
        return;
    }
    match message.content.trim() {
        "!ping" => {
            let reply = match context.states.latency_ms(slot) {
                Some(ms) => format!("Pong! Gateway latency: {ms} ms"),
                None => "Pong! Gateway latency: not measured yet".to_owned(),
            };
            say(context, message.channel_id, &reply).await;
        }
        "!sync" => {
            let Some(guild) = message.guild_id else {
                return;
            };
            if !context.owners.contains(&message.author.id.get()) {
                say(
                    context,
                    message.channel_id,
                    "Sorry, only the bot's owner can run sync.",
                )
                .await;
                return;
            }
            if let Err(e) = sync_guild(context, guild, message.channel_id).await {
                tracing::warn!(error = %e, "sync command failed");
                say(context, message.channel_id, &format!("Sync failed: {e}")).await;
            }
        }
        _ => {}
    }
}

async fn say(context: &Context, channel: Id<ChannelMarker>, text: &str) {
    if let Err(e) = context.http.create_message(channel).content(text).await {
        tracing::warn!(error = %e, "could not post a reply");
    }
}

/// Syncs a guild and all its members now, posting progress to `channel`.
async fn sync_guild(
    context: &Context,
    guild: Id<GuildMarker>,
    channel: Id<ChannelMarker>,
) -> Result<(), SyncError> {
    // The sync reports progress through a channel and a second future posts it, so messages
    // appear as the sync goes, in order, without the sync waiting on each post.
    let (progress_tx, mut progress_rx) = tokio::sync::mpsc::unbounded_channel();
    let sync = async move {
        full_sync(context, guild, move |progress| {
            let _ = progress_tx.send(progress);
        })
        .await
    };
    let post = async {
        while let Some(progress) = progress_rx.recv().await {
            say(context, channel, &progress.message()).await;
        }
    };
    let (synced, ()) = tokio::join!(sync, post);
    let synced = synced?;
    say(
        context,
        channel,
        &format!("Sync complete! Synced guild and {synced} members."),
    )
    .await;
    Ok(())
}

/// What a sync reports as it goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Progress {
    Started {
        members: usize,
        batch_size: usize,
    },
    Batches {
        done: usize,
        of: usize,
        members: usize,
    },
}

impl Progress {
    /// The seed bot's wording.
    fn message(self) -> String {
        match self {
            Progress::Started {
                members,
                batch_size,
            } => format!("Syncing {members} members in batches of {batch_size}..."),
            Progress::Batches { done, of, members } => {
                format!("Progress: {done}/{of} batches processed ({members} members synced so far)")
            }
        }
    }
}

pub(crate) type SyncError = Box<dyn std::error::Error + Send + Sync>;

/// Syncs a guild and all its members now, read from Discord's REST member list (1000 per
/// page), written in batches; members no longer in the guild are marked as left. Returns how
/// many members were synced.
pub(crate) async fn full_sync(
    context: &Context,
    guild: Id<GuildMarker>,
    mut progress: impl FnMut(Progress),
) -> Result<usize, SyncError> {
    let discord_guild = context.http.guild(guild).await?.model().await?;
    let stored = context
        .api
        .sync_guild(&convert::guild(&discord_guild))
        .await?;
    context.guilds.insert(guild.get(), stored.id);

    let mut members = Vec::new();
    let mut after: Option<Id<UserMarker>> = None;
    loop {
        let mut request = context.http.guild_members(guild).limit(MEMBER_PAGE);
        if let Some(after) = after {
            request = request.after(after);
        }
        let page = request.await?.models().await?;
        let done = page.len() < usize::from(MEMBER_PAGE);
        after = page.last().map(|m| m.user.id);
        members.extend(page.iter().map(convert::member));
        if done {
            break;
        }
    }
    let size = context.config.batch_size.max(1);
    let batches = members.len().div_ceil(size);
    progress(Progress::Started {
        members: members.len(),
        batch_size: size,
    });
    let mut synced = 0usize;
    let mut totals = SyncCounts::default();
    let mut started = None;
    for (index, batch) in members.chunks(size).enumerate() {
        let result = context.api.sync_members(stored.id, batch).await?;
        started.get_or_insert(result.synced_at);
        totals += result.members;
        synced += batch.len();
        let done = index + 1;
        if done % PROGRESS_EVERY == 0 || done == batches {
            progress(Progress::Batches {
                done,
                of: batches,
                members: synced,
            });
        }
    }
    if let Some(started) = started {
        context.api.finish_member_sync(stored.id, started).await?;
    }
    tracing::info!(
        guild = guild.get(),
        created = totals.created,
        updated = totals.updated,
        unchanged = totals.unchanged,
        "full sync complete"
    );
    Ok(synced)
}
