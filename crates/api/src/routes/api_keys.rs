//! `/api/api-keys`: create, list, read and revoke API keys (admin scope).

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_store::db::PageRequest;
use guildhall_wire::auth::{ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyList, Scope};
use guildhall_wire::{ErrorBody, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(get_key, revoke_key))
}

/// List API keys.
#[utoipa::path(get, path = "/api/api-keys", tag = "auth", params(PageQuery),
    responses((status = 200, body = ApiKeyList), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_keys(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<ApiKeyList>, ApiError> {
    caller.require(Scope::Admin)?;
    let page = PageRequest::new(page.cursor.as_deref(), page.limit)?;
    let page = state.store.list_api_keys(page).await?;
    Ok(Json(ApiKeyList {
        api_keys: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Create an API key. The secret is in this response only.
#[utoipa::path(post, path = "/api/api-keys", tag = "auth", request_body = ApiKeyCreate,
    responses((status = 201, body = ApiKeyCreated), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_key(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<ApiKeyCreate>,
) -> Result<(StatusCode, Json<ApiKeyCreated>), ApiError> {
    caller.require(Scope::Admin)?;
    let (key, api_key) = state.store.create_api_key(&new.name, &new.scopes).await?;
    Ok((StatusCode::CREATED, Json(ApiKeyCreated { key, api_key })))
}

/// Read an API key.
#[utoipa::path(get, path = "/api/api-keys/{id}", tag = "auth", params(("id" = i64, Path)),
    responses((status = 200, body = ApiKey), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ApiKey>, ApiError> {
    caller.require(Scope::Admin)?;
    Ok(Json(state.store.api_key(id).await?))
}

/// Revoke an API key: its tokens stop working at once.
#[utoipa::path(delete, path = "/api/api-keys/{id}", tag = "auth", params(("id" = i64, Path)),
    responses((status = 200, body = ApiKey), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn revoke_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ApiKey>, ApiError> {
    caller.require(Scope::Admin)?;
    Ok(Json(state.store.revoke_api_key(id).await?))
}
