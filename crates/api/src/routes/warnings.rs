//! `/api/warnings`: the Smarter Dev warning contract.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::warnings::{Warning, WarningCreate, WarningFilter, WarningList};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_warnings, create_warning))
        .routes(routes!(get_warning))
}

/// List warnings, filtered by guild, user, moderator or whether they are still in force.
#[utoipa::path(get, path = "/api/warnings", tag = "warnings", params(WarningFilter),
    responses((status = 200, body = WarningList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_warnings(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<WarningFilter>,
) -> Result<Json<WarningList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_warnings(&filter).await?;
    Ok(Json(WarningList {
        warnings: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Warn a user.
#[utoipa::path(post, path = "/api/warnings", tag = "warnings", request_body = WarningCreate,
    responses((status = 201, body = Warning), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_warning(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<WarningCreate>,
) -> Result<(StatusCode, Json<Warning>), ApiError> {
    caller.require(Scope::Write)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_warning(&new).await?),
    ))
}

/// Read a warning.
#[utoipa::path(get, path = "/api/warnings/{id}", tag = "warnings", params(("id" = i64, Path)),
    responses((status = 200, body = Warning), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_warning(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Warning>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.warning(id).await?))
}
