//! guildhall's storage: one [`Store`] over SQLite or PostgreSQL.
//!
//! # Layout
//! - [`db`]: connecting, migrations, and the plumbing every resource module shares (the pool
//!   dispatch macros, numbered query arguments, cursor pages, time conversion).
//! - One module per resource (`guilds`, `users`, `cases`...), each adding its methods to
//!   [`Store`] and owning its row type and SQL.
//! - [`scheduled`]: durable work with a due time (temporary role expiry, channel unlock),
//!   written by resource modules in the same transaction as the change that calls for it and
//!   claimed by the scheduler under a lease.
//!
//! Both backends run the same SQL text: it is written in the common subset of SQLite and
//! PostgreSQL (numbered `$n` parameters, `ON CONFLICT` upserts, `RETURNING`), times are stored
//! as milliseconds since the Unix epoch, and lists of ids as JSON text. Each backend owns its
//! migrations (`migrations/sqlite`, `migrations/postgres`) because DDL differs. The story test
//! suite in `tests/` runs against both.
//!
//! SQLite writes go through a single-connection pool, so writers queue in-process instead of
//! failing with `SQLITE_BUSY`; reads use a separate pool and WAL mode lets them run alongside.

pub mod api_keys;
pub mod bot_status;
pub mod bump_stats;
pub mod cases;
pub mod channel_locks;
pub mod command_usage;
pub mod db;
mod error;
pub mod guilds;
pub mod member_sync;
pub mod members;
pub mod notes;
pub mod persistent_roles;
pub mod presences;
pub mod scheduled;
pub mod settings;
pub mod sync_jobs;
pub mod temporary_roles;
pub mod users;
pub mod warnings;

pub use db::{Backend, PoolStats, Store};
pub use error::StoreError;

/// The result type of every storage call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
