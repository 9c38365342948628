//! Persistent roles: create (one per guild, user and role), read, delete, list.

use guildhall_wire::Snowflake;
use guildhall_wire::persistent_roles::{
    PersistentRole, PersistentRoleCreate, PersistentRoleFilter,
};

use crate::db::{
    Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_time,
};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, user_id, role_id, created_by, created_at"
    };
}

#[derive(sqlx::FromRow)]
struct PersistentRoleRow {
    id: i64,
    guild_id: i64,
    user_id: i64,
    role_id: i64,
    created_by: Option<i64>,
    created_at: i64,
}

impl From<PersistentRoleRow> for PersistentRole {
    fn from(row: PersistentRoleRow) -> Self {
        PersistentRole {
            id: row.id,
            guild_id: row.guild_id,
            user_id: row.user_id,
            role_id: Snowflake::from_i64(row.role_id),
            created_by: row.created_by,
            created_at: to_time(row.created_at),
        }
    }
}

impl Store {
    /// Records that a user keeps a role in a guild. The same role twice is a conflict.
    pub async fn create_persistent_role(
        &self,
        new: &PersistentRoleCreate,
    ) -> Result<PersistentRole> {
        let row: std::result::Result<PersistentRoleRow, sqlx::Error> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO persistent_roles (guild_id, user_id, role_id, created_by, created_at) ",
                "VALUES ($1, $2, $3, $4, $5) RETURNING ",
                columns!()
            ))
            .bind(new.guild_id)
            .bind(new.user_id)
            .bind(new.role_id.to_i64())
            .bind(new.created_by)
            .bind(now_ms())
            .fetch_one(pool)
            .await
        });
        match row {
            Ok(row) => Ok(row.into()),
            Err(e) if StoreError::is_unique_violation(&e) => Err(StoreError::Conflict(format!(
                "user {} already keeps role {} in guild {}",
                new.user_id, new.role_id, new.guild_id
            ))),
            Err(e) => Err(explain_missing(
                self,
                e,
                &[
                    ("guild_id", "guilds", Some(new.guild_id)),
                    ("user_id", "discord_users", Some(new.user_id)),
                    ("created_by", "discord_users", new.created_by),
                ],
            )
            .await),
        }
    }

    /// Reads a persistent role.
    pub async fn persistent_role(&self, id: i64) -> Result<PersistentRole> {
        let row: Option<PersistentRoleRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM persistent_roles WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("persistent role"))
    }

    /// Stops keeping a role for a user and returns the record as it was.
    pub async fn delete_persistent_role(&self, id: i64) -> Result<PersistentRole> {
        let row: Option<PersistentRoleRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "DELETE FROM persistent_roles WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("persistent role"))
    }

    /// Lists persistent roles, oldest first.
    pub async fn list_persistent_roles(
        &self,
        filter: &PersistentRoleFilter,
    ) -> Result<Page<PersistentRole>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("user_id", filter.user_id);
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM persistent_roles{sql}", columns!());
        let rows: Vec<PersistentRoleRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
