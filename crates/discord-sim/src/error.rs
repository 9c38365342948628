//! The crate's error type.

use std::io;

/// What went wrong in the simulator or in a control request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listener's address could not be read.
    #[error("could not read the listener's local address")]
    LocalAddr(#[source] io::Error),
    /// Binding a listener failed.
    #[error("could not bind a listener")]
    Bind(#[source] io::Error),
    /// The HTTP server stopped with an error.
    #[error("the simulator's server failed")]
    Serve(#[source] io::Error),
    /// No guild with this id.
    #[error("unknown guild {0}")]
    UnknownGuild(u64),
    /// No such member in the guild.
    #[error("user {user_id} is not a member of guild {guild_id}")]
    UnknownMember {
        /// Guild looked in.
        guild_id: u64,
        /// User looked for.
        user_id: u64,
    },
    /// No user with this id.
    #[error("unknown user {0}")]
    UnknownUser(u64),
    /// No channel with this id.
    #[error("unknown channel {0}")]
    UnknownChannel(u64),
    /// No role with this id in the guild.
    #[error("unknown role {0}")]
    UnknownRole(u64),
    /// A control request that makes no sense, with the reason.
    #[error("invalid request: {0}")]
    Invalid(String),
}
