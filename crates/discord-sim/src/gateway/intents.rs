//! Gateway intent bits and the close codes that police them.

/// GUILDS: guild, role and channel events.
pub const GUILDS: u64 = 1 << 0;
/// GUILD_MEMBERS (privileged): member add / update / remove.
pub const GUILD_MEMBERS: u64 = 1 << 1;
/// GUILD_PRESENCES (privileged): presence updates.
pub const GUILD_PRESENCES: u64 = 1 << 8;
/// GUILD_MESSAGES: messages in guild channels.
pub const GUILD_MESSAGES: u64 = 1 << 9;
/// DIRECT_MESSAGES.
pub const DIRECT_MESSAGES: u64 = 1 << 12;
/// MESSAGE_CONTENT (privileged): `content`, `embeds`, `attachments` and `components`.
pub const MESSAGE_CONTENT: u64 = 1 << 15;

/// Every intent bit Discord defines (0-21 except 17-19, plus 24 and 25); others give 4013.
pub const KNOWN: u64 = 0x0003_FFFF | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25);

/// Application flag GATEWAY_PRESENCE, announced in READY's application when enabled.
pub const APP_FLAG_GATEWAY_PRESENCE: u64 = 1 << 12;
/// Application flag GATEWAY_GUILD_MEMBERS.
pub const APP_FLAG_GATEWAY_GUILD_MEMBERS: u64 = 1 << 14;
/// Application flag GATEWAY_MESSAGE_CONTENT.
pub const APP_FLAG_GATEWAY_MESSAGE_CONTENT: u64 = 1 << 18;

/// Gateway close codes from Discord's documentation.
pub mod close {
    /// Unknown error; the session may resume.
    pub const UNKNOWN_ERROR: u16 = 4000;
    /// An invalid opcode was sent.
    pub const UNKNOWN_OPCODE: u16 = 4001;
    /// A payload could not be decoded.
    pub const DECODE_ERROR: u16 = 4002;
    /// A payload was sent before IDENTIFY.
    pub const NOT_AUTHENTICATED: u16 = 4003;
    /// The token in IDENTIFY or RESUME is wrong.
    pub const AUTHENTICATION_FAILED: u16 = 4004;
    /// IDENTIFY sent twice.
    pub const ALREADY_AUTHENTICATED: u16 = 4005;
    /// RESUME with a sequence number that was never sent.
    pub const INVALID_SEQ: u16 = 4007;
    /// More than 120 payloads in 60 s.
    pub const RATE_LIMITED: u16 = 4008;
    /// The session timed out (no heartbeat).
    pub const SESSION_TIMED_OUT: u16 = 4009;
    /// Bad `shard` in IDENTIFY.
    pub const INVALID_SHARD: u16 = 4010;
    /// Bad `v` in the URL.
    pub const INVALID_API_VERSION: u16 = 4012;
    /// Unknown intent bits.
    pub const INVALID_INTENTS: u16 = 4013;
    /// A privileged intent the application has not enabled.
    pub const DISALLOWED_INTENTS: u16 = 4014;
}

/// The privileged intent bits the application may not use.
pub fn disallowed(requested: u64, settings: &crate::config::PrivilegedIntents) -> u64 {
    let mut disallowed = 0;
    if !settings.guild_members {
        disallowed |= GUILD_MEMBERS;
    }
    if !settings.guild_presences {
        disallowed |= GUILD_PRESENCES;
    }
    if !settings.message_content {
        disallowed |= MESSAGE_CONTENT;
    }
    requested & disallowed
}

/// The application flags READY announces for the enabled privileged intents.
pub fn application_flags(settings: &crate::config::PrivilegedIntents) -> u64 {
    let mut flags = 0;
    if settings.guild_presences {
        flags |= APP_FLAG_GATEWAY_PRESENCE;
    }
    if settings.guild_members {
        flags |= APP_FLAG_GATEWAY_GUILD_MEMBERS;
    }
    if settings.message_content {
        flags |= APP_FLAG_GATEWAY_MESSAGE_CONTENT;
    }
    flags
}
