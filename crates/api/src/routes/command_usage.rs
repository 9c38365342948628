//! `/api/command-usage`: per-user, per-command counters, incremented one use at a time.

use axum::extract::State;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::command_usage::{
    CommandUsage, CommandUsageFilter, CommandUsageList, CommandUse,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_command_usage, record_command_use))
        .routes(routes!(get_command_usage))
}

/// List command usage counters, by guild, user or command name.
#[utoipa::path(get, path = "/api/command-usage", tag = "command-usage", params(CommandUsageFilter),
    responses((status = 200, body = CommandUsageList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_command_usage(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<CommandUsageFilter>,
) -> Result<Json<CommandUsageList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_command_usage(&filter).await?;
    Ok(Json(CommandUsageList {
        command_usage: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Record one use of a command (name 1 to 100 characters): its count goes up by one
/// (atomically) and the answer is the counter after it. Each call counts, so it is not safe
/// to repeat.
#[utoipa::path(post, path = "/api/command-usage", tag = "command-usage", request_body = CommandUse,
    responses((status = 200, body = CommandUsage), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn record_command_use(
    State(state): State<AppState>,
    caller: Caller,
    Json(used): Json<CommandUse>,
) -> Result<Json<CommandUsage>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.record_command_use(&used).await?))
}

/// Read a command usage counter.
#[utoipa::path(get, path = "/api/command-usage/{id}", tag = "command-usage", params(("id" = i64, Path)),
    responses((status = 200, body = CommandUsage), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_command_usage(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<CommandUsage>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.command_usage(id).await?))
}
