//! Scheduled actions: durable work with a due time (taking back a temporary role, unlocking a
//! channel...), kept in the database so a restart, a crash or a second replica never loses or
//! doubles one.
//!
//! Resource modules schedule, move and cancel actions in the same transaction as the change
//! that calls for them, through the SQL below. A scheduler claims due actions with
//! [`Store::claim_due_actions`], does the work, and reports with [`Store::complete_action`] or
//! [`Store::fail_action`]. A claim is a lease: if the worker dies, the lease lapses and another
//! claim picks the action up again, so delivery is at least once and workers re-read the
//! subject (for example the temporary role) before acting.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::db::{now_ms, on_read, on_write, to_ms, to_time};
use crate::{Backend, Result, Store, StoreError};

/// Kind of the action that takes a temporary role back; its subject is the role's row id.
pub const TEMPORARY_ROLE_EXPIRE: &str = "temporary_role.expire";
/// Kind of the action that unlocks a channel; its subject is the lock's row id.
pub const CHANNEL_LOCK_UNLOCK: &str = "channel_lock.unlock";

/// Where an action is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStatus {
    /// Waiting for its due time (or for a retry).
    Pending,
    /// Claimed by a worker until `locked_until`.
    Running,
    /// Done.
    Done,
    /// Given up on after an error.
    Failed,
    /// No longer wanted (the role was taken back by hand, the channel unlocked...).
    Cancelled,
}

impl ActionStatus {
    /// The value stored in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Pending => "pending",
            ActionStatus::Running => "running",
            ActionStatus::Done => "done",
            ActionStatus::Failed => "failed",
            ActionStatus::Cancelled => "cancelled",
        }
    }

    fn parse(value: &str) -> Self {
        match value {
            "running" => ActionStatus::Running,
            "done" => ActionStatus::Done,
            "failed" => ActionStatus::Failed,
            "cancelled" => ActionStatus::Cancelled,
            _ => ActionStatus::Pending,
        }
    }
}

/// One piece of scheduled work.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledAction {
    pub id: i64,
    /// What to do, for example [`TEMPORARY_ROLE_EXPIRE`].
    pub kind: String,
    /// The row the action is about (its table depends on `kind`).
    pub subject_id: i64,
    /// Extra input for the worker (JSON).
    pub payload: serde_json::Value,
    pub due_at: DateTime<Utc>,
    pub status: ActionStatus,
    /// How many times the action has been claimed.
    pub attempts: i64,
    /// When the current claim lapses, while running.
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

