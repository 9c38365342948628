//! Messages and slash commands from members, and what the bot did in reply.

use serde_json::{Value, json};

use super::{CommandInvocation, InteractionRef, guild, member_json_without_user};
use crate::error::Error;
use crate::gateway::intents;
use crate::payload::{self, MessageJson};
use crate::sim::Simulator;
use crate::state::{BotAction, now_unix};

impl Simulator {
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
        self.shared.rest.remember_interaction(
            &token,
            crate::rest::InteractionTarget {
                id: interaction_id,
                guild_id,
                channel_id,
            },
        );
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

    /// Returns what the bot did so far and forgets it, so a test can look at one step at a
    /// time.
    pub fn take_bot_actions(&self) -> Vec<BotAction> {
        std::mem::take(&mut self.shared.world().journal)
    }

    /// Application commands the bot registered (`None` = global).
    pub fn registered_commands(&self, guild_id: Option<u64>) -> Option<Value> {
        self.shared.world().commands.get(&guild_id).cloned()
    }
}
