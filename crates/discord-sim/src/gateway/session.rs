//! Gateway sessions: sequence numbers, the replay buffer behind RESUME, and the registry of
//! live connections and parked (disconnected but resumable) sessions.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::{broadcast, mpsc};

use crate::events::Dispatch;
use crate::gateway::intents;

/// Cap on the bytes a session's replay buffer holds, so member chunks of a huge guild do not
/// pin gigabytes for a resume that may never come.
const REPLAY_MAX_BYTES: usize = 32 << 20;

/// One identified gateway session.
#[derive(Debug)]
pub(crate) struct Session {
    pub id: String,
    pub intents: u64,
    /// `[shard_id, shard_count]` from IDENTIFY.
    pub shard: Option<(u64, u64)>,
    pub large_threshold: u64,
    pub seq: u64,
    /// Dispatches published since the session began, including while it is parked.
    pub receiver: broadcast::Receiver<Arc<Dispatch>>,
    replay: VecDeque<(u64, Utf8Bytes)>,
    replay_bytes: usize,
    replay_capacity: usize,
}

impl Session {
    pub fn new(
        id: String,
        intents: u64,
        shard: Option<(u64, u64)>,
        large_threshold: u64,
        receiver: broadcast::Receiver<Arc<Dispatch>>,
        replay_capacity: usize,
    ) -> Self {
        Self {
            id,
            intents,
            shard,
            large_threshold,
            seq: 0,
            receiver,
            replay: VecDeque::new(),
            replay_bytes: 0,
            replay_capacity,
        }
    }

    /// Whether a guild belongs to this session's shard: `(guild_id >> 22) % shard_count`.
    pub fn has_guild(&self, guild_id: u64) -> bool {
        match self.shard {
            Some((id, count)) => (guild_id >> 22) % count == id,
            None => true,
        }
    }

    /// Whether this session receives the dispatch at all.
    pub fn wants(&self, dispatch: &Dispatch) -> bool {
        let intent_ok = dispatch.intents == 0 || self.intents & dispatch.intents != 0;
        let shard_ok = match (dispatch.guild_id, self.shard) {
            (Some(guild_id), _) => self.has_guild(guild_id),
            // Events without a guild (USER_UPDATE, DMs) go to every shard; Discord sends DMs
            // to shard 0 only.
            (None, Some((id, _))) => dispatch.name != "MESSAGE_CREATE" || id == 0,
            (None, None) => true,
        };
        intent_ok && shard_ok
    }

    /// The `d` JSON this session gets for the dispatch.
    pub fn data_for<'a>(&self, dispatch: &'a Dispatch) -> &'a str {
        match &dispatch.data_without_content {
            Some(redacted) if self.intents & intents::MESSAGE_CONTENT == 0 => redacted,
            _ => &dispatch.data,
        }
    }

    /// Builds the op 0 frame with the next sequence number and keeps it for replay.
    pub fn frame(&mut self, name: &str, data: &str) -> Utf8Bytes {
        self.seq += 1;
        let seq = self.seq;
        let text = format!(r#"{{"op":0,"s":{seq},"t":"{name}","d":{data}}}"#);
        let frame = Utf8Bytes::from(text);
        self.replay_bytes += frame.len();
        self.replay.push_back((seq, frame.clone()));
        while self.replay.len() > self.replay_capacity || self.replay_bytes > REPLAY_MAX_BYTES {
            match self.replay.pop_front() {
                Some((_, old)) => self.replay_bytes -= old.len(),
                None => break,
            }
        }
        frame
    }

    /// Frames after `seq`, or `None` when some of them were already dropped from the buffer
    /// (or `seq` is in the future), in which case the session cannot resume.
    pub fn replay_after(&self, seq: u64) -> Option<Vec<Utf8Bytes>> {
        if seq > self.seq {
            return None;
        }
        let oldest = self.replay.front().map_or(self.seq + 1, |(s, _)| *s);
        if seq + 1 < oldest {
            return None;
        }
        Some(
            self.replay
                .iter()
                .filter(|(s, _)| *s > seq)
                .map(|(_, frame)| frame.clone())
                .collect(),
        )
    }
}

