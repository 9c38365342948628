//! Fault injection: broken connections, withheld heartbeat ACKs, RECONNECT and
//! INVALID_SESSION, refused connections, and failing REST calls.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::gateway::session::ConnectionCommand;
use crate::sim::Simulator;

/// A gateway fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GatewayFault {
    /// Drop the TCP connection with no close frame; the session stays resumable.
    DropConnection {
        /// Only this shard's connections; every connection when absent.
        #[serde(default)]
        shard: Option<u64>,
    },
    /// Stop answering heartbeats with op 11 until [`GatewayFault::ResumeHeartbeatAcks`].
    StopHeartbeatAcks,
    /// Answer heartbeats again.
    ResumeHeartbeatAcks,
    /// Send op 7 RECONNECT.
    Reconnect {
        /// Only this shard's connections.
        #[serde(default)]
        shard: Option<u64>,
    },
    /// Send op 9 INVALID_SESSION.
    InvalidSession {
        /// The `d` of op 9: whether the client may resume.
        resumable: bool,
        /// Only this shard's connections.
        #[serde(default)]
        shard: Option<u64>,
    },
    /// Close connections with a close code (for example 4000).
    Close {
        /// The close code.
        code: u16,
        /// Only this shard's connections.
        #[serde(default)]
        shard: Option<u64>,
    },
    /// Answer new gateway connections with 503 for a while.
    RefuseConnections {
        /// How long, in milliseconds.
        millis: u64,
    },
}

/// A REST fault: the next `count` REST calls fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RestFault {
    /// 429 with a per-route (or global) rate-limit body and headers.
    RateLimited {
        /// How many calls.
        count: u32,
        /// `retry_after`, in milliseconds.
        retry_after_ms: u64,
        /// Whether the 429 claims the global limit.
        #[serde(default)]
        global: bool,
    },
    /// A server error status such as 500, 502 or 503.
    ServerError {
        /// How many calls.
        count: u32,
        /// The status code.
        status: u16,
    },
}

impl Simulator {
    /// Injects a gateway fault; returns how many connections it reached (0 for global ones).
    pub fn gateway_fault(&self, fault: GatewayFault) -> usize {
        let gateway = &self.shared.gateway;
        match fault {
            GatewayFault::DropConnection { shard } => {
                gateway.command(shard, ConnectionCommand::Drop)
            }
            GatewayFault::StopHeartbeatAcks => {
                gateway.withhold_acks.store(true, Ordering::Relaxed);
                0
            }
            GatewayFault::ResumeHeartbeatAcks => {
                gateway.withhold_acks.store(false, Ordering::Relaxed);
                0
            }
            GatewayFault::Reconnect { shard } => {
                gateway.command(shard, ConnectionCommand::Reconnect)
            }
            GatewayFault::InvalidSession { resumable, shard } => {
                gateway.command(shard, ConnectionCommand::InvalidSession { resumable })
            }
            GatewayFault::Close { code, shard } => {
                gateway.command(shard, ConnectionCommand::Close(code))
            }
            GatewayFault::RefuseConnections { millis } => {
                if let Ok(mut until) = gateway.refuse_until.lock() {
                    *until = Some(Instant::now() + Duration::from_millis(millis));
                }
                0
            }
        }
    }

    /// Makes the next REST calls fail.
    pub fn rest_fault(&self, fault: RestFault) {
        self.shared.rest.inject(fault);
    }
}
