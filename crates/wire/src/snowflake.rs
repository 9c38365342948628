//! Discord snowflake ids: 64-bit, strings on the wire.
//!
//! JavaScript cannot hold a 64-bit integer in a number, so Discord (and guildhall) write
//! snowflakes as strings. Clients in the wild send either form, so input accepts both.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Discord id (guild, user, role, channel...).
///
/// Stored as `u64`, but guildhall refuses values above `i64::MAX` so that every snowflake fits
/// a signed 64-bit database column; Discord's own ids stay far below that until the year 2084.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Snowflake(u64);

/// Why a value is not a snowflake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnowflakeError(String);

impl fmt::Display for SnowflakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SnowflakeError {}

impl Snowflake {
    /// Wraps a raw id, refusing 0 and values that do not fit a signed 64-bit column.
    pub fn new(raw: u64) -> Result<Self, SnowflakeError> {
        if raw == 0 {
            return Err(SnowflakeError("a snowflake cannot be 0".into()));
        }
        if raw > i64::MAX as u64 {
            return Err(SnowflakeError(format!(
                "snowflake {raw} is larger than the largest supported id ({})",
                i64::MAX
            )));
        }
        Ok(Self(raw))
    }

    /// The raw 64-bit value.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The value as stored in a signed database column (always non-negative).
    pub fn to_i64(self) -> i64 {
        self.0 as i64
    }

    /// Reads a value back from a signed database column.
    pub fn from_i64(raw: i64) -> Self {
        Self(raw as u64)
    }
}

impl fmt::Debug for Snowflake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Snowflake({})", self.0)
    }
}

impl fmt::Display for Snowflake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Snowflake {
    type Err = SnowflakeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let raw = s.trim().parse::<u64>().map_err(|_| {
            SnowflakeError(format!("{s:?} is not a snowflake (a positive integer)"))
        })?;
        Self::new(raw)
    }
}

impl Serialize for Snowflake {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SnowflakeVisitor;

        impl Visitor<'_> for SnowflakeVisitor {
            type Value = Snowflake;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a snowflake as a string or a positive integer")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Snowflake, E> {
                Snowflake::new(v).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Snowflake, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom(format!("snowflake {v} is negative")))
                    .and_then(|v| Snowflake::new(v).map_err(E::custom))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Snowflake, E> {
                v.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_any(SnowflakeVisitor)
    }
}

impl utoipa::PartialSchema for Snowflake {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A Discord id: a decimal string (a JSON number is accepted on input).",
            ))
            .examples([serde_json::json!("175928847299117063")])
            .into()
    }
}

impl utoipa::ToSchema for Snowflake {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_string_and_reads_both_forms() {
        let id: Snowflake = serde_json::from_str("175928847299117063").unwrap();
        assert_eq!(id.get(), 175928847299117063);
        let id2: Snowflake = serde_json::from_str("\"175928847299117063\"").unwrap();
        assert_eq!(id, id2);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"175928847299117063\""
        );
    }

    #[test]
    fn refuses_zero_negative_and_oversized_values() {
        for bad in ["0", "-5", "\"abc\"", "18446744073709551615", "1.5", "null"] {
            assert!(
                serde_json::from_str::<Snowflake>(bad).is_err(),
                "{bad} was accepted"
            );
        }
    }
}
