//! Sync jobs: a manager's `POST /api/staff/discord/sync/` becomes a job in the database; the
//! bot claims it (whichever process, whichever host), syncs every guild and reports progress.

use std::sync::Arc;
use std::time::Duration;

use guildhall_wire::bot::{SyncJob, SyncJobProgress, SyncJobStatus};
use tokio::sync::watch;
use twilight_model::id::Id;

use crate::Context;
use crate::commands::{Progress, full_sync};

/// How often the bot asks for waiting jobs.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

pub async fn run(context: Arc<Context>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(POLL_INTERVAL) => {},
            _ = stop.changed() => return,
        }
        match context.api.claim_sync_job().await {
            Ok(Some(job)) => run_job(&context, job).await,
            Ok(None) => {}
            Err(e) => tracing::debug!(error = %e, "could not ask the API for sync jobs"),
        }
    }
}

async fn run_job(context: &Context, job: SyncJob) {
    tracing::info!(job = job.id, "running a requested full sync");
    let mut total = 0i64;
    let mut processed = 0i64;
    let mut error = None;
    for guild in context.guilds.discord_ids() {
        let Some(id) = Id::new_checked(guild) else {
            continue;
        };
        let base = processed;
        let result = full_sync(context, id, |progress| {
            if let Progress::Started { members, .. } = progress {
                total += members as i64;
            }
            if let Progress::Batches { members, .. } = progress {
                processed = base + members as i64;
            }
        })
        .await;
        if let Err(e) = result {
            error = Some(format!("guild {guild}: {e}"));
            break;
        }
        report(
            context,
            job.id,
            SyncJobStatus::Running,
            total,
            processed,
            None,
        )
        .await;
    }
    let status = if error.is_some() {
        SyncJobStatus::Failed
    } else {
        SyncJobStatus::Done
    };
    report(context, job.id, status, total, processed, error).await;
}

async fn report(
    context: &Context,
    id: i64,
    status: SyncJobStatus,
    total: i64,
    processed: i64,
    error: Option<String>,
) {
    let progress = SyncJobProgress {
        status,
        total,
        processed,
        error,
    };
    if let Err(e) = context.api.update_sync_job(id, &progress).await {
        tracing::warn!(job = id, error = %e, "could not report sync progress");
    }
}