/// An order the control API gives a live connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectionCommand {
    /// Drop the TCP connection without a close frame; the session stays resumable.
    Drop,
    /// Send op 7 RECONNECT.
    Reconnect,
    /// Send op 9 INVALID_SESSION.
    InvalidSession { resumable: bool },
    /// Close with this code.
    Close(u16),
}

#[derive(Debug)]
struct LiveConnection {
    commands: mpsc::UnboundedSender<ConnectionCommand>,
    shard: Option<(u64, u64)>,
    session_id: Option<String>,
}

/// Gateway-wide state shared by all connections.
#[derive(Debug, Default)]
pub(crate) struct GatewayState {
    parked: Mutex<HashMap<String, (Session, Instant)>>,
    live: Mutex<HashMap<u64, LiveConnection>>,
    next_connection: AtomicU64,
    /// Cleared by the "stop ACKing heartbeats" fault.
    pub withhold_acks: AtomicBool,
    /// Upgrades are answered 503 until then.
    pub refuse_until: Mutex<Option<Instant>>,
    /// Last all-members op 8 request per guild.
    pub member_requests: Mutex<HashMap<u64, Instant>>,
    /// When the last IDENTIFY was accepted, for the identify rate limit.
    last_identify: Mutex<Option<Instant>>,
    /// IDENTIFYs accepted, reported by `gateway/bot` as the used session starts.
    pub identifies: AtomicU64,
}

impl GatewayState {
    pub fn register(&self, commands: mpsc::UnboundedSender<ConnectionCommand>) -> u64 {
        let id = self.next_connection.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut live) = self.live.lock() {
            live.insert(
                id,
                LiveConnection {
                    commands,
                    shard: None,
                    session_id: None,
                },
            );
        }
        id
    }

    pub fn set_session(&self, connection: u64, session: &Session) {
        if let Ok(mut live) = self.live.lock()
            && let Some(entry) = live.get_mut(&connection)
        {
            entry.shard = session.shard;
            entry.session_id = Some(session.id.clone());
        }
    }

    pub fn unregister(&self, connection: u64) {
        if let Ok(mut live) = self.live.lock() {
            live.remove(&connection);
        }
    }

    /// Sends a command to every identified connection of `shard` (all when `None`); returns
    /// how many got it.
    pub fn command(&self, shard: Option<u64>, command: ConnectionCommand) -> usize {
        let Ok(live) = self.live.lock() else { return 0 };
        live.values()
            .filter(|c| c.session_id.is_some())
            .filter(|c| shard.is_none() || c.shard.map(|s| s.0) == shard)
            .filter(|c| c.commands.send(command).is_ok())
            .count()
    }

    /// Closes every connection, identified or not; used at shutdown so that open sockets do
    /// not hold the server's graceful stop forever.
    pub fn close_all(&self, code: u16) {
        if let Ok(live) = self.live.lock() {
            for connection in live.values() {
                let _ = connection.commands.send(ConnectionCommand::Close(code));
            }
        }
    }

    /// Number of identified connections.
    pub fn live_sessions(&self) -> usize {
        self.live
            .lock()
            .map(|l| l.values().filter(|c| c.session_id.is_some()).count())
            .unwrap_or_default()
    }

    pub fn park(&self, session: Session, window: Duration) {
        if let Ok(mut parked) = self.parked.lock() {
            parked.retain(|_, (_, at)| at.elapsed() < window);
            parked.insert(session.id.clone(), (session, Instant::now()));
        }
    }

    pub fn unpark(&self, session_id: &str, window: Duration) -> Option<Session> {
        let mut parked = self.parked.lock().ok()?;
        let (session, at) = parked.remove(session_id)?;
        (at.elapsed() < window).then_some(session)
    }

    /// Records an IDENTIFY; false when it comes sooner than `interval` after the last one.
    pub fn admit_identify(&self, interval: Option<Duration>) -> bool {
        let Ok(mut last) = self.last_identify.lock() else {
            return true;
        };
        let now = Instant::now();
        if let (Some(interval), Some(at)) = (interval, *last)
            && now.duration_since(at) < interval
        {
            return false;
        }
        *last = Some(now);
        self.identifies.fetch_add(1, Ordering::Relaxed);
        true
    }

    pub fn refusing(&self) -> bool {
        self.refuse_until
            .lock()
            .map(|until| until.is_some_and(|t| Instant::now() < t))
            .unwrap_or(false)
    }
}
