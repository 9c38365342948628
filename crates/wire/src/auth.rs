//! API keys, scopes and the token exchange (`POST /api/auth/token`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use chrono::{DateTime, Utc};

/// `POST /api/auth/token` body: trade an API key for a short-lived bearer token.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// The API key, as printed once when it was created.
    pub api_key: String,
}

impl std::fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRequest")
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// A signed bearer token and how long it stays valid.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
    /// What the token may do.
    pub scopes: Vec<Scope>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// What an API key (and the tokens made from it) may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Read any record.
    Read,
    /// Create, change and delete records.
    Write,
    /// Everything, including managing API keys.
    Admin,
}

impl Scope {
    /// The scope's name as written in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    /// Parses a scope name.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }
}

/// An API key as listed (the secret itself is never shown again after creation).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiKey {
    pub id: i64,
    /// A label saying who or what uses the key.
    pub name: String,
    /// The key's first characters, to recognise it.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// `POST /api/api-keys` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyCreate {
    pub name: String,
    /// Defaults to `read` and `write`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<Scope>,
}

/// The default scopes of a new key: everything but key management.
pub fn default_scopes() -> Vec<Scope> {
    vec![Scope::Read, Scope::Write]
}

/// A newly created key: the only time its secret is shown.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyCreated {
    /// The secret. Store it now: it cannot be shown again.
    pub key: String,
    pub api_key: ApiKey,
}

impl std::fmt::Debug for ApiKeyCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyCreated")
            .field("key", &"<redacted>")
            .field("api_key", &self.api_key)
            .finish()
    }
}

/// `GET /api/api-keys` response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyList {
    pub api_keys: Vec<ApiKey>,
    pub next_cursor: Option<String>,
}
