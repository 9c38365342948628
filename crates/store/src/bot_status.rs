//! The bots' last reports about themselves, kept as settings so every API replica sees them.
//! Each bot process reports its own shards under its own key, so several processes running
//! different shards add up to one status.

use chrono::Utc;
use guildhall_wire::bot::{BotReport, BotStatus, REPORT_FRESH_SECONDS};
use serde::{Deserialize, Serialize};

use crate::db::{now_ms, on_read, on_write, to_time};
use crate::{Result, Store};

/// Reports are kept under `bot_status:<first shard id>`.
const KEY_PREFIX: &str = "bot_status:";

#[derive(Serialize, Deserialize)]
struct StoredReport {
    report: BotReport,
    reported_at: i64,
}

impl Store {
    /// Records a bot process's report, stamped with the server's time.
    pub async fn record_bot_report(&self, report: &BotReport) -> Result<()> {
        let key = format!(
            "{KEY_PREFIX}{}",
            report.shards.iter().map(|s| s.id).min().unwrap_or(0)
        );
        let stored = serde_json::to_string(&StoredReport {
            report: report.clone(),
            reported_at: now_ms(),
        })
        .unwrap_or_default();
        on_write!(self, |pool| {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(&key)
            .bind(stored)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The bots' status as their last reports tell it; a process whose report is stale counts
    /// as not running.
    pub async fn bot_status(&self) -> Result<BotStatus> {
        let values: Vec<String> = on_read!(self, |pool| {
            sqlx::query_scalar(
                "SELECT value FROM settings WHERE key LIKE 'bot_status:%' ORDER BY key",
            )
            .fetch_all(pool)
            .await
        })?;
        let reports: Vec<StoredReport> = values
            .iter()
            .filter_map(|v| serde_json::from_str(v).ok())
            .collect();
        let now = Utc::now().timestamp_millis();
        let mut status = BotStatus {
            configured: !reports.is_empty(),
            is_running: false,
            guild_id: None,
            guild_ids: Vec::new(),
            shards: Vec::new(),
            latency_ms: None,
            last_event_at: None,
            reported_at: reports.iter().map(|r| r.reported_at).max().map(to_time),
        };
        for stored in reports {
            let fresh = now - stored.reported_at < REPORT_FRESH_SECONDS * 1000;
            let mut shards = stored.report.shards;
            if !fresh {
                for shard in &mut shards {
                    shard.connected = false;
                }
            }
            status.is_running |= shards.iter().any(|s| s.connected);
            status.guild_ids.extend(stored.report.guild_ids);
            status.shards.extend(shards);
        }
        status.shards.sort_by_key(|s| s.id);
        status.guild_ids.sort();
        status.guild_ids.dedup();
        status.guild_id = status.guild_ids.first().copied();
        status.latency_ms = status
            .shards
            .iter()
            .filter(|s| s.connected)
            .filter_map(|s| s.latency_ms)
            .min();
        status.last_event_at = status.shards.iter().filter_map(|s| s.last_event_at).max();
        Ok(status)
    }
}
