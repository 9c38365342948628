//! World changes scripted by tests and demos, each announced on the gateway the way Discord
//! announces it, plus the ground-truth readers.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::Error;
use crate::gateway::intents;
use crate::payload::{self, GuildMemberJson, MemberJson, MessageJson, PresenceJson};
use crate::sim::Simulator;
use crate::state::{
    BotAction, ChannelRecord, MemberRecord, MemberView, Presence, PresenceSpec, RoleRecord,
    ScenarioSpec, UserName, UserRecord, World, now_unix,
};

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

impl Simulator {
    /// Adds a scenario's guilds; sessions already connected get a GUILD_CREATE for each.
    pub fn build_scenario(&self, spec: &ScenarioSpec) -> Vec<u64> {
        let mut world = self.shared.world();
        let ids = world.build_scenario(spec);
        for guild_id in &ids {
            if let Some(guild) = world.guilds.get(guild_id) {
                // Rendered for a session with every intent and the smallest threshold.
                let data = crate::gateway::guild_create_for(&world, guild).to_string();
                self.shared.emit("GUILD_CREATE", Some(*guild_id), 0, data);
            }
        }
        ids
    }

    /// Ids of all guilds.
    pub fn guild_ids(&self) -> Vec<u64> {
        self.shared.world().guilds.keys().copied().collect()
    }

    /// The guild's roles.
    pub fn roles(&self, guild_id: u64) -> Result<Vec<RoleRecord>, Error> {
        let world = self.shared.world();
        Ok(guild(&world, guild_id)?.roles.clone())
    }

    /// The guild's channels, with their current permission overwrites.
    pub fn channels(&self, guild_id: u64) -> Result<Vec<ChannelRecord>, Error> {
        let world = self.shared.world();
        Ok(guild(&world, guild_id)?.channels.clone())
    }

    /// Number of members in the guild, the bot included.
    pub fn member_count(&self, guild_id: u64) -> Result<usize, Error> {
        Ok(guild(&self.shared.world(), guild_id)?.members.len())
    }

    /// Ground truth of one member.
    pub fn member(&self, guild_id: u64, user_id: u64) -> Result<MemberView, Error> {
        self.shared
            .world()
            .member_view(guild_id, user_id)
            .ok_or(Error::UnknownMember { guild_id, user_id })
    }

    /// Ground truth of up to `limit` members with ids above `after`, in id order.
    pub fn members(
        &self,
        guild_id: u64,
        after: u64,
        limit: usize,
    ) -> Result<Vec<MemberView>, Error> {
        let world = self.shared.world();
        let guild = guild(&world, guild_id)?;
        Ok(guild
            .members
            .range(after.saturating_add(1)..)
            .take(limit)
            .map(|(id, member)| world.view(*id, member))
            .collect())
    }

    /// Sets a member's presence and sends PRESENCE_UPDATE (GUILD_PRESENCES).
    pub fn set_presence(
        &self,
        guild_id: u64,
        user_id: u64,
        spec: PresenceSpec,
    ) -> Result<(), Error> {
        let mut world = self.shared.world();
        let member = member_mut(&mut world, guild_id, user_id)?;
        member.presence = Presence::from_spec(spec);
        let data = serde_json::to_string(&PresenceJson::new(guild_id, user_id, &member.presence))
            .unwrap_or_default();
        self.shared.emit(
            "PRESENCE_UPDATE",
            Some(guild_id),
            intents::GUILD_PRESENCES,
            data,
        );
        Ok(())
    }

    /// Adds a member and sends GUILD_MEMBER_ADD (GUILD_MEMBERS); returns the user id.
    pub fn add_member(&self, guild_id: u64, new: NewMember) -> Result<u64, Error> {
        let mut world = self.shared.world();
        guild(&world, guild_id)?;
        check_roles(&world, guild_id, &new.roles)?;
        let user_id = match new.user_id {
            Some(id) if world.users.contains_key(&id) => id,
            Some(id) => return Err(Error::UnknownUser(id)),
            None => {
                let id = world.new_generated_user();
                if let (Some(name), Some(user)) = (new.username, world.users.get_mut(&id)) {
                    user.name = UserName::Custom(name.into());
                }
                id
            }
        };
        let member = MemberRecord {
            nick: new.nick.map(String::into_boxed_str),
            roles: new.roles.into(),
            joined_at: now_unix(),
            presence: new.presence.map(Presence::from_spec).unwrap_or_default(),
        };
        if let Some(guild) = world.guilds.get_mut(&guild_id) {
            guild.members.insert(user_id, member);
        }
        let data = member_event(&world, guild_id, user_id);
        self.shared.emit(
            "GUILD_MEMBER_ADD",
            Some(guild_id),
            intents::GUILD_MEMBERS,
            data,
        );
        Ok(user_id)
    }

