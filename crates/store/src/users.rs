//! Discord users: create, read, update, list, and the all-or-nothing batch upsert.

use std::collections::HashMap;

use guildhall_wire::Snowflake;
use guildhall_wire::users::{
    DiscordUser, MAX_USER_BATCH, UserBatchResult, UserCreate, UserFilter, UserUpdate,
};

use crate::db::{Arg, Filters, Page, PageRequest, bind_args, now_ms, on_read, on_write, to_time};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, discord_id, username, global_name, avatar, bot, created_at, updated_at"
    };
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    discord_id: i64,
    username: String,
    global_name: Option<String>,
    avatar: Option<String>,
    bot: bool,
    created_at: i64,
    updated_at: i64,
}

impl From<UserRow> for DiscordUser {
    fn from(row: UserRow) -> Self {
        DiscordUser {
            id: row.id,
            discord_id: Snowflake::from_i64(row.discord_id),
            username: row.username,
            global_name: row.global_name,
            avatar: row.avatar,
            bot: row.bot,
            created_at: to_time(row.created_at),
            updated_at: to_time(row.updated_at),
        }
    }
}

impl UserRow {
    /// Whether storing `new` would change this row.
    fn differs_from(&self, new: &UserCreate) -> bool {
        self.username != new.username
            || self.global_name != new.global_name
            || self.avatar != new.avatar
            || self.bot != new.bot
    }
}

fn check_username(name: &str) -> Result<()> {
    // Discord usernames are 2-32 characters; older bots and system users can be 1 character,
    // and display names up to 32. Allow up to 100 so unusual data is never refused.
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::Invalid(
            "username must be 1 to 100 characters".into(),
        ));
    }
    Ok(())
}

