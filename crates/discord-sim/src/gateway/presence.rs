//! PRESENCE_UPDATE from the bot (op 3): the bot's own status in the guilds of its shard,
//! announced like any member's.

use serde::Deserialize;
use serde_json::Value;

use super::{Connection, Flow, intents};
use crate::payload::PresenceJson;
use crate::state::{ActivitySpec, Platform, Presence, PresenceSpec, Status};

/// Activity type 4 is a custom status; its text is in `state`.
const CUSTOM_STATUS_TYPE: u8 = 4;

#[derive(Debug, Deserialize)]
struct UpdatePresence {
    status: String,
    #[serde(default)]
    activities: Vec<ClientActivity>,
}

#[derive(Debug, Deserialize)]
struct ClientActivity {
    name: String,
    #[serde(default, rename = "type")]
    kind: u8,
    #[serde(default)]
    state: Option<String>,
}

impl Connection {
    pub(super) async fn on_presence_update(&mut self, data: Value) -> Flow {
        let Ok(update) = serde_json::from_value::<UpdatePresence>(data) else {
            self.out
                .close(
                    intents::close::DECODE_ERROR,
                    "Error while decoding payload.",
                )
                .await;
            return Flow::Stop;
        };
        // Invisible looks offline to everyone else.
        let status = match update.status.as_str() {
            "online" => Status::Online,
            "idle" => Status::Idle,
            "dnd" => Status::Dnd,
            _ => Status::Offline,
        };
        let custom_status = update
            .activities
            .iter()
            .find(|a| a.kind == CUSTOM_STATUS_TYPE)
            .and_then(|a| a.state.clone());
        let activities = update
            .activities
            .into_iter()
            .filter(|a| a.kind != CUSTOM_STATUS_TYPE)
            .map(|a| ActivitySpec {
                name: a.name,
                kind: a.kind,
                state: a.state,
                details: None,
            })
            .collect();
        let presence = Presence::from_spec(PresenceSpec {
            status,
            custom_status,
            activities,
            platforms: vec![Platform::Desktop],
        });
        let Some(session) = self.session.as_ref() else {
            return Flow::Continue;
        };
        let mut world = self.shared.world();
        let bot_id = world.bot.user_id;
        for guild in world.guilds.values_mut() {
            if !session.has_guild(guild.id) {
                continue;
            }
            let Some(member) = guild.members.get_mut(&bot_id) else {
                continue;
            };
            member.presence = presence.clone();
            let data = serde_json::to_string(&PresenceJson::new(guild.id, bot_id, &presence))
                .unwrap_or_default();
            self.shared.emit(
                "PRESENCE_UPDATE",
                Some(guild.id),
                intents::GUILD_PRESENCES,
                data,
            );
        }
        Flow::Continue
    }
}
