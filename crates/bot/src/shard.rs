//! One task per shard: read gateway events and turn them into work for the writer, presence
//! updates for the queue, and command replies.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use twilight_gateway::error::ReceiveMessageErrorType;
use twilight_gateway::{CloseFrame, Event, EventTypeFlags, MessageSender, Shard, StreamExt};
use twilight_model::gateway::payload::incoming::GuildCreate;
use twilight_model::gateway::payload::incoming::rate_limited::RateLimitMetadata;
use twilight_model::gateway::payload::outgoing::RequestGuildMembers;
use twilight_model::id::Id;
use twilight_model::id::marker::GuildMarker;

use crate::Context;
use crate::convert::{self, snowflake};
use crate::writer::Work;

/// Reads `shard`'s events until `stop` turns true.
pub async fn run(
    context: Arc<Context>,
    slot: usize,
    mut shard: Shard,
    mut stop: watch::Receiver<bool>,
) {
    let sender = shard.sender();
    loop {
        let item = tokio::select! {
            item = shard.next_event(EventTypeFlags::all()) => item,
            _ = stop.changed() => {
                shard.close(CloseFrame::NORMAL);
                context.states.disconnected(slot);
                return;
            }
        };
        let Some(item) = item else {
            context.states.disconnected(slot);
            return;
        };
        context.states.observe(slot, &shard);
        match item {
            Ok(event) => handle(&context, slot, &sender, event).await,
            Err(e) => match e.kind() {
                ReceiveMessageErrorType::Deserializing { event } => {
                    match rate_limited_member_request(event) {
                        // twilight-model 0.18 expects another shape of RATE_LIMITED than the one
                        // Discord documents, so the documented one arrives as a parse error.
                        Some((guild, retry_after)) => {
                            retry_member_request(&sender, guild, retry_after)
                        }
                        None => {
                            tracing::warn!(shard = slot, error = %e, "a gateway event could not be read; skipped")
                        }
                    }
                }
                _ => {
                    context.states.disconnected(slot);
                    tracing::warn!(shard = slot, error = %e, "gateway error; twilight reconnects and resumes");
                }
            },
        }
    }
}

async fn send(context: &Context, work: Work) {
    if context.work.send(work).await.is_err() {
        tracing::error!("the writer stopped; a change was not written");
    }
}

async fn handle(context: &Arc<Context>, slot: usize, sender: &MessageSender, event: Event) {
    if let Some(name) = event.kind().name() {
        metrics::counter!("guildhall_bot_gateway_events_total", "event" => name).increment(1);
    }
    match event {
        Event::Ready(ready) => {
            metrics::counter!("guildhall_bot_sessions_total", "kind" => "new").increment(1);
            tracing::info!(shard = slot, user = %ready.user.name, guilds = ready.guilds.len(), "gateway session ready");
        }
        Event::Resumed => {
            metrics::counter!("guildhall_bot_sessions_total", "kind" => "resumed").increment(1);
            tracing::info!(shard = slot, "gateway session resumed");
        }
        Event::GuildCreate(guild) => {
            if let GuildCreate::Available(guild) = *guild {
                let id = guild.id.get();
                tracing::info!(guild = id, name = %guild.name, members = guild.member_count, "syncing guild");
                send(context, Work::Guild(convert::guild(&guild))).await;
                start_member_sync(context, sender, guild.id).await;
                let now = Utc::now();
                for presence in &guild.presences {
                    context.presences.push(id, convert::presence(presence, now));
                }
            }
        }
        Event::GuildUpdate(update) => {
            send(context, Work::Guild(convert::partial_guild(&update.0))).await
        }
        // An unavailable guild is an outage, not a departure.
        Event::GuildDelete(deleted) if !deleted.unavailable.unwrap_or(false) => {
            context.members.forget_guild(deleted.id.get());
            send(context, Work::GuildLeft(deleted.id.get())).await;
        }
        // Discord sends no member updates when a role is deleted, though every holder loses
        // it: re-read the guild's members (new and changed roles need nothing, as members
        // store role ids only).
        Event::RoleDelete(deleted) => start_member_sync(context, sender, deleted.guild_id).await,
        Event::MemberChunk(chunk) => {
            let guild = chunk.guild_id.get();
            context
                .members
                .add(guild, chunk.members.iter().map(|m| m.user.id.get()));
            let members: Vec<_> = chunk.members.iter().map(convert::member).collect();
            for batch in members.chunks(context.config.batch_size.max(1)) {
                send(
                    context,
                    Work::Members {
                        guild,
                        members: batch.to_vec(),
                    },
                )
                .await;
            }
            let now = Utc::now();
            for presence in &chunk.presences {
                context
                    .presences
                    .push(guild, convert::presence(presence, now));
            }
            if chunk.chunk_index + 1 >= chunk.chunk_count {
                send(context, Work::FinishSync(guild)).await;
            }
        }
        Event::MemberAdd(added) => {
            let guild = added.guild_id.get();
            context.members.add(guild, [added.member.user.id.get()]);
            send(
                context,
                Work::Members {
                    guild,
                    members: vec![convert::member(&added.member)],
                },
            )
            .await;
        }
        Event::MemberUpdate(update) => {
            let member = guildhall_wire::sync::MemberSync {
                user: convert::user(&update.user),
                nickname: update.nick.clone(),
                roles: update.roles.iter().map(|r| snowflake(r.get())).collect(),
                joined_at: update.joined_at.map(convert::time),
            };
            send(
                context,
                Work::Members {
                    guild: update.guild_id.get(),
                    members: vec![member],
                },
            )
            .await;
        }
        Event::MemberRemove(removed) => {
            let guild = removed.guild_id.get();
            context.members.remove(guild, removed.user.id.get());
            let users = vec![snowflake(removed.user.id.get())];
            send(context, Work::MembersLeft { guild, users }).await;
        }
        Event::PresenceUpdate(update) => {
            context.presences.push(
                update.0.guild_id.get(),
                convert::presence(&update.0, Utc::now()),
            );
        }
        Event::RateLimited(limited) => {
            // Discord allows one all-members request per guild per 30 s; a fresh session soon
            // after the last sync hits it. Ask again once allowed, so the sync completes.
            if let RateLimitMetadata::RequestGuildMembers { guild_id, .. } = limited.meta {
                let wait = Duration::from_secs_f32(limited.retry_after.clamp(0.0, 120.0));
                tracing::info!(
                    guild = guild_id.get(),
                    ?wait,
                    "member request rate limited; asking again when allowed"
                );
                let sender = sender.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(wait).await;
                    if let Err(e) = sender.command(&request_all_members(guild_id)) {
                        tracing::warn!(guild = guild_id.get(), error = %e, "could not repeat the member request");
                    }
                });
            }
        }
        // Commands run beside the event loop: a sync takes seconds, and the loop must keep
        // reading (twilight heartbeats only while it is polled).
        Event::InteractionCreate(interaction) => {
            let context = context.clone();
            tokio::spawn(async move {
                crate::commands::on_interaction(&context, slot, &interaction).await
            });
        }
        Event::MessageCreate(message) => {
            let context = context.clone();
            tokio::spawn(
                async move { crate::commands::on_message(&context, slot, &message).await },
            );
        }
        _ => {}
    }
}

