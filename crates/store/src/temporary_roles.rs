//! Temporary roles: granted now, taken back at `expires_at` by a scheduled action written in
//! the same transaction, so the expiry survives restarts and is never lost or doubled.

use guildhall_wire::Snowflake;
use guildhall_wire::temporary_roles::{
    TemporaryRole, TemporaryRoleCreate, TemporaryRoleFilter, TemporaryRoleUpdate,
};

use crate::db::{
    Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_ms,
    to_time,
};
use crate::scheduled::{TEMPORARY_ROLE_EXPIRE, cancel_in, reschedule_in, schedule_in};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, user_id, role_id, granted_by, reason, granted_at, expires_at, removed_at"
    };
}

/// Discord's limit on an audit log reason, which is where the bot writes this one.
pub(crate) const MAX_REASON_CHARS: usize = 512;
/// The longest grant: ten years, far past any real use and far from overflowing a time.
const MAX_DURATION_SECONDS: i64 = 10 * 366 * 24 * 60 * 60;

#[derive(sqlx::FromRow)]
struct TemporaryRoleRow {
    id: i64,
    guild_id: i64,
    user_id: i64,
    role_id: i64,
    granted_by: Option<i64>,
    reason: Option<String>,
    granted_at: i64,
    expires_at: i64,
    removed_at: Option<i64>,
}

impl From<TemporaryRoleRow> for TemporaryRole {
    fn from(row: TemporaryRoleRow) -> Self {
        TemporaryRole {
            id: row.id,
            guild_id: row.guild_id,
            user_id: row.user_id,
            role_id: Snowflake::from_i64(row.role_id),
            granted_by: row.granted_by,
            reason: row.reason,
            granted_at: to_time(row.granted_at),
            expires_at: to_time(row.expires_at),
            removed_at: row.removed_at.map(to_time),
        }
    }
}

/// Checks an optional reason (audit log text).
pub(crate) fn check_reason(reason: Option<&str>) -> Result<()> {
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(StoreError::Invalid(format!(
            "reason must be at most {MAX_REASON_CHARS} characters"
        )));
    }
    Ok(())
}

/// The expiry (ms) a creation asks for: exactly one of `expires_at` or `duration_seconds`,
/// in the future.
fn expiry_ms(new: &TemporaryRoleCreate, now: i64) -> Result<i64> {
    match (new.expires_at, new.duration_seconds) {
        (Some(at), None) => {
            let at = to_ms(at);
            if at <= now {
                return Err(StoreError::Invalid(
                    "expires_at must be in the future".into(),
                ));
            }
            Ok(at)
        }
        (None, Some(seconds)) => {
            if !(1..=MAX_DURATION_SECONDS).contains(&seconds) {
                return Err(StoreError::Invalid(format!(
                    "duration_seconds must be between 1 and {MAX_DURATION_SECONDS} (ten years)"
                )));
            }
            Ok(now + seconds * 1000)
        }
        (Some(_), Some(_)) => Err(StoreError::Invalid(
            "give either expires_at or duration_seconds, not both".into(),
        )),
        (None, None) => Err(StoreError::Invalid(
            "give expires_at or duration_seconds to say when the role is taken back".into(),
        )),
    }
}

