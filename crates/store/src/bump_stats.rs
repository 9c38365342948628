//! Bump statistics: one counter per user per guild, bumped atomically by an upsert.

use guildhall_wire::bump_stats::{BumpRecord, BumpStat, BumpStatFilter};

use crate::db::{
    Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_ms,
    to_time,
};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, user_id, bump_count, last_bump_at"
    };
}

#[derive(sqlx::FromRow)]
struct BumpStatRow {
    id: i64,
    guild_id: i64,
    user_id: i64,
    bump_count: i64,
    last_bump_at: i64,
}

impl From<BumpStatRow> for BumpStat {
    fn from(row: BumpStatRow) -> Self {
        BumpStat {
            id: row.id,
            guild_id: row.guild_id,
            user_id: row.user_id,
            bump_count: row.bump_count,
            last_bump_at: to_time(row.last_bump_at),
        }
    }
}

impl Store {
    /// Counts one bump and returns the user's stat after it.
    ///
    /// One upsert statement does the read and the increment, so concurrent records never lose
    /// a count; `last_bump_at` only moves forward, so records arriving out of order keep the
    /// latest time.
    pub async fn record_bump(&self, bump: &BumpRecord) -> Result<BumpStat> {
        let at = bump.at.map(to_ms).unwrap_or_else(now_ms);
        let row: std::result::Result<BumpStatRow, sqlx::Error> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO bump_stats (guild_id, user_id, bump_count, last_bump_at) ",
                "VALUES ($1, $2, 1, $3) ON CONFLICT (guild_id, user_id) DO UPDATE SET ",
                "bump_count = bump_stats.bump_count + 1, ",
                "last_bump_at = CASE WHEN excluded.last_bump_at > bump_stats.last_bump_at ",
                "THEN excluded.last_bump_at ELSE bump_stats.last_bump_at END RETURNING ",
                columns!()
            ))
            .bind(bump.guild_id)
            .bind(bump.user_id)
            .bind(at)
            .fetch_one(pool)
            .await
        });
        match row {
            Ok(row) => Ok(row.into()),
            Err(e) => Err(explain_missing(
                self,
                e,
                &[
                    ("guild_id", "guilds", Some(bump.guild_id)),
                    ("user_id", "discord_users", Some(bump.user_id)),
                ],
            )
            .await),
        }
    }

    /// Reads a bump stat.
    pub async fn bump_stat(&self, id: i64) -> Result<BumpStat> {
        let row: Option<BumpStatRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM bump_stats WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("bump stat"))
    }

    /// Lists bump stats, oldest first.
    pub async fn list_bump_stats(&self, filter: &BumpStatFilter) -> Result<Page<BumpStat>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("user_id", filter.user_id);
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM bump_stats{sql}", columns!());
        let rows: Vec<BumpStatRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
