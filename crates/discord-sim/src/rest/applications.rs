//! The application: `applications/@me`, application commands (global and per guild), and
//! the interaction endpoints (callback, follow-ups), which Discord serves without a bot token.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::{InteractionTarget, RestError};
use crate::gateway::intents;
use crate::payload;
use crate::sim::Shared;
use crate::state::{BotAction, World};

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/applications/@me", get(current_application))
        .route("/oauth2/applications/@me", get(current_application))
        .route(
            "/applications/{application_id}/commands",
            get(global_commands).put(overwrite_global_commands),
        )
        .route(
            "/applications/{application_id}/guilds/{guild_id}/commands",
            get(guild_commands).put(overwrite_guild_commands),
        )
}

/// Routes that take the interaction token instead of the bot token.
pub(super) fn open_router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/interactions/{interaction_id}/{token}/callback",
            post(interaction_callback),
        )
        .route("/webhooks/{application_id}/{token}", post(create_followup))
        .route(
            "/webhooks/{application_id}/{token}/messages/{message_id}",
            patch(edit_followup),
        )
}

async fn current_application(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let world = shared.world();
    let bot = payload::user(&world, world.bot.user_id).unwrap_or_default();
    Json(json!({
        "id": world.bot.application_id.to_string(),
        "name": world.bot.username,
        "icon": null,
        "description": "A guildhall simulator application",
        "rpc_origins": [],
        "bot_public": true,
        "bot_require_code_grant": false,
        "bot": bot,
        "owner": bot,
        "team": null,
        "summary": "",
        "verify_key": "0".repeat(64),
        "flags": intents::application_flags(&shared.config.privileged_intents),
        "approximate_guild_count": world.guilds.len(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "tags": [],
    }))
}

async fn global_commands(
    State(shared): State<Arc<Shared>>,
    Path(_application_id): Path<u64>,
) -> Json<Value> {
    Json(
        shared
            .world()
            .commands
            .get(&None)
            .cloned()
            .unwrap_or(json!([])),
    )
}

async fn guild_commands(
    State(shared): State<Arc<Shared>>,
    Path((_application_id, guild_id)): Path<(u64, u64)>,
) -> Json<Value> {
    Json(
        shared
            .world()
            .commands
            .get(&Some(guild_id))
            .cloned()
            .unwrap_or(json!([])),
    )
}

async fn overwrite_global_commands(
    State(shared): State<Arc<Shared>>,
    Path(_application_id): Path<u64>,
    Json(body): Json<Vec<Value>>,
) -> Result<Json<Value>, RestError> {
    let mut world = shared.world();
    Ok(Json(overwrite_commands(&mut world, None, body)?))
}

async fn overwrite_guild_commands(
    State(shared): State<Arc<Shared>>,
    Path((_application_id, guild_id)): Path<(u64, u64)>,
    Json(body): Json<Vec<Value>>,
) -> Result<Json<Value>, RestError> {
    let mut world = shared.world();
    world
        .guild(guild_id)
        .ok_or(crate::Error::UnknownGuild(guild_id))?;
    Ok(Json(overwrite_commands(&mut world, Some(guild_id), body)?))
}

/// Stores the commands with ids, versions and defaults filled in, as Discord returns them.
fn overwrite_commands(
    world: &mut World,
    guild_id: Option<u64>,
    commands: Vec<Value>,
) -> Result<Value, RestError> {
    let application_id = world.bot.application_id.to_string();
    let mut stored = Vec::with_capacity(commands.len());
    for mut command in commands.iter().cloned() {
        let Some(map) = command.as_object_mut() else {
            return Err(RestError::invalid_body("each command must be an object"));
        };
        if !map.get("name").is_some_and(Value::is_string) {
            return Err(RestError::invalid_body("name: required"));
        }
        let id = world.ids.next_id().to_string();
        map.insert("id".into(), json!(id));
        map.insert("application_id".into(), json!(application_id));
        map.insert("version".into(), json!(id));
        map.entry("type").or_insert(json!(1));
        map.entry("description").or_insert(json!(""));
        map.entry("options").or_insert(json!([]));
        map.entry("default_member_permissions")
            .or_insert(Value::Null);
        map.entry("nsfw").or_insert(json!(false));
        if let Some(guild_id) = guild_id {
            map.insert("guild_id".into(), json!(guild_id.to_string()));
        }
        stored.push(command);
    }
    let stored = Value::Array(stored);
    world.commands.insert(guild_id, stored.clone());
    world.journal.push(BotAction::CommandsOverwritten {
        guild_id: guild_id.map(|g| g.to_string()),
        commands: json!(commands),
    });
    Ok(stored)
}

/// Interaction callback type 4 answers with a message in the channel.
const CHANNEL_MESSAGE_WITH_SOURCE: u64 = 4;
/// Discord's message type for replies to slash commands.
const CHAT_INPUT_COMMAND_MESSAGE: u8 = 20;

async fn interaction_callback(
    State(shared): State<Arc<Shared>>,
    Path((interaction_id, token)): Path<(u64, String)>,
    Json(body): Json<Value>,
) -> Result<StatusCode, RestError> {
    let target = shared
        .rest
        .interaction(&token)
        .filter(|t| t.id == interaction_id)
        .ok_or_else(|| RestError::new(StatusCode::NOT_FOUND, 10062, "Unknown interaction"))?;
    let mut world = shared.world();
    if body["type"].as_u64() == Some(CHANNEL_MESSAGE_WITH_SOURCE) {
        let message = reply_message(&mut world, target, &body["data"]);
        shared.emit(
            "MESSAGE_CREATE",
            Some(target.guild_id),
            intents::GUILD_MESSAGES,
            message.to_string(),
        );
    }
    world.journal.push(BotAction::InteractionResponded {
        interaction_id,
        body,
    });
    Ok(StatusCode::NO_CONTENT)
}

async fn create_followup(
    State(shared): State<Arc<Shared>>,
    Path((_application_id, token)): Path<(u64, String)>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, RestError> {
    let message = followup(&shared, token, body)?;
    let guild_id = message["guild_id"].as_str().and_then(|g| g.parse().ok());
    shared.emit(
        "MESSAGE_CREATE",
        guild_id,
        intents::GUILD_MESSAGES,
        message.to_string(),
    );
    Ok(Json(message))
}

/// Editing the original response; Discord would send MESSAGE_UPDATE, which the simulator
/// does not model, so the edit is only recorded.
async fn edit_followup(
    State(shared): State<Arc<Shared>>,
    Path((_application_id, token, _message_id)): Path<(u64, String, String)>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, RestError> {
    followup(&shared, token, body).map(Json)
}

fn followup(shared: &Shared, token: String, body: Value) -> Result<Value, RestError> {
    let target = shared
        .rest
        .interaction(&token)
        .ok_or_else(|| RestError::new(StatusCode::NOT_FOUND, 10015, "Unknown Webhook"))?;
    let mut world = shared.world();
    let message = reply_message(&mut world, target, &body);
    world.journal.push(BotAction::FollowupSent {
        interaction_token: token,
        body,
    });
    Ok(message)
}

/// A reply to an interaction, posted by the application in the interaction's channel.
fn reply_message(world: &mut World, target: InteractionTarget, body: &Value) -> Value {
    let message_id = world.ids.next_id();
    let application_id = world.bot.application_id.to_string();
    let author = payload::user(world, world.bot.user_id).unwrap_or_default();
    let content = body.get("content").and_then(Value::as_str).unwrap_or("");
    let mut message = payload::MessageJson {
        id: message_id,
        channel_id: target.channel_id,
        guild_id: Some(target.guild_id),
        author,
        member: None,
        content,
        embeds: body.get("embeds").cloned().unwrap_or(json!([])),
        sent_at: u64::from(crate::state::now_unix()),
    }
    .to_value();
    message["type"] = json!(CHAT_INPUT_COMMAND_MESSAGE);
    message["application_id"] = json!(application_id);
    message["webhook_id"] = json!(application_id);
    message
}
