//! Fault tests: the client against a local server (port 0) that injects failures and counts
//! what reaches it, so each test can assert how many attempts a call made, how long it waited
//! and which error it returned.
//!
//! Delays stay tiny through `ClientBuilder::backoff`; real sockets and real time are used
//! throughout, since paused tokio time would fire the client's timeouts while it waits on I/O.
//!
//! - `server.rs`: the fault-injecting API stand-in and a server that resets connections;
//! - `tokens.rs`: expiry, stale tokens, refused keys;
//! - `retries.rs`: 429 and `Retry-After`, 503 bursts, other 4xx, timeouts;
//! - `resets.rs`: connection resets and refusals;
//! - `load.rs`: the in-flight cap under 1,000 concurrent calls;
//! - `lists.rs`: pagination and batch splitting.

mod lists;
mod load;
mod resets;
mod retries;
mod server;
mod tokens;

use std::time::Duration;

use guildhall_client::wire::Snowflake;
use guildhall_client::wire::guilds::GuildCreate;
use guildhall_client::{Client, ClientBuilder};

/// A client with millisecond backoff, so retries cost no test time.
pub fn builder(url: &str) -> ClientBuilder {
    Client::builder(url, "gh_test_key").backoff(Duration::from_millis(1), Duration::from_millis(5))
}

pub fn new_guild() -> GuildCreate {
    GuildCreate {
        discord_id: Snowflake::new(1001).unwrap(),
        name: "guild".into(),
        icon: None,
        owner_discord_id: None,
        joined_at: None,
    }
}
