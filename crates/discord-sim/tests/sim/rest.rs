//! REST: authentication, rate-limit headers and 429s, injected faults, and the routes a bot
//! uses, checked against the ground truth.

use std::time::Duration;

use discord_sim::{BotAction, RestFault, RestLimits, SimConfig};
use serde_json::{Value, json};

use crate::support::{config, http, spawn};

fn bot(sim: &discord_sim::Simulator) -> String {
    format!("Bot {}", sim.bot_token())
}

#[tokio::test]
async fn requests_without_a_bot_token_get_401() {
    let sim = spawn(config(5)).await;
    let url = format!("{}/users/@me", sim.urls().rest);
    let client = http();
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"message": "401: Unauthorized", "code": 0}));
    // A bare token is not enough on REST.
    let response = client
        .get(&url)
        .header("Authorization", sim.bot_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = client
        .get(&url)
        .header("Authorization", bot(&sim))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let me: twilight_model::user::CurrentUser = response.json().await.unwrap();
    assert_eq!(me.id.get(), sim.bot_user_id());
}

#[tokio::test]
async fn buckets_answer_429_with_discords_headers_and_body() {
    let limits = RestLimits {
        route_limit: 2,
        route_window: Duration::from_secs(30),
        ..RestLimits::default()
    };
    let sim = spawn(SimConfig {
        rest_limits: limits,
        ..config(5)
    })
    .await;
    let guild_id = sim.guild_ids()[0];
    let channels = sim.channels(guild_id).unwrap();
    let client = http();
    let get = |channel: u64| {
        client
            .get(format!("{}/channels/{channel}", sim.urls().rest))
            .header("Authorization", bot(&sim))
            .send()
    };
    let first = get(channels[0].id).await.unwrap();
    assert_eq!(first.status(), 200);
    let headers = first.headers();
    assert_eq!(headers["x-ratelimit-limit"], "2");
    assert_eq!(headers["x-ratelimit-remaining"], "1");
    assert_eq!(headers["x-ratelimit-scope"], "user");
    let reset_after: f64 = headers["x-ratelimit-reset-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset_after > 25.0 && reset_after <= 30.0);
    let reset: f64 = headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > 1.7e9);
    let bucket = headers["x-ratelimit-bucket"].clone();

    assert_eq!(get(channels[0].id).await.unwrap().status(), 200);
    let limited = get(channels[0].id).await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(limited.headers()["x-ratelimit-scope"], "user");
    assert_eq!(limited.headers()["x-ratelimit-bucket"], bucket);
    let retry_header: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((26..=30).contains(&retry_header));
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["message"], "You are being rate limited.");
    assert_eq!(body["global"], false);
    assert_eq!(body["code"], 0);
    assert!(body["retry_after"].as_f64().unwrap() > 25.0);

    // The channel is a major parameter: another channel has its own bucket, same bucket id.
    let other = get(channels[1].id).await.unwrap();
    assert_eq!(other.status(), 200);
    assert_eq!(other.headers()["x-ratelimit-bucket"], bucket);
}

#[tokio::test]
async fn the_global_limit_answers_a_global_429() {
    let limits = RestLimits {
        global_per_second: 3,
        scope_header_always: false,
        ..RestLimits::default()
    };
    let sim = spawn(SimConfig {
        rest_limits: limits,
        ..config(5)
    })
    .await;
    let client = http();
    let url = format!("{}/users/@me", sim.urls().rest);
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..4 {
        let response = client
            .get(&url)
            .header("Authorization", bot(&sim))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 200 {
            assert!(
                response.headers().get("x-ratelimit-scope").is_none(),
                "scope only on 429s"
            );
        }
        last = Some(response);
    }
    // All four normally land within one second; allow the window to have rolled once.
    assert!(
        statuses.contains(&429) || statuses.iter().all(|s| *s == 200),
        "{statuses:?}"
    );
    let last = last.unwrap();
    if last.status() == 429 {
        assert_eq!(last.headers()["x-ratelimit-global"], "true");
        assert_eq!(last.headers()["x-ratelimit-scope"], "global");
        let body: Value = last.json().await.unwrap();
        assert_eq!(body["global"], true);
    }
}

