//! The simulated world: users, guilds, members, presences, and what the bot did to them.
//!
//! [`World`] is plain data behind one lock in [`crate::Simulator`]; it knows nothing of
//! sockets. Operations that Discord would announce return enough for the caller to build the
//! gateway dispatch.

mod records;
mod scenario;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

pub(crate) use records::permission_string_opt;
pub use records::{
    ActivitySpec, ChannelRecord, GuildRecord, MemberRecord, Overwrite, Platform, Presence,
    PresenceSpec, RoleRecord, Status, UserName, UserRecord,
};
pub(crate) use scenario::random_presence as scenario_presence;
pub use scenario::{GuildSpec, ScenarioSpec, StaffRoleSpec};

use crate::snowflake::SnowflakeGenerator;

/// A member as the ground-truth view reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberView {
    /// The member's user id.
    #[serde(with = "crate::snowflake")]
    pub user_id: u64,
    /// Username.
    pub username: String,
    /// Display name, if set.
    pub global_name: Option<String>,
    /// Whether the user is a bot.
    pub bot: bool,
    /// Guild nickname.
    pub nick: Option<String>,
    /// Role ids, as strings on the wire.
    #[serde(serialize_with = "serialize_ids")]
    pub roles: Vec<u64>,
    /// Unix seconds.
    pub joined_at: u32,
    /// Current presence.
    pub presence: PresenceSpec,
}

pub(crate) fn serialize_ids<S: serde::Serializer>(ids: &[u64], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(ids.iter().map(|id| id.to_string()))
}

/// Something the bot did through REST, kept so tests can assert on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BotAction {
    /// `POST /channels/{id}/messages`.
    MessageCreated {
        /// Where.
        #[serde(with = "crate::snowflake")]
        channel_id: u64,
        /// The new message id.
        #[serde(with = "crate::snowflake")]
        message_id: u64,
        /// Text.
        content: String,
        /// The request body as sent.
        body: serde_json::Value,
    },
    /// `PUT /guilds/{g}/members/{u}/roles/{r}`.
    RoleAdded {
        /// Guild.
        #[serde(with = "crate::snowflake")]
        guild_id: u64,
        /// Member.
        #[serde(with = "crate::snowflake")]
        user_id: u64,
        /// Role.
        #[serde(with = "crate::snowflake")]
        role_id: u64,
    },
    /// `DELETE /guilds/{g}/members/{u}/roles/{r}`.
    RoleRemoved {
        /// Guild.
        #[serde(with = "crate::snowflake")]
        guild_id: u64,
        /// Member.
        #[serde(with = "crate::snowflake")]
        user_id: u64,
        /// Role.
        #[serde(with = "crate::snowflake")]
        role_id: u64,
    },
    /// `PUT` or `DELETE /channels/{c}/permissions/{id}`.
    OverwriteChanged {
        /// Channel.
        #[serde(with = "crate::snowflake")]
        channel_id: u64,
        /// Role or user the overwrite is for.
        #[serde(with = "crate::snowflake")]
        target_id: u64,
        /// The new overwrite, or `None` when it was deleted.
        overwrite: Option<Overwrite>,
    },
    /// `POST /interactions/{id}/{token}/callback`.
    InteractionResponded {
        /// The interaction.
        #[serde(with = "crate::snowflake")]
        interaction_id: u64,
        /// The callback body as sent.
        body: serde_json::Value,
    },
    /// `POST /webhooks/{app}/{token}` or a `PATCH` of the original response.
    FollowupSent {
        /// Token of the interaction the follow-up belongs to.
        interaction_token: String,
        /// The message body as sent.
        body: serde_json::Value,
    },
    /// `PUT /applications/{app}/commands` or `.../guilds/{g}/commands`.
    CommandsOverwritten {
        /// `None` for global commands.
        guild_id: Option<String>,
        /// The commands as sent.
        commands: serde_json::Value,
    },
}

