//! Tokens, scopes, revocation, development mode.

use std::time::Duration;

use base64::Engine;
use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{SpawnOptions, both_backends, spawn_api, spawn_api_with};
use guildhall_wire::auth::{ApiKeyCreate, Scope};
use guildhall_wire::guilds::GuildFilter;
use reqwest::Method;

use crate::{raw, token};

async fn routes_need_a_valid_token(backend: Backend) {
    let api = spawn_api(backend).await;
    let url = format!("{}/api/guilds", api.url);
    let (status, body) = raw(Method::GET, &url, None, None).await;
    assert_eq!(status, 401);
    assert!(body["error"].as_str().unwrap().contains("Bearer"), "{body}");

    let (status, _) = raw(Method::GET, &url, Some("not.a.token"), None).await;
    assert_eq!(status, 401);

    // A token signed with another secret.
    let good = token(&api.url, &api.admin_key).await;
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[2] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 32]);
    let (status, body) = raw(Method::GET, &url, Some(&parts.join(".")), None).await;
    assert_eq!(status, 401, "{body}");

    // A token with no expiry, signed with the right algorithm but a guessed secret, and one
    // with the claims edited: both refused.
    let claims = serde_json::json!({ "sub": "1", "scopes": ["admin"], "iat": 0 });
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let (status, _) = raw(Method::GET, &url, Some(&forged), None).await;
    assert_eq!(status, 401);

    let (status, _) = raw(Method::GET, &url, Some(&good), None).await;
    assert_eq!(status, 200);

    let (status, body) = raw(
        Method::POST,
        &format!("{}/api/auth/token", api.url),
        None,
        Some(r#"{"api_key": "gh_wrong"}"#),
    )
    .await;
    assert_eq!(status, 401, "{body}");
}

async fn scopes_and_revocation(backend: Backend) {
    let api = spawn_api(backend).await;
    let reader = api
        .client
        .create_api_key(&ApiKeyCreate {
            name: "reader".into(),
            scopes: vec![Scope::Read],
        })
        .await
        .unwrap();
    assert!(reader.key.starts_with("gh_"));
    let read_client = api.client_with_key(&reader.key);
    read_client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap();
    let denied = read_client
        .create_guild(&guildhall_wire::guilds::GuildCreate {
            discord_id: crate::sf(1),
            name: "x".into(),
            icon: None,
            owner_discord_id: None,
            joined_at: None,
        })
        .await
        .unwrap_err();
    assert_eq!(denied.kind(), ErrorKind::Forbidden);
    let denied = read_client
        .list_api_keys(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(denied.kind(), ErrorKind::Forbidden);

    let keys = api.client.list_api_keys(&Default::default()).await.unwrap();
    assert_eq!(keys.api_keys.len(), 2);
    assert!(keys.api_keys.iter().all(|k| k.revoked_at.is_none()));

    // A token from a key revoked after the token was issued stops working at once.
    let reader_token = token(&api.url, &reader.key).await;
    let revoked = api.client.revoke_api_key(reader.api_key.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    let (status, body) = raw(
        Method::GET,
        &format!("{}/api/guilds", api.url),
        Some(&reader_token),
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        body["error"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    let (status, _) = raw(
        Method::POST,
        &format!("{}/api/auth/token", api.url),
        None,
        Some(&serde_json::json!({ "api_key": reader.key }).to_string()),
    )
    .await;
    assert_eq!(status, 401);
}

async fn expired_tokens_are_refused(backend: Backend) {
    let api = spawn_api_with(
        backend,
        SpawnOptions {
            token_ttl: Duration::from_secs(1),
            ..Default::default()
        },
    )
    .await;
    let short = token(&api.url, &api.admin_key).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = raw(
        Method::GET,
        &format!("{}/api/guilds", api.url),
        Some(&short),
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        body["error"].as_str().unwrap().contains("expired"),
        "{body}"
    );
}

async fn development_key_only_in_development_mode(backend: Backend) {
    let api = spawn_api(backend).await;
    let (status, _) = raw(
        Method::POST,
        &format!("{}/api/auth/token", api.url),
        None,
        Some(r#"{"api_key": "TESTING"}"#),
    )
    .await;
    assert_eq!(status, 401);

    let dev = spawn_api_with(
        backend,
        SpawnOptions {
            dev_mode: true,
            ..Default::default()
        },
    )
    .await;
    let client = dev.client_with_key("TESTING");
    client.list_guilds(&GuildFilter::default()).await.unwrap();
}

both_backends!(
    routes_need_a_valid_token,
    scopes_and_revocation,
    expired_tokens_are_refused,
    development_key_only_in_development_mode
);
