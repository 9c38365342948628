//! REQUEST_GUILD_MEMBERS (op 8) answered with GUILD_MEMBERS_CHUNK dispatches.
//!
//! Chunks are built one at a time under the world lock, so a million-member request neither
//! holds the lock for long nor keeps every chunk in memory at once.

use std::ops::Bound;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::intents::{self, close};
use super::{Connection, Flow};
use crate::payload::{MemberJson, PresenceJson};
use crate::snowflake;
use crate::state::World;

/// Discord sends at most 1000 members per GUILD_MEMBERS_CHUNK.
const CHUNK_SIZE: usize = 1000;
/// Query and user-id requests return at most 100 members.
const QUERY_LIMIT_MAX: usize = 100;
/// Discord rejects nonces longer than 32 bytes.
const NONCE_MAX_BYTES: usize = 32;

#[derive(Debug, Deserialize)]
struct RequestGuildMembers {
    #[serde(deserialize_with = "snowflake::deserialize")]
    guild_id: u64,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    limit: Option<u64>,
    #[serde(default)]
    presences: bool,
    #[serde(default, deserialize_with = "snowflake::deserialize_list")]
    user_ids: Vec<u64>,
    #[serde(default)]
    nonce: Option<String>,
}

/// Which members a request selects.
enum Selection {
    All,
    Query { prefix: String, limit: usize },
    Ids(Vec<u64>),
}

impl Connection {
    pub(super) async fn on_request_members(&mut self, data: Value) -> Flow {
        let Ok(request) = serde_json::from_value::<RequestGuildMembers>(data) else {
            self.out
                .close(close::DECODE_ERROR, "Error while decoding payload.")
                .await;
            return Flow::Stop;
        };
        let Some(session) = self.session.as_ref() else {
            return Flow::Stop;
        };
        let session_intents = session.intents;
        if !session.has_guild(request.guild_id) {
            // Discord silently ignores requests for guilds on another shard.
            return Flow::Continue;
        }
        let nonce = request.nonce.clone().filter(|n| n.len() <= NONCE_MAX_BYTES);
        let selection = if !request.user_ids.is_empty() {
            Selection::Ids(
                request
                    .user_ids
                    .iter()
                    .copied()
                    .take(QUERY_LIMIT_MAX)
                    .collect(),
            )
        } else {
            let prefix = request.query.clone().unwrap_or_default().to_lowercase();
            let limit = request.limit.unwrap_or(0) as usize;
            if prefix.is_empty() && limit == 0 {
                if session_intents & intents::GUILD_MEMBERS == 0 {
                    self.out
                        .close(close::DISALLOWED_INTENTS, "Disallowed intent(s).")
                        .await;
                    return Flow::Stop;
                }
                if let Some(retry_after) = self.all_members_rate_limit(request.guild_id) {
                    let mut meta = json!({"guild_id": request.guild_id.to_string()});
                    if let Some(nonce) = &nonce {
                        meta["nonce"] = json!(nonce);
                    }
                    let body = json!({"opcode": 8, "retry_after": retry_after, "meta": meta});
                    return self.dispatch("RATE_LIMITED", &body.to_string()).await;
                }
                Selection::All
            } else {
                let limit = if limit == 0 {
                    QUERY_LIMIT_MAX
                } else {
                    limit.min(QUERY_LIMIT_MAX)
                };
                Selection::Query { prefix, limit }
            }
        };
        let with_presences = request.presences && session_intents & intents::GUILD_PRESENCES != 0;
        let reply = ChunkReply {
            guild_id: request.guild_id,
            nonce,
            with_presences,
        };
        match selection {
            Selection::All => self.send_all_members(&reply).await,
            Selection::Query { prefix, limit } => {
                let ids = {
                    let world = self.shared.world();
                    match_prefix(&world, request.guild_id, &prefix, limit)
                };
                self.send_members(&reply, ids, Vec::new()).await
            }
            Selection::Ids(ids) => {
                let (found, not_found) = {
                    let world = self.shared.world();
                    let guild = world.guilds.get(&request.guild_id);
                    ids.into_iter()
                        .partition(|id| guild.is_some_and(|g| g.members.contains_key(id)))
                };
                self.send_members(&reply, found, not_found).await
            }
        }
    }

