//! `/api/notes`: moderator notes about users.

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::notes::{Note, NoteCreate, NoteFilter, NoteList, NoteUpdate};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notes, create_note))
        .routes(routes!(get_note, update_note, delete_note))
}

/// List notes, filtered by guild, user or moderator.
#[utoipa::path(get, path = "/api/notes", tag = "notes", params(NoteFilter),
    responses((status = 200, body = NoteList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_notes(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<NoteFilter>,
) -> Result<Json<NoteList>, ApiError> {
    caller.require(Scope::Read)?;
    let page = state.store.list_notes(&filter).await?;
    Ok(Json(NoteList {
        notes: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Write a note (1 to 4000 characters).
#[utoipa::path(post, path = "/api/notes", tag = "notes", request_body = NoteCreate,
    responses((status = 201, body = Note), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_note(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NoteCreate>,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    caller.require(Scope::Write)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_note(&new).await?),
    ))
}

/// Read a note.
#[utoipa::path(get, path = "/api/notes/{id}", tag = "notes", params(("id" = i64, Path)),
    responses((status = 200, body = Note), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Note>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.note(id).await?))
}

/// Replace a note's text.
#[utoipa::path(put, path = "/api/notes/{id}", tag = "notes", params(("id" = i64, Path)),
    request_body = NoteUpdate,
    responses((status = 200, body = Note), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(change): Json<NoteUpdate>,
) -> Result<Json<Note>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.update_note(id, &change).await?))
}

/// Delete a note; the answer is the note as it was.
#[utoipa::path(delete, path = "/api/notes/{id}", tag = "notes", params(("id" = i64, Path)),
    responses((status = 200, body = Note), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Note>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.delete_note(id).await?))
}
