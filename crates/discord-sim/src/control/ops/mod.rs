//! World changes scripted by tests and demos, each announced on the gateway the way Discord
//! announces it, plus the ground-truth readers: `guilds`, `members`, `messages`.

mod guilds;
mod members;
mod messages;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::payload::{self, GuildMemberJson, MemberJson};
use crate::state::{MemberRecord, PresenceSpec, World};

/// A member to add.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewMember {
    /// Existing user to add; a new user is created when absent.
    #[serde(default, deserialize_with = "crate::snowflake::deserialize_opt")]
    pub user_id: Option<u64>,
    /// Username of the new user (generated when absent).
    #[serde(default)]
    pub username: Option<String>,
    /// Guild nickname.
    #[serde(default)]
    pub nick: Option<String>,
    /// Role ids.
    #[serde(default, deserialize_with = "crate::snowflake::deserialize_list")]
    pub roles: Vec<u64>,
    /// Initial presence; offline when absent.
    #[serde(default)]
    pub presence: Option<PresenceSpec>,
}

/// Changes to a member; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MemberChange {
    /// New nickname; `Some(None)` (JSON `null`) clears it.
    #[serde(default, with = "double_option")]
    pub nick: Option<Option<String>>,
    /// New role list.
    #[serde(default, deserialize_with = "deserialize_opt_list")]
    pub roles: Option<Vec<u64>>,
}

/// Changes to a user's profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UserChange {
    /// New username.
    #[serde(default)]
    pub username: Option<String>,
    /// New display name.
    #[serde(default, with = "double_option")]
    pub global_name: Option<Option<String>>,
    /// New avatar hash.
    #[serde(default, with = "double_option")]
    pub avatar: Option<Option<String>>,
}

/// Changes to a guild.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GuildChange {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default, with = "double_option")]
    pub description: Option<Option<String>>,
    /// New icon hash.
    #[serde(default, with = "double_option")]
    pub icon: Option<Option<String>>,
}

/// Changes to a channel.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChannelChange {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New topic.
    #[serde(default, with = "double_option")]
    pub topic: Option<Option<String>>,
}

/// A slash command invocation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommandInvocation {
    /// Guild it happens in.
    #[serde(with = "crate::snowflake")]
    pub guild_id: u64,
    /// Channel it happens in; the guild's first channel when absent.
    #[serde(default, deserialize_with = "crate::snowflake::deserialize_opt")]
    pub channel_id: Option<u64>,
    /// The invoking member.
    #[serde(with = "crate::snowflake")]
    pub user_id: u64,
    /// Command name.
    pub name: String,
    /// Options as Discord sends them: `[{"name", "type", "value"}]`.
    #[serde(default)]
    pub options: Vec<Value>,
}

/// An interaction the simulator created, so a test can await its response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InteractionRef {
    /// Interaction id.
    #[serde(with = "crate::snowflake")]
    pub id: u64,
    /// Interaction token for callbacks and follow-ups.
    pub token: String,
}

mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

fn deserialize_opt_list<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<u64>>, D::Error> {
    crate::snowflake::deserialize_list(d).map(Some)
}

pub(super) fn guild(world: &World, guild_id: u64) -> Result<&crate::state::GuildRecord, Error> {
    world
        .guilds
        .get(&guild_id)
        .ok_or(Error::UnknownGuild(guild_id))
}

pub(super) fn member_mut(
    world: &mut World,
    guild_id: u64,
    user_id: u64,
) -> Result<&mut MemberRecord, Error> {
    world
        .guilds
        .get_mut(&guild_id)
        .ok_or(Error::UnknownGuild(guild_id))?
        .members
        .get_mut(&user_id)
        .ok_or(Error::UnknownMember { guild_id, user_id })
}

pub(super) fn check_roles(world: &World, guild_id: u64, roles: &[u64]) -> Result<(), Error> {
    let guild = guild(world, guild_id)?;
    match roles
        .iter()
        .find(|r| !guild.roles.iter().any(|g| g.id == **r))
    {
        Some(unknown) => Err(Error::UnknownRole(*unknown)),
        None => Ok(()),
    }
}

/// GUILD_MEMBER_ADD / UPDATE body: the member plus `guild_id`.
pub(crate) fn member_event(world: &World, guild_id: u64, user_id: u64) -> String {
    let member = world
        .guilds
        .get(&guild_id)
        .and_then(|g| g.members.get(&user_id));
    match (member, world.users.get(&user_id)) {
        (Some(member), Some(user)) => serde_json::to_string(&GuildMemberJson::new(
            guild_id,
            MemberJson::new(user_id, user, member),
        ))
        .unwrap_or_default(),
        _ => String::from("{}"),
    }
}

pub(super) fn member_json_without_user(
    world: &World,
    guild_id: u64,
    user_id: u64,
) -> Result<Value, Error> {
    let mut member = payload::member(world, guild_id, user_id)
        .ok_or(Error::UnknownMember { guild_id, user_id })?;
    if let Value::Object(map) = &mut member {
        map.remove("user");
    }
    Ok(member)
}
