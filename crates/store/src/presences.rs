//! Presences: the current status of every member, written in batches by the bot, latest wins.

use std::collections::HashMap;

use guildhall_wire::Snowflake;
use guildhall_wire::presences::{
    Activity, ClientStatus, MAX_PRESENCE_BATCH, Presence, PresenceBatchResult, PresenceFilter,
    PresenceStatus, PresenceUpdate,
};

use crate::db::{Arg, Filters, Page, PageRequest, bind_args, on_read, on_write, to_ms, to_time};
use crate::{Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct PresenceRow {
    /// The user's internal id, named `id` so the shared cursor paging applies.
    id: i64,
    guild_id: i64,
    discord_id: i64,
    status: String,
    custom_status: Option<String>,
    activities: String,
    client_status: String,
    updated_at: i64,
}

impl From<PresenceRow> for Presence {
    fn from(row: PresenceRow) -> Self {
        Presence {
            guild_id: row.guild_id,
            user_id: row.id,
            user_discord_id: Snowflake::from_i64(row.discord_id),
            status: PresenceStatus::parse(&row.status).unwrap_or_default(),
            custom_status: row.custom_status,
            activities: serde_json::from_str::<Vec<Activity>>(&row.activities).unwrap_or_default(),
            client_status: serde_json::from_str::<ClientStatus>(&row.client_status)
                .unwrap_or_default(),
            updated_at: to_time(row.updated_at),
        }
    }
}

impl Store {
    /// Stores presences of guild `guild_id` (internal id). An update older than the stored
    /// presence is ignored, so batches arriving out of order never move a status backwards.
    pub async fn store_presences(
        &self,
        guild_id: i64,
        batch: &[PresenceUpdate],
    ) -> Result<PresenceBatchResult> {
        if batch.len() > MAX_PRESENCE_BATCH {
            return Err(StoreError::Invalid(format!(
                "a batch holds at most {MAX_PRESENCE_BATCH} presences (got {})",
                batch.len()
            )));
        }
        self.guild(guild_id).await?;
        if batch.is_empty() {
            return Ok(PresenceBatchResult {
                stored: 0,
                unknown_users: Vec::new(),
            });
        }
        // Newest update per user.
        let mut latest: HashMap<Snowflake, &PresenceUpdate> = HashMap::new();
        for update in batch {
            let keep = latest
                .get(&update.user_id)
                .is_none_or(|seen| seen.at <= update.at);
            if keep {
                latest.insert(update.user_id, update);
            }
        }
        let mut lookup = Filters::new();
        let in_list: Vec<String> = latest
            .keys()
            .map(|id| lookup.arg(Arg::Int(id.to_i64())))
            .collect();
        let lookup_sql = format!(
            "SELECT id, discord_id FROM discord_users WHERE discord_id IN ({})",
            in_list.join(", ")
        );
        let known: Vec<(i64, i64)> = on_read!(self, |pool| {
            bind_args!(
                sqlx::query_as(sqlx::AssertSqlSafe(lookup_sql.clone())),
                lookup.args
            )
            .fetch_all(pool)
            .await
        })?;
        let ids: HashMap<i64, i64> = known
            .into_iter()
            .map(|(id, discord)| (discord, id))
            .collect();
        let mut unknown_users = Vec::new();
        let mut values = Vec::new();
        let mut changes = Filters::new();
        for (discord_id, update) in &latest {
            let Some(user_id) = ids.get(&discord_id.to_i64()) else {
                unknown_users.push(*discord_id);
                continue;
            };
            let cols = [
                changes.arg(Arg::Int(guild_id)),
                changes.arg(Arg::Int(*user_id)),
                changes.arg(Arg::Text(update.status.as_str().to_owned())),
                changes.arg(Arg::OptText(update.custom_status.clone())),
                changes.arg(Arg::Text(
                    serde_json::to_string(&update.activities).unwrap_or_else(|_| "[]".into()),
                )),
                changes.arg(Arg::Text(
                    serde_json::to_string(&update.client_status).unwrap_or_else(|_| "{}".into()),
                )),
                changes.arg(Arg::Int(to_ms(update.at))),
            ];
            values.push(format!("({})", cols.join(", ")));
        }
        unknown_users.sort();
        let mut stored = 0;
        if !values.is_empty() {
            let sql = format!(
                concat!(
                    "INSERT INTO presences (guild_id, user_id, status, custom_status, activities, client_status, updated_at) ",
                    "VALUES {} ON CONFLICT (guild_id, user_id) DO UPDATE SET status = excluded.status, ",
                    "custom_status = excluded.custom_status, activities = excluded.activities, ",
                    "client_status = excluded.client_status, updated_at = excluded.updated_at ",
                    "WHERE excluded.updated_at >= presences.updated_at"
                ),
                values.join(", ")
            );
            stored = on_write!(self, |pool| {
                bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), changes.args)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
            })?;
        }
        Ok(PresenceBatchResult {
            stored: stored as u32,
            unknown_users,
        })
    }

    /// Lists presences, by user id.
    pub async fn list_presences(&self, filter: &PresenceFilter) -> Result<Page<Presence>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("id", filter.user_id);
        filters.eq_text("status", filter.status.map(PresenceStatus::as_str));
        let (sql, args) = filters.page_sql(&page);
        let sql = format!(
            "SELECT * FROM (SELECT p.user_id AS id, p.guild_id, u.discord_id, p.status, p.custom_status, \
             p.activities, p.client_status, p.updated_at FROM presences p JOIN discord_users u ON u.id = p.user_id) presence{sql}"
        );
        let rows: Vec<PresenceRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
