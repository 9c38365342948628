//! Snowflake ids: generation in Discord's layout and parsing from clients that send them as
//! strings (twilight) or as JSON numbers (discord.py's op 8).

use serde::{Deserialize, Deserializer, Serializer};

/// Discord's epoch, the first second of 2015, in Unix milliseconds.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Makes snowflakes: `(ms since Discord epoch) << 22 | worker << 17 | increment`.
///
/// The timestamp part advances by one millisecond per id so that guild ids spread over shards
/// (`(id >> 22) % shard_count`) the way real guild ids do.
#[derive(Debug, Clone)]
pub struct SnowflakeGenerator {
    next_ms: u64,
}

impl SnowflakeGenerator {
    /// Starts at a fixed instant (2024-01-01) so that seeded scenarios are reproducible.
    pub fn new() -> Self {
        Self {
            next_ms: 1_704_067_200_000 - DISCORD_EPOCH_MS,
        }
    }

    /// Returns a fresh id, unique within this generator.
    pub fn next_id(&mut self) -> u64 {
        let id = (self.next_ms << 22) | (1 << 17);
        self.next_ms += 1;
        id
    }
}

impl Default for SnowflakeGenerator {
    fn default() -> Self {
        Self::new()
    }
}

/// Unix milliseconds encoded in a snowflake.
pub fn unix_ms(id: u64) -> u64 {
    (id >> 22) + DISCORD_EPOCH_MS
}

/// Serializes a snowflake as a JSON string, as Discord does.
pub fn serialize<S: Serializer>(id: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}

/// Reads a snowflake given as a string or as a number.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    match StringOrNumber::deserialize(deserializer)? {
        StringOrNumber::Number(n) => Ok(n),
        StringOrNumber::String(s) => s.parse().map_err(serde::de::Error::custom),
    }
}

/// Reads an optional snowflake given as a string, a number or null.
pub fn deserialize_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    match Option::<StringOrNumber>::deserialize(deserializer)? {
        None => Ok(None),
        Some(StringOrNumber::Number(n)) => Ok(Some(n)),
        Some(StringOrNumber::String(s)) => s.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Reads a list of snowflakes, each a string or a number; also accepts a single id, which
/// op 8 allows for `user_ids`.
pub fn deserialize_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(StringOrNumber),
        Many(Vec<StringOrNumber>),
    }
    let items = match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(one)) => vec![one],
        Some(OneOrMany::Many(many)) => many,
    };
    items
        .into_iter()
        .map(|item| match item {
            StringOrNumber::Number(n) => Ok(n),
            StringOrNumber::String(s) => s.parse().map_err(serde::de::Error::custom),
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrNumber {
    Number(u64),
    String(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "deserialize")]
        id: u64,
        #[serde(default, deserialize_with = "deserialize_list")]
        ids: Vec<u64>,
    }

    #[test]
    fn accepts_strings_and_numbers() {
        let a: Holder = serde_json::from_str(r#"{"id":"42","ids":["1",2]}"#).unwrap();
        assert_eq!((a.id, a.ids), (42, vec![1, 2]));
        let b: Holder = serde_json::from_str(r#"{"id":42,"ids":"7"}"#).unwrap();
        assert_eq!((b.id, b.ids), (42, vec![7]));
    }

    #[test]
    fn generated_ids_spread_over_shards() {
        let mut generator = SnowflakeGenerator::new();
        let shards: std::collections::HashSet<u64> =
            (0..4).map(|_| (generator.next_id() >> 22) % 4).collect();
        assert_eq!(shards.len(), 4);
    }
}
