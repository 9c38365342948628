//! The dispatch bus: every gateway event is serialized once, then fanned out to sessions.
//!
//! Each connection filters by its intents and shard and stamps its own sequence number, so
//! the JSON body (`d`) is shared between all of them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use tokio::sync::broadcast;

/// One gateway dispatch (op 0) before it gets a sequence number.
#[derive(Debug)]
pub(crate) struct Dispatch {
    /// Event name, the `t` field.
    pub name: &'static str,
    /// Guild the event belongs to; decides the shard.
    pub guild_id: Option<u64>,
    /// Intent bits of which the session needs at least one; 0 means always sent.
    pub intents: u64,
    /// The `d` field, as JSON; empty for a GUILD_CREATE that each session renders for
    /// its own intents and `large_threshold`.
    pub data: String,
    /// The `d` field for sessions without MESSAGE_CONTENT, when it differs.
    pub data_without_content: Option<String>,
}

/// Counters of what the simulator sent.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub published: AtomicU64,
    pub frames_sent: AtomicU64,
    pub dispatches_sent: AtomicU64,
    pub connections: AtomicU64,
    pub rest_requests: AtomicU64,
    by_event: Mutex<BTreeMap<&'static str, u64>>,
}

/// A snapshot of the counters, as the control API reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventCounters {
    /// Dispatches created (each counted once, however many sessions got it).
    pub dispatches_published: u64,
    /// Dispatches written to sockets, summed over sessions.
    pub dispatches_sent: u64,
    /// Gateway frames of any op written to sockets.
    pub frames_sent: u64,
    /// Gateway connections accepted.
    pub gateway_connections: u64,
    /// REST requests received.
    pub rest_requests: u64,
    /// Dispatches published, by event name.
    pub by_event: BTreeMap<String, u64>,
}

/// Fan-out of dispatches to every live session.
#[derive(Debug)]
pub(crate) struct EventBus {
    sender: broadcast::Sender<Arc<Dispatch>>,
    pub counters: Counters,
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(16));
        Self {
            sender,
            counters: Counters::default(),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Dispatch>> {
        self.sender.subscribe()
    }

    /// Publishes one dispatch; without subscribers it is only counted.
    pub fn publish(&self, dispatch: Dispatch) {
        self.counters.published.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut by_event) = self.counters.by_event.lock() {
            *by_event.entry(dispatch.name).or_default() += 1;
        }
        let _ = self.sender.send(Arc::new(dispatch));
    }

    pub fn snapshot(&self) -> EventCounters {
        let c = &self.counters;
        EventCounters {
            dispatches_published: c.published.load(Ordering::Relaxed),
            dispatches_sent: c.dispatches_sent.load(Ordering::Relaxed),
            frames_sent: c.frames_sent.load(Ordering::Relaxed),
            gateway_connections: c.connections.load(Ordering::Relaxed),
            rest_requests: c.rest_requests.load(Ordering::Relaxed),
            by_event: c
                .by_event
                .lock()
                .map(|m| m.iter().map(|(k, v)| (k.to_string(), *v)).collect())
                .unwrap_or_default(),
        }
    }
}
