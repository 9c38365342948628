//! The bot's sync routes: a guild by Discord id, its members in batches, and who left.

use axum::extract::State;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::guilds::{Guild, GuildCreate};
use guildhall_wire::sync::{FinishSync, LeftCount, MemberSyncBatch, MemberSyncResult, MembersLeft};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sync_guild))
        .routes(routes!(sync_members))
        .routes(routes!(members_left))
        .routes(routes!(finish_sync))
}

/// Create or update a guild by Discord id and mark the bot as in it. Safe to repeat.
#[utoipa::path(post, path = "/api/guilds/sync", tag = "guilds", request_body = GuildCreate,
    responses((status = 200, body = Guild), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn sync_guild(
    State(state): State<AppState>,
    caller: Caller,
    Json(guild): Json<GuildCreate>,
) -> Result<Json<Guild>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.upsert_guild(&guild).await?))
}

/// Create or update up to 500 members (with their users) by Discord id. Safe to repeat.
#[utoipa::path(post, path = "/api/guilds/{id}/members/sync", tag = "members", params(("id" = i64, Path)),
    request_body = MemberSyncBatch,
    responses((status = 200, body = MemberSyncResult), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn sync_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(batch): Json<MemberSyncBatch>,
) -> Result<Json<MemberSyncResult>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.sync_members(id, &batch.members).await?))
}

/// Mark members (by Discord id) as having left the guild.
#[utoipa::path(post, path = "/api/guilds/{id}/members/left", tag = "members", params(("id" = i64, Path)),
    request_body = MembersLeft,
    responses((status = 200, body = LeftCount), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn members_left(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(left): Json<MembersLeft>,
) -> Result<Json<LeftCount>, ApiError> {
    caller.require(Scope::Write)?;
    let left = state.store.mark_members_left(id, &left.user_ids).await?;
    Ok(Json(LeftCount { left }))
}

/// End a full member sync: present members it did not see are marked as left.
#[utoipa::path(post, path = "/api/guilds/{id}/members/finish-sync", tag = "members", params(("id" = i64, Path)),
    request_body = FinishSync,
    responses((status = 200, body = LeftCount), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn finish_sync(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(finish): Json<FinishSync>,
) -> Result<Json<LeftCount>, ApiError> {
    caller.require(Scope::Write)?;
    let left = state
        .store
        .finish_member_sync(id, finish.started_at)
        .await?;
    Ok(Json(LeftCount { left }))
}