/// Identity of the simulated bot and its application.
#[derive(Debug, Clone)]
pub struct BotIdentity {
    /// The bot user's id.
    pub user_id: u64,
    /// The bot's username.
    pub username: String,
    /// The application id (Discord gives bots the same id as their application).
    pub application_id: u64,
}

/// All simulated state.
#[derive(Debug)]
pub struct World {
    pub(crate) users: HashMap<u64, UserRecord>,
    pub(crate) guilds: BTreeMap<u64, GuildRecord>,
    pub(crate) ids: SnowflakeGenerator,
    pub(crate) bot: BotIdentity,
    /// Counter behind [`UserName::Generated`], so generated names never repeat.
    pub(crate) next_generated_name: u32,
    pub(crate) journal: Vec<BotAction>,
    /// Application commands registered by the bot, keyed by guild (`None` = global).
    pub(crate) commands: HashMap<Option<u64>, serde_json::Value>,
}

impl World {
    /// An empty world holding only the bot user.
    pub fn new(bot_username: &str) -> Self {
        let mut ids = SnowflakeGenerator::new();
        let bot_id = ids.next_id();
        let mut users = HashMap::new();
        users.insert(
            bot_id,
            UserRecord {
                name: UserName::Custom(bot_username.into()),
                global_name: None,
                avatar: None,
                bot: true,
            },
        );
        Self {
            users,
            guilds: BTreeMap::new(),
            ids,
            bot: BotIdentity {
                user_id: bot_id,
                username: bot_username.to_owned(),
                application_id: bot_id,
            },
            next_generated_name: 0,
            journal: Vec::new(),
            commands: HashMap::new(),
        }
    }

    /// The bot's identity.
    pub fn bot(&self) -> &BotIdentity {
        &self.bot
    }

    /// A guild by id.
    pub fn guild(&self, guild_id: u64) -> Option<&GuildRecord> {
        self.guilds.get(&guild_id)
    }

    /// A user by id.
    pub fn user(&self, user_id: u64) -> Option<&UserRecord> {
        self.users.get(&user_id)
    }

    /// Creates a user with a generated name and returns its id.
    pub(crate) fn new_generated_user(&mut self) -> u64 {
        let id = self.ids.next_id();
        let name = UserName::Generated(self.next_generated_name);
        self.next_generated_name += 1;
        self.users.insert(
            id,
            UserRecord {
                name,
                global_name: None,
                avatar: None,
                bot: false,
            },
        );
        id
    }

    /// The ground-truth view of one member.
    pub fn member_view(&self, guild_id: u64, user_id: u64) -> Option<MemberView> {
        let member = self.guilds.get(&guild_id)?.members.get(&user_id)?;
        Some(self.view(user_id, member))
    }

    pub(crate) fn view(&self, user_id: u64, member: &MemberRecord) -> MemberView {
        let user = self.users.get(&user_id);
        MemberView {
            user_id,
            username: user.map(|u| u.name.spell()).unwrap_or_default(),
            global_name: user.and_then(|u| u.global_name.as_deref().map(str::to_owned)),
            bot: user.is_some_and(|u| u.bot),
            nick: member.nick.as_deref().map(str::to_owned),
            roles: member.roles.to_vec(),
            joined_at: member.joined_at,
            presence: member.presence.to_spec(),
        }
    }

    /// Ids of the guilds `user_id` belongs to; used to fan a user change out to every guild.
    pub(crate) fn guilds_of(&self, user_id: u64) -> Vec<u64> {
        self.guilds
            .values()
            .filter(|g| g.members.contains_key(&user_id))
            .map(|g| g.id)
            .collect()
    }

    /// The guild a channel belongs to.
    pub(crate) fn guild_of_channel(&self, channel_id: u64) -> Option<u64> {
        self.guilds
            .values()
            .find(|g| g.channels.iter().any(|c| c.id == channel_id))
            .map(|g| g.id)
    }
}

/// Current Unix time in seconds, saturating into `u32`.
pub(crate) fn now_unix() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    u32::try_from(secs).unwrap_or(u32::MAX)
}