    /// Changes a member and sends GUILD_MEMBER_UPDATE (GUILD_MEMBERS).
    pub fn update_member(
        &self,
        guild_id: u64,
        user_id: u64,
        change: MemberChange,
    ) -> Result<(), Error> {
        let mut world = self.shared.world();
        if let Some(roles) = &change.roles {
            check_roles(&world, guild_id, roles)?;
        }
        let member = member_mut(&mut world, guild_id, user_id)?;
        if let Some(nick) = change.nick {
            member.nick = nick.map(String::into_boxed_str);
        }
        if let Some(roles) = change.roles {
            member.roles = roles.into();
        }
        self.emit_member_update(&world, guild_id, user_id);
        Ok(())
    }

    pub(crate) fn emit_member_update(&self, world: &World, guild_id: u64, user_id: u64) {
        let data = member_event(world, guild_id, user_id);
        self.shared.emit(
            "GUILD_MEMBER_UPDATE",
            Some(guild_id),
            intents::GUILD_MEMBERS,
            data,
        );
    }

    /// Removes a member and sends GUILD_MEMBER_REMOVE (GUILD_MEMBERS).
    pub fn remove_member(&self, guild_id: u64, user_id: u64) -> Result<(), Error> {
        let mut world = self.shared.world();
        let removed = world
            .guilds
            .get_mut(&guild_id)
            .ok_or(Error::UnknownGuild(guild_id))?
            .members
            .remove(&user_id);
        if removed.is_none() {
            return Err(Error::UnknownMember { guild_id, user_id });
        }
        let data =
            json!({"guild_id": guild_id.to_string(), "user": payload::user(&world, user_id)});
        self.shared.emit(
            "GUILD_MEMBER_REMOVE",
            Some(guild_id),
            intents::GUILD_MEMBERS,
            data.to_string(),
        );
        Ok(())
    }

    /// Changes a user's profile: GUILD_MEMBER_UPDATE in each of their guilds, and
    /// USER_UPDATE when the user is the bot.
    pub fn update_user(&self, user_id: u64, change: UserChange) -> Result<(), Error> {
        let mut world = self.shared.world();
        let user: &mut UserRecord = world
            .users
            .get_mut(&user_id)
            .ok_or(Error::UnknownUser(user_id))?;
        if let Some(name) = change.username {
            user.name = UserName::Custom(name.into());
        }
        if let Some(global_name) = change.global_name {
            user.global_name = global_name.map(String::into_boxed_str);
        }
        if let Some(avatar) = change.avatar {
            user.avatar = avatar.map(String::into_boxed_str);
        }
        if user_id == world.bot.user_id {
            let data = payload::current_user(&world).to_string();
            self.shared.emit("USER_UPDATE", None, 0, data);
        }
        for guild_id in world.guilds_of(user_id) {
            self.emit_member_update(&world, guild_id, user_id);
        }
        Ok(())
    }

    /// Changes a guild and sends GUILD_UPDATE (GUILDS).
    pub fn update_guild(&self, guild_id: u64, change: GuildChange) -> Result<(), Error> {
        let mut world = self.shared.world();
        let guild = world
            .guilds
            .get_mut(&guild_id)
            .ok_or(Error::UnknownGuild(guild_id))?;
        if let Some(name) = change.name {
            guild.name = name;
        }
        if let Some(description) = change.description {
            guild.description = description;
        }
        if let Some(icon) = change.icon {
            guild.icon = icon;
        }
        let data = payload::guild(guild).to_string();
        self.shared
            .emit("GUILD_UPDATE", Some(guild_id), intents::GUILDS, data);
        Ok(())
    }

