//! guildhall's Discord bot.
//!
//! It connects to the gateway with twilight, keeps a compact view of the guilds it serves, and
//! sends everything it learns to the API through the client crate — whether the API runs in
//! the same process or on another host.
//!
//! # Layout
//! - [`run`] and [`BotConfig`]: start-up (REST client, application owner, shards) and shutdown.
//! - `shard`: one task per shard, turning gateway events into work.
//! - `writer`: guild and member changes, written in order through a bounded queue.
//! - `presence`: presence changes, coalesced per member and written in batches.
//! - `commands`: `!ping` and `!sync`, and the full sync behind `sync`.
//! - `jobs`: syncs requested through the API (`POST /api/staff/discord/sync/`).
//! - `status`: shard states reported to the API (`is_running`).
//! - `guilds`: the compact view (guild ids, member ids).
//! - `convert`: twilight models to wire types.

mod commands;
mod convert;
pub mod guilds;
mod jobs;
mod presence;
mod shard;
mod status;
mod writer;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use guildhall_client::Client;
use tokio::sync::{mpsc, watch};
use twilight_gateway::{ConfigBuilder, Intents, Shard, ShardId};

pub use presence::PresenceQueue;

/// Settings of the bot.
#[derive(Clone)]
pub struct BotConfig {
    /// The bot token (`DISCORD_BOT_TOKEN`).
    pub token: String,
    /// Gateway URL override, e.g. the simulator's `ws://127.0.0.1:PORT` (no trailing slash).
    pub gateway_url: Option<String>,
    /// REST proxy `host:port` reached over plain HTTP (the simulator, or a REST proxy).
    pub rest_proxy: Option<String>,
    /// Shards to run: `Some((ids, total))`, or `None` for all of Discord's recommendation.
    pub shards: Option<(std::ops::Range<u32>, u32)>,
    /// Full reconcile period (`GUILDHALL_SYNC_INTERVAL`).
    pub sync_interval: Duration,
    /// Enables `!` prefix commands, which need the privileged MESSAGE_CONTENT intent.
    pub prefix_commands: bool,
    /// Members per API batch (the seed used 100).
    pub batch_size: usize,
    /// Discord user ids allowed to run `sync` besides the application's owner and team.
    pub extra_owners: Vec<u64>,
}

impl std::fmt::Debug for BotConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotConfig")
            .field("token", &"<redacted>")
            .field("gateway_url", &self.gateway_url)
            .field("rest_proxy", &self.rest_proxy)
            .field("shards", &self.shards)
            .field("sync_interval", &self.sync_interval)
            .field("prefix_commands", &self.prefix_commands)
            .finish()
    }
}

impl BotConfig {
    /// Settings with defaults for everything but the token.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            gateway_url: None,
            rest_proxy: None,
            shards: None,
            sync_interval: Duration::from_secs(120),
            prefix_commands: true,
            batch_size: 100,
            extra_owners: Vec::new(),
        }
    }

    fn intents(&self) -> Intents {
        let mut intents = Intents::GUILDS
            | Intents::GUILD_MEMBERS
            | Intents::GUILD_PRESENCES
            | Intents::GUILD_MESSAGES;
        if self.prefix_commands {
            intents |= Intents::MESSAGE_CONTENT;
        }
        intents
    }
}

/// Why the bot could not start.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("Discord refused the bot token (DISCORD_BOT_TOKEN): {0}")]
    Token(String),
    #[error("could not reach Discord's REST API: {0}")]
    Rest(String),
}

/// What every shard task shares.
#[derive(Debug)]
pub(crate) struct Context {
    pub api: Client,
    pub http: twilight_http::Client,
    pub config: BotConfig,
    pub work: writer::WorkSender,
    pub presences: PresenceQueue,
    pub guilds: guilds::GuildIds,
    pub members: guilds::Members,
    pub states: status::ShardStates,
    /// Users allowed to run `sync`: the application's owner or its team members.
    pub owners: Vec<u64>,
    /// The application, for slash commands.
    pub application_id: twilight_model::id::Id<twilight_model::id::marker::ApplicationMarker>,
    /// Each shard's command sender, by slot, for reconciles.
    pub senders: Vec<twilight_gateway::MessageSender>,
    pub total_shards: u32,
}

