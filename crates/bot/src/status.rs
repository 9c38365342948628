//! The bot's state (per shard: connected, latency, last event), reported to the API every few
//! seconds and on shutdown; the API's `is_running` comes from it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use guildhall_client::Client;
use guildhall_wire::bot::{BotReport, ShardState};
use twilight_gateway::Shard;

use crate::convert::snowflake;
use crate::guilds::GuildIds;

/// How often the bot reports; well inside the API's 15-second freshness window.
pub const REPORT_INTERVAL: Duration = Duration::from_secs(3);

/// Shared shard states, one slot per shard this process runs.
#[derive(Debug, Clone)]
pub struct ShardStates {
    inner: Arc<Mutex<Vec<ShardState>>>,
    /// Woken when a shard connects or disconnects, so the API hears of it at once.
    changed: Arc<tokio::sync::Notify>,
}

impl ShardStates {
    pub fn new(ids: impl IntoIterator<Item = u32>) -> Self {
        let states = ids
            .into_iter()
            .map(|id| ShardState {
                id,
                connected: false,
                latency_ms: None,
                last_event_at: None,
            })
            .collect();
        Self {
            inner: Arc::new(Mutex::new(states)),
            changed: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Records what `shard` looks like after an event.
    pub fn observe(&self, slot: usize, shard: &Shard) {
        let mut states = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(state) = states.get_mut(slot) {
            let connected = shard.state().is_identified();
            if connected != state.connected {
                self.changed.notify_one();
            }
            state.connected = connected;
            state.latency_ms = shard
                .latency()
                .recent()
                .first()
                .map(|d| d.as_millis() as u64);
            state.last_event_at = Some(Utc::now());
        }
    }

    /// Marks a shard as disconnected.
    pub fn disconnected(&self, slot: usize) {
        let mut states = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(state) = states.get_mut(slot)
            && state.connected
        {
            state.connected = false;
            self.changed.notify_one();
        }
    }

    /// The latest latency of a shard, if measured.
    pub fn latency_ms(&self, slot: usize) -> Option<u64> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(slot)
            .and_then(|s| s.latency_ms)
    }

    pub fn snapshot(&self) -> Vec<ShardState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Sends one report.
pub async fn report(api: &Client, states: &ShardStates, guilds: &GuildIds) {
    let report = BotReport {
        shards: states.snapshot(),
        guild_ids: guilds.discord_ids().into_iter().map(snowflake).collect(),
    };
    if let Err(e) = api.report_bot_status(&report).await {
        tracing::warn!(error = %e, "could not report the bot's status to the API");
    }
}

/// Reports every [`REPORT_INTERVAL`], and at once when a shard connects or disconnects,
/// until `stop` turns true.
pub async fn run(
    api: Client,
    states: ShardStates,
    guilds: GuildIds,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        report(&api, &states, &guilds).await;
        tokio::select! {
            () = tokio::time::sleep(REPORT_INTERVAL) => {},
            () = states.changed.notified() => {},
            _ = stop.changed() => return,
        }
    }
}