    /// Removes the bot from a guild and sends GUILD_DELETE (GUILDS).
    pub fn remove_guild(&self, guild_id: u64) -> Result<(), Error> {
        let mut world = self.shared.world();
        world
            .guilds
            .remove(&guild_id)
            .ok_or(Error::UnknownGuild(guild_id))?;
        let data = json!({"id": guild_id.to_string()}).to_string();
        self.shared
            .emit("GUILD_DELETE", Some(guild_id), intents::GUILDS, data);
        Ok(())
    }

    /// Creates or replaces a role (GUILD_ROLE_CREATE / GUILD_ROLE_UPDATE, GUILDS); a role
    /// id of 0 gets a fresh id. Returns the role id.
    pub fn upsert_role(&self, guild_id: u64, mut role: RoleRecord) -> Result<u64, Error> {
        let mut world = self.shared.world();
        if role.id == 0 {
            role.id = world.ids.next_id();
        }
        let guild = world
            .guilds
            .get_mut(&guild_id)
            .ok_or(Error::UnknownGuild(guild_id))?;
        let name = match guild.roles.iter_mut().find(|r| r.id == role.id) {
            Some(existing) => {
                *existing = role.clone();
                "GUILD_ROLE_UPDATE"
            }
            None => {
                guild.roles.push(role.clone());
                "GUILD_ROLE_CREATE"
            }
        };
        let data = json!({"guild_id": guild_id.to_string(), "role": payload::role(&role)});
        self.shared
            .emit(name, Some(guild_id), intents::GUILDS, data.to_string());
        Ok(role.id)
    }

    /// Deletes a role, takes it from every member, and sends GUILD_ROLE_DELETE (GUILDS).
    pub fn delete_role(&self, guild_id: u64, role_id: u64) -> Result<(), Error> {
        let mut world = self.shared.world();
        let guild = world
            .guilds
            .get_mut(&guild_id)
            .ok_or(Error::UnknownGuild(guild_id))?;
        let before = guild.roles.len();
        guild.roles.retain(|r| r.id != role_id);
        if guild.roles.len() == before {
            return Err(Error::UnknownRole(role_id));
        }
        for member in guild.members.values_mut() {
            if member.roles.contains(&role_id) {
                member.roles = member
                    .roles
                    .iter()
                    .copied()
                    .filter(|r| *r != role_id)
                    .collect();
            }
        }
        let data = json!({"guild_id": guild_id.to_string(), "role_id": role_id.to_string()});
        self.shared.emit(
            "GUILD_ROLE_DELETE",
            Some(guild_id),
            intents::GUILDS,
            data.to_string(),
        );
        Ok(())
    }

    /// Changes a channel and sends CHANNEL_UPDATE (GUILDS).
    pub fn update_channel(&self, channel_id: u64, change: ChannelChange) -> Result<(), Error> {
        let mut world = self.shared.world();
        let guild_id = world
            .guild_of_channel(channel_id)
            .ok_or(Error::UnknownChannel(channel_id))?;
        let guild = world
            .guilds
            .get_mut(&guild_id)
            .ok_or(Error::UnknownGuild(guild_id))?;
        let channel = guild
            .channel_mut(channel_id)
            .ok_or(Error::UnknownChannel(channel_id))?;
        if let Some(name) = change.name {
            channel.name = name;
        }
        if let Some(topic) = change.topic {
            channel.topic = topic;
        }
        let data = payload::channel(guild_id, channel).to_string();
        self.shared
            .emit("CHANNEL_UPDATE", Some(guild_id), intents::GUILDS, data);
        Ok(())
    }

