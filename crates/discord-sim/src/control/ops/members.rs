//! Member scripting: joins, changes, leaves, presences, profile changes, and the
//! ground-truth readers.

use serde_json::json;

use super::{MemberChange, NewMember, UserChange, check_roles, guild, member_event, member_mut};
use crate::error::Error;
use crate::gateway::intents;
use crate::payload::{self, PresenceJson};
use crate::sim::Simulator;
use crate::state::{
    MemberRecord, MemberView, Presence, PresenceSpec, UserName, UserRecord, World, now_unix,
};

impl Simulator {
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
}
