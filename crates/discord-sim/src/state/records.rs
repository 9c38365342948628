//! Compact records for users, members, presences, roles, channels and guilds.
//!
//! A million members must fit comfortably in memory, so the per-member records avoid owned
//! strings where they can: generated usernames are stored as a number and spelled out when
//! serialized, and empty role lists and activity lists cost no allocation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Syllables used to spell generated usernames: `{adjective}{noun}{number}`.
const ADJECTIVES: [&str; 16] = [
    "amber", "brisk", "calm", "dusty", "eager", "fuzzy", "gentle", "hasty", "icy", "jolly", "keen",
    "lucky", "mellow", "nimble", "odd", "proud",
];
const NOUNS: [&str; 16] = [
    "otter", "falcon", "badger", "heron", "lynx", "moth", "newt", "panda", "quail", "raven",
    "seal", "tapir", "urchin", "viper", "walrus", "yak",
];

/// A username: either generated from a number (no allocation) or set explicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserName {
    /// Spelled by [`UserName::spell`] from the number.
    Generated(u32),
    /// Given by a scenario or the control API.
    Custom(Box<str>),
}

impl UserName {
    /// The username as Discord would show it.
    pub fn spell(&self) -> String {
        match self {
            UserName::Custom(name) => name.to_string(),
            UserName::Generated(n) => {
                let n = *n as usize;
                let adjective = ADJECTIVES[n % ADJECTIVES.len()];
                let noun = NOUNS[(n / ADJECTIVES.len()) % NOUNS.len()];
                format!("{adjective}{noun}{}", n / (ADJECTIVES.len() * NOUNS.len()))
            }
        }
    }
}

/// A Discord user known to the simulator.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub(crate) name: UserName,
    pub(crate) global_name: Option<Box<str>>,
    pub(crate) avatar: Option<Box<str>>,
    pub(crate) bot: bool,
}

/// Online status as Discord spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Green.
    Online,
    /// Yellow.
    Idle,
    /// Red, do not disturb.
    Dnd,
    /// Grey; also what an invisible user looks like to others.
    #[default]
    Offline,
}

impl Status {
    /// The lowercase name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Online => "online",
            Status::Idle => "idle",
            Status::Dnd => "dnd",
            Status::Offline => "offline",
        }
    }
}

/// A client platform a user is connected from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// The desktop app.
    Desktop,
    /// A phone.
    Mobile,
    /// A browser.
    Web,
}

impl Platform {
    pub(crate) fn bit(self) -> u8 {
        match self {
            Platform::Desktop => 1,
            Platform::Mobile => 2,
            Platform::Web => 4,
        }
    }
}

/// One activity ("Playing X", "Listening to Y"); custom statuses are set separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySpec {
    /// Activity name, for example a game.
    pub name: String,
    /// Discord's activity type: 0 playing, 1 streaming, 2 listening, 3 watching, 5 competing.
    #[serde(default, rename = "type")]
    pub kind: u8,
    /// Second line, for example a party status.
    #[serde(default)]
    pub state: Option<String>,
    /// What the user is doing.
    #[serde(default)]
    pub details: Option<String>,
}

/// A presence as the control API sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceSpec {
    /// Overall status.
    pub status: Status,
    /// Text of the custom status, if any.
    #[serde(default)]
    pub custom_status: Option<String>,
    /// Other activities.
    #[serde(default)]
    pub activities: Vec<ActivitySpec>,
    /// Platforms the user is connected from; ignored when offline. Defaults to desktop.
    #[serde(default = "default_platforms")]
    pub platforms: Vec<Platform>,
}

fn default_platforms() -> Vec<Platform> {
    vec![Platform::Desktop]
}

impl PresenceSpec {
    /// A bare status on the desktop client.
    pub fn status(status: Status) -> Self {
        Self {
            status,
            custom_status: None,
            activities: Vec::new(),
            platforms: default_platforms(),
        }
    }
}

/// Stored presence of one member.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presence {
    pub(crate) status: Status,
    /// Bit set of [`Platform::bit`].
    pub(crate) platforms: u8,
    pub(crate) custom_status: Option<Box<str>>,
    pub(crate) activities: Option<Box<[ActivitySpec]>>,
}

impl Presence {
    pub(crate) fn from_spec(spec: PresenceSpec) -> Self {
        let platforms = if spec.status == Status::Offline {
            0
        } else {
            spec.platforms.iter().fold(0, |bits, p| bits | p.bit())
        };
        Self {
            status: spec.status,
            platforms,
            custom_status: spec.custom_status.map(String::into_boxed_str),
            activities: (!spec.activities.is_empty()).then(|| spec.activities.into()),
        }
    }

