//! Sync jobs: full syncs requested through the API and run by whichever bot claims them.

use guildhall_wire::bot::{SyncJob, SyncJobProgress, SyncJobStatus};

use crate::db::{now_ms, on_read, on_write, to_time};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, status, requested_by, total, processed, error, created_at, started_at, finished_at"
    };
}

/// The job kind of a full member sync of every guild.
const FULL_SYNC: &str = "full_sync";

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    status: String,
    requested_by: Option<String>,
    total: i64,
    processed: i64,
    error: Option<String>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

impl From<JobRow> for SyncJob {
    fn from(row: JobRow) -> Self {
        SyncJob {
            id: row.id,
            status: SyncJobStatus::parse(&row.status).unwrap_or(SyncJobStatus::Failed),
            requested_by: row.requested_by,
            total: row.total,
            processed: row.processed,
            error: row.error,
            created_at: to_time(row.created_at),
            started_at: row.started_at.map(to_time),
            finished_at: row.finished_at.map(to_time),
        }
    }
}

impl Store {
    /// Records a request for a full sync.
    pub async fn create_sync_job(&self, requested_by: &str) -> Result<SyncJob> {
        let row: JobRow = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO sync_jobs (kind, status, requested_by, created_at) VALUES ($1, 'pending', $2, $3) RETURNING ",
                columns!()
            ))
            .bind(FULL_SYNC)
            .bind(requested_by)
            .bind(now_ms())
            .fetch_one(pool)
            .await
        })?;
        Ok(row.into())
    }

    /// Reads a job.
    pub async fn sync_job(&self, id: i64) -> Result<SyncJob> {
        let row: Option<JobRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM sync_jobs WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("sync job"))
    }

    /// Hands the oldest waiting job to the caller. The status check in the outer `WHERE` is
    /// evaluated again after a concurrent claimer's update, so two bots never get one job.
    pub async fn claim_sync_job(&self) -> Result<Option<SyncJob>> {
        let row: Option<JobRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "UPDATE sync_jobs SET status = 'running', started_at = $1 WHERE status = 'pending' AND id = ",
                "(SELECT id FROM sync_jobs WHERE status = 'pending' ORDER BY id LIMIT 1) RETURNING ",
                columns!()
            ))
            .bind(now_ms())
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.map(Into::into))
    }

    /// Records a job's progress; a finished job cannot change again.
    pub async fn update_sync_job(&self, id: i64, progress: &SyncJobProgress) -> Result<SyncJob> {
        if progress.status == SyncJobStatus::Pending {
            return Err(StoreError::Invalid(
                "a job cannot go back to pending".into(),
            ));
        }
        let now = now_ms();
        let finished = progress.status.is_finished().then_some(now);
        let row: Option<JobRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "UPDATE sync_jobs SET status = $2, total = $3, processed = $4, error = $5, ",
                "started_at = COALESCE(started_at, $6), finished_at = $7 ",
                "WHERE id = $1 AND status IN ('pending', 'running') RETURNING ",
                columns!()
            ))
            .bind(id)
            .bind(progress.status.as_str())
            .bind(progress.total)
            .bind(progress.processed)
            .bind(&progress.error)
            .bind(now)
            .bind(finished)
            .fetch_optional(pool)
            .await
        })?;
        match row {
            Some(row) => Ok(row.into()),
            None => {
                let job = self.sync_job(id).await?;
                Err(StoreError::Conflict(format!(
                    "sync job {id} has already ended ({})",
                    job.status.as_str()
                )))
            }
        }
    }
}
