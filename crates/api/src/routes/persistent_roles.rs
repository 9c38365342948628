//! `/api/persistent-roles`: roles re-applied to a user whenever they rejoin a guild.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::persistent_roles::{
    PersistentRole, PersistentRoleCreate, PersistentRoleFilter, PersistentRoleList,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_persistent_roles, create_persistent_role))
        .routes(routes!(get_persistent_role, delete_persistent_role))
}

/// List persistent roles, by guild or user.
#[utoipa::path(get, path = "/api/persistent-roles", tag = "persistent-roles", params(PersistentRoleFilter),
    responses((status = 200, body = PersistentRoleList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_persistent_roles(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<PersistentRoleFilter>,
) -> Result<Json<PersistentRoleList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_persistent_roles(&filter).await?;
    Ok(Json(PersistentRoleList {
        persistent_roles: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Keep a role for a user across leaving and rejoining; the same role twice is a 409.
#[utoipa::path(post, path = "/api/persistent-roles", tag = "persistent-roles", request_body = PersistentRoleCreate,
    responses((status = 201, body = PersistentRole), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_persistent_role(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<PersistentRoleCreate>,
) -> Result<(StatusCode, Json<PersistentRole>), ApiError> {
    caller.require(Scope::Write)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_persistent_role(&new).await?),
    ))
}

/// Read a persistent role.
#[utoipa::path(get, path = "/api/persistent-roles/{id}", tag = "persistent-roles", params(("id" = i64, Path)),
    responses((status = 200, body = PersistentRole), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_persistent_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<PersistentRole>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.persistent_role(id).await?))
}

/// Stop keeping a role; the answer is the record as it was.
#[utoipa::path(delete, path = "/api/persistent-roles/{id}", tag = "persistent-roles", params(("id" = i64, Path)),
    responses((status = 200, body = PersistentRole), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_persistent_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<PersistentRole>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.delete_persistent_role(id).await?))
}
