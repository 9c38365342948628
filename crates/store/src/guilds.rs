//! Guilds: create, read, update, list, and the upsert the bot uses.

use guildhall_wire::Snowflake;
use guildhall_wire::guilds::{Guild, GuildCreate, GuildFilter, GuildUpdate};

use crate::db::{Filters, Page, PageRequest, bind_args, now_ms, on_read, on_write, to_ms, to_time};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, discord_id, name, icon, owner_discord_id, joined_at, left_at, created_at, updated_at"
    };
}

#[derive(sqlx::FromRow)]
struct GuildRow {
    id: i64,
    discord_id: i64,
    name: String,
    icon: Option<String>,
    owner_discord_id: Option<i64>,
    joined_at: Option<i64>,
    left_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl From<GuildRow> for Guild {
    fn from(row: GuildRow) -> Self {
        Guild {
            id: row.id,
            discord_id: Snowflake::from_i64(row.discord_id),
            name: row.name,
            icon: row.icon,
            owner_discord_id: row.owner_discord_id.map(Snowflake::from_i64),
            joined_at: row.joined_at.map(to_time),
            left_at: row.left_at.map(to_time),
            created_at: to_time(row.created_at),
            updated_at: to_time(row.updated_at),
        }
    }
}

fn check_name(name: &str) -> Result<()> {
    // Discord's own limit on guild names is 100 characters.
    if name.trim().is_empty() || name.chars().count() > 100 {
        return Err(StoreError::Invalid(
            "name must be 1 to 100 characters".into(),
        ));
    }
    Ok(())
}

impl Store {
    /// Records a guild. A guild with the same Discord id is a conflict.
    pub async fn create_guild(&self, new: &GuildCreate) -> Result<Guild> {
        check_name(&new.name)?;
        let now = now_ms();
        let row: std::result::Result<GuildRow, sqlx::Error> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO guilds (discord_id, name, icon, owner_discord_id, joined_at, created_at, updated_at) ",
                "VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ",
                columns!()
            ))
            .bind(new.discord_id.to_i64())
            .bind(&new.name)
            .bind(&new.icon)
            .bind(new.owner_discord_id.map(Snowflake::to_i64))
            .bind(new.joined_at.map(to_ms))
            .bind(now)
            .fetch_one(pool)
            .await
        });
        match row {
            Ok(row) => Ok(row.into()),
            Err(e) if StoreError::is_unique_violation(&e) => Err(StoreError::Conflict(format!(
                "a guild with discord_id {} already exists",
                new.discord_id
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates the guild or brings its name, icon and owner up to date, and marks the bot as
    /// in it. This is what the bot calls on every guild it sees.
    pub async fn upsert_guild(&self, new: &GuildCreate) -> Result<Guild> {
        check_name(&new.name)?;
        let now = now_ms();
        let row: GuildRow = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO guilds (discord_id, name, icon, owner_discord_id, joined_at, created_at, updated_at) ",
                "VALUES ($1, $2, $3, $4, $5, $6, $6) ",
                "ON CONFLICT (discord_id) DO UPDATE SET name = excluded.name, icon = excluded.icon, ",
                "owner_discord_id = COALESCE(excluded.owner_discord_id, guilds.owner_discord_id), ",
                "joined_at = COALESCE(guilds.joined_at, excluded.joined_at), left_at = NULL, ",
                "updated_at = excluded.updated_at RETURNING ",
                columns!()
            ))
            .bind(new.discord_id.to_i64())
            .bind(&new.name)
            .bind(&new.icon)
            .bind(new.owner_discord_id.map(Snowflake::to_i64))
            .bind(new.joined_at.map(to_ms).unwrap_or(now))
            .bind(now)
            .fetch_one(pool)
            .await
        })?;
        Ok(row.into())
    }

    /// Reads a guild by internal id.
    pub async fn guild(&self, id: i64) -> Result<Guild> {
        let row: Option<GuildRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!("SELECT ", columns!(), " FROM guilds WHERE id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("guild"))
    }

    /// Reads a guild by Discord id.
    pub async fn guild_by_discord_id(&self, discord_id: Snowflake) -> Result<Guild> {
        let row: Option<GuildRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM guilds WHERE discord_id = $1"
            ))
            .bind(discord_id.to_i64())
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("guild"))
    }

    /// Changes the fields given.
    pub async fn update_guild(&self, id: i64, change: &GuildUpdate) -> Result<Guild> {
        if let Some(name) = &change.name {
            check_name(name)?;
        }
        let row: Option<GuildRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "UPDATE guilds SET name = COALESCE($2, name), icon = COALESCE($3, icon), ",
                "owner_discord_id = COALESCE($4, owner_discord_id), ",
                "left_at = CASE WHEN $5 IS NULL THEN left_at WHEN $5 THEN COALESCE(left_at, $6) ELSE NULL END, ",
                "updated_at = $6 WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .bind(&change.name)
            .bind(&change.icon)
            .bind(change.owner_discord_id.map(Snowflake::to_i64))
            .bind(change.left)
            .bind(now_ms())
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("guild"))
    }

    /// Lists guilds, oldest first.
    pub async fn list_guilds(&self, filter: &GuildFilter) -> Result<Page<Guild>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("discord_id", filter.discord_id.map(Snowflake::to_i64));
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM guilds{sql}", columns!());
        let rows: Vec<GuildRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