#[tokio::test]
async fn injected_faults_fail_the_next_calls() {
    let sim = spawn(config(5)).await;
    let client = http();
    let url = format!("{}/users/@me", sim.urls().rest);
    sim.rest_fault(RestFault::RateLimited {
        count: 2,
        retry_after_ms: 1500,
        global: false,
    });
    sim.rest_fault(RestFault::ServerError {
        count: 1,
        status: 502,
    });
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = client
            .get(&url)
            .header("Authorization", bot(&sim))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert_eq!(response.headers()["retry-after"], "2");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["retry_after"], 1.5);
        }
    }
    assert_eq!(statuses, [429, 429, 502, 200]);
}

#[tokio::test]
async fn member_list_pages_by_id() {
    let sim = spawn(config(2500)).await;
    let guild_id = sim.guild_ids()[0];
    let client = http();
    let page = |after: u64, limit: u64| {
        client
            .get(format!(
                "{}/guilds/{guild_id}/members?limit={limit}&after={after}",
                sim.urls().rest
            ))
            .header("Authorization", bot(&sim))
            .send()
    };
    assert_eq!(page(0, 1001).await.unwrap().status(), 400);
    let mut after = 0;
    let mut seen = 0;
    loop {
        let members: Vec<twilight_model::guild::Member> =
            page(after, 1000).await.unwrap().json().await.unwrap();
        if members.is_empty() {
            break;
        }
        assert!(members.windows(2).all(|w| w[0].user.id < w[1].user.id));
        seen += members.len();
        after = members.last().unwrap().user.id.get();
    }
    assert_eq!(seen, 2501);
}

