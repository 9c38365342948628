//! Guild-level scripting: scenarios, guild, role and channel changes, and their readers.

use serde_json::json;

use super::{ChannelChange, GuildChange, guild};
use crate::error::Error;
use crate::gateway::intents;
use crate::payload;
use crate::sim::Simulator;
use crate::state::{ChannelRecord, RoleRecord, ScenarioSpec};

impl Simulator {
    /// Adds a scenario's guilds; sessions already connected get a GUILD_CREATE for each.
    pub fn build_scenario(&self, spec: &ScenarioSpec) -> Vec<u64> {
        let mut world = self.shared.world();
        let ids = world.build_scenario(spec);
        for guild_id in &ids {
            // The body depends on each session's intents and threshold, so every session
            // renders it when it gets there.
            self.shared
                .emit("GUILD_CREATE", Some(*guild_id), 0, String::new());
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
}
