//! The API's integration tests: a real server on a random port with its own database,
//! driven through the client crate (and raw HTTP where the point is what goes over the wire).
//! Every story runs on SQLite and on PostgreSQL.

mod auth;
mod bump_stats;
mod cases;
mod channel_locks;
mod command_usage;
mod guilds;
mod members;
mod meta;
mod notes;
mod persistent_roles;
mod seed_flow;
mod sync;
mod temporary_roles;
mod users;
mod warnings;

use guildhall_client::Client;
use guildhall_wire::Snowflake;
use guildhall_wire::guilds::{Guild, GuildCreate};
use guildhall_wire::users::{DiscordUser, UserCreate};

/// A snowflake from a small number, for readable tests.
pub fn sf(n: u64) -> Snowflake {
    Snowflake::new(100_000_000_000_000_000 + n).unwrap()
}

/// Creates a guild with a Discord id derived from `n`.
pub async fn guild(client: &Client, n: u64) -> Guild {
    client
        .create_guild(&GuildCreate {
            discord_id: sf(n),
            name: format!("Guild {n}"),
            icon: None,
            owner_discord_id: None,
            joined_at: None,
        })
        .await
        .expect("create guild")
}

/// Creates a user with a Discord id derived from `n`.
pub async fn user(client: &Client, n: u64) -> DiscordUser {
    client
        .create_user(&UserCreate {
            discord_id: sf(n),
            username: format!("user{n}"),
            global_name: None,
            avatar: None,
            bot: false,
        })
        .await
        .expect("create user")
}

/// Sends a raw request and returns the status and JSON body (or `Null` for an empty body).
pub async fn raw(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    // reqwest's rustls backend needs a process-wide crypto provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let text = response.text().await.expect("read body");
    let json = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
    };
    (status, json)
}

/// Exchanges `key` for a token over raw HTTP.
pub async fn token(base: &str, key: &str) -> String {
    let (status, body) = raw(
        reqwest::Method::POST,
        &format!("{base}/api/auth/token"),
        None,
        Some(&serde_json::json!({ "api_key": key }).to_string()),
    )
    .await;
    assert_eq!(status, 200, "token exchange failed: {body}");
    body["token"].as_str().unwrap().to_owned()
}

/// Checks that each `(method, path)` is an operation of the server's OpenAPI document.
pub async fn assert_documented(base: &str, operations: &[(&str, &str)]) {
    let (status, doc) = raw(
        reqwest::Method::GET,
        &format!("{base}/api/openapi.json"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{doc}");
    for (method, path) in operations {
        assert!(
            doc["paths"][path][method].is_object(),
            "{} {path} is missing from the OpenAPI document",
            method.to_uppercase()
        );
    }
}
