//! Moderation cases, numbered per guild without gaps or duplicates.

use guildhall_wire::cases::{CaseAction, CaseCreate, CaseFilter, CaseUpdate, ModerationCase};

use crate::db::{
    Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_time,
};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, case_number, user_id, mod_id, action, reason, duration_seconds, created_at, resolved_at, resolution_note"
    };
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    guild_id: i64,
    case_number: i64,
    user_id: i64,
    mod_id: i64,
    action: String,
    reason: String,
    duration_seconds: Option<i64>,
    created_at: i64,
    resolved_at: Option<i64>,
    resolution_note: Option<String>,
}

impl From<CaseRow> for ModerationCase {
    fn from(row: CaseRow) -> Self {
        ModerationCase {
            id: row.id,
            guild_id: row.guild_id,
            case_number: row.case_number,
            user_id: row.user_id,
            mod_id: row.mod_id,
            // Only this module writes the column, always from a `CaseAction`.
            action: CaseAction::parse(&row.action).unwrap_or(CaseAction::Note),
            reason: row.reason,
            duration_seconds: row.duration_seconds,
            created_at: to_time(row.created_at),
            resolved: row.resolved_at.is_some(),
            resolved_at: row.resolved_at.map(to_time),
            resolution_note: row.resolution_note,
        }
    }
}

impl Store {
    /// Opens a case with the guild's next case number.
    ///
    /// The number comes from bumping the guild's counter row in the same transaction as the
    /// insert: concurrent creators queue on that row, and a failed insert rolls the bump back,
    /// so numbers have neither duplicates nor gaps.
    pub async fn create_case(&self, new: &CaseCreate) -> Result<ModerationCase> {
        if new.reason.trim().is_empty() {
            return Err(StoreError::Invalid("reason must not be empty".into()));
        }
        if new.duration_seconds.is_some_and(|d| d <= 0) {
            return Err(StoreError::Invalid(
                "duration_seconds must be positive".into(),
            ));
        }
        let now = now_ms();
        let row: std::result::Result<CaseRow, sqlx::Error> = on_write!(self, |pool| {
            async {
            let mut tx = pool.begin().await?;
            let number: i64 = sqlx::query_scalar(concat!(
                "INSERT INTO case_counters (guild_id, last_number) VALUES ($1, 1) ",
                "ON CONFLICT (guild_id) DO UPDATE SET last_number = case_counters.last_number + 1 ",
                "RETURNING last_number"
            ))
            .bind(new.guild_id)
            .fetch_one(&mut *tx)
            .await?;
            let row: CaseRow = sqlx::query_as(concat!(
                "INSERT INTO moderation_cases (guild_id, case_number, user_id, mod_id, action, reason, ",
                "duration_seconds, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ",
                columns!()
            ))
            .bind(new.guild_id)
            .bind(number)
            .bind(new.user_id)
            .bind(new.mod_id)
            .bind(new.action.as_str())
            .bind(&new.reason)
            .bind(new.duration_seconds)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(row)
        }
        .await
        });
        match row {
            Ok(row) => Ok(row.into()),
            Err(e) => Err(explain_missing(
                self,
                e,
                &[
                    ("guild_id", "guilds", Some(new.guild_id)),
                    ("user_id", "discord_users", Some(new.user_id)),
                    ("mod_id", "discord_users", Some(new.mod_id)),
                ],
            )
            .await),
        }
    }

    /// Reads a case.
    pub async fn case(&self, id: i64) -> Result<ModerationCase> {
        let row: Option<CaseRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM moderation_cases WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("moderation case"))
    }

    /// Resolves or reopens a case, or changes its reason.
    pub async fn update_case(&self, id: i64, change: &CaseUpdate) -> Result<ModerationCase> {
        if change
            .reason
            .as_deref()
            .is_some_and(|r| r.trim().is_empty())
        {
            return Err(StoreError::Invalid("reason must not be empty".into()));
        }
        let row: Option<CaseRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "UPDATE moderation_cases SET reason = COALESCE($2, reason), ",
                "resolved_at = CASE WHEN $3 IS NULL THEN resolved_at WHEN $3 THEN COALESCE(resolved_at, $5) ELSE NULL END, ",
                "resolution_note = CASE WHEN $3 = FALSE THEN $4 ELSE COALESCE($4, resolution_note) END ",
                "WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .bind(&change.reason)
            .bind(change.resolved)
            .bind(&change.resolution_note)
            .bind(now_ms())
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("moderation case"))
    }

    /// Lists cases, oldest first.
    pub async fn list_cases(&self, filter: &CaseFilter) -> Result<Page<ModerationCase>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("user_id", filter.user_id);
        filters.eq_int("mod_id", filter.mod_id);
        filters.eq_text("action", filter.action.map(CaseAction::as_str));
        filters.is_null("resolved_at", filter.resolved.map(|r| !r));
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM moderation_cases{sql}", columns!());
        let rows: Vec<CaseRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
