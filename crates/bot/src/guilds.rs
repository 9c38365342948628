//! The bot's compact view of the guilds it serves: each guild's internal id and its members'
//! ids. Only what the product needs, not a general cache.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

/// Discord guild id -> internal id, for the guilds synced so far.
#[derive(Debug, Clone, Default)]
pub struct GuildIds {
    inner: Arc<RwLock<HashMap<u64, i64>>>,
}

impl GuildIds {
    pub fn internal(&self, discord_id: u64) -> Option<i64> {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&discord_id)
            .copied()
    }

    pub fn insert(&self, discord_id: u64, id: i64) {
        self.inner
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(discord_id, id);
    }

    pub fn remove(&self, discord_id: u64) {
        self.inner
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&discord_id);
    }

    /// Discord ids of every synced guild, sorted.
    pub fn discord_ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .copied()
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// The members of each guild, as a set of user ids (8 bytes per member plus the set's
/// overhead), kept to count members and to know who a full sync saw.
#[derive(Debug, Clone, Default)]
pub struct Members {
    inner: Arc<RwLock<HashMap<u64, HashSet<u64>>>>,
}

impl Members {
    pub fn add(&self, guild: u64, users: impl IntoIterator<Item = u64>) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.entry(guild).or_default().extend(users);
    }

    pub fn remove(&self, guild: u64, user: u64) {
        if let Some(members) = self
            .inner
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&guild)
        {
            members.remove(&user);
        }
    }

    pub fn forget_guild(&self, guild: u64) {
        self.inner
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&guild);
    }
}
