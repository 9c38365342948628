//! Command usage: one counter per command per user per guild, bumped atomically by an upsert.

use guildhall_wire::command_usage::{CommandUsage, CommandUsageFilter, CommandUse};

use crate::db::{
    Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_ms,
    to_time,
};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, user_id, command, use_count, last_used_at"
    };
}

/// The longest command name kept: room for a slash command with a subcommand group and a
/// subcommand (Discord allows 32 characters for each name).
const MAX_COMMAND_CHARS: usize = 100;

#[derive(sqlx::FromRow)]
struct CommandUsageRow {
    id: i64,
    guild_id: i64,
    user_id: i64,
    command: String,
    use_count: i64,
    last_used_at: i64,
}

impl From<CommandUsageRow> for CommandUsage {
    fn from(row: CommandUsageRow) -> Self {
        CommandUsage {
            id: row.id,
            guild_id: row.guild_id,
            user_id: row.user_id,
            command: row.command,
            use_count: row.use_count,
            last_used_at: to_time(row.last_used_at),
        }
    }
}

fn check_command(command: &str) -> Result<()> {
    if command.trim().is_empty() || command.chars().count() > MAX_COMMAND_CHARS {
        return Err(StoreError::Invalid(format!(
            "command must be 1 to {MAX_COMMAND_CHARS} characters and not only spaces"
        )));
    }
    Ok(())
}

impl Store {
    /// Counts one use of a command and returns the counter after it.
    ///
    /// One upsert statement does the read and the increment, so concurrent records never lose
    /// a count; `last_used_at` only moves forward.
    pub async fn record_command_use(&self, used: &CommandUse) -> Result<CommandUsage> {
        check_command(&used.command)?;
        let at = used.at.map(to_ms).unwrap_or_else(now_ms);
        let row: std::result::Result<CommandUsageRow, sqlx::Error> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO command_usage (guild_id, user_id, command, use_count, last_used_at) ",
                "VALUES ($1, $2, $3, 1, $4) ON CONFLICT (guild_id, user_id, command) DO UPDATE SET ",
                "use_count = command_usage.use_count + 1, ",
                "last_used_at = CASE WHEN excluded.last_used_at > command_usage.last_used_at ",
                "THEN excluded.last_used_at ELSE command_usage.last_used_at END RETURNING ",
                columns!()
            ))
            .bind(used.guild_id)
            .bind(used.user_id)
            .bind(&used.command)
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
                    ("guild_id", "guilds", Some(used.guild_id)),
                    ("user_id", "discord_users", Some(used.user_id)),
                ],
            )
            .await),
        }
    }

    /// Reads a command usage counter.
    pub async fn command_usage(&self, id: i64) -> Result<CommandUsage> {
        let row: Option<CommandUsageRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM command_usage WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("command usage"))
    }

    /// Lists command usage counters, oldest first.
    pub async fn list_command_usage(
        &self,
        filter: &CommandUsageFilter,
    ) -> Result<Page<CommandUsage>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("user_id", filter.user_id);
        filters.eq_text("command", filter.command.as_deref());
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM command_usage{sql}", columns!());
        let rows: Vec<CommandUsageRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
