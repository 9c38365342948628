//! `/api/guilds`: the Smarter Dev guild contract, plus lookup by Discord id.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::guilds::{Guild, GuildCreate, GuildFilter, GuildList, GuildUpdate};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_guilds, create_guild))
        .routes(routes!(get_guild, update_guild))
}

/// List guilds.
#[utoipa::path(get, path = "/api/guilds", tag = "guilds", params(GuildFilter),
    responses((status = 200, body = GuildList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_guilds(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<GuildFilter>,
) -> Result<Json<GuildList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_guilds(&filter).await?;
    Ok(Json(GuildList {
        guilds: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Record a guild.
#[utoipa::path(post, path = "/api/guilds", tag = "guilds", request_body = GuildCreate,
    responses((status = 201, body = Guild), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_guild(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<GuildCreate>,
) -> Result<(StatusCode, Json<Guild>), ApiError> {
    caller.require(Scope::Write)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_guild(&new).await?),
    ))
}

/// Read a guild.
#[utoipa::path(get, path = "/api/guilds/{id}", tag = "guilds", params(("id" = i64, Path)),
    responses((status = 200, body = Guild), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_guild(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Guild>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.guild(id).await?))
}

/// Change a guild: fields given are changed, others kept.
#[utoipa::path(put, path = "/api/guilds/{id}", tag = "guilds", params(("id" = i64, Path)),
    request_body = GuildUpdate,
    responses((status = 200, body = Guild), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_guild(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(change): Json<GuildUpdate>,
) -> Result<Json<Guild>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.update_guild(id, &change).await?))
}
