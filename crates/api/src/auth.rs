//! Authentication: API keys are exchanged for short-lived signed tokens (HS256 JWTs), and
//! every `/api/` route but the exchange itself needs `Authorization: Bearer <token>`.
//!
//! A token names the key it came from, so revoking the key stops its tokens at once: each
//! request checks that the key is still active.

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use guildhall_wire::auth::Scope;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::{ApiError, AppState};

/// The API key accepted in development mode only.
pub const DEV_API_KEY: &str = "TESTING";
/// The key id written into tokens made from [`DEV_API_KEY`].
const DEV_KEY_ID: i64 = 0;

/// Signs and checks bearer tokens.
pub struct TokenSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("secret", &"<redacted>")
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// What a token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    /// The API key id, as a string (JWT subjects are strings).
    sub: String,
    scopes: Vec<Scope>,
    iat: u64,
    exp: u64,
}

/// A fresh random signing secret.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl TokenSigner {
    /// A signer with the given secret and token lifetime.
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // A token must carry an expiry; one without is refused.
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    /// How long tokens live.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Issues a token for key `key_id` with `scopes`.
    pub fn issue(&self, key_id: i64, scopes: &[Scope]) -> Result<String, ApiError> {
        let now = unix_now();
        let claims = Claims {
            sub: key_id.to_string(),
            scopes: scopes.to_vec(),
            iat: now,
            exp: now + self.ttl.as_secs(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("signing a token failed: {e}")))
    }

    /// Checks a token's signature and expiry and returns who it speaks for.
    fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                ApiError::Unauthorized(match e.kind() {
                    ErrorKind::ExpiredSignature => {
                        "the token has expired; exchange the API key for a new one".into()
                    }
                    ErrorKind::InvalidSignature => "the token's signature is not valid".into(),
                    ErrorKind::MissingRequiredClaim(claim) => {
                        format!("the token has no {claim} claim")
                    }
                    _ => "the bearer token is not a valid guildhall token".into(),
                })
            })?;
        let key_id = data.claims.sub.parse().map_err(|_| {
            ApiError::Unauthorized("the bearer token is not a valid guildhall token".into())
        })?;
        Ok(Caller {
            key_id,
            scopes: data.claims.scopes,
        })
    }
}

/// The authenticated caller of a request: which API key, and what it may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub key_id: i64,
    pub scopes: Vec<Scope>,
}

impl Caller {
    /// Fails with 403 unless the caller holds `scope` (or `admin`, which holds every scope).
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(&scope) || self.scopes.contains(&Scope::Admin) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this API key lacks the {} scope",
                scope.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::Unauthorized(
                "send Authorization: Bearer <token>; get a token from POST /api/auth/token".into(),
            )
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized("the Authorization header must be Bearer <token>".into())
            })?;
        let caller = state.tokens.verify(token)?;
        let active = if caller.key_id == DEV_KEY_ID {
            state.dev_mode
        } else {
            state.store.api_key_is_active(caller.key_id).await?
        };
        if !active {
            return Err(ApiError::Unauthorized(
                "the API key behind this token has been revoked".into(),
            ));
        }
        Ok(caller)
    }
}

/// Exchanges an API key for a token (the body of `POST /api/auth/token`).
pub(crate) async fn exchange(
    state: &AppState,
    api_key: &str,
) -> Result<(String, Vec<Scope>), ApiError> {
    if state.dev_mode && api_key == DEV_API_KEY {
        let scopes = vec![Scope::Read, Scope::Write, Scope::Admin];
        return Ok((state.tokens.issue(DEV_KEY_ID, &scopes)?, scopes));
    }
    let key = state
        .store
        .find_api_key(api_key.trim())
        .await?
        .ok_or_else(|| ApiError::Unauthorized("the API key is not valid".into()))?;
    if key.revoked_at.is_some() {
        return Err(ApiError::Unauthorized(
            "the API key has been revoked".into(),
        ));
    }
    state.store.touch_api_key(key.id).await?;
    Ok((state.tokens.issue(key.id, &key.scopes)?, key.scopes))
}
