//! Test helpers: spawning a simulator and a raw gateway client that decompresses and
//! decodes frames, plus strict twilight-model parsing of dispatches.

use std::io::Write;
use std::time::Duration;

use discord_sim::{ScenarioSpec, SimConfig, Simulator};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for any single frame before failing.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// Every intent the simulator's scenarios need: GUILDS, GUILD_MEMBERS, GUILD_PRESENCES,
/// GUILD_MESSAGES, MESSAGE_CONTENT.
pub const ALL_INTENTS: u64 = 1 | (1 << 1) | (1 << 8) | (1 << 9) | (1 << 15);

/// A config with a short heartbeat interval, so tests never wait long.
pub fn config(members: u32) -> SimConfig {
    SimConfig {
        heartbeat_interval: Duration::from_millis(1000),
        scenario: Some(ScenarioSpec::single_guild(members)),
        ..SimConfig::default()
    }
}

pub async fn spawn(config: SimConfig) -> Simulator {
    Simulator::spawn(config).await.expect("simulator starts")
}

/// What a read from the gateway produced.
#[derive(Debug)]
pub enum Frame {
    Payload(Value),
    Closed(Option<u16>),
}

enum Inflater {
    None,
    Zlib(flate2::Decompress),
    Zstd(zstd::stream::write::Decoder<'static, Vec<u8>>),
}

/// A minimal gateway client.
pub struct RawClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    inflater: Inflater,
    pub seq: Option<u64>,
}

impl RawClient {
    /// Connects with `compress` = "", "zlib-stream" or "zstd-stream".
    pub async fn connect(sim: &Simulator, compress: &str) -> Self {
        let mut url = format!("{}/?v=10&encoding=json", sim.urls().gateway);
        if !compress.is_empty() {
            url.push_str(&format!("&compress={compress}"));
        }
        Self::connect_url(&url, compress).await
    }

    pub async fn connect_url(url: &str, compress: &str) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("gateway accepts the connection");
        let inflater = match compress {
            "zlib-stream" => Inflater::Zlib(flate2::Decompress::new(true)),
            "zstd-stream" => Inflater::Zstd(zstd::stream::write::Decoder::new(Vec::new()).unwrap()),
            _ => Inflater::None,
        };
        Self {
            ws,
            inflater,
            seq: None,
        }
    }

    pub async fn send(&mut self, payload: Value) {
        self.ws
            .send(Message::Text(payload.to_string().into()))
            .await
            .expect("send");
    }

    /// Sends plain JSON in a binary frame, as hikari does.
    pub async fn send_binary(&mut self, payload: Value) {
        self.ws
            .send(Message::Binary(payload.to_string().into_bytes().into()))
            .await
            .expect("send");
    }

    fn inflate(&mut self, bytes: &[u8]) -> Vec<u8> {
        match &mut self.inflater {
            Inflater::None => bytes.to_vec(),
            Inflater::Zlib(decompress) => {
                assert!(
                    bytes.ends_with(&[0, 0, 0xff, 0xff]),
                    "zlib frame ends with Z_SYNC_FLUSH"
                );
                let mut out = Vec::with_capacity(bytes.len() * 8 + 1024);
                let mut offset = 0;
                loop {
                    let before = decompress.total_in();
                    decompress
                        .decompress_vec(&bytes[offset..], &mut out, flate2::FlushDecompress::Sync)
                        .expect("zlib inflate");
                    offset += (decompress.total_in() - before) as usize;
                    if offset >= bytes.len() && out.len() < out.capacity() {
                        break;
                    }
                    out.reserve(out.capacity());
                }
                out
            }
            Inflater::Zstd(decoder) => {
                decoder.write_all(bytes).expect("zstd decode");
                decoder.flush().expect("zstd flush");
                std::mem::take(decoder.get_mut())
            }
        }
    }

    /// The next payload or close.
    pub async fn recv(&mut self) -> Frame {
        loop {
            let message = tokio::time::timeout(FRAME_TIMEOUT, self.ws.next())
                .await
                .expect("a frame arrives in time");
            let bytes = match message {
                Some(Ok(Message::Text(text))) => text.as_bytes().to_vec(),
                Some(Ok(Message::Binary(bytes))) => self.inflate(&bytes),
                Some(Ok(Message::Close(frame))) => {
                    return Frame::Closed(frame.map(|f| f.code.into()));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Frame::Closed(None),
            };
            let value: Value = serde_json::from_slice(&bytes).expect("frames are JSON");
            if let Some(seq) = value["s"].as_u64() {
                self.seq = Some(seq);
            }
            return Frame::Payload(value);
        }
    }

    pub async fn recv_payload(&mut self) -> Value {
        match self.recv().await {
            Frame::Payload(value) => value,
            Frame::Closed(code) => panic!("connection closed with {code:?}"),
        }
    }

    /// Reads until the connection closes; returns the close code.
    pub async fn close_code(&mut self) -> Option<u16> {
        loop {
            if let Frame::Closed(code) = self.recv().await {
                return code;
            }
        }
    }

    /// Reads until a dispatch named `name`, returning its `d`.
    pub async fn dispatch(&mut self, name: &str) -> Value {
        loop {
            let payload = self.recv_payload().await;
            if payload["op"] == 0 && payload["t"] == name {
                return payload["d"].clone();
            }
        }
    }

    /// Reads HELLO, identifies, and returns READY's `d`.
    pub async fn identify(&mut self, token: &str, intents: u64, shard: Option<[u64; 2]>) -> Value {
        let hello = self.recv_payload().await;
        assert_eq!(hello["op"], 10);
        let mut d = json!({
            "token": token,
            "intents": intents,
            "properties": {"os": "linux", "browser": "test", "device": "test"},
        });
        if let Some(shard) = shard {
            d["shard"] = json!(shard);
        }
        self.send(json!({"op": 2, "d": d})).await;
        self.dispatch("READY").await
    }

    /// Closes with a close code, as a client library does on shutdown or before resuming.
    pub async fn close_with(mut self, code: u16) {
        let frame = tokio_tungstenite::tungstenite::protocol::CloseFrame {
            code: code.into(),
            reason: "".into(),
        };
        let _ = self.ws.close(Some(frame)).await;
        // Wait for the server's side of the close so the session is parked before we go on.
        while let Some(Ok(_)) = self.ws.next().await {}
    }
}

