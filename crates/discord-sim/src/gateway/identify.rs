//! IDENTIFY (op 2): token and intent checks, then READY and one GUILD_CREATE per guild.

use rand::Rng;
use serde::Deserialize;
use serde_json::{Value, json};

use super::intents::{self, close};
use super::session::Session;
use super::{Connection, Flow};
use crate::payload::{self, MemberJson, PresenceJson};
use crate::state::{GuildRecord, Status, World};

/// Discord's default `large_threshold` and its allowed range.
const LARGE_THRESHOLD_DEFAULT: u64 = 50;
const LARGE_THRESHOLD_MAX: u64 = 250;
/// Above this many members Discord sends only the bot and voice members in GUILD_CREATE.
const FULL_MEMBER_LIST_MAX: usize = 75_000;

#[derive(Debug, Deserialize)]
struct Identify {
    token: String,
    intents: u64,
    #[serde(default)]
    shard: Option<[u64; 2]>,
    #[serde(default)]
    large_threshold: Option<u64>,
}

impl Connection {
    pub(super) async fn on_identify(&mut self, data: Value) -> Flow {
        if self.session.is_some() {
            self.out
                .close(close::ALREADY_AUTHENTICATED, "Already authenticated.")
                .await;
            return Flow::Stop;
        }
        let Ok(identify) = serde_json::from_value::<Identify>(data) else {
            self.out
                .close(close::DECODE_ERROR, "Error while decoding payload.")
                .await;
            return Flow::Stop;
        };
        if !self.shared.is_bot_token(&identify.token) {
            self.out
                .close(close::AUTHENTICATION_FAILED, "Authentication failed.")
                .await;
            return Flow::Stop;
        }
        if identify.intents & !intents::KNOWN != 0 {
            self.out
                .close(close::INVALID_INTENTS, "Invalid intent(s).")
                .await;
            return Flow::Stop;
        }
        if intents::disallowed(identify.intents, &self.shared.config.privileged_intents) != 0 {
            self.out
                .close(close::DISALLOWED_INTENTS, "Disallowed intent(s).")
                .await;
            return Flow::Stop;
        }
        let shard = identify.shard.map(|[id, count]| (id, count));
        if shard.is_some_and(|(id, count)| count == 0 || id >= count) {
            self.out.close(close::INVALID_SHARD, "Invalid shard.").await;
            return Flow::Stop;
        }
        let large_threshold = identify
            .large_threshold
            .unwrap_or(LARGE_THRESHOLD_DEFAULT)
            .clamp(LARGE_THRESHOLD_DEFAULT, LARGE_THRESHOLD_MAX);

        if !self
            .shared
            .gateway
            .admit_identify(self.shared.config.identify_interval)
        {
            // Discord answers an IDENTIFY over the concurrency limit with op 9.
            let payload = json!({"op": 9, "d": false, "s": null, "t": null});
            return self.send_or_stop(&payload).await;
        }
        // Subscribe before taking the snapshot so that nothing published in between is lost.
        let receiver = self.shared.bus.subscribe();
        let session_id = format!("{:032x}", rand::rng().random::<u128>());
        let session = Session::new(
            session_id,
            identify.intents,
            shard,
            large_threshold,
            receiver,
            self.shared.config.replay_buffer,
        );
        self.shared.gateway.set_session(self.id, &session);
        self.session = Some(session);
        self.send_ready_and_guilds().await
    }

    async fn send_ready_and_guilds(&mut self) -> Flow {
        let Some(session) = self.session.as_ref() else {
            return Flow::Stop;
        };
        let (ready, guilds) = {
            let world = self.shared.world();
            let ready = ready_payload(&self.shared, &world, session);
            let guilds: Vec<String> = world
                .guilds
                .values()
                .filter(|g| session.has_guild(g.id))
                .map(|g| {
                    guild_create(&world, g, session.intents, session.large_threshold).to_string()
                })
                .collect();
            (ready.to_string(), guilds)
        };
        if self.dispatch("READY", &ready).await == Flow::Stop {
            return Flow::Stop;
        }
        for guild in guilds {
            if self.dispatch("GUILD_CREATE", &guild).await == Flow::Stop {
                return Flow::Stop;
            }
        }
        Flow::Continue
    }
}

fn ready_payload(shared: &crate::sim::Shared, world: &World, session: &Session) -> Value {
    let guilds: Vec<Value> = world
        .guilds
        .keys()
        .filter(|id| session.has_guild(**id))
        .map(|id| json!({"id": id.to_string(), "unavailable": true}))
        .collect();
    let mut ready = json!({
        "v": 10,
        "user": payload::current_user(world),
        "guilds": guilds,
        "session_id": session.id,
        "resume_gateway_url": shared.urls().gateway,
        "application": {
            "id": world.bot.application_id.to_string(),
            "flags": intents::application_flags(&shared.config.privileged_intents),
        },
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "session_type": "normal",
        "user_settings": {},
        "auth": {},
    });
    if let Some((id, count)) = session.shard {
        ready["shard"] = json!([id, count]);
    }
    ready
}

/// GUILD_CREATE following Discord's member-list rules (Discord's gateway documentation, "Guild Create"):
/// without GUILD_PRESENCES or above 75k members only the bot; above `large_threshold` only
/// members who are online, have a role or a nickname; otherwise everyone. Presences are sent
/// for members who are not offline.
pub(crate) fn guild_create(
    world: &World,
    guild: &GuildRecord,
    session_intents: u64,
    large_threshold: u64,
) -> Value {
    let count = guild.members.len();
    let large = count as u64 > large_threshold;
    let presences_allowed = session_intents & intents::GUILD_PRESENCES != 0;
    let bot_id = world.bot.user_id;
    let include = |user_id: u64, member: &crate::state::MemberRecord| -> bool {
        if user_id == bot_id {
            return true;
        }
        if !presences_allowed || count > FULL_MEMBER_LIST_MAX {
            return false;
        }
        !large
            || member.presence.status != Status::Offline
            || !member.roles.is_empty()
            || member.nick.is_some()
    };
    let mut members = Vec::new();
    let mut presences = Vec::new();
    for (user_id, member) in &guild.members {
        if !include(*user_id, member) {
            continue;
        }
        let Some(user) = world.users.get(user_id) else {
            continue;
        };
        members.push(
            serde_json::to_value(MemberJson::new(*user_id, user, member)).unwrap_or_default(),
        );
        if presences_allowed && member.presence.status != Status::Offline {
            presences.push(
                serde_json::to_value(PresenceJson::new(guild.id, *user_id, &member.presence))
                    .unwrap_or_default(),
            );
        }
    }
    let mut value = payload::guild(guild);
    let extra = json!({
        "joined_at": payload::timestamp(u64::from(guild.bot_joined_at)),
        "large": large,
        "unavailable": false,
        "member_count": count,
        "voice_states": [],
        "members": members,
        "channels": guild.channels.iter().map(|c| payload::channel(guild.id, c)).collect::<Vec<_>>(),
        "threads": [],
        "presences": presences,
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    });
    if let (Value::Object(map), Value::Object(extra)) = (&mut value, extra) {
        map.extend(extra);
    }
    value
}
