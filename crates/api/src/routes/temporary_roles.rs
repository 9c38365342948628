//! `/api/temporary-roles`: roles granted for a while; their removal is durable scheduled work.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::temporary_roles::{
    TemporaryRole, TemporaryRoleCreate, TemporaryRoleFilter, TemporaryRoleList, TemporaryRoleUpdate,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_temporary_roles, create_temporary_role))
        .routes(routes!(
            get_temporary_role,
            update_temporary_role,
            delete_temporary_role
        ))
}

/// List temporary roles, by guild or user; `active=true` for roles still held.
#[utoipa::path(get, path = "/api/temporary-roles", tag = "temporary-roles", params(TemporaryRoleFilter),
    responses((status = 200, body = TemporaryRoleList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_temporary_roles(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<TemporaryRoleFilter>,
) -> Result<Json<TemporaryRoleList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_temporary_roles(&filter).await?;
    Ok(Json(TemporaryRoleList {
        temporary_roles: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Grant a role until `expires_at` (in the future) or for `duration_seconds` (exactly one of
/// the two); its removal is scheduled in the same transaction.
#[utoipa::path(post, path = "/api/temporary-roles", tag = "temporary-roles", request_body = TemporaryRoleCreate,
    responses((status = 201, body = TemporaryRole), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_temporary_role(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<TemporaryRoleCreate>,
) -> Result<(StatusCode, Json<TemporaryRole>), ApiError> {
    caller.require(Scope::Write)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_temporary_role(&new).await?),
    ))
}

/// Read a temporary role.
#[utoipa::path(get, path = "/api/temporary-roles/{id}", tag = "temporary-roles", params(("id" = i64, Path)),
    responses((status = 200, body = TemporaryRole), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_temporary_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<TemporaryRole>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.temporary_role(id).await?))
}

/// Move the expiry of a role still held, or record it as taken back now (`removed: true`).
/// Moving the expiry of a role already taken back is a 409.
#[utoipa::path(put, path = "/api/temporary-roles/{id}", tag = "temporary-roles", params(("id" = i64, Path)),
    request_body = TemporaryRoleUpdate,
    responses((status = 200, body = TemporaryRole), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_temporary_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(change): Json<TemporaryRoleUpdate>,
) -> Result<Json<TemporaryRole>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.update_temporary_role(id, &change).await?))
}

/// Delete a temporary role record (its scheduled removal is cancelled); the answer is the
/// record as it was.
#[utoipa::path(delete, path = "/api/temporary-roles/{id}", tag = "temporary-roles", params(("id" = i64, Path)),
    responses((status = 200, body = TemporaryRole), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_temporary_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<TemporaryRole>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.delete_temporary_role(id).await?))
}
