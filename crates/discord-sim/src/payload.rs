//! Discord JSON shapes of the simulator's records.
//!
//! Every field that twilight-model 0.18 or serenity 0.12 require is present, even when Discord
//! would leave it at its default (`flags`, `deaf`, `mute`, `colors`...): those libraries drop
//! a whole event when one required field is missing. Hot shapes (users, members, presences)
//! are typed structs that borrow the records; rarer ones are built with `json!`.

use serde::Serialize;
use serde_json::{Value, json};

use crate::snowflake;
use crate::state::{
    ChannelRecord, GuildRecord, MemberRecord, Presence, RoleRecord, UserRecord, World,
};

/// ISO 8601 timestamp of a Unix second, as Discord formats them.
pub fn timestamp(unix_secs: u64) -> String {
    let days = unix_secs / 86_400;
    let rem = unix_secs % 86_400;
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000000+00:00",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A user object.
#[derive(Serialize)]
pub struct UserJson<'a> {
    #[serde(serialize_with = "snowflake::serialize")]
    id: u64,
    username: String,
    discriminator: &'static str,
    global_name: Option<&'a str>,
    avatar: Option<&'a str>,
    bot: bool,
    public_flags: u32,
}

impl<'a> UserJson<'a> {
    /// The user object of `id`.
    pub fn new(id: u64, user: &'a UserRecord) -> Self {
        Self {
            id,
            username: user.name.spell(),
            discriminator: "0",
            global_name: user.global_name.as_deref(),
            avatar: user.avatar.as_deref(),
            bot: user.bot,
            public_flags: 0,
        }
    }
}

/// A guild member object with its user.
#[derive(Serialize)]
pub struct MemberJson<'a> {
    user: UserJson<'a>,
    nick: Option<&'a str>,
    avatar: Option<&'a str>,
    #[serde(serialize_with = "crate::state::serialize_ids")]
    roles: &'a [u64],
    joined_at: String,
    premium_since: Option<&'a str>,
    deaf: bool,
    mute: bool,
    flags: u32,
    pending: bool,
    communication_disabled_until: Option<&'a str>,
}

impl<'a> MemberJson<'a> {
    /// The member object of `user_id`.
    pub fn new(user_id: u64, user: &'a UserRecord, member: &'a MemberRecord) -> Self {
        Self {
            user: UserJson::new(user_id, user),
            nick: member.nick.as_deref(),
            avatar: None,
            roles: &member.roles,
            joined_at: timestamp(u64::from(member.joined_at)),
            premium_since: None,
            deaf: false,
            mute: false,
            flags: 0,
            pending: false,
            communication_disabled_until: None,
        }
    }
}

/// A member object with the `guild_id` that GUILD_MEMBER_ADD / UPDATE carry.
#[derive(Serialize)]
pub struct GuildMemberJson<'a> {
    #[serde(serialize_with = "snowflake::serialize")]
    guild_id: u64,
    #[serde(flatten)]
    member: MemberJson<'a>,
}

impl<'a> GuildMemberJson<'a> {
    /// Wraps a member for a guild-scoped dispatch.
    pub fn new(guild_id: u64, member: MemberJson<'a>) -> Self {
        Self { guild_id, member }
    }
}

#[derive(Serialize)]
struct UserIdJson {
    #[serde(serialize_with = "snowflake::serialize")]
    id: u64,
}

#[derive(Serialize)]
struct ClientStatusJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    desktop: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mobile: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    web: Option<&'static str>,
}

#[derive(Serialize)]
struct ActivityJson<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'static str>,
    created_at: u64,
}

/// A presence object (also the PRESENCE_UPDATE payload).
#[derive(Serialize)]
pub struct PresenceJson<'a> {
    user: UserIdJson,
    #[serde(serialize_with = "snowflake::serialize")]
    guild_id: u64,
    status: &'static str,
    activities: Vec<ActivityJson<'a>>,
    client_status: ClientStatusJson,
}

