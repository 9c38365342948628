#![doc = include_str!("../README.md")]

mod answer;
mod api_keys;
mod batch;
mod bump_stats;
mod cases;
mod channel_locks;
mod client;
mod command_usage;
mod error;
mod guilds;
mod members;
mod notes;
mod pages;
mod persistent_roles;
mod retry;
mod sync;
mod temporary_roles;
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
