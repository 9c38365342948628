//! Guild members: the upsert the bot uses, read, update, delete, and lists by guild or user.

use guildhall_wire::Snowflake;
use guildhall_wire::members::{GuildMember, MemberFilter, MemberUpdate, MemberUpsert};

use crate::db::{
    Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_ms,
    to_time,
};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, user_id, nickname, roles, joined_at, left_at, created_at, updated_at"
    };
}

/// Discord's limit on a nickname's length.
const MAX_NICKNAME_CHARS: usize = 32;
/// Discord's limit on the number of roles in a guild, so no member can hold more.
const MAX_ROLES: usize = 250;

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    guild_id: i64,
    user_id: i64,
    nickname: Option<String>,
    roles: String,
    joined_at: Option<i64>,
    left_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl From<MemberRow> for GuildMember {
    fn from(row: MemberRow) -> Self {
        GuildMember {
            id: row.id,
            guild_id: row.guild_id,
            user_id: row.user_id,
            nickname: row.nickname,
            // Only this module writes the column, always from a list of snowflakes.
            roles: serde_json::from_str(&row.roles).unwrap_or_default(),
            joined_at: row.joined_at.map(to_time),
            left_at: row.left_at.map(to_time),
            created_at: to_time(row.created_at),
            updated_at: to_time(row.updated_at),
        }
    }
}

/// Checks a nickname; an empty one means "no nickname".
fn nickname(value: Option<&str>) -> Result<Option<String>> {
    match value {
        None | Some("") => Ok(None),
        Some(nick) if nick.trim().is_empty() || nick.chars().count() > MAX_NICKNAME_CHARS => {
            Err(StoreError::Invalid(format!(
                "nickname must be 1 to {MAX_NICKNAME_CHARS} characters, or empty for none"
            )))
        }
        Some(nick) => Ok(Some(nick.to_owned())),
    }
}

/// Checks a role list and stores it as JSON text, without duplicates and in the order given.
fn roles_json(roles: &[Snowflake]) -> Result<String> {
    let mut unique: Vec<Snowflake> = Vec::with_capacity(roles.len());
    for role in roles {
        if !unique.contains(role) {
            unique.push(*role);
        }
    }
    if unique.len() > MAX_ROLES {
        return Err(StoreError::Invalid(format!(
            "a member cannot hold more than {MAX_ROLES} roles"
        )));
    }
    Ok(serde_json::to_string(&unique).unwrap_or_else(|_| "[]".into()))
}

impl Store {
    /// Records a member, or brings an existing one (same guild and user) up to date and marks
    /// them present again. Returns the member and whether it was created.
    pub async fn upsert_member(&self, new: &MemberUpsert) -> Result<(GuildMember, bool)> {
        let nick = nickname(new.nickname.as_deref())?;
        let roles = roles_json(&new.roles)?;
        let joined_at = new.joined_at.map(to_ms);
        let now = now_ms();
        // Insert-or-nothing, then update: two statements in one transaction tell a creation
        // from an update on both backends, which one `ON CONFLICT DO UPDATE` cannot.
        let result: std::result::Result<(MemberRow, bool), sqlx::Error> = on_write!(self, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let inserted: Option<MemberRow> = sqlx::query_as(concat!(
                    "INSERT INTO guild_members (guild_id, user_id, nickname, roles, joined_at, ",
                    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ",
                    "ON CONFLICT (guild_id, user_id) DO NOTHING RETURNING ",
                    columns!()
                ))
                .bind(new.guild_id)
                .bind(new.user_id)
                .bind(&nick)
                .bind(&roles)
                .bind(joined_at)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let outcome = match inserted {
                    Some(row) => (row, true),
                    None => {
                        let row: MemberRow = sqlx::query_as(concat!(
                            "UPDATE guild_members SET nickname = $3, roles = $4, ",
                            "joined_at = COALESCE($5, joined_at), left_at = NULL, updated_at = $6 ",
                            "WHERE guild_id = $1 AND user_id = $2 RETURNING ",
                            columns!()
                        ))
                        .bind(new.guild_id)
                        .bind(new.user_id)
                        .bind(&nick)
                        .bind(&roles)
                        .bind(joined_at)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        (row, false)
                    }
                };
                tx.commit().await?;
                Ok(outcome)
            }
            .await
        });
        match result {
            Ok((row, created)) => Ok((row.into(), created)),
            Err(e) => Err(explain_missing(
                self,
                e,
                &[
                    ("guild_id", "guilds", Some(new.guild_id)),
                    ("user_id", "discord_users", Some(new.user_id)),
                ],
            )
            .await),
        }
    }

    /// Reads a member by internal id.
    pub async fn member(&self, id: i64) -> Result<GuildMember> {
        let row: Option<MemberRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM guild_members WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("member"))
    }

    /// Changes the fields given: an empty nickname clears it, roles replace the old list,
    /// `left` marks the member as gone or present.
    pub async fn update_member(&self, id: i64, change: &MemberUpdate) -> Result<GuildMember> {
        let nick = nickname(change.nickname.as_deref())?;
        let roles = change.roles.as_deref().map(roles_json).transpose()?;
        let row: Option<MemberRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "UPDATE guild_members SET nickname = CASE WHEN $2 THEN $3 ELSE nickname END, ",
                "roles = COALESCE($4, roles), ",
                "left_at = CASE WHEN $5 IS NULL THEN left_at WHEN $5 THEN COALESCE(left_at, $6) ELSE NULL END, ",
                "updated_at = $6 WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .bind(change.nickname.is_some())
            .bind(&nick)
            .bind(&roles)
            .bind(change.left)
            .bind(now_ms())
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("member"))
    }

    /// Deletes a member record and returns it as it was.
    pub async fn delete_member(&self, id: i64) -> Result<GuildMember> {
        let row: Option<MemberRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "DELETE FROM guild_members WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("member"))
    }

    /// Lists members, oldest record first; members who left only when asked for.
    pub async fn list_members(&self, filter: &MemberFilter) -> Result<Page<GuildMember>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("user_id", filter.user_id);
        if filter.include_left != Some(true) {
            filters.is_null("left_at", Some(true));
        }
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM guild_members{sql}", columns!());
        let rows: Vec<MemberRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
