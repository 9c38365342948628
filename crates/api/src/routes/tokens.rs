//! `POST /api/auth/token`: trade an API key for a bearer token.

use axum::extract::State;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::{TokenRequest, TokenResponse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::Json;
use crate::{ApiError, AppState, auth};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(issue_token))
}

/// Exchange an API key for a bearer token.
#[utoipa::path(
    post, path = "/api/auth/token", tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "A token", body = TokenResponse),
        (status = 401, description = "Unknown or revoked key", body = ErrorBody),
    )
)]
async fn issue_token(
    State(state): State<AppState>,
    Json(request): Json<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let (token, scopes) = auth::exchange(&state, &request.api_key).await?;
    Ok(Json(TokenResponse {
        token,
        expires_in: state.tokens.ttl().as_secs(),
        scopes,
    }))
}
