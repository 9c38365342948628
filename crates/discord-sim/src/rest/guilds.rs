//! Guild routes: the guild, its roles and channels, the member list, one member, a
//! member's roles.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::RestError;
use crate::Error;
use crate::control::ops::MemberChange;
use crate::payload::{self, MemberJson};
use crate::sim::{Shared, Simulator};
use crate::state::{BotAction, Status};

/// `GET /guilds/{id}/members` returns at most 1000 members per call.
const MEMBER_LIST_MAX: u64 = 1000;

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/guilds/{guild_id}", get(guild))
        .route("/guilds/{guild_id}/roles", get(roles))
        .route("/guilds/{guild_id}/channels", get(channels))
        .route("/guilds/{guild_id}/members", get(members))
        .route("/guilds/{guild_id}/members/search", get(search_members))
        .route(
            "/guilds/{guild_id}/members/{user_id}",
            get(member).patch(modify_member),
        )
        .route(
            "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
            put(add_role).delete(remove_role),
        )
}

#[derive(Debug, Deserialize)]
struct GuildQuery {
    #[serde(default)]
    with_counts: bool,
}

async fn guild(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
    Query(query): Query<GuildQuery>,
) -> Result<Json<Value>, RestError> {
    let world = shared.world();
    let guild = world.guild(guild_id).ok_or(Error::UnknownGuild(guild_id))?;
    let mut value = payload::guild(guild);
    if query.with_counts {
        let online = guild
            .members
            .values()
            .filter(|m| m.presence.status != Status::Offline)
            .count();
        value["approximate_member_count"] = json!(guild.members.len());
        value["approximate_presence_count"] = json!(online);
    }
    Ok(Json(value))
}

async fn roles(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
) -> Result<Json<Value>, RestError> {
    let world = shared.world();
    let guild = world.guild(guild_id).ok_or(Error::UnknownGuild(guild_id))?;
    Ok(Json(json!(
        guild.roles.iter().map(payload::role).collect::<Vec<_>>()
    )))
}

async fn channels(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
) -> Result<Json<Value>, RestError> {
    let world = shared.world();
    let guild = world.guild(guild_id).ok_or(Error::UnknownGuild(guild_id))?;
    Ok(Json(json!(
        guild
            .channels
            .iter()
            .map(|c| payload::channel(guild_id, c))
            .collect::<Vec<_>>()
    )))
}

#[derive(Debug, Deserialize)]
struct MemberListQuery {
    limit: Option<u64>,
    after: Option<u64>,
}

async fn members(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
    Query(query): Query<MemberListQuery>,
) -> Result<axum::response::Response, RestError> {
    let limit = query.limit.unwrap_or(1);
    if !(1..=MEMBER_LIST_MAX).contains(&limit) {
        return Err(RestError::invalid_body("limit must be between 1 and 1000"));
    }
    let world = shared.world();
    let guild = world.guild(guild_id).ok_or(Error::UnknownGuild(guild_id))?;
    let after = query.after.unwrap_or(0);
    let members: Vec<MemberJson<'_>> = guild
        .members
        .range(after.saturating_add(1)..)
        .take(limit as usize)
        .filter_map(|(id, m)| Some(MemberJson::new(*id, world.users.get(id)?, m)))
        .collect();
    // Serialize while the lock is held: the borrowed records live in the world.
    let body = serde_json::to_vec(&members).unwrap_or_default();
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    query: String,
    limit: Option<u64>,
}

/// `GET /guilds/{id}/members/search`: username or nickname prefix, case-insensitive.
async fn search_members(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
    Query(search): Query<SearchQuery>,
) -> Result<axum::response::Response, RestError> {
    let limit = search.limit.unwrap_or(1);
    if !(1..=MEMBER_LIST_MAX).contains(&limit) {
        return Err(RestError::invalid_body("limit must be between 1 and 1000"));
    }
    let prefix = search.query.to_lowercase();
    let world = shared.world();
    let guild = world.guild(guild_id).ok_or(Error::UnknownGuild(guild_id))?;
    let members: Vec<MemberJson<'_>> = guild
        .members
        .iter()
        .filter_map(|(id, m)| Some((id, m, world.users.get(id)?)))
        .filter(|(_, m, user)| {
            m.nick
                .as_deref()
                .is_some_and(|n| n.to_lowercase().starts_with(&prefix))
                || user.name.spell().to_lowercase().starts_with(&prefix)
        })
        .take(limit as usize)
        .map(|(id, m, user)| MemberJson::new(*id, user, m))
        .collect();
    let body = serde_json::to_vec(&members).unwrap_or_default();
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

async fn member(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, user_id)): Path<(u64, u64)>,
) -> Result<Json<Value>, RestError> {
    let world = shared.world();
    world.guild(guild_id).ok_or(Error::UnknownGuild(guild_id))?;
    payload::member(&world, guild_id, user_id)
        .map(Json)
        .ok_or_else(|| Error::UnknownMember { guild_id, user_id }.into())
}

async fn modify_member(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, user_id)): Path<(u64, u64)>,
    Json(change): Json<MemberChange>,
) -> Result<Json<Value>, RestError> {
    let simulator = Simulator {
        shared: shared.clone(),
    };
    simulator.update_member(guild_id, user_id, change)?;
    let world = shared.world();
    payload::member(&world, guild_id, user_id)
        .map(Json)
        .ok_or_else(|| Error::UnknownMember { guild_id, user_id }.into())
}

async fn add_role(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, user_id, role_id)): Path<(u64, u64, u64)>,
) -> Result<StatusCode, RestError> {
    change_role(&shared, guild_id, user_id, role_id, true)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_role(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, user_id, role_id)): Path<(u64, u64, u64)>,
) -> Result<StatusCode, RestError> {
    change_role(&shared, guild_id, user_id, role_id, false)?;
    Ok(StatusCode::NO_CONTENT)
}

fn change_role(
    shared: &Arc<Shared>,
    guild_id: u64,
    user_id: u64,
    role_id: u64,
    add: bool,
) -> Result<(), Error> {
    let mut world = shared.world();
    let guild = world
        .guilds
        .get_mut(&guild_id)
        .ok_or(Error::UnknownGuild(guild_id))?;
    if !guild.roles.iter().any(|r| r.id == role_id) {
        return Err(Error::UnknownRole(role_id));
    }
    let member = guild
        .members
        .get_mut(&user_id)
        .ok_or(Error::UnknownMember { guild_id, user_id })?;
    let has = member.roles.contains(&role_id);
    let changed = if add && !has {
        member.roles = member.roles.iter().copied().chain([role_id]).collect();
        true
    } else if !add && has {
        member.roles = member
            .roles
            .iter()
            .copied()
            .filter(|r| *r != role_id)
            .collect();
        true
    } else {
        false
    };
    world.journal.push(if add {
        BotAction::RoleAdded {
            guild_id,
            user_id,
            role_id,
        }
    } else {
        BotAction::RoleRemoved {
            guild_id,
            user_id,
            role_id,
        }
    });
    // Discord sends GUILD_MEMBER_UPDATE only when something changed.
    if changed {
        let simulator = Simulator {
            shared: shared.clone(),
        };
        simulator.emit_member_update(&world, guild_id, user_id);
    }
    Ok(())
}
