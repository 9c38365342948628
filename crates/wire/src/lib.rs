//! JSON wire types shared by every guildhall crate.
//!
//! This crate sits at the bottom of the workspace: the storage layer returns these types, the
//! API server serialises them, the client crate deserialises them, and the bot and web UI build
//! on them. It holds types only, so any crate can use them without pulling in a server or a
//! database driver.
//!
//! Conventions kept by every type here:
//! - Discord snowflakes are [`Snowflake`]: strings in JSON output, a string or a number on input.
//! - Internal record ids are plain `i64` numbers; references between records (`guild_id`,
//!   `user_id`, `mod_id`) are internal ids, as in the Smarter Dev contract.
//! - Times are RFC 3339 UTC strings.
//! - Lists wrap their items under the resource name and add `next_cursor` beside them.

pub mod auth;
pub mod bot;
pub mod bump_stats;
pub mod cases;
pub mod channel_locks;
pub mod command_usage;
pub mod error;
pub mod guilds;
pub mod members;
pub mod notes;
pub mod page;
pub mod persistent_roles;
pub mod presences;
pub mod snowflake;
pub mod sync;
pub mod temporary_roles;
pub mod users;
pub mod warnings;

pub use error::ErrorBody;
pub use page::PageQuery;
pub use snowflake::Snowflake;

/// A point in time as carried on the wire (RFC 3339, UTC).
pub type Timestamp = chrono::DateTime<chrono::Utc>;
