//! Presences: the bot writes them in batches; anyone with read scope lists them.

use axum::extract::State;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::presences::{PresenceBatch, PresenceBatchResult, PresenceFilter, PresenceList};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(store_presences))
        .routes(routes!(list_presences))
}

/// Store up to 1000 presences of a guild's members (by Discord id); older updates never
/// overwrite newer ones.
#[utoipa::path(post, path = "/api/guilds/{id}/presences", tag = "presences", params(("id" = i64, Path)),
    request_body = PresenceBatch,
    responses((status = 200, body = PresenceBatchResult), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn store_presences(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(batch): Json<PresenceBatch>,
) -> Result<Json<PresenceBatchResult>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(
        state.store.store_presences(id, &batch.presences).await?,
    ))
}

/// List current presences, by user. Filter by `guild_id` for complete pages of one guild.
#[utoipa::path(get, path = "/api/presences", tag = "presences", params(PresenceFilter),
    responses((status = 200, body = PresenceList)),
    security(("bearer" = [])))]
async fn list_presences(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<PresenceFilter>,
) -> Result<Json<PresenceList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_presences(&filter).await?;
    Ok(Json(PresenceList {
        presences: page.items,
        next_cursor: page.next_cursor,
    }))
}
