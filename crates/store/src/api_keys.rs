//! API keys: created with a random secret, stored as a SHA-256 hash, revocable.

use base64::Engine;
use guildhall_wire::auth::{ApiKey, Scope};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::{Page, PageRequest, now_ms, on_read, on_write, to_time};
use crate::{Result, Store, StoreError};

/// What every key starts with, so a leaked key is easy to recognise (and to scan for).
const KEY_PREFIX: &str = "gh_";

macro_rules! columns {
    () => {
        "id, name, prefix, scopes, created_at, last_used_at, revoked_at"
    };
}

#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(row: ApiKeyRow) -> Self {
        ApiKey {
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            scopes: row.scopes.split(',').filter_map(Scope::parse).collect(),
            created_at: to_time(row.created_at),
            last_used_at: row.last_used_at.map(to_time),
            revoked_at: row.revoked_at.map(to_time),
        }
    }
}

/// The hash stored for a key secret.
pub fn hash_key(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

impl Store {
    /// Creates a key and returns its secret (shown once) with the stored record.
    pub async fn create_api_key(&self, name: &str, scopes: &[Scope]) -> Result<(String, ApiKey)> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("name must not be empty".into()));
        }
        if scopes.is_empty() {
            return Err(StoreError::Invalid(
                "scopes must name at least one scope".into(),
            ));
        }
        let secret = new_secret();
        let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        let row: ApiKeyRow = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at) ",
                "VALUES ($1, $2, $3, $4, $5) RETURNING ",
                columns!()
            ))
            .bind(name)
            .bind(&secret[..KEY_PREFIX.len() + 6])
            .bind(hash_key(&secret))
            .bind(scopes.join(","))
            .bind(now_ms())
            .fetch_one(pool)
            .await
        })?;
        Ok((secret, row.into()))
    }

    /// Finds the key a secret belongs to, revoked or not.
    pub async fn find_api_key(&self, secret: &str) -> Result<Option<ApiKey>> {
        let row: Option<ApiKeyRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM api_keys WHERE key_hash = $1"
            ))
            .bind(hash_key(secret))
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.map(Into::into))
    }

    /// Reads a key by id.
    pub async fn api_key(&self, id: i64) -> Result<ApiKey> {
        let row: Option<ApiKeyRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                columns!(),
                " FROM api_keys WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("API key"))
    }

    /// Whether key `id` exists and is not revoked.
    pub async fn api_key_is_active(&self, id: i64) -> Result<bool> {
        let active: Option<i64> = on_read!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM api_keys WHERE id = $1 AND revoked_at IS NULL")
                .bind(id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(active.is_some())
    }

    /// Records that a key was just exchanged for a token.
    pub async fn touch_api_key(&self, id: i64) -> Result<()> {
        on_write!(self, |pool| {
            sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
                .bind(id)
                .bind(now_ms())
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Lists keys, oldest first.
    pub async fn list_api_keys(&self, page: PageRequest) -> Result<Page<ApiKey>> {
        let (sql, args) = crate::db::Filters::new().page_sql(&page);
        let sql = format!("SELECT {} FROM api_keys{sql}", columns!());
        let rows: Vec<ApiKeyRow> = on_read!(self, |pool| {
            crate::db::bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }

    /// Revokes a key: tokens made from it stop working at once. Revoking twice is harmless.
    pub async fn revoke_api_key(&self, id: i64) -> Result<ApiKey> {
        let row: Option<ApiKeyRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .bind(now_ms())
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("API key"))
    }
}