macro_rules! columns {
    () => {
        "id, kind, subject_id, payload, due_at, status, attempts, locked_until, last_error, created_at, finished_at"
    };
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: i64,
    kind: String,
    subject_id: i64,
    payload: String,
    due_at: i64,
    status: String,
    // INTEGER: 32 bits on PostgreSQL.
    attempts: i32,
    locked_until: Option<i64>,
    last_error: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

impl From<ActionRow> for ScheduledAction {
    fn from(row: ActionRow) -> Self {
        ScheduledAction {
            id: row.id,
            kind: row.kind,
            subject_id: row.subject_id,
            payload: serde_json::from_str(&row.payload).unwrap_or_default(),
            due_at: to_time(row.due_at),
            status: ActionStatus::parse(&row.status),
            attempts: i64::from(row.attempts),
            locked_until: row.locked_until.map(to_time),
            last_error: row.last_error,
            created_at: to_time(row.created_at),
            finished_at: row.finished_at.map(to_time),
        }
    }
}

/// Inserts a pending action: `$1` kind, `$2` subject id, `$3` due time, `$4` now.
pub(crate) const SCHEDULE_SQL: &str = "INSERT INTO scheduled_actions \
    (kind, subject_id, payload, due_at, status, attempts, created_at) \
    VALUES ($1, $2, '{}', $3, 'pending', 0, $4)";

/// Moves the pending action of a subject: `$1` kind, `$2` subject id, `$3` new due time.
/// Callers schedule a new action when this touches no row (none was pending).
pub(crate) const RESCHEDULE_SQL: &str = "UPDATE scheduled_actions SET due_at = $3 \
    WHERE kind = $1 AND subject_id = $2 AND status = 'pending'";

/// Cancels the pending actions of a subject: `$1` kind, `$2` subject id, `$3` now. A running
/// action is left to finish: its worker re-reads the subject and finds nothing left to do.
pub(crate) const CANCEL_SQL: &str = "UPDATE scheduled_actions SET status = 'cancelled', \
    finished_at = $3 WHERE kind = $1 AND subject_id = $2 AND status = 'pending'";

/// Schedules an action inside the caller's transaction `$tx` (a `&mut` transaction in one
/// backend arm of `on_write!`): kind `$kind`, subject `$subject`, due at `$due` (ms).
macro_rules! schedule_in {
    ($tx:expr, $kind:expr, $subject:expr, $due:expr, $now:expr) => {
        sqlx::query($crate::scheduled::SCHEDULE_SQL)
            .bind($kind)
            .bind($subject)
            .bind($due)
            .bind($now)
            .execute(&mut *$tx)
            .await?
    };
}

/// Moves a subject's pending action to `$due` inside the caller's transaction, or schedules
/// one when none is pending (a worker holds it, or there never was one); the worker re-reads
/// the subject, so a run that turns out early does nothing.
macro_rules! reschedule_in {
    ($tx:expr, $kind:expr, $subject:expr, $due:expr, $now:expr) => {{
        let moved = sqlx::query($crate::scheduled::RESCHEDULE_SQL)
            .bind($kind)
            .bind($subject)
            .bind($due)
            .execute(&mut *$tx)
            .await
            .map(|r| r.rows_affected())?;
        if moved == 0 {
            $crate::scheduled::schedule_in!($tx, $kind, $subject, $due, $now);
        }
    }};
}

/// Cancels a subject's pending actions inside the caller's transaction.
macro_rules! cancel_in {
    ($tx:expr, $kind:expr, $subject:expr, $now:expr) => {
        sqlx::query($crate::scheduled::CANCEL_SQL)
            .bind($kind)
            .bind($subject)
            .bind($now)
            .execute(&mut *$tx)
            .await?
    };
}

pub(crate) use {cancel_in, reschedule_in, schedule_in};

impl Store {
    /// Claims up to `limit` actions that are due at `now`, marking them running until
    /// `now + lease`, and returns them oldest due first. Running actions whose lease lapsed
    /// (their worker died) are claimed again.
    ///
    /// Two claimers never get the same action: on SQLite every write runs alone; on
    /// PostgreSQL the candidate rows are locked (`FOR UPDATE SKIP LOCKED`, so concurrent
    /// claimers take different rows) and the outer `WHERE` is checked again on the row as
    /// updated by any concurrent claim.
    pub async fn claim_due_actions(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<ScheduledAction>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let now = to_ms(now);
        let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        let locked_until = now.saturating_add(lease_ms);
        let due = "((status = 'pending' AND due_at <= $1) OR (status = 'running' AND locked_until <= $1))";
        // SQLite has no row locks (and needs none); the rest of the statement is shared.
        let lock = match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE scheduled_actions SET status = 'running', locked_until = $2, \
             attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM scheduled_actions WHERE {due} \
             ORDER BY due_at, id LIMIT $3{lock}) AND {due} RETURNING {}",
            columns!()
        );
        let rows: Vec<ActionRow> = on_write!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(now)
                .bind(locked_until)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
        })?;
        let mut actions: Vec<ScheduledAction> = rows.into_iter().map(Into::into).collect();
        actions.sort_by_key(|a| (a.due_at, a.id));
        Ok(actions)
    }

    /// Marks a claimed action as done. Returns `false` when the action was no longer running
    /// (it was cancelled meanwhile, or already finished by another claim).
    pub async fn complete_action(&self, id: i64) -> Result<bool> {
        let changed = on_write!(self, |pool| {
            sqlx::query(
                "UPDATE scheduled_actions SET status = 'done', locked_until = NULL, \
                 finished_at = $2 WHERE id = $1 AND status = 'running'",
            )
            .bind(id)
            .bind(now_ms())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(changed > 0)
    }

    /// Records a failed attempt at a claimed action: it runs again at `retry_at`, or with
    /// `None` it is given up on. Returns `false` when the action was no longer running.
    pub async fn fail_action(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        // Error texts come from Discord or the network; keep the column bounded.
        let error: String = error.chars().take(2000).collect();
        let changed = on_write!(self, |pool| {
            sqlx::query(
                "UPDATE scheduled_actions SET \
                 status = CASE WHEN $3 IS NULL THEN 'failed' ELSE 'pending' END, \
                 due_at = COALESCE($3, due_at), locked_until = NULL, last_error = $2, \
                 finished_at = CASE WHEN $3 IS NULL THEN $4 ELSE NULL END \
                 WHERE id = $1 AND status = 'running'",
            )
            .bind(id)
            .bind(&error)
            .bind(retry_at.map(to_ms))
            .bind(now_ms())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(changed > 0)
    }

    /// Reads an action.
    pub async fn scheduled_action(&self, id: i64) -> Result<ScheduledAction> {
        let row: Option<ActionRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM scheduled_actions WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("scheduled action"))
    }

    /// Every action of `kind` about `subject_id`, oldest first.
    pub async fn actions_for_subject(
        &self,
        kind: &str,
        subject_id: i64,
    ) -> Result<Vec<ScheduledAction>> {
        let rows: Vec<ActionRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM scheduled_actions WHERE kind = $1 AND subject_id = $2 ORDER BY id"
            ))
            .bind(kind)
            .bind(subject_id)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Schedules an action outside any other change (for kinds whose subject needs no
    /// transaction of its own, and for tests).
    pub async fn schedule_action(
        &self,
        kind: &str,
        subject_id: i64,
        due_at: DateTime<Utc>,
    ) -> Result<ScheduledAction> {
        let row: ActionRow = on_write!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SCHEDULE_SQL} RETURNING {}",
                columns!()
            )))
            .bind(kind)
            .bind(subject_id)
            .bind(to_ms(due_at))
            .bind(now_ms())
            .fetch_one(pool)
            .await
        })?;
        Ok(row.into())
    }
}
