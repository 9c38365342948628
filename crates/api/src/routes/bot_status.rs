//! The bot's state: it reports here, and `GET /api/staff/discord/status/` shows it.

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use guildhall_wire::ErrorBody;
use guildhall_wire::auth::Scope;
use guildhall_wire::bot::{BotReport, BotStatus, ClaimedSyncJob, SyncJob, SyncJobProgress};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report))
        .routes(routes!(status))
        .routes(routes!(request_sync))
        .routes(routes!(get_sync_job))
        .routes(routes!(claim_sync_job))
        .routes(routes!(update_sync_job))
}

/// The longest a sync request waits for the bot to finish before answering 202.
const MAX_WAIT: Duration = Duration::from_secs(25);

/// `POST /api/staff/discord/sync/` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SyncRequest {
    /// Wait for the sync to finish (default true, at most 25 s, inside common client timeouts); `false` answers 202 at once.
    #[serde(default)]
    wait: Option<bool>,
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

/// Run a full sync of every guild and member now (managers: admin scope). Answers what the
/// bot did once it finishes (200), or the job to follow if it takes longer than 25 s or
/// `wait=false` (202). 503 when no bot is connected.
#[utoipa::path(post, path = "/api/staff/discord/sync", tag = "staff", params(SyncRequest),
    responses((status = 200, body = SyncJob), (status = 202, body = SyncJob), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
async fn request_sync(
    State(state): State<AppState>,
    caller: Caller,
    Query(request): Query<SyncRequest>,
) -> Result<(StatusCode, Json<SyncJob>), ApiError> {
    caller.require(Scope::Admin)?;
    if !state.store.bot_status().await?.is_running {
        return Err(ApiError::Unavailable(
            "no bot is connected to Discord, so nothing can sync; start the bot (DISCORD_BOT_TOKEN) and try again".into(),
        ));
    }
    let mut job = state
        .store
        .create_sync_job(&format!("api key {}", caller.key_id))
        .await?;
    if request.wait == Some(false) {
        return Ok((StatusCode::ACCEPTED, Json(job)));
    }
    let started = Instant::now();
    while !job.status.is_finished() && started.elapsed() < MAX_WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
        job = state.store.sync_job(job.id).await?;
    }
    let status = if job.status.is_finished() {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(job)))
}

/// Follow a requested sync.
#[utoipa::path(get, path = "/api/staff/discord/sync/{id}", tag = "staff", params(("id" = i64, Path)),
    responses((status = 200, body = SyncJob), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_sync_job(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<SyncJob>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(state.store.sync_job(id).await?))
}

/// The bot takes the oldest waiting sync job (`job` is null when there is none).
#[utoipa::path(post, path = "/api/bot/sync-jobs/claim", tag = "staff",
    responses((status = 200, body = ClaimedSyncJob)),
    security(("bearer" = [])))]
async fn claim_sync_job(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ClaimedSyncJob>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(ClaimedSyncJob {
        job: state.store.claim_sync_job().await?,
    }))
}

/// The bot reports progress on a job, and its end.
#[utoipa::path(put, path = "/api/bot/sync-jobs/{id}", tag = "staff", params(("id" = i64, Path)),
    request_body = SyncJobProgress,
    responses((status = 200, body = SyncJob), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_sync_job(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(progress): Json<SyncJobProgress>,
) -> Result<Json<SyncJob>, ApiError> {
    caller.require(Scope::Write)?;
    Ok(Json(state.store.update_sync_job(id, &progress).await?))
}
