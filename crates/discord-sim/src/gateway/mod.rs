//! Gateway v10 over WebSocket: one task per connection.
//!
//! Layout: [`compression`] wraps outgoing frames, [`session`] holds sequence numbers and the
//! registry, [`identify`] answers IDENTIFY with READY and GUILD_CREATEs, [`resume`] answers
//! RESUME, [`chunking`] answers REQUEST_GUILD_MEMBERS and [`presence`] the bot's own
//! PRESENCE_UPDATE. This file owns the socket loop: heartbeats, the client send limit,
//! control-API faults and dispatch fan-out.

mod chunking;
pub mod compression;
mod identify;
pub mod intents;
mod presence;
mod resume;
pub(crate) mod session;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use crate::events::Dispatch;
use crate::sim::Shared;
use compression::{CompressionKind, Compressor};
use intents::close;
use session::{ConnectionCommand, Session};

/// Discord allows 120 gateway sends per connection per 60 seconds.
const CLIENT_SEND_LIMIT: usize = 120;
const CLIENT_SEND_WINDOW: Duration = Duration::from_secs(60);
/// Dispatches written before one flush, so a burst costs one syscall rather than hundreds.
const DISPATCH_BATCH: usize = 256;

/// Query string of the gateway URL.
#[derive(Debug, Deserialize)]
pub(crate) struct ConnectParams {
    v: Option<u8>,
    encoding: Option<String>,
    compress: Option<String>,
}

/// `GET /` with a WebSocket upgrade.
pub(crate) async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<ConnectParams>,
    ws: WebSocketUpgrade,
) -> Response {
    if shared.gateway.refusing() {
        return (StatusCode::SERVICE_UNAVAILABLE, "gateway unavailable").into_response();
    }
    let compression = CompressionKind::from_query(params.compress.as_deref());
    ws.on_upgrade(move |socket| async move {
        shared
            .bus
            .counters
            .connections
            .fetch_add(1, Ordering::Relaxed);
        run(shared, socket, params, compression).await;
    })
}

async fn run(
    shared: Arc<Shared>,
    socket: WebSocket,
    params: ConnectParams,
    compression: CompressionKind,
) {
    let (sink, mut stream) = socket.split();
    let Ok(compressor) = Compressor::new(compression) else {
        return;
    };
    let (commands_tx, mut commands) = mpsc::unbounded_channel();
    let connection_id = shared.gateway.register(commands_tx);
    let mut connection = Connection {
        out: Outbound {
            sink,
            compressor,
            shared: shared.clone(),
        },
        shared: shared.clone(),
        id: connection_id,
        session: None,
        client_sends: VecDeque::new(),
        last_heartbeat: Instant::now(),
        keep_session: true,
    };
    let flow = connection.start(&params).await;
    if flow == Flow::Continue {
        connection.serve(&mut stream, &mut commands).await;
    }
    shared.gateway.unregister(connection_id);
    if let Some(session) = connection.session.take()
        && connection.keep_session
    {
        shared.gateway.park(session, shared.config.resume_window);
    }
}

/// Whether the connection goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// The writing half plus its compression stream.
struct Outbound {
    sink: SplitSink<WebSocket, Message>,
    compressor: Compressor,
    shared: Arc<Shared>,
}

impl Outbound {
    async fn feed(&mut self, text: Utf8Bytes) -> Result<(), axum::Error> {
        let message = match self.compressor.compress(text.as_bytes()) {
            Ok(Some(bytes)) => Message::Binary(bytes.into()),
            Ok(None) => Message::Text(text),
            Err(error) => return Err(axum::Error::new(error)),
        };
        self.shared
            .bus
            .counters
            .frames_sent
            .fetch_add(1, Ordering::Relaxed);
        self.sink.feed(message).await
    }

    async fn send(&mut self, text: impl Into<Utf8Bytes>) -> Result<(), axum::Error> {
        self.feed(text.into()).await?;
        self.sink.flush().await
    }

    async fn send_json(&mut self, value: &Value) -> Result<(), axum::Error> {
        self.send(value.to_string()).await
    }

    async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = self.sink.send(Message::Close(Some(frame))).await;
    }
}

/// One client connection.
struct Connection {
    out: Outbound,
    shared: Arc<Shared>,
    id: u64,
    session: Option<Session>,
    /// When the client sent its recent payloads, for the 120-per-60-s limit.
    client_sends: VecDeque<Instant>,
    last_heartbeat: Instant,
    /// Cleared when the session must not be resumable after this connection ends.
    keep_session: bool,
}