impl Store {
    /// Records a user. A user with the same Discord id is a conflict.
    pub async fn create_user(&self, new: &UserCreate) -> Result<DiscordUser> {
        check_username(&new.username)?;
        let now = now_ms();
        let row: std::result::Result<UserRow, sqlx::Error> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO discord_users (discord_id, username, global_name, avatar, bot, created_at, updated_at) ",
                "VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ",
                columns!()
            ))
            .bind(new.discord_id.to_i64())
            .bind(&new.username)
            .bind(&new.global_name)
            .bind(&new.avatar)
            .bind(new.bot)
            .bind(now)
            .fetch_one(pool)
            .await
        });
        match row {
            Ok(row) => Ok(row.into()),
            Err(e) if StoreError::is_unique_violation(&e) => Err(StoreError::Conflict(format!(
                "a user with discord_id {} already exists",
                new.discord_id
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads a user by internal id.
    pub async fn user(&self, id: i64) -> Result<DiscordUser> {
        let row: Option<UserRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM discord_users WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("user"))
    }

    /// Changes the fields given.
    pub async fn update_user(&self, id: i64, change: &UserUpdate) -> Result<DiscordUser> {
        if let Some(name) = &change.username {
            check_username(name)?;
        }
        let row: Option<UserRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "UPDATE discord_users SET username = COALESCE($2, username), ",
                "global_name = COALESCE($3, global_name), avatar = COALESCE($4, avatar), ",
                "bot = COALESCE($5, bot), updated_at = $6 WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .bind(&change.username)
            .bind(&change.global_name)
            .bind(&change.avatar)
            .bind(change.bot)
            .bind(now_ms())
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("user"))
    }

    /// Lists users, oldest first.
    pub async fn list_users(&self, filter: &UserFilter) -> Result<Page<DiscordUser>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("discord_id", filter.discord_id.map(Snowflake::to_i64));
        if let Some(search) = filter.search.as_deref().filter(|s| !s.is_empty()) {
            let escaped = search
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let p = filters.arg(Arg::Text(format!("{escaped}%")));
            filters.clause(format!("lower(username) LIKE {p} ESCAPE '\\'"));
        }
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM discord_users{sql}", columns!());
        let rows: Vec<UserRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }

    /// Creates or updates up to [`MAX_USER_BATCH`] users by Discord id, in one transaction:
    /// either every user is stored or none is.
    ///
    /// A Discord id given twice counts once; its last entry wins. The counts say how many
    /// distinct users were new, changed, or already as given.
    pub async fn upsert_users(&self, batch: &[UserCreate]) -> Result<UserBatchResult> {
        if batch.len() > MAX_USER_BATCH {
            return Err(StoreError::Invalid(format!(
                "a batch holds at most {MAX_USER_BATCH} users (got {})",
                batch.len()
            )));
        }
        for user in batch {
            check_username(&user.username)?;
        }
        // Last entry per Discord id wins; keep first-seen order for the answer.
        let mut order: Vec<Snowflake> = Vec::with_capacity(batch.len());
        let mut latest: HashMap<Snowflake, &UserCreate> = HashMap::with_capacity(batch.len());
        for user in batch {
            if latest.insert(user.discord_id, user).is_none() {
                order.push(user.discord_id);
            }
        }
        if order.is_empty() {
            return Ok(UserBatchResult {
                created: 0,
                updated: 0,
                unchanged: 0,
                users: Vec::new(),
            });
        }

        let mut lookup = Filters::new();
        let placeholders: Vec<String> = order
            .iter()
            .map(|id| lookup.arg(Arg::Int(id.to_i64())))
            .collect();
        let select_sql = format!(
            "SELECT {} FROM discord_users WHERE discord_id IN ({})",
            columns!(),
            placeholders.join(", ")
        );
        let now = now_ms();

        let (rows, created, updated) = on_write!(self, |pool| {
            let mut tx = pool.begin().await?;
            let existing: Vec<UserRow> = bind_args!(
                sqlx::query_as(sqlx::AssertSqlSafe(select_sql.clone())),
                lookup.args
            )
            .fetch_all(&mut *tx)
            .await?;
            let existing: HashMap<i64, UserRow> =
                existing.into_iter().map(|r| (r.discord_id, r)).collect();
            let mut created = 0u32;
            let mut updated = 0u32;
            let mut changes = Filters::new();
            let mut values = Vec::new();
            for id in &order {
                let new = latest[id];
                match existing.get(&id.to_i64()) {
                    None => created += 1,
                    Some(row) if row.differs_from(new) => updated += 1,
                    Some(_) => continue,
                }
                let cols = [
                    changes.arg(Arg::Int(id.to_i64())),
                    changes.arg(Arg::Text(new.username.clone())),
                    changes.arg(Arg::OptText(new.global_name.clone())),
                    changes.arg(Arg::OptText(new.avatar.clone())),
                    changes.arg(Arg::Bool(new.bot)),
                    changes.arg(Arg::Int(now)),
                ];
                values.push(format!("({}, {})", cols.join(", "), cols[5]));
            }
            if !values.is_empty() {
                let upsert_sql = format!(
                    concat!(
                        "INSERT INTO discord_users (discord_id, username, global_name, avatar, bot, created_at, updated_at) ",
                        "VALUES {} ON CONFLICT (discord_id) DO UPDATE SET username = excluded.username, ",
                        "global_name = excluded.global_name, avatar = excluded.avatar, bot = excluded.bot, ",
                        "updated_at = excluded.updated_at"
                    ),
                    values.join(", ")
                );
                bind_args!(sqlx::query(sqlx::AssertSqlSafe(upsert_sql)), changes.args)
                    .execute(&mut *tx)
                    .await?;
            }
            let rows: Vec<UserRow> = bind_args!(
                sqlx::query_as(sqlx::AssertSqlSafe(select_sql.clone())),
                lookup.args
            )
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>((rows, created, updated))
        })?;
        let mut by_discord_id: HashMap<i64, UserRow> =
            rows.into_iter().map(|r| (r.discord_id, r)).collect();
        let users = order
            .iter()
            .filter_map(|id| by_discord_id.remove(&id.to_i64()))
            .map(Into::into)
            .collect();
        Ok(UserBatchResult {
            created,
            updated,
            unchanged: order.len() as u32 - created - updated,
            users,
        })
    }

    /// Reads a user by Discord id.
    pub async fn user_by_discord_id(&self, discord_id: Snowflake) -> Result<DiscordUser> {
        let row: Option<UserRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM discord_users WHERE discord_id = $1"
            ))
            .bind(discord_id.to_i64())
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("user"))
    }
}
