//! Seeded scenarios: guilds with roles, channels and N generated members, some of them staff.
//!
//! The same spec and seed always build the same world, so a failing test can be replayed.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::{
    ActivitySpec, ChannelRecord, GuildRecord, MemberRecord, Presence, RoleRecord, Status, World,
    now_unix,
};

/// Permission bits given to `@everyone`: view channels, send messages, read history, etc.
/// (the default Discord gives new guilds).
const EVERYONE_PERMISSIONS: u64 = 0x6_3584_C0E1;
/// ADMINISTRATOR.
const ADMINISTRATOR: u64 = 1 << 3;
/// Three years, the spread of generated join dates.
const JOIN_SPREAD_SECS: u32 = 3 * 365 * 24 * 3600;

const CUSTOM_STATUSES: [&str; 6] = [
    "in a meeting",
    "on call",
    "reviewing PRs",
    "lunch",
    "brb",
    "focus mode",
];
const GAMES: [&str; 5] = ["Factorio", "Celeste", "Hades", "Minecraft", "Outer Wilds"];

/// A whole scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSpec {
    /// Seed for every random choice.
    #[serde(default)]
    pub seed: u64,
    /// Guilds the bot is in.
    pub guilds: Vec<GuildSpec>,
}

/// One guild of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuildSpec {
    /// Guild name.
    pub name: String,
    /// Generated members besides the bot.
    pub members: u32,
    /// Staff roles, most senior first; their members are the first generated users.
    #[serde(default)]
    pub staff_roles: Vec<StaffRoleSpec>,
    /// Fraction of members not offline (split online 70 %, idle 20 %, dnd 10 %).
    #[serde(default = "default_online_fraction")]
    pub online_fraction: f64,
    /// Text channel names.
    #[serde(default = "default_channels")]
    pub channels: Vec<String>,
}

/// A staff role and how many members hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffRoleSpec {
    /// Role name.
    pub name: String,
    /// RGB colour.
    #[serde(default)]
    pub color: u32,
    /// Members holding it.
    pub members: u32,
}

fn default_online_fraction() -> f64 {
    0.3
}

fn default_channels() -> Vec<String> {
    ["general", "staff", "bot-commands"]
        .map(String::from)
        .to_vec()
}

impl GuildSpec {
    /// A guild with `members` members, no staff roles and default channels.
    pub fn new(name: impl Into<String>, members: u32) -> Self {
        Self {
            name: name.into(),
            members,
            staff_roles: Vec::new(),
            online_fraction: default_online_fraction(),
            channels: default_channels(),
        }
    }

    /// Adds a staff role held by `members` members.
    pub fn staff_role(mut self, name: impl Into<String>, color: u32, members: u32) -> Self {
        self.staff_roles.push(StaffRoleSpec {
            name: name.into(),
            color,
            members,
        });
        self
    }
}

impl ScenarioSpec {
    /// One guild with `members` members and three staff roles.
    pub fn single_guild(members: u32) -> Self {
        Self {
            seed: 1,
            guilds: vec![
                GuildSpec::new("Guildhall Test", members)
                    .staff_role("Admin", 0xE7_4C_3C, 2)
                    .staff_role("Moderator", 0x34_98_DB, 5)
                    .staff_role("Helper", 0x2E_CC_71, 8),
            ],
        }
    }

    /// The community `guildhall demo` shows: 500 members, four staff ranks.
    pub fn demo() -> Self {
        Self {
            seed: 2024,
            guilds: vec![
                GuildSpec::new("Guildhall Demo", 500)
                    .staff_role("Owner", 0xF1_C4_0F, 1)
                    .staff_role("Admin", 0xE7_4C_3C, 3)
                    .staff_role("Moderator", 0x34_98_DB, 8)
                    .staff_role("Helper", 0x2E_CC_71, 12),
            ],
        }
    }
}

impl World {
    /// Adds the scenario's guilds (and their users) to the world; returns the new guild ids.
    pub fn build_scenario(&mut self, spec: &ScenarioSpec) -> Vec<u64> {
        let mut rng = StdRng::seed_from_u64(spec.seed);
        spec.guilds
            .iter()
            .map(|guild| self.build_guild(guild, &mut rng))
            .collect()
    }

