//! The presence-churn generator: random presence changes at a steady rate from a seeded
//! generator, each announced as PRESENCE_UPDATE.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use crate::gateway::intents;
use crate::payload::PresenceJson;
use crate::sim::{Shared, Simulator};
use crate::state::scenario_presence;

/// How often the generator wakes; each wake applies what is due since the last.
const TICK: Duration = Duration::from_millis(10);
/// Changes applied under one lock, so a high rate does not starve other users of the world.
const MAX_BATCH: usize = 4096;

/// Settings of the churn generator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnSpec {
    /// Presence changes per second.
    pub rate_per_second: f64,
    /// Seed of the generator.
    #[serde(default)]
    pub seed: u64,
    /// Only members of this guild; every guild when absent.
    #[serde(default, deserialize_with = "crate::snowflake::deserialize_opt")]
    pub guild_id: Option<u64>,
}

/// Which members the churn generator picks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChurnScope {
    /// Everyone but the bot.
    #[default]
    AllMembers,
    /// Only members holding at least one role (the staff, in the usual scenarios), so a
    /// roster page sees the churn without a flood elsewhere.
    MembersWithRoles,
}

impl ChurnSpec {
    /// Every member of every guild, `rate_per_second` changes a second, seed 0.
    pub fn at_rate(rate_per_second: f64) -> Self {
        Self {
            rate_per_second,
            seed: 0,
            guild_id: None,
        }
    }
}

/// A running generator; stops when dropped.
#[derive(Debug)]
pub(crate) struct ChurnTask {
    handle: JoinHandle<()>,
}

impl Drop for ChurnTask {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

/// Cached pick lists, rebuilt when the number of members changes: rebuilding one for a
/// million members costs more than thousands of presence changes.
#[derive(Debug, Default)]
pub(crate) struct TargetCache {
    key: Option<(Option<u64>, usize)>,
    targets: Arc<Vec<(u64, u64)>>,
}

fn cached_targets(shared: &Shared, guild_id: Option<u64>) -> Arc<Vec<(u64, u64)>> {
    let members: usize = shared
        .world()
        .guilds
        .values()
        .map(|g| g.members.len())
        .sum();
    let mut cache = shared
        .churn_targets
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if cache.key != Some((guild_id, members)) {
        cache.targets = Arc::new(targets(shared, guild_id, false));
        cache.key = Some((guild_id, members));
    }
    cache.targets.clone()
}

/// Every (guild, member) pair the generator may pick, the bot excluded.
fn targets(shared: &Shared, guild_id: Option<u64>, only_with_roles: bool) -> Vec<(u64, u64)> {
    let world = shared.world();
    let bot = world.bot.user_id;
    world
        .guilds
        .values()
        .filter(|g| guild_id.is_none_or(|id| id == g.id))
        .flat_map(|g| {
            g.members
                .iter()
                .filter(move |(id, member)| {
                    **id != bot && (!only_with_roles || !member.roles.is_empty())
                })
                .map(move |(id, _)| (g.id, *id))
        })
        .collect()
}

/// Applies `count` random presence changes; returns how many were applied.
fn apply(shared: &Shared, rng: &mut SmallRng, targets: &[(u64, u64)], count: usize) -> usize {
    if targets.is_empty() {
        return 0;
    }
    let mut world = shared.world();
    let mut applied = 0;
    for _ in 0..count {
        let (guild_id, user_id) = targets[rng.random_range(0..targets.len())];
        let Some(member) = world
            .guilds
            .get_mut(&guild_id)
            .and_then(|g| g.members.get_mut(&user_id))
        else {
            continue;
        };
        let previous = member.presence.status;
        member.presence = scenario_presence(rng, 0.6);
        if member.presence.status == previous && previous != crate::state::Status::Online {
            // Make most picks visible changes.
            member.presence.status = crate::state::Status::Online;
            member.presence.platforms |= 1;
        }
        let data = serde_json::to_string(&PresenceJson::new(guild_id, user_id, &member.presence))
            .unwrap_or_default();
        shared.emit(
            "PRESENCE_UPDATE",
            Some(guild_id),
            intents::GUILD_PRESENCES,
            data,
        );
        applied += 1;
    }
    applied
}

impl Simulator {
    /// Starts (or replaces) the churn generator over every member.
    pub fn start_churn(&self, spec: ChurnSpec) {
        self.start_churn_in(spec, ChurnScope::AllMembers);
    }

    /// Starts (or replaces) the churn generator over the members `scope` selects.
    pub fn start_churn_in(&self, spec: ChurnSpec, scope: ChurnScope) {
        let shared = self.shared.clone();
        let handle = tokio::spawn(run(shared, spec, scope));
        if let Ok(mut churn) = self.shared.churn.lock() {
            *churn = Some(ChurnTask { handle });
        }
    }

    /// Stops the churn generator, if one runs.
    pub fn stop_churn(&self) {
        if let Ok(mut churn) = self.shared.churn.lock() {
            churn.take();
        }
    }

    /// Applies `count` random presence changes now, as fast as possible (for benchmarks).
    pub fn churn_burst(&self, count: usize, seed: u64) -> usize {
        let targets = cached_targets(&self.shared, None);
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut applied = 0;
        while applied < count {
            let batch = (count - applied).min(MAX_BATCH);
            let done = apply(&self.shared, &mut rng, &targets, batch);
            if done == 0 {
                break;
            }
            applied += done;
        }
        applied
    }
}

async fn run(shared: Arc<Shared>, spec: ChurnSpec, scope: ChurnScope) {
    let only_with_roles = scope == ChurnScope::MembersWithRoles;
    let targets = targets(&shared, spec.guild_id, only_with_roles);
    let mut rng = SmallRng::seed_from_u64(spec.seed);
    let started = Instant::now();
    let mut done: u64 = 0;
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let due = (started.elapsed().as_secs_f64() * spec.rate_per_second) as u64;
        while done < due {
            let batch = ((due - done) as usize).min(MAX_BATCH);
            let applied = apply(&shared, &mut rng, &targets, batch);
            if applied == 0 {
                return;
            }
            done += applied as u64;
            tokio::task::yield_now().await;
        }
    }
}
