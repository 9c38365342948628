//! Channel locks: one lock in force per channel, its saved permission overwrites, and an
//! optional unlock time kept as a scheduled action written in the same transaction.

use guildhall_wire::Snowflake;
use guildhall_wire::channel_locks::{
    ChannelLock, ChannelLockCreate, ChannelLockFilter, ChannelLockUpdate,
};

use crate::db::{
    Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_ms,
    to_time,
};
use crate::scheduled::{CHANNEL_LOCK_UNLOCK, cancel_in, reschedule_in, schedule_in};
use crate::temporary_roles::check_reason;
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, channel_id, locked_by, reason, saved_overwrites, locked_at, unlock_at, unlocked_at"
    };
}

#[derive(sqlx::FromRow)]
struct ChannelLockRow {
    id: i64,
    guild_id: i64,
    channel_id: i64,
    locked_by: Option<i64>,
    reason: Option<String>,
    saved_overwrites: String,
    locked_at: i64,
    unlock_at: Option<i64>,
    unlocked_at: Option<i64>,
}

impl From<ChannelLockRow> for ChannelLock {
    fn from(row: ChannelLockRow) -> Self {
        ChannelLock {
            id: row.id,
            guild_id: row.guild_id,
            channel_id: Snowflake::from_i64(row.channel_id),
            locked_by: row.locked_by,
            reason: row.reason,
            // Only this module writes the column, always from a JSON value.
            saved_overwrites: serde_json::from_str(&row.saved_overwrites).unwrap_or_default(),
            locked_at: to_time(row.locked_at),
            unlock_at: row.unlock_at.map(to_time),
            unlocked_at: row.unlocked_at.map(to_time),
        }
    }
}

fn check_unlock_at(at: i64, now: i64) -> Result<()> {
    if at <= now {
        return Err(StoreError::Invalid(
            "unlock_at must be in the future".into(),
        ));
    }
    Ok(())
}

impl Store {
    /// Locks a channel, saving its overwrites, and schedules the unlock (when `unlock_at` is
    /// given) in the same transaction. A channel with a lock in force is a conflict.
    pub async fn create_channel_lock(&self, new: &ChannelLockCreate) -> Result<ChannelLock> {
        check_reason(new.reason.as_deref())?;
        if !new.saved_overwrites.is_array() {
            return Err(StoreError::Invalid(
                "saved_overwrites must be a JSON array of Discord permission overwrites".into(),
            ));
        }
        let now = now_ms();
        let unlock_at = new.unlock_at.map(to_ms);
        if let Some(at) = unlock_at {
            check_unlock_at(at, now)?;
        }
        let overwrites = new.saved_overwrites.to_string();
        let row: std::result::Result<ChannelLockRow, sqlx::Error> = on_write!(self, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let row: ChannelLockRow = sqlx::query_as(concat!(
                    "INSERT INTO channel_locks (guild_id, channel_id, locked_by, reason, ",
                    "saved_overwrites, locked_at, unlock_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
                    columns!()
                ))
                .bind(new.guild_id)
                .bind(new.channel_id.to_i64())
                .bind(new.locked_by)
                .bind(&new.reason)
                .bind(&overwrites)
                .bind(now)
                .bind(unlock_at)
                .fetch_one(&mut *tx)
                .await?;
                if let Some(at) = unlock_at {
                    schedule_in!(tx, CHANNEL_LOCK_UNLOCK, row.id, at, now);
                }
                tx.commit().await?;
                Ok(row)
            }
            .await
        });
        match row {
            Ok(row) => Ok(row.into()),
            Err(e) if StoreError::is_unique_violation(&e) => Err(StoreError::Conflict(format!(
                "channel {} is already locked; unlock it or move its unlock_at instead",
                new.channel_id
            ))),
            Err(e) => Err(explain_missing(
                self,
                e,
                &[
                    ("guild_id", "guilds", Some(new.guild_id)),
                    ("locked_by", "discord_users", new.locked_by),
                ],
            )
            .await),
        }
    }

    /// Reads a channel lock.
    pub async fn channel_lock(&self, id: i64) -> Result<ChannelLock> {
        let row: Option<ChannelLockRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM channel_locks WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("channel lock"))
    }

    /// Moves the unlock time of a lock in force (and its scheduled unlock), or records the
    /// channel as unlocked now (cancelling the scheduled unlock). Unlocking twice is harmless.
    pub async fn update_channel_lock(
        &self,
        id: i64,
        change: &ChannelLockUpdate,
    ) -> Result<ChannelLock> {
        let now = now_ms();
        match (change.unlock_at, change.unlocked) {
            (Some(_), Some(true)) => Err(StoreError::Invalid(
                "give either a new unlock_at or unlocked: true, not both".into(),
            )),
            (Some(at), _) => {
                let at = to_ms(at);
                check_unlock_at(at, now)?;
                self.move_channel_unlock(id, at, now).await
            }
            (None, Some(true)) => self.unlock_channel(id, now).await,
            (None, Some(false) | None) => {
                let lock = self.channel_lock(id).await?;
                if change.unlocked == Some(false) && lock.unlocked_at.is_some() {
                    return Err(StoreError::Conflict(format!(
                        "channel lock {id} was already lifted; lock the channel again instead"
                    )));
                }
                Ok(lock)
            }
        }
    }

    async fn move_channel_unlock(&self, id: i64, unlock_at: i64, now: i64) -> Result<ChannelLock> {
        let row: Option<ChannelLockRow> = on_write!(self, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let row: Option<ChannelLockRow> = sqlx::query_as(concat!(
                    "UPDATE channel_locks SET unlock_at = $2 WHERE id = $1 AND unlocked_at IS NULL RETURNING ",
                    columns!()
                ))
                .bind(id)
                .bind(unlock_at)
                .fetch_optional(&mut *tx)
                .await?;
                if row.is_some() {
                    reschedule_in!(tx, CHANNEL_LOCK_UNLOCK, id, unlock_at, now);
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(row)
            }
            .await
        })?;
        match row {
            Some(row) => Ok(row.into()),
            None => {
                // Either no such lock, or one already lifted: tell them apart.
                self.channel_lock(id).await?;
                Err(StoreError::Conflict(format!(
                    "channel lock {id} was already lifted; its unlock time cannot move"
                )))
            }
        }
    }

    async fn unlock_channel(&self, id: i64, now: i64) -> Result<ChannelLock> {
        let row: Option<ChannelLockRow> = on_write!(self, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let row: Option<ChannelLockRow> = sqlx::query_as(concat!(
                    "UPDATE channel_locks SET unlocked_at = COALESCE(unlocked_at, $2) WHERE id = $1 RETURNING ",
                    columns!()
                ))
                .bind(id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                cancel_in!(tx, CHANNEL_LOCK_UNLOCK, id, now);
                tx.commit().await?;
                Ok::<_, sqlx::Error>(row)
            }
            .await
        })?;
        row.map(Into::into)
            .ok_or(StoreError::NotFound("channel lock"))
    }

    /// Lists channel locks, oldest first; `active` picks locks in force or lifted.
    pub async fn list_channel_locks(
        &self,
        filter: &ChannelLockFilter,
    ) -> Result<Page<ChannelLock>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("channel_id", filter.channel_id.map(Snowflake::to_i64));
        filters.is_null("unlocked_at", filter.active);
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM channel_locks{sql}", columns!());
        let rows: Vec<ChannelLockRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
