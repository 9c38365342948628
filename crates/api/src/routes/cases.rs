//! `/api/moderation-cases`: the Smarter Dev case contract, with per-guild case numbers.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::cases::{CaseCreate, CaseFilter, CaseList, CaseUpdate, ModerationCase};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, create_case))
        .routes(routes!(get_case, update_case))
}

/// List cases, filtered by guild, user, moderator, action or resolution.
#[utoipa::path(get, path = "/api/moderation-cases", tag = "moderation-cases", params(CaseFilter),
    responses((status = 200, body = CaseList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<CaseFilter>,
) -> Result<Json<CaseList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_cases(&filter).await?;
    Ok(Json(CaseList {
        moderation_cases: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Open a case; it gets the guild's next case number.
#[utoipa::path(post, path = "/api/moderation-cases", tag = "moderation-cases", request_body = CaseCreate,
    responses((status = 201, body = ModerationCase), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_case(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<CaseCreate>,
) -> Result<(StatusCode, Json<ModerationCase>), ApiError> {
    caller.require(Scope::Write)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_case(&new).await?),
    ))
}

/// Read a case.
#[utoipa::path(get, path = "/api/moderation-cases/{id}", tag = "moderation-cases", params(("id" = i64, Path)),
    responses((status = 200, body = ModerationCase), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ModerationCase>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.case(id).await?))
}

/// Resolve or reopen a case, or change its reason.
#[utoipa::path(put, path = "/api/moderation-cases/{id}", tag = "moderation-cases", params(("id" = i64, Path)),
    request_body = CaseUpdate,
    responses((status = 200, body = ModerationCase), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(change): Json<CaseUpdate>,
) -> Result<Json<ModerationCase>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.update_case(id, &change).await?))
}
