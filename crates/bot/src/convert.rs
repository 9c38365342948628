//! Turning twilight's Discord models into guildhall's wire types.

use chrono::{DateTime, Utc};
use guildhall_wire::Snowflake;
use guildhall_wire::guilds::GuildCreate;
use guildhall_wire::presences::{Activity, ClientStatus, PresenceStatus, PresenceUpdate};
use guildhall_wire::sync::MemberSync;
use guildhall_wire::users::UserCreate;
use twilight_model::gateway::presence::{ActivityType, Presence, Status};
use twilight_model::guild::{Guild, Member, PartialGuild};
use twilight_model::user::User;
use twilight_model::util::Timestamp;

/// A Discord id as a wire snowflake. Discord ids are never 0 and stay below `i64::MAX` until
/// 2084, so the fallback is unreachable in practice; it keeps the bot from panicking on
/// a malformed payload.
pub fn snowflake(id: u64) -> Snowflake {
    Snowflake::new(id).unwrap_or_else(|_| Snowflake::from_i64(i64::MAX))
}

pub fn time(timestamp: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(timestamp.as_micros()).unwrap_or_default()
}

pub fn user(user: &User) -> UserCreate {
    UserCreate {
        discord_id: snowflake(user.id.get()),
        username: user.name.clone(),
        global_name: user.global_name.clone(),
        avatar: user.avatar.map(|a| a.to_string()),
        bot: user.bot,
    }
}

pub fn member(member: &Member) -> MemberSync {
    MemberSync {
        user: user(&member.user),
        nickname: member.nick.clone(),
        roles: member.roles.iter().map(|r| snowflake(r.get())).collect(),
        joined_at: member.joined_at.map(time),
    }
}

pub fn guild(guild: &Guild) -> GuildCreate {
    GuildCreate {
        discord_id: snowflake(guild.id.get()),
        name: guild.name.clone(),
        icon: guild.icon.map(|i| i.to_string()),
        owner_discord_id: Some(snowflake(guild.owner_id.get())),
        joined_at: guild.joined_at.map(time),
    }
}

pub fn partial_guild(guild: &PartialGuild) -> GuildCreate {
    GuildCreate {
        discord_id: snowflake(guild.id.get()),
        name: guild.name.clone(),
        icon: guild.icon.map(|i| i.to_string()),
        owner_discord_id: Some(snowflake(guild.owner_id.get())),
        joined_at: None,
    }
}

pub fn status(status: Status) -> PresenceStatus {
    match status {
        Status::Online => PresenceStatus::Online,
        Status::Idle => PresenceStatus::Idle,
        Status::DoNotDisturb => PresenceStatus::Dnd,
        _ => PresenceStatus::Offline,
    }
}

/// A presence as seen now; the custom status is the text of the "custom" activity.
pub fn presence(presence: &Presence, at: DateTime<Utc>) -> PresenceUpdate {
    let custom_status = presence
        .activities
        .iter()
        .find(|a| a.kind == ActivityType::Custom)
        .and_then(|a| a.state.clone());
    PresenceUpdate {
        user_id: snowflake(presence.user.id().get()),
        status: status(presence.status),
        custom_status,
        activities: presence
            .activities
            .iter()
            .filter(|a| a.kind != ActivityType::Custom)
            .map(|a| Activity {
                kind: u8::from(a.kind),
                name: a.name.clone(),
                state: a.state.clone(),
                details: a.details.clone(),
            })
            .collect(),
        client_status: ClientStatus {
            desktop: presence.client_status.desktop.map(status),
            mobile: presence.client_status.mobile.map(status),
            web: presence.client_status.web.map(status),
        },
        at,
    }
}
