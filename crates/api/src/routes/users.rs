//! `/api/users`: the Smarter Dev user contract, including the batch sync.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::users::{
    DiscordUser, UserBatch, UserBatchResult, UserCreate, UserFilter, UserList, UserUpdate,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(batch_users))
}

/// List users, optionally only the one with a Discord id, or those whose name starts with text.
#[utoipa::path(get, path = "/api/users", tag = "users", params(UserFilter),
    responses((status = 200, body = UserList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<UserFilter>,
) -> Result<Json<UserList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_users(&filter).await?;
    Ok(Json(UserList {
        users: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Record a user.
#[utoipa::path(post, path = "/api/users", tag = "users", request_body = UserCreate,
    responses((status = 201, body = DiscordUser), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<UserCreate>,
) -> Result<(StatusCode, Json<DiscordUser>), ApiError> {
    caller.require(Scope::Write)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_user(&new).await?),
    ))
}

/// Read a user.
#[utoipa::path(get, path = "/api/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = DiscordUser), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<DiscordUser>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.user(id).await?))
}

/// Change a user: fields given are changed, others kept.
#[utoipa::path(put, path = "/api/users/{id}", tag = "users", params(("id" = i64, Path)),
    request_body = UserUpdate,
    responses((status = 200, body = DiscordUser), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(change): Json<UserUpdate>,
) -> Result<Json<DiscordUser>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.update_user(id, &change).await?))
}

/// Create or update up to 500 users by Discord id, all or nothing. Safe to repeat.
#[utoipa::path(post, path = "/api/users/batch", tag = "users", request_body = UserBatch,
    responses((status = 200, body = UserBatchResult), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn batch_users(
    State(state): State<AppState>,
    caller: Caller,
    Json(batch): Json<UserBatch>,
) -> Result<Json<UserBatchResult>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.upsert_users(&batch.users).await?))
}