/// Parses a dispatch the way twilight does, failing with the path of a missing field.
pub fn parse_strict(name: &str, data: &Value) {
    use serde::de::DeserializeSeed;
    use twilight_model::gateway::payload::incoming as m;

    fn typed<T: serde::de::DeserializeOwned>(name: &str, data: &Value) {
        if let Err(error) = serde_path_to_error::deserialize::<_, T>(data.clone()) {
            panic!(
                "{name} does not parse at `{}`: {}\n{data:#}",
                error.path(),
                error.inner()
            );
        }
    }
    if name == "RATE_LIMITED" {
        // twilight-model 0.18 models `meta` as an externally tagged enum
        // (`{"RequestGuildMembers": {...}}`), which is not what Discord documents or sends
        // (`{"guild_id", "nonce"}`); the simulator follows Discord, so check the documented shape.
        assert_eq!(data["opcode"], 8);
        assert!(data["retry_after"].as_f64().is_some());
        assert!(data["meta"]["guild_id"].is_string());
        return;
    }
    match name {
        "READY" => typed::<m::Ready>(name, data),
        "GUILD_CREATE" => typed::<twilight_model::guild::Guild>(name, data),
        "GUILD_UPDATE" => typed::<m::GuildUpdate>(name, data),
        "GUILD_DELETE" => typed::<m::GuildDelete>(name, data),
        "GUILD_ROLE_CREATE" => typed::<m::RoleCreate>(name, data),
        "GUILD_ROLE_UPDATE" => typed::<m::RoleUpdate>(name, data),
        "GUILD_ROLE_DELETE" => typed::<m::RoleDelete>(name, data),
        "GUILD_MEMBER_ADD" => typed::<m::MemberAdd>(name, data),
        "GUILD_MEMBER_UPDATE" => typed::<m::MemberUpdate>(name, data),
        "GUILD_MEMBER_REMOVE" => typed::<m::MemberRemove>(name, data),
        "GUILD_MEMBERS_CHUNK" => typed::<m::MemberChunk>(name, data),
        "PRESENCE_UPDATE" => typed::<m::PresenceUpdate>(name, data),
        "USER_UPDATE" => typed::<m::UserUpdate>(name, data),
        "CHANNEL_UPDATE" => typed::<m::ChannelUpdate>(name, data),
        "MESSAGE_CREATE" => typed::<m::MessageCreate>(name, data),
        "INTERACTION_CREATE" => typed::<m::InteractionCreate>(name, data),
        _ => {}
    }
    // And through twilight's own event dispatcher, as a shard would.
    let seed = twilight_model::gateway::event::DispatchEventWithTypeDeserializer::new(name);
    let text = data.to_string();
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    if let Err(error) = seed.deserialize(&mut deserializer) {
        panic!("{name} is rejected by twilight's DispatchEvent: {error}\n{data:#}");
    }
}

/// Installs the process-wide rustls provider that twilight and reqwest need.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A reqwest client that does not follow redirects (OAuth2 tests read `Location`).
pub fn http() -> reqwest::Client {
    install_crypto();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds")
}
