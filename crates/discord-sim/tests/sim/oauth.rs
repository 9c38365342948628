//! OAuth2: authorization code and refresh flows, client checks, bearer `users/@me`.

use serde_json::Value;

use crate::support::{config, http, spawn};

const REDIRECT: &str = "http://127.0.0.1:1/callback";

async fn authorize(sim: &discord_sim::Simulator, client: &reqwest::Client) -> String {
    let response = client
        .get(format!("{}/oauth2/authorize", sim.urls().base))
        .query(&[
            ("client_id", sim.application_id().to_string().as_str()),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "identify email"),
            ("state", "xyz 1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("{REDIRECT}?code=")));
    assert!(location.ends_with("&state=xyz%201"));
    location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned()
}

async fn token(
    sim: &discord_sim::Simulator,
    client: &reqwest::Client,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(format!("{}/oauth2/token", sim.urls().rest))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn code_and_refresh_flows() {
    let sim = spawn(config(5)).await;
    let guild_id = sim.guild_ids()[0];
    let user = sim.members(guild_id, 0, 3).unwrap()[1].user_id;
    let client = http();
    let client_id = sim.application_id().to_string();
    let secret = sim.client_secret();

    // Without consent the page asks who is logging in.
    let page = client
        .get(format!(
            "{}/oauth2/authorize?client_id={client_id}&response_type=code&redirect_uri={REDIRECT}",
            sim.urls().base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("user_id"));

    sim.queue_oauth_consent(user);
    let code = authorize(&sim, &client).await;
    let wrong_secret = token(
        &sim,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", &client_id),
            ("client_secret", "wrong"),
        ],
    )
    .await;
    assert_eq!(wrong_secret.status(), 401);
    let granted: Value = token(
        &sim,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(granted["token_type"], "Bearer");
    assert_eq!(granted["scope"], "identify email");
    let access = granted["access_token"].as_str().unwrap();

    // A code works once.
    let reused = token(
        &sim,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(reused.status(), 400);

    let me: Value = client
        .get(format!("{}/users/@me", sim.urls().rest))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], user.to_string());
    assert!(me["email"].is_string());

    // Refresh with HTTP Basic client credentials; the old refresh token is then spent.
    let refresh = granted["refresh_token"].as_str().unwrap();
    let refreshed = client
        .post(format!("{}/oauth2/token", sim.urls().rest))
        .basic_auth(&client_id, Some(&secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    assert_ne!(refreshed["access_token"], granted["access_token"]);
    let again = token(
        &sim,
        &client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(again.status(), 400);

    let bad_bearer = client
        .get(format!("{}/users/@me", sim.urls().rest))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_bearer.status(), 401);
}

#[tokio::test]
async fn auto_consent_redirects_straight_away() {
    let sim = spawn(config(5)).await;
    let user = sim.members(sim.guild_ids()[0], 0, 3).unwrap()[1].user_id;
    sim.set_oauth_auto_consent(Some(user));
    let client = http();
    authorize(&sim, &client).await;
    authorize(&sim, &client).await;
}
