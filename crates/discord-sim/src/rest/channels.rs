//! Channel routes: read a channel, edit or delete a permission overwrite, create a message.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::RestError;
use crate::Error;
use crate::gateway::intents;
use crate::payload::{self, MessageJson};
use crate::sim::Shared;
use crate::state::{BotAction, Overwrite, now_unix};

/// Discord's message length limit.
const MESSAGE_CONTENT_MAX: usize = 2000;

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/channels/{channel_id}", get(channel))
        .route(
            "/channels/{channel_id}/permissions/{overwrite_id}",
            put(edit_overwrite).delete(delete_overwrite),
        )
        .route("/channels/{channel_id}/messages", post(create_message))
}

async fn channel(
    State(shared): State<Arc<Shared>>,
    Path(channel_id): Path<u64>,
) -> Result<Json<Value>, RestError> {
    let world = shared.world();
    let guild_id = world
        .guild_of_channel(channel_id)
        .ok_or(Error::UnknownChannel(channel_id))?;
    let guild = world.guild(guild_id).ok_or(Error::UnknownGuild(guild_id))?;
    let channel = guild
        .channels
        .iter()
        .find(|c| c.id == channel_id)
        .ok_or(Error::UnknownChannel(channel_id))?;
    Ok(Json(payload::channel(guild_id, channel)))
}

#[derive(Debug, Deserialize)]
struct OverwriteBody {
    #[serde(
        default,
        deserialize_with = "crate::state::permission_string_opt::deserialize"
    )]
    allow: Option<u64>,
    #[serde(
        default,
        deserialize_with = "crate::state::permission_string_opt::deserialize"
    )]
    deny: Option<u64>,
    #[serde(rename = "type")]
    kind: u8,
}

async fn edit_overwrite(
    State(shared): State<Arc<Shared>>,
    Path((channel_id, target_id)): Path<(u64, u64)>,
    Json(body): Json<OverwriteBody>,
) -> Result<StatusCode, RestError> {
    let overwrite = Overwrite {
        id: target_id,
        kind: body.kind,
        allow: body.allow.unwrap_or(0),
        deny: body.deny.unwrap_or(0),
    };
    set_overwrite(&shared, channel_id, target_id, Some(overwrite))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_overwrite(
    State(shared): State<Arc<Shared>>,
    Path((channel_id, target_id)): Path<(u64, u64)>,
) -> Result<StatusCode, RestError> {
    set_overwrite(&shared, channel_id, target_id, None)?;
    Ok(StatusCode::NO_CONTENT)
}

fn set_overwrite(
    shared: &Shared,
    channel_id: u64,
    target_id: u64,
    overwrite: Option<Overwrite>,
) -> Result<(), Error> {
    let mut world = shared.world();
    let guild_id = world
        .guild_of_channel(channel_id)
        .ok_or(Error::UnknownChannel(channel_id))?;
    let guild = world
        .guilds
        .get_mut(&guild_id)
        .ok_or(Error::UnknownGuild(guild_id))?;
    let channel = guild
        .channel_mut(channel_id)
        .ok_or(Error::UnknownChannel(channel_id))?;
    channel.permission_overwrites.retain(|o| o.id != target_id);
    if let Some(overwrite) = &overwrite {
        channel.permission_overwrites.push(overwrite.clone());
    }
    let data = payload::channel(guild_id, channel).to_string();
    world.journal.push(BotAction::OverwriteChanged {
        channel_id,
        target_id,
        overwrite,
    });
    shared.emit("CHANNEL_UPDATE", Some(guild_id), intents::GUILDS, data);
    Ok(())
}

#[derive(Debug, Deserialize)]
struct CreateMessage {
    #[serde(default)]
    content: String,
    #[serde(default)]
    embeds: Vec<Value>,
}

async fn create_message(
    State(shared): State<Arc<Shared>>,
    Path(channel_id): Path<u64>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, RestError> {
    let message: CreateMessage =
        serde_json::from_value(body.clone()).map_err(RestError::invalid_body)?;
    if message.content.chars().count() > MESSAGE_CONTENT_MAX {
        return Err(RestError::invalid_body(
            "content: must be 2000 or fewer in length",
        ));
    }
    if message.content.is_empty() && message.embeds.is_empty() {
        return Err(RestError::new(
            StatusCode::BAD_REQUEST,
            50006,
            "Cannot send an empty message",
        ));
    }
    let mut world = shared.world();
    let guild_id = world
        .guild_of_channel(channel_id)
        .ok_or(Error::UnknownChannel(channel_id))?;
    let message_id = world.ids.next_id();
    let bot_id = world.bot.user_id;
    let json = MessageJson {
        id: message_id,
        channel_id,
        guild_id: Some(guild_id),
        author: payload::user(&world, bot_id).unwrap_or_default(),
        member: None,
        content: &message.content,
        embeds: json!(message.embeds),
        sent_at: u64::from(now_unix()),
    }
    .to_value();
    world.journal.push(BotAction::MessageCreated {
        channel_id,
        message_id,
        content: message.content.clone(),
        body,
    });
    // The bot sees its own messages with content, as Discord sends them.
    shared.emit(
        "MESSAGE_CREATE",
        Some(guild_id),
        intents::GUILD_MESSAGES,
        json.to_string(),
    );
    Ok(Json(json))
}