    /// Seconds to wait when an all-members request for the guild came too soon.
    fn all_members_rate_limit(&self, guild_id: u64) -> Option<f64> {
        let interval = self.shared.config.all_members_request_interval;
        let mut last = self.shared.gateway.member_requests.lock().ok()?;
        let now = Instant::now();
        if let Some(at) = last.get(&guild_id) {
            let elapsed = now.duration_since(*at);
            if elapsed < interval {
                return Some((interval - elapsed).as_secs_f64());
            }
        }
        last.insert(guild_id, now);
        None
    }

    async fn send_all_members(&mut self, reply: &ChunkReply) -> Flow {
        let total = {
            let world = self.shared.world();
            world
                .guilds
                .get(&reply.guild_id)
                .map_or(0, |g| g.members.len())
        };
        let chunk_count = total.div_ceil(CHUNK_SIZE).max(1);
        let mut after = Bound::Unbounded;
        for chunk_index in 0..chunk_count {
            let (body, last) = {
                let world = self.shared.world();
                let ids: Vec<u64> = world
                    .guilds
                    .get(&reply.guild_id)
                    .map(|g| {
                        g.members
                            .range((after, Bound::Unbounded))
                            .take(CHUNK_SIZE)
                            .map(|(id, _)| *id)
                            .collect()
                    })
                    .unwrap_or_default();
                let body = reply.chunk(&world, &ids, &[], chunk_index, chunk_count);
                (body, ids.last().copied())
            };
            if self.dispatch("GUILD_MEMBERS_CHUNK", &body).await == Flow::Stop {
                return Flow::Stop;
            }
            match last {
                Some(last) => after = Bound::Excluded(last),
                None => break,
            }
        }
        Flow::Continue
    }

    async fn send_members(
        &mut self,
        reply: &ChunkReply,
        ids: Vec<u64>,
        not_found: Vec<u64>,
    ) -> Flow {
        // At most 100 members here, so one chunk.
        let body = {
            let world = self.shared.world();
            reply.chunk(&world, &ids, &not_found, 0, 1)
        };
        self.dispatch("GUILD_MEMBERS_CHUNK", &body).await
    }
}

/// The GUILD_MEMBERS_CHUNK body, serialized straight from the borrowed records.
#[derive(Serialize)]
struct ChunkJson<'a> {
    #[serde(serialize_with = "snowflake::serialize")]
    guild_id: u64,
    members: Vec<MemberJson<'a>>,
    chunk_index: usize,
    chunk_count: usize,
    not_found: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    presences: Option<Vec<PresenceJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
}

struct ChunkReply {
    guild_id: u64,
    nonce: Option<String>,
    with_presences: bool,
}

impl ChunkReply {
    fn chunk(
        &self,
        world: &World,
        ids: &[u64],
        not_found: &[u64],
        chunk_index: usize,
        chunk_count: usize,
    ) -> String {
        let mut members = Vec::with_capacity(ids.len());
        let mut presences = Vec::new();
        if let Some(guild) = world.guilds.get(&self.guild_id) {
            for id in ids {
                let (Some(member), Some(user)) = (guild.members.get(id), world.users.get(id))
                else {
                    continue;
                };
                members.push(MemberJson::new(*id, user, member));
                if self.with_presences {
                    presences.push(PresenceJson::new(self.guild_id, *id, &member.presence));
                }
            }
        }
        let body = ChunkJson {
            guild_id: self.guild_id,
            members,
            chunk_index,
            chunk_count,
            not_found: not_found.iter().map(u64::to_string).collect(),
            presences: self.with_presences.then_some(presences),
            nonce: self.nonce.as_deref(),
        };
        serde_json::to_string(&body).unwrap_or_default()
    }
}

/// Members whose username or nickname starts with `prefix` (already lowercase).
fn match_prefix(world: &World, guild_id: u64, prefix: &str, limit: usize) -> Vec<u64> {
    let Some(guild) = world.guilds.get(&guild_id) else {
        return Vec::new();
    };
    guild
        .members
        .iter()
        .filter(|(id, member)| {
            let nick_matches = member
                .nick
                .as_deref()
                .is_some_and(|n| n.to_lowercase().starts_with(prefix));
            nick_matches
                || world
                    .users
                    .get(id)
                    .is_some_and(|u| u.name.spell().to_lowercase().starts_with(prefix))
        })
        .take(limit)
        .map(|(id, _)| *id)
        .collect()
}
