//! The bot's member sync: users and memberships by Discord id, in batches, and marking those
//! who left.

use std::collections::HashMap;

use guildhall_wire::Snowflake;
use guildhall_wire::sync::{MAX_MEMBER_BATCH, MemberSync, MemberSyncResult, SyncCounts};
use guildhall_wire::users::UserCreate;

use crate::db::{Arg, Filters, bind_args, now_ms, on_write, to_ms, to_time};
use crate::{Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct MembershipRow {
    user_id: i64,
    nickname: Option<String>,
    roles: String,
    joined_at: Option<i64>,
    left_at: Option<i64>,
}

/// Roles as stored: a JSON array of snowflake strings, sorted so equal sets compare equal.
pub(crate) fn roles_json(roles: &[Snowflake]) -> String {
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    serde_json::to_string(&roles).unwrap_or_else(|_| "[]".to_owned())
}

impl Store {
    /// Creates or updates up to [`MAX_MEMBER_BATCH`] members of guild `guild_id` (internal id)
    /// with their users, marks them present, and stamps them as seen by a sync now.
    pub async fn sync_members(
        &self,
        guild_id: i64,
        batch: &[MemberSync],
    ) -> Result<MemberSyncResult> {
        if batch.len() > MAX_MEMBER_BATCH {
            return Err(StoreError::Invalid(format!(
                "a batch holds at most {MAX_MEMBER_BATCH} members (got {})",
                batch.len()
            )));
        }
        self.guild(guild_id).await?;
        let users: Vec<UserCreate> = batch.iter().map(|m| m.user.clone()).collect();
        let user_result = self.upsert_users(&users).await?;
        let ids: HashMap<Snowflake, i64> = user_result
            .users
            .iter()
            .map(|u| (u.discord_id, u.id))
            .collect();
        // Last entry per user wins, as for users.
        let mut latest: HashMap<i64, &MemberSync> = HashMap::new();
        let mut order = Vec::new();
        for member in batch {
            let id = ids[&member.user.discord_id];
            if latest.insert(id, member).is_none() {
                order.push(id);
            }
        }
        let mut members = SyncCounts::default();
        let now = now_ms();
        if order.is_empty() {
            return Ok(MemberSyncResult {
                users: SyncCounts::default(),
                members,
                synced_at: to_time(now),
            });
        }
        let mut lookup = Filters::new();
        let guild_param = lookup.arg(Arg::Int(guild_id));
        let in_list: Vec<String> = order.iter().map(|id| lookup.arg(Arg::Int(*id))).collect();
        let select_sql = format!(
            "SELECT user_id, nickname, roles, joined_at, left_at FROM guild_members WHERE guild_id = {guild_param} AND user_id IN ({})",
            in_list.join(", ")
        );
        let stamp_sql = format!(
            "UPDATE guild_members SET synced_at = {now} WHERE guild_id = {guild_param} AND user_id IN ({})",
            in_list.join(", ")
        );
        on_write!(self, |pool| {
            async {
            let mut tx = pool.begin().await?;
            let existing: Vec<MembershipRow> =
                bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(select_sql.clone())), lookup.args)
                    .fetch_all(&mut *tx)
                    .await?;
            let existing: HashMap<i64, MembershipRow> = existing.into_iter().map(|r| (r.user_id, r)).collect();
            let mut changes = Filters::new();
            let mut values = Vec::new();
            for user_id in &order {
                let member = latest[user_id];
                let roles = roles_json(&member.roles);
                let joined_at = member.joined_at.map(to_ms);
                match existing.get(user_id) {
                    None => members.created += 1,
                    Some(row)
                        if row.nickname != member.nickname
                            || row.roles != roles
                            || row.left_at.is_some()
                            || (joined_at.is_some() && row.joined_at != joined_at) =>
                    {
                        members.updated += 1
                    }
                    Some(_) => {
                        members.unchanged += 1;
                        continue;
                    }
                }
                let cols = [
                    changes.arg(Arg::Int(guild_id)),
                    changes.arg(Arg::Int(*user_id)),
                    changes.arg(Arg::OptText(member.nickname.clone())),
                    changes.arg(Arg::Text(roles)),
                    match joined_at {
                        Some(t) => changes.arg(Arg::Int(t)),
                        None => "NULL".to_owned(),
                    },
                    changes.arg(Arg::Int(now)),
                ];
                values.push(format!("({}, {}, {}, {})", cols.join(", "), cols[5], cols[5], "NULL"));
            }
            if !values.is_empty() {
                let upsert_sql = format!(
                    concat!(
                        "INSERT INTO guild_members (guild_id, user_id, nickname, roles, joined_at, synced_at, created_at, updated_at, left_at) ",
                        "VALUES {} ON CONFLICT (guild_id, user_id) DO UPDATE SET nickname = excluded.nickname, ",
                        "roles = excluded.roles, joined_at = COALESCE(excluded.joined_at, guild_members.joined_at), ",
                        "left_at = NULL, synced_at = excluded.synced_at, updated_at = excluded.updated_at"
                    ),
                    values.join(", ")
                );
                bind_args!(sqlx::query(sqlx::AssertSqlSafe(upsert_sql)), changes.args)
                    .execute(&mut *tx)
                    .await?;
            }
            bind_args!(sqlx::query(sqlx::AssertSqlSafe(stamp_sql.clone())), lookup.args)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }
        .await
        })?;
        Ok(MemberSyncResult {
            users: SyncCounts {
                created: user_result.created,
                updated: user_result.updated,
                unchanged: user_result.unchanged,
            },
            members,
            synced_at: to_time(now),
        })
    }

    /// Marks the members with these Discord ids as having left guild `guild_id`.
    pub async fn mark_members_left(&self, guild_id: i64, user_ids: &[Snowflake]) -> Result<u64> {
        self.guild(guild_id).await?;
        if user_ids.is_empty() {
            return Ok(0);
        }
        let mut filters = Filters::new();
        let now = filters.arg(Arg::Int(now_ms()));
        let guild = filters.arg(Arg::Int(guild_id));
        let in_list: Vec<String> = user_ids
            .iter()
            .map(|id| filters.arg(Arg::Int(id.to_i64())))
            .collect();
        let sql = format!(
            "UPDATE guild_members SET left_at = {now}, updated_at = {now} WHERE guild_id = {guild} AND left_at IS NULL \
             AND user_id IN (SELECT id FROM discord_users WHERE discord_id IN ({}))",
            in_list.join(", ")
        );
        let left = on_write!(self, |pool| {
            bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), filters.args)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(left)
    }

    /// Ends a full member sync that started at `started_at` (ms): present members it did not
    /// see have left the guild while the bot was away.
    pub async fn finish_member_sync(
        &self,
        guild_id: i64,
        started_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64> {
        self.guild(guild_id).await?;
        let now = now_ms();
        let left = on_write!(self, |pool| {
            sqlx::query(concat!(
                "UPDATE guild_members SET left_at = $1, updated_at = $1 WHERE guild_id = $2 AND left_at IS NULL ",
                "AND (synced_at IS NULL OR synced_at < $3)"
            ))
            .bind(now)
            .bind(guild_id)
            .bind(to_ms(started_at))
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(left)
    }
}
