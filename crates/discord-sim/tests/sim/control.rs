//! The control API over HTTP, as a demo or a test in another process would drive it.

use serde_json::{Value, json};

use crate::support::{ALL_INTENTS, RawClient, config, http, spawn};

#[tokio::test]
async fn http_control_api_scripts_the_world() {
    let sim = spawn(config(20)).await;
    let client = http();
    let control = sim.urls().control;

    let info: Value = client
        .get(format!("{control}/info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["bot_token"], sim.bot_token());
    assert_eq!(info["urls"]["gateway"], sim.urls().gateway);
    let guild_id = info["guild_ids"][0].as_str().unwrap().to_owned();

    let mut gateway = RawClient::connect(&sim, "").await;
    gateway.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    gateway.dispatch("GUILD_CREATE").await;

    let added: Value = client
        .post(format!("{control}/guilds/{guild_id}/members"))
        .json(&json!({"username": "alice", "nick": "Al"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user_id = added["user_id"].as_str().unwrap().to_owned();
    let joined = gateway.dispatch("GUILD_MEMBER_ADD").await;
    assert_eq!(joined["user"]["username"], "alice");

    let status = client
        .put(format!(
            "{control}/guilds/{guild_id}/members/{user_id}/presence"
        ))
        .json(&json!({"status": "idle", "custom_status": "lunch", "platforms": ["mobile"]}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    let presence = gateway.dispatch("PRESENCE_UPDATE").await;
    assert_eq!(presence["client_status"], json!({"mobile": "idle"}));
    assert_eq!(presence["activities"][0]["state"], "lunch");

    let truth: Value = client
        .get(format!("{control}/guilds/{guild_id}/members/{user_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(truth["presence"]["status"], "idle");
    assert_eq!(truth["nick"], "Al");

    let missing = client
        .get(format!("{control}/guilds/{guild_id}/members/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.json::<Value>().await.unwrap()["error"].is_string());

    let fault: Value = client
        .post(format!("{control}/faults/gateway"))
        .json(&json!({"kind": "reconnect"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fault["connections"], 1);
    assert_eq!(gateway.recv_payload().await["op"], 7);

    let counters: Value = client
        .get(format!("{control}/counters"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(counters["dispatches_sent"].as_u64().unwrap() >= 4);
    assert_eq!(counters["by_event"]["GUILD_MEMBER_ADD"], 1);
    assert_eq!(counters["live_sessions"], 1);
}

#[tokio::test]
async fn churn_generator_emits_at_its_rate() {
    let sim = spawn(config(200)).await;
    let mut gateway = RawClient::connect(&sim, "").await;
    gateway.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    gateway.dispatch("GUILD_CREATE").await;
    let client = http();
    let started = client
        .put(format!("{}/churn", sim.urls().control))
        .json(&json!({"rate_per_second": 500.0, "seed": 9}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 204);
    for _ in 0..50 {
        let presence = gateway.dispatch("PRESENCE_UPDATE").await;
        crate::support::parse_strict("PRESENCE_UPDATE", &presence);
    }
    sim.stop_churn();
    let published = sim.counters().by_event["PRESENCE_UPDATE"];
    assert!(published >= 50);
}

#[tokio::test]
async fn http_scenario_build_and_unknown_rest_routes() {
    let sim = spawn(discord_sim::SimConfig::default()).await;
    let client = http();
    let built: Value = client
        .post(format!("{}/scenario", sim.urls().control))
        .json(&json!({
            "seed": 5,
            "guilds": [{"name": "Staff HQ", "members": 40, "staff_roles": [{"name": "Mod", "color": 255, "members": 3}]}]
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let guild_id: u64 = built["guild_ids"][0].as_str().unwrap().parse().unwrap();
    assert_eq!(sim.member_count(guild_id).unwrap(), 41);
    let moderator = sim.roles(guild_id).unwrap()[1].id;
    let holders = sim
        .members(guild_id, 0, 100)
        .unwrap()
        .iter()
        .filter(|m| m.roles.contains(&moderator))
        .count();
    assert_eq!(holders, 3);

    let missing = client
        .get(format!("{}/no/such/route", sim.urls().rest))
        .header("Authorization", format!("Bot {}", sim.bot_token()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.unwrap(),
        json!({"message": "404: Not Found", "code": 0})
    );
}

#[tokio::test]
async fn tests_can_wait_for_the_bot_and_take_its_actions() {
    let sim = spawn(crate::support::config(5)).await;
    let guild_id = sim.guild_ids()[0];
    let channel = sim.channels(guild_id).unwrap()[0].id;
    let rest = sim.urls().rest;
    let token = format!("Bot {}", sim.bot_token());
    // A stand-in for a bot that answers a little later.
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        http()
            .post(format!("{rest}/channels/{channel}/messages"))
            .header("Authorization", token)
            .json(&json!({"content": "pong"}))
            .send()
            .await
            .unwrap();
    });
    let answered = sim
        .wait_for(std::time::Duration::from_secs(5), |s| {
            !s.bot_actions().is_empty()
        })
        .await;
    assert!(answered);
    let taken = sim.take_bot_actions();
    assert!(
        matches!(&taken[0], discord_sim::BotAction::MessageCreated { content, .. } if content == "pong")
    );
    assert!(sim.bot_actions().is_empty());
}

#[tokio::test]
async fn churn_can_be_limited_to_members_with_roles() {
    let sim = spawn(config(200)).await;
    let guild_id = sim.guild_ids()[0];
    let mut gateway = RawClient::connect(&sim, "").await;
    gateway.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    gateway.dispatch("GUILD_CREATE").await;
    let client = http();
    let started = client
        .put(format!("{}/churn", sim.urls().control))
        .json(&json!({"rate_per_second": 1000.0, "scope": "members_with_roles"}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 204);
    for _ in 0..30 {
        let presence = gateway.dispatch("PRESENCE_UPDATE").await;
        let user: u64 = presence["user"]["id"].as_str().unwrap().parse().unwrap();
        assert!(!sim.member(guild_id, user).unwrap().roles.is_empty());
    }
    sim.stop_churn();
}
