//! `/gateway`, `/gateway/bot`, `/users/@me` (bot token or OAuth2 bearer) and `/users/{id}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};

use super::{Caller, RestError};
use crate::payload;
use crate::sim::Shared;

/// Discord recommends one shard per 1000 guilds.
const GUILDS_PER_RECOMMENDED_SHARD: usize = 1000;
/// Identifies allowed per day for a small bot.
const SESSION_START_TOTAL: u32 = 1000;

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/gateway", get(gateway))
        .route("/gateway/bot", get(gateway_bot))
        .route("/users/@me", get(current_user))
        .route("/users/@me/guilds", get(current_user_guilds))
        .route("/users/{user_id}", get(user))
}

async fn gateway(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({"url": shared.urls().gateway}))
}

async fn gateway_bot(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, RestError> {
    if caller != Caller::Bot {
        return Err(RestError::unauthorized());
    }
    let guilds = shared.world().guilds.len();
    let shards = guilds.div_ceil(GUILDS_PER_RECOMMENDED_SHARD).max(1);
    let used = shared
        .gateway
        .identifies
        .load(std::sync::atomic::Ordering::Relaxed);
    let remaining = u64::from(SESSION_START_TOTAL).saturating_sub(used);
    Ok(Json(json!({
        "url": shared.urls().gateway,
        "shards": shards,
        "session_start_limit": {
            "total": SESSION_START_TOTAL,
            "remaining": remaining,
            "reset_after": 14_400_000,
            "max_concurrency": 1,
        },
    })))
}

async fn current_user(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, RestError> {
    match caller {
        Caller::Bot => Ok(Json(payload::current_user(&shared.world()))),
        Caller::User(user_id) => {
            let world = shared.world();
            let mut user = payload::user(&world, user_id).ok_or(RestError::unauthorized())?;
            user["mfa_enabled"] = json!(false);
            user["locale"] = json!("en-US");
            user["verified"] = json!(true);
            user["flags"] = json!(0);
            user["premium_type"] = json!(0);
            if shared.oauth.user_has_scope(user_id, "email") {
                user["email"] = json!(format!("user{user_id}@example.invalid"));
            }
            Ok(Json(user))
        }
    }
}

#[derive(Debug, serde::Deserialize)]
struct GuildPage {
    #[serde(default)]
    after: Option<u64>,
    #[serde(default)]
    before: Option<u64>,
    #[serde(default)]
    limit: Option<usize>,
}

/// Discord returns at most 200 guilds per page of `users/@me/guilds`.
const GUILD_PAGE_MAX: usize = 200;

async fn current_user_guilds(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    axum::extract::Query(page): axum::extract::Query<GuildPage>,
) -> Json<Value> {
    let world = shared.world();
    let user_id = match caller {
        Caller::Bot => world.bot.user_id,
        Caller::User(id) => id,
    };
    let limit = page
        .limit
        .unwrap_or(GUILD_PAGE_MAX)
        .clamp(1, GUILD_PAGE_MAX);
    let guilds: Vec<Value> = world
        .guilds
        .values()
        .filter(|g| g.members.contains_key(&user_id))
        .filter(|g| page.after.is_none_or(|after| g.id > after))
        .filter(|g| page.before.is_none_or(|before| g.id < before))
        .take(limit)
        .map(|g| {
            json!({
                "id": g.id.to_string(),
                "name": g.name,
                "icon": g.icon,
                "banner": null,
                "owner": g.owner_id == user_id,
                "permissions": "2248473465835073",
                "features": [],
            })
        })
        .collect();
    Json(json!(guilds))
}

async fn user(
    State(shared): State<Arc<Shared>>,
    Path(user_id): Path<u64>,
) -> Result<Json<Value>, RestError> {
    payload::user(&shared.world(), user_id)
        .map(Json)
        .ok_or_else(|| crate::Error::UnknownUser(user_id).into())
}