#[tokio::test]
async fn role_overwrite_message_and_command_changes_are_recorded() {
    let sim = spawn(config(20)).await;
    let guild_id = sim.guild_ids()[0];
    let role = sim.roles(guild_id).unwrap()[2].id;
    let channel = sim.channels(guild_id).unwrap()[0].id;
    let user = sim
        .members(guild_id, 0, 30)
        .unwrap()
        .into_iter()
        .find(|m| m.roles.is_empty() && !m.bot)
        .unwrap()
        .user_id;
    let client = http();
    let rest = sim.urls().rest;
    let auth = bot(&sim);

    let response = client
        .put(format!(
            "{rest}/guilds/{guild_id}/members/{user}/roles/{role}"
        ))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(sim.member(guild_id, user).unwrap().roles, vec![role]);
    let response = client
        .delete(format!(
            "{rest}/guilds/{guild_id}/members/{user}/roles/{role}"
        ))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(sim.member(guild_id, user).unwrap().roles.is_empty());

    let response = client
        .put(format!("{rest}/channels/{channel}/permissions/{guild_id}"))
        .header("Authorization", &auth)
        .json(&json!({"type": 0, "allow": "0", "deny": "2048"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let overwrites = &sim.channels(guild_id).unwrap()[0].permission_overwrites;
    assert_eq!((overwrites[0].id, overwrites[0].deny), (guild_id, 2048));

    let message: twilight_model::channel::Message = client
        .post(format!("{rest}/channels/{channel}/messages"))
        .header("Authorization", &auth)
        .json(&json!({"content": "Sync complete!"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(message.content, "Sync complete!");

    let app = sim.application_id();
    let commands: Vec<twilight_model::application::command::Command> = client
        .put(format!(
            "{rest}/applications/{app}/guilds/{guild_id}/commands"
        ))
        .header("Authorization", &auth)
        .json(&json!([{"name": "ping", "description": "Latency", "type": 1}]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(commands[0].name, "ping");
    assert!(commands[0].id.is_some());

    let actions = sim.bot_actions();
    assert!(matches!(actions[0], BotAction::RoleAdded { role_id, .. } if role_id == role));
    assert!(matches!(actions[1], BotAction::RoleRemoved { .. }));
    assert!(
        matches!(actions[2], BotAction::OverwriteChanged { target_id, .. } if target_id == guild_id)
    );
    assert!(
        matches!(&actions[3], BotAction::MessageCreated { content, .. } if content == "Sync complete!")
    );
    assert!(matches!(actions[4], BotAction::CommandsOverwritten { .. }));
}

#[tokio::test]
async fn interaction_callbacks_and_followups() {
    let sim = spawn(config(5)).await;
    let guild_id = sim.guild_ids()[0];
    let user = sim.members(guild_id, 0, 3).unwrap()[1].user_id;
    let mut gateway = crate::support::RawClient::connect(&sim, "").await;
    gateway
        .identify(&sim.bot_token(), crate::support::ALL_INTENTS, None)
        .await;
    gateway.dispatch("GUILD_CREATE").await;
    let invoke = |name: &str| {
        sim.invoke_command(discord_sim::CommandInvocation {
            guild_id,
            channel_id: None,
            user_id: user,
            name: name.into(),
            options: Vec::new(),
        })
        .unwrap()
    };
    let interaction = invoke("sync");
    let client = http();
    let rest = sim.urls().rest;
    let wrong = client
        .post(format!(
            "{rest}/interactions/{}/wrong-token/callback",
            interaction.id
        ))
        .json(&json!({"type": 4, "data": {"content": "Pong"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
    let ok = client
        .post(format!(
            "{rest}/interactions/{}/{}/callback",
            interaction.id, interaction.token
        ))
        .json(&json!({"type": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 204);
    let followup = client
        .post(format!(
            "{rest}/webhooks/{}/{}",
            sim.application_id(),
            interaction.token
        ))
        .json(&json!({"content": "Progress: 1/3 batches"}))
        .send()
        .await
        .unwrap();
    assert_eq!(followup.status(), 200);
    let posted = gateway.dispatch("MESSAGE_CREATE").await;
    crate::support::parse_strict("MESSAGE_CREATE", &posted);
    assert_eq!(posted["content"], "Progress: 1/3 batches");
    assert_eq!(
        posted["channel_id"],
        sim.channels(guild_id).unwrap()[0].id.to_string()
    );

    // A type 4 callback answers with a message in the channel.
    let ping = invoke("ping");
    let answered = client
        .post(format!(
            "{rest}/interactions/{}/{}/callback",
            ping.id, ping.token
        ))
        .json(&json!({"type": 4, "data": {"content": "Pong! 3 ms"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 204);
    let reply = gateway.dispatch("MESSAGE_CREATE").await;
    crate::support::parse_strict("MESSAGE_CREATE", &reply);
    assert_eq!(
        (reply["type"].clone(), reply["content"].clone()),
        (json!(20), json!("Pong! 3 ms"))
    );

    let actions = sim.bot_actions();
    assert!(
        matches!(&actions[0], BotAction::InteractionResponded { body, .. } if body["type"] == 5)
    );
    assert!(
        matches!(&actions[1], BotAction::FollowupSent { body, .. } if body["content"] == "Progress: 1/3 batches")
    );
}

#[tokio::test]
async fn too_many_invalid_requests_get_the_bot_banned() {
    let limits = RestLimits {
        invalid_request_limit: 3,
        ..RestLimits::default()
    };
    let sim = spawn(SimConfig {
        rest_limits: limits,
        ..config(5)
    })
    .await;
    let client = http();
    let url = format!("{}/users/@me", sim.urls().rest);
    for _ in 0..3 {
        let refused = client
            .get(&url)
            .header("Authorization", "Bot wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
    }
    let banned = client
        .get(&url)
        .header("Authorization", bot(&sim))
        .send()
        .await
        .unwrap();
    assert_eq!(banned.status(), 429);
    assert_eq!(banned.headers()["x-ratelimit-global"], "true");
    let body: Value = banned.json().await.unwrap();
    assert!(body["retry_after"].as_f64().unwrap() > 500.0);
}

#[tokio::test]
async fn a_bucket_refills_after_its_window() {
    let limits = RestLimits {
        route_limit: 1,
        route_window: Duration::from_millis(300),
        ..RestLimits::default()
    };
    let sim = spawn(SimConfig {
        rest_limits: limits,
        ..config(5)
    })
    .await;
    let client = http();
    let url = format!("{}/users/@me", sim.urls().rest);
    let call = || client.get(&url).header("Authorization", bot(&sim)).send();
    assert_eq!(call().await.unwrap().status(), 200);
    let limited = call().await.unwrap();
    assert_eq!(limited.status(), 429);
    let wait: f64 = limited.headers()["x-ratelimit-reset-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait <= 0.3);
    tokio::time::sleep(Duration::from_secs_f64(wait) + Duration::from_millis(20)).await;
    assert_eq!(call().await.unwrap().status(), 200);
}