/// A payload from the client.
#[derive(Debug, Deserialize)]
struct ClientPayload {
    op: u8,
    #[serde(default)]
    d: Value,
}

impl Connection {
    /// Checks the URL and sends HELLO.
    async fn start(&mut self, params: &ConnectParams) -> Flow {
        if params.v.is_some_and(|v| v != 10) {
            self.out
                .close(close::INVALID_API_VERSION, "Invalid API version.")
                .await;
            return Flow::Stop;
        }
        if params.encoding.as_deref().is_some_and(|e| e != "json") {
            self.out
                .close(close::DECODE_ERROR, "Error while decoding payload.")
                .await;
            return Flow::Stop;
        }
        let interval = self.shared.config.heartbeat_interval.as_millis() as u64;
        let hello = json!({"op": 10, "d": {"heartbeat_interval": interval}, "s": null, "t": null});
        match self.out.send_json(&hello).await {
            Ok(()) => Flow::Continue,
            Err(_) => Flow::Stop,
        }
    }

    async fn serve(
        &mut self,
        stream: &mut futures::stream::SplitStream<WebSocket>,
        commands: &mut mpsc::UnboundedReceiver<ConnectionCommand>,
    ) {
        // Discord closes a connection that stops heartbeating; allow one missed beat.
        let config = &self.shared.config;
        let heartbeat_timeout = config.heartbeat_interval * 2 + config.heartbeat_grace;
        loop {
            let deadline = tokio::time::Instant::from_std(self.last_heartbeat + heartbeat_timeout);
            let flow = tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command).await,
                    None => Flow::Stop,
                },
                message = stream.next() => match message {
                    Some(Ok(message)) => self.on_message(message).await,
                    _ => Flow::Stop,
                },
                event = next_event(&mut self.session) => self.on_event(event).await,
                () = tokio::time::sleep_until(deadline) => {
                    self.keep_session = false;
                    self.out.close(close::SESSION_TIMED_OUT, "Session timed out.").await;
                    Flow::Stop
                }
            };
            if flow == Flow::Stop {
                return;
            }
        }
    }

    async fn on_command(&mut self, command: ConnectionCommand) -> Flow {
        match command {
            // Returning drops both halves of the socket: a TCP close with no close frame.
            ConnectionCommand::Drop => Flow::Stop,
            ConnectionCommand::Reconnect => {
                let payload = json!({"op": 7, "d": null, "s": null, "t": null});
                self.send_or_stop(&payload).await
            }
            ConnectionCommand::InvalidSession { resumable } => {
                if !resumable {
                    self.session = None;
                }
                let payload = json!({"op": 9, "d": resumable, "s": null, "t": null});
                self.send_or_stop(&payload).await
            }
            ConnectionCommand::Close(code) => {
                self.out.close(code, "Closed by the simulator.").await;
                Flow::Stop
            }
        }
    }

    async fn send_or_stop(&mut self, payload: &Value) -> Flow {
        match self.out.send_json(payload).await {
            Ok(()) => Flow::Continue,
            Err(_) => Flow::Stop,
        }
    }

    async fn on_message(&mut self, message: Message) -> Flow {
        let bytes = match message {
            Message::Text(text) => text.as_bytes().to_vec(),
            Message::Binary(bytes) => bytes.to_vec(),
            Message::Close(frame) => {
                // Discord invalidates the session when the client closes with 1000 or 1001.
                if frame.is_some_and(|f| f.code == 1000 || f.code == 1001) {
                    self.keep_session = false;
                }
                return Flow::Stop;
            }
            Message::Ping(_) | Message::Pong(_) => return Flow::Continue,
        };
        if self.over_send_limit() {
            self.out
                .close(close::RATE_LIMITED, "You are being rate limited.")
                .await;
            return Flow::Stop;
        }
        let Ok(payload) = serde_json::from_slice::<ClientPayload>(&bytes) else {
            self.out
                .close(close::DECODE_ERROR, "Error while decoding payload.")
                .await;
            return Flow::Stop;
        };
        match payload.op {
            1 => self.on_heartbeat().await,
            2 => self.on_identify(payload.d).await,
            6 => self.on_resume(payload.d).await,
            3 if self.session.is_some() => self.on_presence_update(payload.d).await,
            4 if self.session.is_some() => Flow::Continue,
            8 if self.session.is_some() => self.on_request_members(payload.d).await,
            3 | 4 | 8 => {
                self.out
                    .close(close::NOT_AUTHENTICATED, "Not authenticated.")
                    .await;
                Flow::Stop
            }
            _ => {
                self.out
                    .close(close::UNKNOWN_OPCODE, "Unknown opcode.")
                    .await;
                Flow::Stop
            }
        }
    }

    /// Records a client send; true when the 120-per-60-s limit is exceeded.
    fn over_send_limit(&mut self) -> bool {
        let now = Instant::now();
        while self
            .client_sends
            .front()
            .is_some_and(|t| now.duration_since(*t) >= CLIENT_SEND_WINDOW)
        {
            self.client_sends.pop_front();
        }
        self.client_sends.push_back(now);
        self.client_sends.len() > CLIENT_SEND_LIMIT
    }

    async fn on_heartbeat(&mut self) -> Flow {
        self.last_heartbeat = Instant::now();
        if self.shared.gateway.withhold_acks.load(Ordering::Relaxed) {
            return Flow::Continue;
        }
        self.send_or_stop(&json!({"op": 11, "d": null, "s": null, "t": null}))
            .await
    }

    /// Writes one dispatch plus whatever else is already queued, then flushes once.
    async fn on_event(
        &mut self,
        first: Result<Arc<Dispatch>, broadcast::error::RecvError>,
    ) -> Flow {
        let mut written = 0u64;
        let mut event = first;
        for processed in 1.. {
            let dispatch = match event {
                Ok(dispatch) => dispatch,
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Events were lost; the client would be out of step, so end the session
                    // as Discord does with a consumer that cannot keep up.
                    self.keep_session = false;
                    self.out
                        .close(close::UNKNOWN_ERROR, "Client too slow.")
                        .await;
                    return Flow::Stop;
                }
                Err(broadcast::error::RecvError::Closed) => return Flow::Stop,
            };
            if let Some(frame) = self.render(&dispatch) {
                if self.out.feed(frame).await.is_err() {
                    return Flow::Stop;
                }
                written += 1;
            }
            // Take another only when it will be handled in this batch: one taken and then
            // dropped would be lost for good.
            if processed >= DISPATCH_BATCH {
                break;
            }
            let Some(session) = self.session.as_mut() else {
                break;
            };
            event = match session.receiver.try_recv() {
                Ok(dispatch) => Ok(dispatch),
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    Err(broadcast::error::RecvError::Lagged(n))
                }
                Err(_) => break,
            };
        }
        self.shared
            .bus
            .counters
            .dispatches_sent
            .fetch_add(written, Ordering::Relaxed);
        match self.out.sink.flush().await {
            Ok(()) => Flow::Continue,
            Err(_) => Flow::Stop,
        }
    }

    /// The frame this session gets for a dispatch, if it gets one at all.
    fn render(&mut self, dispatch: &Dispatch) -> Option<Utf8Bytes> {
        let session = self.session.as_mut()?;
        if !session.wants(dispatch) {
            return None;
        }
        if dispatch.name == "GUILD_CREATE" && dispatch.data.is_empty() {
            // A guild that appeared while connected: rendered for this session's intents.
            let data = {
                let world = self.shared.world();
                let guild = world.guild(dispatch.guild_id?)?;
                identify::guild_create(&world, guild, session.intents, session.large_threshold)
                    .to_string()
            };
            return Some(session.frame(dispatch.name, &data));
        }
        let data = session.data_for(dispatch);
        Some(session.frame(dispatch.name, data))
    }

    /// Sends a dispatch built for this session only (READY, GUILD_CREATE, chunks).
    async fn dispatch(&mut self, name: &str, data: &str) -> Flow {
        let Some(session) = self.session.as_mut() else {
            return Flow::Continue;
        };
        let frame = session.frame(name, data);
        self.shared
            .bus
            .counters
            .dispatches_sent
            .fetch_add(1, Ordering::Relaxed);
        match self.out.send(frame).await {
            Ok(()) => Flow::Continue,
            Err(_) => Flow::Stop,
        }
    }
}

async fn next_event(
    session: &mut Option<Session>,
) -> Result<Arc<Dispatch>, broadcast::error::RecvError> {
    match session {
        Some(session) => session.receiver.recv().await,
        None => std::future::pending().await,
    }
}