/// Asks for `guild`'s members again once `retry_after` seconds have passed.
fn retry_member_request(sender: &MessageSender, guild: Id<GuildMarker>, retry_after: f32) {
    let wait = Duration::from_secs_f32(retry_after.clamp(0.0, 120.0));
    tracing::info!(
        guild = guild.get(),
        ?wait,
        "member request rate limited; asking again when allowed"
    );
    let sender = sender.clone();
    tokio::spawn(async move {
        tokio::time::sleep(wait).await;
        if let Err(e) = sender.command(&request_all_members(guild)) {
            tracing::warn!(guild = guild.get(), error = %e, "could not repeat the member request");
        }
    });
}

/// Reads Discord's documented RATE_LIMITED dispatch for a member request
/// (`{"opcode": 8, "retry_after": 1.5, "meta": {"guild_id": "..."}}`).
fn rate_limited_member_request(event: &str) -> Option<(Id<GuildMarker>, f32)> {
    let event: serde_json::Value = serde_json::from_str(event).ok()?;
    if event.get("t")?.as_str()? != "RATE_LIMITED" {
        return None;
    }
    let data = event.get("d")?;
    if data.get("opcode")?.as_u64()? != 8 {
        return None;
    }
    let retry_after = data.get("retry_after")?.as_f64()? as f32;
    let guild = data.get("meta")?.get("guild_id")?;
    let guild = guild
        .as_str()
        .and_then(|g| g.parse().ok())
        .or_else(|| guild.as_u64())?;
    Some((Id::new_checked(guild)?, retry_after))
}

/// Starts a full member sync of `guild`: the writer notes the start, and the gateway sends
/// every member (with presences) in chunks of up to 1000.
async fn start_member_sync(context: &Context, sender: &MessageSender, guild: Id<GuildMarker>) {
    send(context, Work::StartSync(guild.get())).await;
    if let Err(e) = sender.command(&request_all_members(guild)) {
        tracing::warn!(guild = guild.get(), error = %e, "could not request the guild's members");
    }
}

fn request_all_members(guild: Id<GuildMarker>) -> RequestGuildMembers {
    RequestGuildMembers::builder(guild)
        .presences(true)
        .query("", None)
}

/// Every `sync_interval`, re-requests every guild's members so the database is repaired of
/// anything missed. Discord allows one all-members request per guild per 30 s; the interval
/// is far longer.
pub async fn reconcile(context: Arc<Context>, mut stop: watch::Receiver<bool>) {
    let interval = context.config.sync_interval;
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            _ = stop.changed() => return,
        }
        for guild in context.guilds.discord_ids() {
            let slot = ((guild >> 22) % u64::from(context.total_shards.max(1))) as usize;
            let Some(sender) = context.senders.get(slot) else {
                continue;
            };
            send(&context, Work::StartSync(guild)).await;
            let Some(id) = Id::<GuildMarker>::new_checked(guild) else {
                continue;
            };
            if let Err(e) = sender.command(&request_all_members(id)) {
                tracing::warn!(guild, error = %e, "could not request members for the reconcile");
            }
        }
        tracing::info!(
            guilds = context.guilds.discord_ids().len(),
            "periodic reconcile requested"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::rate_limited_member_request;

    #[test]
    fn reads_the_documented_rate_limited_dispatch() {
        let event = r#"{"op":0,"s":9,"t":"RATE_LIMITED","d":{"opcode":8,"retry_after":12.5,"meta":{"guild_id":"175928847299117063","nonce":"x"}}}"#;
        let (guild, retry_after) = rate_limited_member_request(event).unwrap();
        assert_eq!(guild.get(), 175928847299117063);
        assert!((retry_after - 12.5).abs() < f32::EPSILON);
        assert!(rate_limited_member_request(r#"{"op":0,"t":"GUILD_CREATE","d":{}}"#).is_none());
        assert!(rate_limited_member_request("not json").is_none());
    }
}
