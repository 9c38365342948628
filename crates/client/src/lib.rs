#![doc = include_str!("../README.md")]

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