    /// Posts a message as a member and sends MESSAGE_CREATE (GUILD_MESSAGES; the content
    /// only to sessions with MESSAGE_CONTENT, unless it mentions the bot). Returns its id.
    pub fn post_message(
        &self,
        channel_id: u64,
        author_id: u64,
        content: &str,
    ) -> Result<u64, Error> {
        let mut world = self.shared.world();
        let guild_id = world
            .guild_of_channel(channel_id)
            .ok_or(Error::UnknownChannel(channel_id))?;
        let message_id = world.ids.next_id();
        let member = member_json_without_user(&world, guild_id, author_id)?;
        let author = payload::user(&world, author_id).ok_or(Error::UnknownUser(author_id))?;
        let message = MessageJson {
            id: message_id,
            channel_id,
            guild_id: Some(guild_id),
            author,
            member: Some(member),
            content,
            embeds: json!([]),
            sent_at: u64::from(now_unix()),
        };
        let data = message.to_value().to_string();
        let mentions_bot = content.contains(&format!("<@{}>", world.bot.user_id));
        let redacted = MessageJson {
            content: "",
            ..message
        };
        self.shared.bus.publish(crate::events::Dispatch {
            name: "MESSAGE_CREATE",
            guild_id: Some(guild_id),
            intents: intents::GUILD_MESSAGES,
            data,
            data_without_content: (!mentions_bot).then(|| redacted.to_value().to_string()),
        });
        Ok(message_id)
    }

    /// Invokes a slash command as a member and sends INTERACTION_CREATE.
    pub fn invoke_command(&self, invocation: CommandInvocation) -> Result<InteractionRef, Error> {
        let mut world = self.shared.world();
        let guild_id = invocation.guild_id;
        let channel_id = match invocation.channel_id {
            Some(id) => id,
            None => guild(&world, guild_id)?
                .channels
                .first()
                .map(|c| c.id)
                .ok_or(Error::Invalid("the guild has no channel".into()))?,
        };
        let mut member = member_json_without_user(&world, guild_id, invocation.user_id)?;
        member["user"] = payload::user(&world, invocation.user_id).unwrap_or_default();
        member["permissions"] = json!("2248473465835073");
        let interaction_id = world.ids.next_id();
        let command_id = world.ids.next_id();
        let token = format!("aW50ZXJhY3Rpb246{interaction_id:x}");
        let application_id = world.bot.application_id.to_string();
        let data = json!({
            "id": interaction_id.to_string(),
            "application_id": application_id,
            "type": 2,
            "data": {
                "id": command_id.to_string(),
                "name": invocation.name,
                "type": 1,
                "options": invocation.options,
                "guild_id": guild_id.to_string(),
            },
            "guild_id": guild_id.to_string(),
            "guild": {"id": guild_id.to_string(), "locale": "en-US", "features": []},
            "channel_id": channel_id.to_string(),
            "channel": payload::channel(guild_id, guild(&world, guild_id)?.channels.iter().find(|c| c.id == channel_id).ok_or(Error::UnknownChannel(channel_id))?),
            "member": member,
            "token": token,
            "version": 1,
            "app_permissions": "2248473465835073",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id.to_string()},
            "context": 0,
            "attachment_size_limit": 10_485_760,
        });
        self.shared
            .rest
            .remember_interaction(interaction_id, &token);
        drop(world);
        self.shared
            .emit("INTERACTION_CREATE", Some(guild_id), 0, data.to_string());
        Ok(InteractionRef {
            id: interaction_id,
            token,
        })
    }

    /// Everything the bot did through REST, oldest first.
    pub fn bot_actions(&self) -> Vec<BotAction> {
        self.shared.world().journal.clone()
    }

    /// Application commands the bot registered (`None` = global).
    pub fn registered_commands(&self, guild_id: Option<u64>) -> Option<Value> {
        self.shared.world().commands.get(&guild_id).cloned()
    }
}

fn guild(world: &World, guild_id: u64) -> Result<&crate::state::GuildRecord, Error> {
    world
        .guilds
        .get(&guild_id)
        .ok_or(Error::UnknownGuild(guild_id))
}

fn member_mut(world: &mut World, guild_id: u64, user_id: u64) -> Result<&mut MemberRecord, Error> {
    world
        .guilds
        .get_mut(&guild_id)
        .ok_or(Error::UnknownGuild(guild_id))?
        .members
        .get_mut(&user_id)
        .ok_or(Error::UnknownMember { guild_id, user_id })
}

fn check_roles(world: &World, guild_id: u64, roles: &[u64]) -> Result<(), Error> {
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

fn member_json_without_user(world: &World, guild_id: u64, user_id: u64) -> Result<Value, Error> {
    let mut member = payload::member(world, guild_id, user_id)
        .ok_or(Error::UnknownMember { guild_id, user_id })?;
    if let Value::Object(map) = &mut member {
        map.remove("user");
    }
    Ok(member)
}
