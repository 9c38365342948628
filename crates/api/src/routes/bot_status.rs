//! The bot's state: it reports here, and `GET /api/staff/discord/status/` shows it.

use axum::extract::State;
use guildhall_wire::auth::Scope;
use guildhall_wire::bot::{BotReport, BotStatus};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::Json;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report))
        .routes(routes!(status))
}

/// The bot reports its shards, latency and guilds (every few seconds, and on every change).
#[utoipa::path(put, path = "/api/bot/status", tag = "staff", request_body = BotReport,
    responses((status = 200, body = BotStatus)),
    security(("bearer" = [])))]
async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Json(report): Json<BotReport>,
) -> Result<Json<BotStatus>, ApiError> {
    caller.require(Scope::Write)?;
    state.store.record_bot_report(&report).await?;
    Ok(Json(state.store.bot_status().await?))
}

/// Whether the bot is configured and running (a live gateway connection, reported in the last
/// 15 seconds), and its guild, shards and latency.
#[utoipa::path(get, path = "/api/staff/discord/status", tag = "staff",
    responses((status = 200, body = BotStatus)),
    security(("bearer" = [])))]
async fn status(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<BotStatus>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.bot_status().await?))
}