    fn build_guild(&mut self, spec: &GuildSpec, rng: &mut StdRng) -> u64 {
        let guild_id = self.ids.next_id();
        let now = now_unix();
        let mut roles = vec![RoleRecord {
            id: guild_id,
            name: "@everyone".into(),
            color: 0,
            position: 0,
            permissions: EVERYONE_PERMISSIONS,
            hoist: false,
            mentionable: false,
        }];
        let staff_count = spec.staff_roles.len() as i64;
        for (rank, staff) in spec.staff_roles.iter().enumerate() {
            roles.push(RoleRecord {
                id: self.ids.next_id(),
                name: staff.name.clone(),
                color: staff.color,
                position: staff_count - rank as i64,
                permissions: if rank == 0 {
                    ADMINISTRATOR
                } else {
                    EVERYONE_PERMISSIONS
                },
                hoist: true,
                mentionable: true,
            });
        }
        let channels = spec
            .channels
            .iter()
            .enumerate()
            .map(|(position, name)| ChannelRecord {
                id: self.ids.next_id(),
                name: name.clone(),
                kind: 0,
                position: position as i32,
                topic: None,
                permission_overwrites: Vec::new(),
            })
            .collect();

        let mut members = BTreeMap::new();
        members.insert(
            self.bot.user_id,
            MemberRecord {
                nick: None,
                roles: Box::new([]),
                joined_at: now,
                presence: Presence::from_spec(super::PresenceSpec::status(Status::Online)),
            },
        );
        // Staff are the first generated users, most senior role first.
        let mut staff_left: Vec<(u64, u32)> = spec
            .staff_roles
            .iter()
            .zip(&roles[1..])
            .map(|(s, r)| (r.id, s.members))
            .collect();
        let mut owner_id = self.bot.user_id;
        for index in 0..spec.members {
            let user_id = self.new_generated_user();
            if index == 0 {
                owner_id = user_id;
            }
            let role = staff_left
                .iter_mut()
                .find(|(_, left)| *left > 0)
                .map(|entry| {
                    entry.1 -= 1;
                    entry.0
                });
            let nick = rng
                .random_bool(0.05)
                .then(|| format!("nick{index}").into_boxed_str());
            members.insert(
                user_id,
                MemberRecord {
                    nick,
                    roles: role
                        .map(|r| Box::new([r]) as Box<[u64]>)
                        .unwrap_or_default(),
                    joined_at: now.saturating_sub(rng.random_range(0..JOIN_SPREAD_SECS)),
                    presence: random_presence(rng, spec.online_fraction),
                },
            );
        }
        self.guilds.insert(
            guild_id,
            GuildRecord {
                id: guild_id,
                name: spec.name.clone(),
                owner_id,
                description: None,
                icon: None,
                roles,
                channels,
                members,
                bot_joined_at: now,
            },
        );
        guild_id
    }
}

/// A presence drawn with the scenario's seeded generator.
pub(crate) fn random_presence(rng: &mut impl Rng, online_fraction: f64) -> Presence {
    if !rng.random_bool(online_fraction.clamp(0.0, 1.0)) {
        return Presence::default();
    }
    let roll: f64 = rng.random();
    let status = if roll < 0.7 {
        Status::Online
    } else if roll < 0.9 {
        Status::Idle
    } else {
        Status::Dnd
    };
    let custom_status = rng
        .random_bool(0.2)
        .then(|| CUSTOM_STATUSES[rng.random_range(0..CUSTOM_STATUSES.len())].into());
    let activities = rng.random_bool(0.15).then(|| {
        vec![ActivitySpec {
            name: GAMES[rng.random_range(0..GAMES.len())].to_owned(),
            kind: 0,
            state: None,
            details: None,
        }]
        .into_boxed_slice()
    });
    Presence {
        status,
        platforms: 1 << rng.random_range(0..3),
        custom_status,
        activities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_world() {
        let spec = ScenarioSpec::single_guild(200);
        let mut a = World::new("bot");
        let mut b = World::new("bot");
        let ga = a.build_scenario(&spec)[0];
        let gb = b.build_scenario(&spec)[0];
        let views = |w: &World, g: u64| -> Vec<_> {
            w.guild(g)
                .unwrap()
                .members
                .iter()
                .map(|(id, m)| w.view(*id, m))
                .collect()
        };
        assert_eq!(views(&a, ga), views(&b, gb));
    }

    #[test]
    fn staff_roles_are_assigned() {
        let mut world = World::new("bot");
        let guild_id = world.build_scenario(&ScenarioSpec::single_guild(100))[0];
        let guild = world.guild(guild_id).unwrap();
        assert_eq!(guild.member_count(), 101);
        let moderator = guild.roles.iter().find(|r| r.name == "Moderator").unwrap();
        let holders = guild
            .members
            .values()
            .filter(|m| m.roles.contains(&moderator.id))
            .count();
        assert_eq!(holders, 5);
    }
}