impl<'a> PresenceJson<'a> {
    /// The presence of `user_id` in `guild_id`.
    pub fn new(guild_id: u64, user_id: u64, presence: &'a Presence) -> Self {
        let status = presence.status.as_str();
        let on = |bit: u8| (presence.platforms & bit != 0).then_some(status);
        // Activities carry a creation time; a fixed one keeps payloads reproducible.
        let created_at = 1_704_067_200_000;
        let mut activities = Vec::new();
        if let Some(text) = presence.custom_status.as_deref() {
            activities.push(ActivityJson {
                name: "Custom Status",
                kind: 4,
                state: Some(text),
                details: None,
                id: Some("custom"),
                created_at,
            });
        }
        for activity in presence.activities.as_deref().unwrap_or_default() {
            activities.push(ActivityJson {
                name: &activity.name,
                kind: activity.kind,
                state: activity.state.as_deref(),
                details: activity.details.as_deref(),
                id: None,
                created_at,
            });
        }
        Self {
            user: UserIdJson { id: user_id },
            guild_id,
            status,
            activities,
            client_status: ClientStatusJson {
                desktop: on(1),
                mobile: on(2),
                web: on(4),
            },
        }
    }
}

/// A role object.
pub fn role(role: &RoleRecord) -> Value {
    json!({
        "id": role.id.to_string(),
        "name": role.name,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": null, "tertiary_color": null},
        "hoist": role.hoist,
        "icon": null,
        "unicode_emoji": null,
        "position": role.position,
        "permissions": role.permissions.to_string(),
        "managed": false,
        "mentionable": role.mentionable,
        "flags": 0,
    })
}

/// A guild channel object.
pub fn channel(guild_id: u64, channel: &ChannelRecord) -> Value {
    json!({
        "id": channel.id.to_string(),
        "type": channel.kind,
        "guild_id": guild_id.to_string(),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": channel.permission_overwrites,
        "topic": channel.topic,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

/// The guild object shared by REST, GUILD_CREATE and GUILD_UPDATE.
pub fn guild(guild: &GuildRecord) -> Value {
    let system_channel = guild.channels.first().map(|c| c.id.to_string());
    json!({
        "id": guild.id.to_string(),
        "name": guild.name,
        "icon": guild.icon,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": guild.owner_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": guild.roles.iter().map(role).collect::<Vec<_>>(),
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": system_channel,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 25_000_000,
        "vanity_url_code": null,
        "description": guild.description,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
    })
}

/// The member object of `user_id` in `guild`, if both exist.
pub fn member(world: &World, guild_id: u64, user_id: u64) -> Option<Value> {
    let record = world.guilds.get(&guild_id)?.members.get(&user_id)?;
    let user = world.users.get(&user_id)?;
    serde_json::to_value(MemberJson::new(user_id, user, record)).ok()
}

/// The user object of `user_id`.
pub fn user(world: &World, user_id: u64) -> Option<Value> {
    let record = world.users.get(&user_id)?;
    serde_json::to_value(UserJson::new(user_id, record)).ok()
}

/// The bot's own user object, with the fields `CurrentUser` requires.
pub fn current_user(world: &World) -> Value {
    let mut value = user(world, world.bot.user_id).unwrap_or_else(|| json!({}));
    if let Value::Object(map) = &mut value {
        map.insert("mfa_enabled".into(), json!(false));
        map.insert("verified".into(), json!(true));
        map.insert("flags".into(), json!(0));
        map.insert("locale".into(), json!("en-US"));
        map.insert("premium_type".into(), json!(0));
        map.insert("email".into(), Value::Null);
    }
    value
}

/// A message object.
pub struct MessageJson<'a> {
    /// Message id.
    pub id: u64,
    /// Channel id.
    pub channel_id: u64,
    /// Guild id, when in a guild.
    pub guild_id: Option<u64>,
    /// Author's user object.
    pub author: Value,
    /// Author's member object (without `user`), for guild messages.
    pub member: Option<Value>,
    /// Text.
    pub content: &'a str,
    /// Embeds as given.
    pub embeds: Value,
    /// Unix seconds.
    pub sent_at: u64,
}

impl MessageJson<'_> {
    /// The message object.
    pub fn to_value(&self) -> Value {
        let mut value = json!({
            "id": self.id.to_string(),
            "type": 0,
            "channel_id": self.channel_id.to_string(),
            "author": self.author,
            "content": self.content,
            "timestamp": timestamp(self.sent_at),
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": self.embeds,
            "pinned": false,
            "flags": 0,
            "components": [],
        });
        if let Some(guild_id) = self.guild_id {
            value["guild_id"] = json!(guild_id.to_string());
        }
        if let Some(member) = &self.member {
            value["member"] = member.clone();
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_iso8601() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(timestamp(1_704_067_200), "2024-01-01T00:00:00.000000+00:00");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00.000000+00:00");
    }
}
