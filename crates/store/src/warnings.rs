//! Warnings: create, read, list with filters.

use guildhall_wire::warnings::{Warning, WarningCreate, WarningFilter};

use crate::db::{
    Arg, Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_ms,
    to_time,
};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, user_id, mod_id, reason, expires_at, created_at"
    };
}

#[derive(sqlx::FromRow)]
struct WarningRow {
    id: i64,
    guild_id: i64,
    user_id: i64,
    mod_id: i64,
    reason: String,
    expires_at: Option<i64>,
    created_at: i64,
}

impl From<WarningRow> for Warning {
    fn from(row: WarningRow) -> Self {
        Warning {
            id: row.id,
            guild_id: row.guild_id,
            user_id: row.user_id,
            mod_id: row.mod_id,
            reason: row.reason,
            expires_at: row.expires_at.map(to_time),
            created_at: to_time(row.created_at),
        }
    }
}

impl Store {
    /// Records a warning.
    pub async fn create_warning(&self, new: &WarningCreate) -> Result<Warning> {
        if new.reason.trim().is_empty() {
            return Err(StoreError::Invalid("reason must not be empty".into()));
        }
        let row: std::result::Result<WarningRow, sqlx::Error> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO warnings (guild_id, user_id, mod_id, reason, expires_at, created_at) ",
                "VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
                columns!()
            ))
            .bind(new.guild_id)
            .bind(new.user_id)
            .bind(new.mod_id)
            .bind(&new.reason)
            .bind(new.expires_at.map(to_ms))
            .bind(now_ms())
            .fetch_one(pool)
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

    /// Reads a warning.
    pub async fn warning(&self, id: i64) -> Result<Warning> {
        let row: Option<WarningRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM warnings WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("warning"))
    }

    /// Lists warnings, oldest first.
    pub async fn list_warnings(&self, filter: &WarningFilter) -> Result<Page<Warning>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("user_id", filter.user_id);
        filters.eq_int("mod_id", filter.mod_id);
        if let Some(active) = filter.active {
            let now = filters.arg(Arg::Int(now_ms()));
            filters.clause(if active {
                format!("(expires_at IS NULL OR expires_at > {now})")
            } else {
                format!("(expires_at IS NOT NULL AND expires_at <= {now})")
            });
        }
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM warnings{sql}", columns!());
        let rows: Vec<WarningRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
