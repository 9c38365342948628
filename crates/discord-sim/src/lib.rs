//! A local stand-in for Discord, so guildhall can be tested, demonstrated and benchmarked
//! with no network: gateway v10 (JSON, with `zlib-stream` and `zstd-stream` transport
//! compression), the REST v10 routes a bot uses, OAuth2 for "Log in with Discord", and a
//! control API that scripts members, presences, messages, slash commands and faults.
//!
//! # Starting it
//!
//! ```no_run
//! # async fn example() -> Result<(), discord_sim::Error> {
//! use discord_sim::{SimConfig, Simulator};
//!
//! // In a test: bind 127.0.0.1:0 and serve in the background.
//! let sim = Simulator::spawn(SimConfig::demo()).await?;
//! let urls = sim.urls();
//! println!("gateway {} rest {} token {}", urls.gateway, urls.rest, sim.bot_token());
//!
//! // In a binary: bind, print the URLs and the token, serve until a shutdown future resolves.
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8081")
//!     .await
//!     .map_err(discord_sim::Error::Bind)?;
//! let sim = Simulator::new(SimConfig::demo());
//! let urls = sim.prepare(&listener)?;
//! println!("gateway {} rest {} control {} token {}", urls.gateway, urls.rest, urls.control, sim.bot_token());
//! sim.run(listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//!
//! // Or without keeping a handle:
//! # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(discord_sim::Error::Bind)?;
//! discord_sim::serve(SimConfig::demo(), listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```
//!
//! One listener serves everything: the gateway WebSocket at `/`, REST at `/api/v10/...`,
//! OAuth2 at `/oauth2/authorize` and `/api/v10/oauth2/token`, and the control API at
//! `/_sim/...` (see the crate README for its routes). Clients are pointed at it with base URLs
//! only: twilight's `proxy_url(urls.gateway)` and `proxy(urls.proxy_addr, true)`.
//!
//! # Layout
//!
//! - [`state`]: the world (users, guilds, members, presences) in compact records, and seeded
//!   scenarios.
//! - `payload`: Discord's JSON shapes of those records.
//! - `gateway`: the WebSocket protocol, one file per piece (identify, resume, chunking,
//!   compression, sessions).
//! - `rest`: REST routes by resource, with rate limits in one middleware.
//! - `oauth`: the OAuth2 authorization-code flow.
//! - [`control`]: the control API (Rust methods on [`Simulator`] and HTTP routes) and faults.
//! - `churn`: the presence-churn generator.

pub mod churn;
pub mod config;
pub mod control;
mod error;
mod events;
mod gateway;
mod oauth;
mod payload;
mod rest;
mod sim;
pub mod snowflake;
pub mod state;

use std::future::Future;

pub use churn::{ChurnScope, ChurnSpec};
pub use config::{PrivilegedIntents, RestLimits, Secret, SimConfig};
pub use control::faults::{GatewayFault, RestFault};
pub use control::ops::{
    ChannelChange, CommandInvocation, GuildChange, InteractionRef, MemberChange, NewMember,
    UserChange,
};
pub use error::Error;
pub use events::EventCounters;
pub use sim::{SimUrls, Simulator};
pub use state::{
    ActivitySpec, BotAction, GuildSpec, MemberView, Platform, PresenceSpec, ScenarioSpec, Status,
};

/// Gateway intent bits, for building IDENTIFY payloads in tests.
pub mod intents {
    pub use crate::gateway::intents::{
        DIRECT_MESSAGES, GUILD_MEMBERS, GUILD_MESSAGES, GUILD_PRESENCES, GUILDS, MESSAGE_CONTENT,
    };
}

/// Builds a simulator from `config` and serves it on `listener` until `shutdown` resolves.
///
/// Use [`Simulator::new`] and [`Simulator::run`] instead to keep a handle for the control API.
pub async fn serve(
    config: SimConfig,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    Simulator::new(config).run(listener, shutdown).await
}
