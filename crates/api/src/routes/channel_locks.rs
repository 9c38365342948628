//! `/api/channel-locks`: locked channels, their saved overwrites and durable unlock times.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::channel_locks::{
    ChannelLock, ChannelLockCreate, ChannelLockFilter, ChannelLockList, ChannelLockUpdate,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_channel_locks, create_channel_lock))
        .routes(routes!(get_channel_lock, update_channel_lock))
}

/// List channel locks, by guild or channel; `active=true` for locks in force.
#[utoipa::path(get, path = "/api/channel-locks", tag = "channel-locks", params(ChannelLockFilter),
    responses((status = 200, body = ChannelLockList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_channel_locks(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<ChannelLockFilter>,
) -> Result<Json<ChannelLockList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_channel_locks(&filter).await?;
    Ok(Json(ChannelLockList {
        channel_locks: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Lock a channel, saving its permission overwrites; with `unlock_at` (in the future) the
/// unlock is scheduled in the same transaction. A channel already locked is a 409.
#[utoipa::path(post, path = "/api/channel-locks", tag = "channel-locks", request_body = ChannelLockCreate,
    responses((status = 201, body = ChannelLock), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_channel_lock(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<ChannelLockCreate>,
) -> Result<(StatusCode, Json<ChannelLock>), ApiError> {
    caller.require(Scope::Write)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_channel_lock(&new).await?),
    ))
}

/// Read a channel lock.
#[utoipa::path(get, path = "/api/channel-locks/{id}", tag = "channel-locks", params(("id" = i64, Path)),
    responses((status = 200, body = ChannelLock), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_channel_lock(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ChannelLock>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.channel_lock(id).await?))
}

/// Move the unlock time of a lock in force, or record the channel as unlocked now
/// (`unlocked: true`). Moving the unlock time of a lifted lock is a 409.
#[utoipa::path(put, path = "/api/channel-locks/{id}", tag = "channel-locks", params(("id" = i64, Path)),
    request_body = ChannelLockUpdate,
    responses((status = 200, body = ChannelLock), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_channel_lock(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(change): Json<ChannelLockUpdate>,
) -> Result<Json<ChannelLock>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.update_channel_lock(id, &change).await?))
}
