//! The bot's last report about itself, kept as a setting so every API replica sees it.

use chrono::Utc;
use guildhall_wire::bot::{BotReport, BotStatus, REPORT_FRESH_SECONDS};
use serde::{Deserialize, Serialize};

use crate::db::{now_ms, on_write, to_time};
use crate::{Result, Store};

const KEY: &str = "bot_status";

#[derive(Serialize, Deserialize)]
struct StoredReport {
    report: BotReport,
    reported_at: i64,
}

impl Store {
    /// Records the bot's report, stamped with the server's time.
    pub async fn record_bot_report(&self, report: &BotReport) -> Result<()> {
        let stored = serde_json::to_string(&StoredReport {
            report: report.clone(),
            reported_at: now_ms(),
        })
        .unwrap_or_default();
        on_write!(self, |pool| {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(KEY)
            .bind(stored)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The bot's status as the last report tells it; not running once the report is stale.
    pub async fn bot_status(&self) -> Result<BotStatus> {
        let stored = self
            .setting(KEY)
            .await?
            .and_then(|v| serde_json::from_str::<StoredReport>(&v).ok());
        let Some(stored) = stored else {
            return Ok(BotStatus {
                configured: false,
                is_running: false,
                guild_id: None,
                guild_ids: Vec::new(),
                shards: Vec::new(),
                latency_ms: None,
                last_event_at: None,
                reported_at: None,
            });
        };
        let fresh =
            Utc::now().timestamp_millis() - stored.reported_at < REPORT_FRESH_SECONDS * 1000;
        let report = stored.report;
        Ok(BotStatus {
            configured: true,
            is_running: fresh && report.shards.iter().any(|s| s.connected),
            guild_id: report.guild_ids.first().copied(),
            latency_ms: report.shards.iter().filter_map(|s| s.latency_ms).min(),
            last_event_at: report.shards.iter().filter_map(|s| s.last_event_at).max(),
            reported_at: Some(to_time(stored.reported_at)),
            guild_ids: report.guild_ids,
            shards: report.shards,
        })
    }
}