impl Store {
    /// Grants a role for a while and schedules its removal in the same transaction.
    pub async fn create_temporary_role(&self, new: &TemporaryRoleCreate) -> Result<TemporaryRole> {
        check_reason(new.reason.as_deref())?;
        let now = now_ms();
        let expires_at = expiry_ms(new, now)?;
        let row: std::result::Result<TemporaryRoleRow, sqlx::Error> = on_write!(self, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let row: TemporaryRoleRow = sqlx::query_as(concat!(
                    "INSERT INTO temporary_roles (guild_id, user_id, role_id, granted_by, reason, ",
                    "granted_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
                    columns!()
                ))
                .bind(new.guild_id)
                .bind(new.user_id)
                .bind(new.role_id.to_i64())
                .bind(new.granted_by)
                .bind(&new.reason)
                .bind(now)
                .bind(expires_at)
                .fetch_one(&mut *tx)
                .await?;
                schedule_in!(tx, TEMPORARY_ROLE_EXPIRE, row.id, expires_at, now);
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
                    ("granted_by", "discord_users", new.granted_by),
                ],
            )
            .await),
        }
    }

    /// Reads a temporary role.
    pub async fn temporary_role(&self, id: i64) -> Result<TemporaryRole> {
        let row: Option<TemporaryRoleRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM temporary_roles WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("temporary role"))
    }

    /// Moves the expiry of a role still held (and its scheduled removal), or records the role
    /// as taken back now (cancelling the scheduled removal). Taking back twice is harmless.
    pub async fn update_temporary_role(
        &self,
        id: i64,
        change: &TemporaryRoleUpdate,
    ) -> Result<TemporaryRole> {
        let now = now_ms();
        match (change.expires_at, change.removed) {
            (Some(_), Some(true)) => Err(StoreError::Invalid(
                "give either a new expires_at or removed: true, not both".into(),
            )),
            (Some(at), _) => {
                let at = to_ms(at);
                if at <= now {
                    return Err(StoreError::Invalid(
                        "expires_at must be in the future".into(),
                    ));
                }
                self.move_temporary_role_expiry(id, at, now).await
            }
            (None, Some(true)) => self.take_back_temporary_role(id, now).await,
            (None, Some(false) | None) => {
                let role = self.temporary_role(id).await?;
                if change.removed == Some(false) && role.removed_at.is_some() {
                    return Err(StoreError::Conflict(format!(
                        "temporary role {id} was already taken back; grant it again instead"
                    )));
                }
                Ok(role)
            }
        }
    }

    async fn move_temporary_role_expiry(
        &self,
        id: i64,
        expires_at: i64,
        now: i64,
    ) -> Result<TemporaryRole> {
        let row: Option<TemporaryRoleRow> = on_write!(self, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let row: Option<TemporaryRoleRow> = sqlx::query_as(concat!(
                    "UPDATE temporary_roles SET expires_at = $2 WHERE id = $1 AND removed_at IS NULL RETURNING ",
                    columns!()
                ))
                .bind(id)
                .bind(expires_at)
                .fetch_optional(&mut *tx)
                .await?;
                if row.is_some() {
                    reschedule_in!(tx, TEMPORARY_ROLE_EXPIRE, id, expires_at, now);
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(row)
            }
            .await
        })?;
        match row {
            Some(row) => Ok(row.into()),
            None => {
                // Either no such role, or one already taken back: tell them apart.
                self.temporary_role(id).await?;
                Err(StoreError::Conflict(format!(
                    "temporary role {id} was already taken back; its expiry cannot move"
                )))
            }
        }
    }

    async fn take_back_temporary_role(&self, id: i64, now: i64) -> Result<TemporaryRole> {
        let row: Option<TemporaryRoleRow> = on_write!(self, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let row: Option<TemporaryRoleRow> = sqlx::query_as(concat!(
                    "UPDATE temporary_roles SET removed_at = COALESCE(removed_at, $2) WHERE id = $1 RETURNING ",
                    columns!()
                ))
                .bind(id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                cancel_in!(tx, TEMPORARY_ROLE_EXPIRE, id, now);
                tx.commit().await?;
                Ok::<_, sqlx::Error>(row)
            }
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("temporary role"))
    }

    /// Deletes a temporary role record (cancelling its scheduled removal) and returns it as
    /// it was.
    pub async fn delete_temporary_role(&self, id: i64) -> Result<TemporaryRole> {
        let now = now_ms();
        let row: Option<TemporaryRoleRow> = on_write!(self, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let row: Option<TemporaryRoleRow> = sqlx::query_as(concat!(
                    "DELETE FROM temporary_roles WHERE id = $1 RETURNING ",
                    columns!()
                ))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                cancel_in!(tx, TEMPORARY_ROLE_EXPIRE, id, now);
                tx.commit().await?;
                Ok::<_, sqlx::Error>(row)
            }
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("temporary role"))
    }

    /// Lists temporary roles, oldest first; `active` picks roles still held or taken back.
    pub async fn list_temporary_roles(
        &self,
        filter: &TemporaryRoleFilter,
    ) -> Result<Page<TemporaryRole>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("user_id", filter.user_id);
        filters.is_null("removed_at", filter.active);
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM temporary_roles{sql}", columns!());
        let rows: Vec<TemporaryRoleRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
