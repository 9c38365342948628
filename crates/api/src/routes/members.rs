//! `/api/members`: guild members, upserted by guild and user, read, changed, deleted, listed.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::members::{GuildMember, MemberFilter, MemberList, MemberUpdate, MemberUpsert};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members, upsert_member))
        .routes(routes!(get_member, update_member, delete_member))
}

/// List members, by guild or user; members who left only with `include_left=true`.
#[utoipa::path(get, path = "/api/members", tag = "members", params(MemberFilter),
    responses((status = 200, body = MemberList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_members(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<MemberFilter>,
) -> Result<Json<MemberList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_members(&filter).await?;
    Ok(Json(MemberList {
        members: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Record a member, or bring the member with the same guild and user up to date and mark
/// them present again. Safe to repeat: 201 when the member was new, 200 when it existed.
#[utoipa::path(post, path = "/api/members", tag = "members", request_body = MemberUpsert,
    responses(
        (status = 201, description = "The member was new", body = GuildMember),
        (status = 200, description = "The member existed and was updated", body = GuildMember),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn upsert_member(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<MemberUpsert>,
) -> Result<(StatusCode, Json<GuildMember>), ApiError> {
    caller.require(Scope::Write)?;
    let (member, created) = state.store.upsert_member(&new).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(member)))
}

/// Read a member.
#[utoipa::path(get, path = "/api/members/{id}", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = GuildMember), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<GuildMember>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.member(id).await?))
}

/// Change a member: an empty nickname clears it, roles replace the old list, `left` marks
/// the member as gone or back.
#[utoipa::path(put, path = "/api/members/{id}", tag = "members", params(("id" = i64, Path)),
    request_body = MemberUpdate,
    responses((status = 200, body = GuildMember), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(change): Json<MemberUpdate>,
) -> Result<Json<GuildMember>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.update_member(id, &change).await?))
}

/// Delete a member record; the answer is the record as it was.
#[utoipa::path(delete, path = "/api/members/{id}", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = GuildMember), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<GuildMember>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.delete_member(id).await?))
}