    /// The presence in the control API's shape.
    pub fn to_spec(&self) -> PresenceSpec {
        let platforms = [Platform::Desktop, Platform::Mobile, Platform::Web]
            .into_iter()
            .filter(|p| self.platforms & p.bit() != 0)
            .collect();
        PresenceSpec {
            status: self.status,
            custom_status: self.custom_status.as_deref().map(str::to_owned),
            activities: self.activities.as_deref().unwrap_or_default().to_vec(),
            platforms,
        }
    }
}

/// A guild member.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    pub(crate) nick: Option<Box<str>>,
    pub(crate) roles: Box<[u64]>,
    /// Unix seconds; a `u32` lasts until 2106 and saves four bytes per member.
    pub(crate) joined_at: u32,
    pub(crate) presence: Presence,
}

/// A guild role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRecord {
    /// Role id; the `@everyone` role has the guild's id.
    #[serde(with = "crate::snowflake")]
    pub id: u64,
    /// Display name.
    pub name: String,
    /// RGB colour, 0 for none.
    #[serde(default)]
    pub color: u32,
    /// Position in the role list; higher is more senior.
    #[serde(default)]
    pub position: i64,
    /// Permission bit set.
    #[serde(default)]
    pub permissions: u64,
    /// Shown separately in the member list.
    #[serde(default)]
    pub hoist: bool,
    /// Can be mentioned by anyone.
    #[serde(default)]
    pub mentionable: bool,
}

/// A permission overwrite on a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overwrite {
    /// Role or user id.
    #[serde(with = "crate::snowflake")]
    pub id: u64,
    /// 0 for a role, 1 for a member.
    #[serde(rename = "type")]
    pub kind: u8,
    /// Allowed permission bits.
    #[serde(with = "permission_string")]
    pub allow: u64,
    /// Denied permission bits.
    #[serde(with = "permission_string")]
    pub deny: u64,
}

/// Discord sends permission bit sets as decimal strings; clients may send numbers.
pub(crate) mod permission_string {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bits: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(bits)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        crate::snowflake::deserialize(deserializer)
    }
}

/// Optional permission bit sets, as strings or numbers.
pub(crate) mod permission_string_opt {
    use serde::Deserializer;

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<u64>, D::Error> {
        crate::snowflake::deserialize_opt(deserializer)
    }
}

/// A guild channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRecord {
    /// Channel id.
    #[serde(with = "crate::snowflake")]
    pub id: u64,
    /// Channel name.
    pub name: String,
    /// Discord channel type: 0 text, 2 voice, 4 category.
    #[serde(default, rename = "type")]
    pub kind: u8,
    /// Sorting position.
    #[serde(default)]
    pub position: i32,
    /// Channel topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Permission overwrites.
    #[serde(default)]
    pub permission_overwrites: Vec<Overwrite>,
}

/// A guild with everything in it.
#[derive(Debug, Clone)]
pub struct GuildRecord {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) owner_id: u64,
    pub(crate) description: Option<String>,
    pub(crate) icon: Option<String>,
    pub(crate) roles: Vec<RoleRecord>,
    pub(crate) channels: Vec<ChannelRecord>,
    /// Ordered by user id, which is also the order of the REST member list and of chunks.
    pub(crate) members: BTreeMap<u64, MemberRecord>,
    /// When the bot joined, Unix seconds.
    pub(crate) bot_joined_at: u32,
}

impl GuildRecord {
    /// The guild's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The guild's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The guild's roles, `@everyone` first.
    pub fn roles(&self) -> &[RoleRecord] {
        &self.roles
    }

    /// The guild's channels.
    pub fn channels(&self) -> &[ChannelRecord] {
        &self.channels
    }

    /// Number of members, the bot included.
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    pub(crate) fn channel_mut(&mut self, channel_id: u64) -> Option<&mut ChannelRecord> {
        self.channels.iter_mut().find(|c| c.id == channel_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_are_unique() {
        let names: std::collections::HashSet<String> = (0..10_000)
            .map(|n| UserName::Generated(n).spell())
            .collect();
        assert_eq!(names.len(), 10_000);
    }

    #[test]
    fn member_record_stays_small() {
        // Guards the million-member budget: growing this struct multiplies by 10^6.
        assert!(std::mem::size_of::<MemberRecord>() <= 80);
        assert!(std::mem::size_of::<UserRecord>() <= 64);
    }
}
