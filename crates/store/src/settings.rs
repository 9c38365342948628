//! Server settings kept in the database, such as the generated token-signing secret.

use crate::db::{on_read, on_write};
use crate::{Result, Store};

impl Store {
    /// Reads a setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let value = on_read!(self, |pool| {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await
        })?;
        Ok(value)
    }

    /// Stores `value` under `key` unless a value is there already, and returns the value kept.
    /// Several processes racing to set the same key all end up with the first one's value.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String> {
        on_write!(self, |pool| {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(value)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        let kept = on_write!(self, |pool| {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_one(pool)
                .await
        })?;
        Ok(kept)
    }

    /// Stores `value` under `key`, replacing any value there.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        on_write!(self, |pool| {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
