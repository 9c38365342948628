//! `ping` and `sync`, as `!` prefix commands and as slash commands.
//!
//! `sync` reads the guild's member list over REST (1000 per page, Discord's maximum) and writes
//! it to the API in batches, posting progress as the seed bot did.

use guildhall_wire::sync::SyncCounts;
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::{
    Interaction, InteractionContextType, InteractionData,
};
use twilight_model::channel::Message;
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
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
        "!ping" => say(context, message.channel_id, &ping_reply(context, slot)).await,
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

/// The slash commands registered at start-up: (name, description).
pub const SLASH_COMMANDS: [(&str, &str); 2] = [
    ("ping", "Show the bot's gateway latency"),
    (
        "sync",
        "Sync this server and all its members to guildhall (bot owner only)",
    ),
];

/// Registers the slash commands with one bulk overwrite, so a restart replaces them and
/// commands from an older version disappear.
// The struct literal must name the deprecated `dm_permission` field; `contexts` replaces it.
#[allow(deprecated)]
pub async fn register(context: &Context) {
    let commands: Vec<Command> = SLASH_COMMANDS
        .iter()
        .map(|(name, description)| Command {
            application_id: Some(context.application_id),
            contexts: Some(vec![InteractionContextType::Guild]),
            default_member_permissions: None,
            description: (*description).to_owned(),
            description_localizations: None,
            dm_permission: None,
            guild_id: None,
            id: None,
            integration_types: None,
            kind: CommandType::ChatInput,
            name: (*name).to_owned(),
            name_localizations: None,
            nsfw: None,
            options: Vec::new(),
            // Discord assigns versions; any value is accepted on the way in.
            version: Id::new(1),
        })
        .collect();
    let registered = context
        .http
        .interaction(context.application_id)
        .set_global_commands(&commands)
        .await;
    if let Err(e) = registered {
        tracing::warn!(error = %e, "could not register the slash commands");
    }
}

pub async fn on_interaction(context: &Context, slot: usize, interaction: &Interaction) {
    let Some(InteractionData::ApplicationCommand(command)) = &interaction.data else {
        return;
    };
    match command.name.as_str() {
        "ping" => {
            let reply = ping_reply(context, slot);
            respond(
                context,
                interaction,
                InteractionResponseType::ChannelMessageWithSource,
                Some(reply),
            )
            .await;
        }
        "sync" => {
            let (Some(guild), Some(user)) = (interaction.guild_id, interaction.author_id()) else {
                return;
            };
            if !context.owners.contains(&user.get()) {
                let refusal = "Sorry, only the bot's owner can run sync.".to_owned();
                respond(
                    context,
                    interaction,
                    InteractionResponseType::ChannelMessageWithSource,
                    Some(refusal),
                )
                .await;
                return;
            }
            // Listing members takes longer than Discord's 3 s to answer: defer, then follow up.
            respond(
                context,
                interaction,
                InteractionResponseType::DeferredChannelMessageWithSource,
                None,
            )
            .await;
            let (progress_tx, mut progress_rx) = tokio::sync::mpsc::unbounded_channel();
            let sync = async move {
                full_sync(context, guild, move |progress| {
                    let _ = progress_tx.send(progress);
                })
                .await
            };
            let post = async {
                while let Some(progress) = progress_rx.recv().await {
                    follow_up(context, interaction, &progress.message()).await;
                }
            };
            let (synced, ()) = tokio::join!(sync, post);
            match synced {
                Ok(synced) => {
                    follow_up(
                        context,
                        interaction,
                        &format!("Sync complete! Synced guild and {synced} members."),
                    )
                    .await
                }
                Err(e) => follow_up(context, interaction, &format!("Sync failed: {e}")).await,
            }
        }
        _ => {}
    }
}

fn ping_reply(context: &Context, slot: usize) -> String {
    match context.states.latency_ms(slot) {
        Some(ms) => format!("Pong! Gateway latency: {ms} ms"),
        None => "Pong! Gateway latency: not measured yet".to_owned(),
    }
}

async fn respond(
    context: &Context,
    interaction: &Interaction,
    kind: InteractionResponseType,
    content: Option<String>,
) {
    let response = InteractionResponse {
        kind,
        data: Some(InteractionResponseData {
            content,
            ..Default::default()
        }),
    };
    let sent = context
        .http
        .interaction(context.application_id)
        .create_response(interaction.id, &interaction.token, &response)
        .await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, "could not answer an interaction");
    }
}

async fn follow_up(context: &Context, interaction: &Interaction, text: &str) {
    let sent = context
        .http
        .interaction(context.application_id)
        .create_followup(&interaction.token)
        .content(text)
        .await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, "could not post a follow-up");
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
