//! `/api/bump-stats`: per-user bump counters, incremented one bump at a time.

use axum::extract::State;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::bump_stats::{BumpRecord, BumpStat, BumpStatFilter, BumpStatList};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_bump_stats, record_bump))
        .routes(routes!(get_bump_stat))
}

/// List bump stats, by guild or user.
#[utoipa::path(get, path = "/api/bump-stats", tag = "bump-stats", params(BumpStatFilter),
    responses((status = 200, body = BumpStatList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_bump_stats(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<BumpStatFilter>,
) -> Result<Json<BumpStatList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_bump_stats(&filter).await?;
    Ok(Json(BumpStatList {
        bump_stats: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Record one bump: the user's count goes up by one (atomically) and the answer is the stat
/// after it. Each call counts, so it is not safe to repeat.
#[utoipa::path(post, path = "/api/bump-stats", tag = "bump-stats", request_body = BumpRecord,
    responses((status = 200, body = BumpStat), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn record_bump(
    State(state): State<AppState>,
    caller: Caller,
    Json(bump): Json<BumpRecord>,
) -> Result<Json<BumpStat>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.record_bump(&bump).await?))
}

/// Read a bump stat.
#[utoipa::path(get, path = "/api/bump-stats/{id}", tag = "bump-stats", params(("id" = i64, Path)),
    responses((status = 200, body = BumpStat), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_bump_stat(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<BumpStat>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.bump_stat(id).await?))
}