/// Runs the bot until `shutdown` completes, then closes the gateway connections, writes what
/// is queued, and reports that it stopped.
pub async fn run(
    config: BotConfig,
    api: Client,
    shutdown: impl Future<Output = ()>,
) -> Result<(), BotError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut http = twilight_http::Client::builder().token(config.token.clone());
    if let Some(proxy) = &config.rest_proxy {
        http = http.proxy(proxy.clone(), true);
    }
    let http = http.build();

    let application = http
        .current_user_application()
        .await
        .map_err(|e| classify(&e))?
        .model()
        .await
        .map_err(|e| BotError::Rest(e.to_string()))?;
    let mut owners: Vec<u64> = application.owner.iter().map(|o| o.id.get()).collect();
    if let Some(team) = &application.team {
        owners.extend(team.members.iter().map(|m| m.user.id.get()));
    }
    owners.extend(config.extra_owners.iter().copied());

    let (ids, total) = match config.shards.clone() {
        Some(range) => range,
        None => {
            let info = http
                .gateway()
                .authed()
                .await
                .map_err(|e| classify(&e))?
                .model()
                .await
                .map_err(|e| BotError::Rest(e.to_string()))?;
            (0..info.shards.max(1), info.shards.max(1))
        }
    };
    let mut gateway = ConfigBuilder::new(config.token.clone(), config.intents());
    if let Some(url) = &config.gateway_url {
        gateway = gateway.proxy_url(url.trim_end_matches('/').to_owned());
    }
    let gateway = gateway.build();
    let shards: Vec<Shard> = ids
        .clone()
        .map(|id| Shard::with_config(ShardId::new(id, total), gateway.clone()))
        .collect();
    tracing::info!(
        shards = shards.len(),
        total,
        "connecting to the Discord gateway"
    );

    let guild_ids = guilds::GuildIds::default();
    let (work_tx, work_rx) = mpsc::channel(writer::QUEUE_CAPACITY);
    let (stop_tx, stop_rx) = watch::channel(false);
    let context = Arc::new(Context {
        api: api.clone(),
        http,
        work: work_tx,
        presences: PresenceQueue::default(),
        guilds: guild_ids.clone(),
        members: guilds::Members::default(),
        states: status::ShardStates::new(ids.clone()),
        owners,
        application_id: application.id,
        senders: shards.iter().map(Shard::sender).collect(),
        total_shards: total,
        config,
    });

    commands::register(&context).await;
    let writer = tokio::spawn(writer::Writer::new(api.clone(), guild_ids.clone()).run(work_rx));
    let presences = tokio::spawn(context.presences.clone().run(
        api.clone(),
        guild_ids.clone(),
        stop_rx.clone(),
    ));
    let reporter = tokio::spawn(status::run(
        api.clone(),
        context.states.clone(),
        guild_ids.clone(),
        stop_rx.clone(),
    ));
    let reconcile = tokio::spawn(shard::reconcile(context.clone(), stop_rx.clone()));
    let jobs = tokio::spawn(jobs::run(context.clone(), stop_rx.clone()));
    let shard_tasks: Vec<_> = shards
        .into_iter()
        .enumerate()
        .map(|(slot, shard)| {
            tokio::spawn(shard::run(context.clone(), slot, shard, stop_rx.clone()))
        })
        .collect();

    shutdown.await;
    tracing::info!("stopping the bot: closing gateway connections and writing what is queued");
    let _ = stop_tx.send(true);
    for task in shard_tasks {
        let _ = task.await;
    }
    let _ = reconcile.await;
    let _ = jobs.await;
    let _ = reporter.await;
    // The shard tasks held the last work senders; the writer ends once the queue is drained.
    let states = context.states.clone();
    drop(context);
    let drained = tokio::time::timeout(Duration::from_secs(30), async {
        let _ = writer.await;
        let _ = presences.await;
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "the API did not take every queued change within 30 s; the next sync repairs the rest"
        );
    }
    status::report(&api, &states, &guild_ids).await;
    Ok(())
}

fn classify(error: &twilight_http::Error) -> BotError {
    match error.kind() {
        twilight_http::error::ErrorType::Unauthorized => BotError::Token(error.to_string()),
        _ => BotError::Rest(error.to_string()),
    }
}
