//! Typed async client for guildhall's REST API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), guildhall_client::Error> {
//! let client = guildhall_client::Client::new("http://127.0.0.1:8000", "gh_...")?;
//! let guilds = client.list_guilds(&Default::default()).await?;
//! println!("{} guilds", guilds.guilds.len());
//! # Ok(()) }
//! ```
//!
//! # Layout
//! - [`Client`] / [`ClientBuilder`] (`client.rs`): the connection pool, the token cache, the
//!   in-flight cap and the retry loop every call goes through.
//! - [`Error`] (`error.rs`): one error type with a [`ErrorKind`], the status and the server's
//!   sentence.
//! - One module per resource (`guilds.rs`, `users.rs`...) adding typed methods to [`Client`].
//!
//! # Behaviour
//! - The API key is exchanged for a token on first use; the token is cached and refreshed
//!   before it expires, concurrent callers share one exchange, and a 401 triggers one refresh
//!   and one retry.
//! - At most `max_in_flight` requests run at once over a pooled connection.
//! - Reads, PUTs and idempotent upserts are retried with exponential backoff and jitter on
//!   transport errors, timeouts, 429 (honouring `Retry-After`) and 5xx; other 4xx are never
//!   retried, and neither are non-idempotent POSTs.

mod api_keys;
mod batch;
mod cases;
mod client;
mod error;
mod guilds;
mod pages;
mod token;
mod users;
mod warnings;

pub use batch::BatchProgress;
pub use client::{
    Client, ClientBuilder, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, Idempotency,
};
pub use error::{Error, ErrorKind};
pub use guildhall_wire as wire;
pub use pages::{ItemStream, Page, PageFilter};
pub use users::UserSyncSummary;

/// The result type of every client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
