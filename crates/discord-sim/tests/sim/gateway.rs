//! Gateway protocol: authentication, intents, heartbeats, resume, faults, sharding,
//! compression, chunking and the client send limit.

use std::time::Duration;

use discord_sim::{
    GatewayFault, GuildSpec, PresenceSpec, PrivilegedIntents, ScenarioSpec, SimConfig, Status,
};
use serde_json::{Value, json};

use crate::support::{ALL_INTENTS, Frame, RawClient, config, parse_strict, spawn};

#[tokio::test]
async fn bad_token_closes_with_4004() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    client.recv_payload().await;
    client
        .send(json!({"op": 2, "d": {"token": "Bot not-the-token", "intents": 1, "properties": {}}}))
        .await;
    assert_eq!(client.close_code().await, Some(4004));
}

#[tokio::test]
async fn privileged_intent_not_enabled_closes_with_4014() {
    let sim = spawn(SimConfig {
        privileged_intents: PrivilegedIntents {
            guild_presences: false,
            ..PrivilegedIntents::ALL
        },
        ..config(5)
    })
    .await;
    let mut client = RawClient::connect(&sim, "").await;
    client.recv_payload().await;
    let d = json!({"token": sim.bot_token(), "intents": ALL_INTENTS, "properties": {}});
    client.send(json!({"op": 2, "d": d})).await;
    assert_eq!(client.close_code().await, Some(4014));

    // Without the presence intent the same application identifies fine.
    let mut client = RawClient::connect(&sim, "").await;
    let ready = client
        .identify(&sim.bot_token(), ALL_INTENTS & !(1 << 8), None)
        .await;
    assert_eq!(
        ready["application"]["flags"].as_u64().unwrap() & (1 << 12),
        0
    );
}

#[tokio::test]
async fn accepts_prefixed_token_binary_frames_and_early_heartbeat() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    let hello = client.recv_payload().await;
    assert_eq!(hello["d"]["heartbeat_interval"], 1000);
    client.send_binary(json!({"op": 1, "d": null})).await;
    assert_eq!(client.recv_payload().await["op"], 11);
    let token = format!("Bot {}", sim.bot_token());
    client
        .send_binary(
            json!({"op": 2, "d": {"token": token, "intents": ALL_INTENTS, "properties": {}}}),
        )
        .await;
    let ready = client.dispatch("READY").await;
    assert_eq!(ready["resume_gateway_url"], sim.urls().gateway);
    assert_eq!(ready["user"]["id"], sim.bot_user_id().to_string());
}

#[tokio::test]
async fn payload_before_identify_closes_with_4003() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    client.recv_payload().await;
    client
        .send(json!({"op": 8, "d": {"guild_id": "1", "limit": 0, "query": ""}}))
        .await;
    assert_eq!(client.close_code().await, Some(4003));
}

#[tokio::test]
async fn more_than_120_sends_a_minute_closes_with_4008() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    client.recv_payload().await;
    for _ in 0..121 {
        client.send(json!({"op": 1, "d": null})).await;
    }
    assert_eq!(client.close_code().await, Some(4008));
}

async fn presence(sim: &discord_sim::Simulator, guild_id: u64, user_id: u64, status: Status) {
    sim.set_presence(guild_id, user_id, PresenceSpec::status(status))
        .unwrap();
}

#[tokio::test]
async fn resume_replays_missed_events_then_resumed() {
    let sim = spawn(config(10)).await;
    let guild_id = sim.guild_ids()[0];
    let users: Vec<u64> = sim
        .members(guild_id, 0, 4)
        .unwrap()
        .iter()
        .map(|m| m.user_id)
        .collect();
    let mut client = RawClient::connect(&sim, "zlib-stream").await;
    let ready = client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    let session_id = ready["session_id"].as_str().unwrap().to_owned();
    client.dispatch("GUILD_CREATE").await;
    let acknowledged = client.seq.unwrap();

    // Received but (as far as the resume says) not processed: must be replayed.
    presence(&sim, guild_id, users[1], Status::Idle).await;
    client.dispatch("PRESENCE_UPDATE").await;
    assert_eq!(
        sim.gateway_fault(GatewayFault::DropConnection { shard: None }),
        1
    );
    assert!(matches!(client.recv().await, Frame::Closed(None)));
    // Published while disconnected: must follow RESUMED.
    presence(&sim, guild_id, users[2], Status::Dnd).await;

    let mut client = RawClient::connect(&sim, "zlib-stream").await;
    client.recv_payload().await;
    let d = json!({"token": format!("Bot {}", sim.bot_token()), "session_id": session_id, "seq": acknowledged});
    client.send(json!({"op": 6, "d": d})).await;
    let mut sequence = Vec::new();
    while sequence.last().map(|(t, _): &(String, Value)| t.as_str()) != Some("PRESENCE_UPDATE")
        || sequence.len() < 3
    {
        let payload = client.recv_payload().await;
        if payload["op"] == 0 {
            sequence.push((payload["t"].as_str().unwrap().to_owned(), payload.clone()));
        }
    }
    let names: Vec<&str> = sequence.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(names, ["PRESENCE_UPDATE", "RESUMED", "PRESENCE_UPDATE"]);
    assert_eq!(sequence[0].1["s"], acknowledged + 1);
    assert_eq!(sequence[0].1["d"]["user"]["id"], users[1].to_string());
    assert_eq!(sequence[2].1["d"]["user"]["id"], users[2].to_string());
    assert_eq!(sequence[2].1["d"]["status"], "dnd");
    let seqs: Vec<u64> = sequence
        .iter()
        .map(|(_, p)| p["s"].as_u64().unwrap())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "sequence numbers continue: {seqs:?}"
    );
}

#[tokio::test]
async fn resume_of_unknown_session_is_invalid_session() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    client.recv_payload().await;
    let d = json!({"token": sim.bot_token(), "session_id": "nope", "seq": 3});
    client.send(json!({"op": 6, "d": d})).await;
    let payload = client.recv_payload().await;
    assert_eq!(
        (payload["op"].clone(), payload["d"].clone()),
        (json!(9), json!(false))
    );
}

async fn try_resume(sim: &discord_sim::Simulator, session_id: &Value) -> Value {
    let mut client = RawClient::connect(sim, "").await;
    client.recv_payload().await;
    let d = json!({"token": sim.bot_token(), "session_id": session_id, "seq": 2});
    client.send(json!({"op": 6, "d": d})).await;
    loop {
        let payload = client.recv_payload().await;
        if payload["op"] == 9 || payload["t"] == "RESUMED" {
            return payload;
        }
    }
}

#[tokio::test]
async fn closing_with_1000_ends_the_session_other_closes_keep_it() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    let ready = client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    client.dispatch("GUILD_CREATE").await;
    client.close_with(4000).await;
    assert_eq!(try_resume(&sim, &ready["session_id"]).await["t"], "RESUMED");

    let mut client = RawClient::connect(&sim, "").await;
    let ready = client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    client.dispatch("GUILD_CREATE").await;
    client.close_with(1000).await;
    let refused = try_resume(&sim, &ready["session_id"]).await;
    assert_eq!(
        (refused["op"].clone(), refused["d"].clone()),
        (json!(9), json!(false))
    );
}

#[tokio::test]
async fn invalid_session_and_reconnect_faults() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    client.dispatch("GUILD_CREATE").await;

    assert_eq!(
        sim.gateway_fault(GatewayFault::Reconnect { shard: None }),
        1
    );
    assert_eq!(client.recv_payload().await["op"], 7);

    sim.gateway_fault(GatewayFault::InvalidSession {
        resumable: false,
        shard: None,
    });
    let payload = client.recv_payload().await;
    assert_eq!(
        (payload["op"].clone(), payload["d"].clone()),
        (json!(9), json!(false))
    );
    // The session is gone, so identifying again on the same connection works.
    let d = json!({"token": sim.bot_token(), "intents": ALL_INTENTS, "properties": {}});
    client.send(json!({"op": 2, "d": d})).await;
    let ready = client.dispatch("READY").await;
    parse_strict("READY", &ready);
}

#[tokio::test]
async fn withheld_heartbeat_acks_and_refused_connections() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    client.recv_payload().await;
    sim.gateway_fault(GatewayFault::StopHeartbeatAcks);
    client.send(json!({"op": 1, "d": null})).await;
    let waited = tokio::time::timeout(Duration::from_millis(300), client.recv()).await;
    assert!(waited.is_err(), "no ACK while withheld");
    sim.gateway_fault(GatewayFault::ResumeHeartbeatAcks);
    client.send(json!({"op": 1, "d": null})).await;
    assert_eq!(client.recv_payload().await["op"], 11);

    sim.gateway_fault(GatewayFault::RefuseConnections { millis: 60_000 });
    let url = format!("{}/?v=10&encoding=json", sim.urls().gateway);
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
}

#[tokio::test]
async fn shards_receive_only_their_guilds() {
    let spec = ScenarioSpec {
        seed: 3,
        guilds: (0..6).map(|i| GuildSpec::new(format!("g{i}"), 5)).collect(),
    };
    let sim = spawn(SimConfig {
        scenario: Some(spec),
        ..config(0)
    })
    .await;
    let shard_of = |id: u64| (id >> 22) % 2;
    let mut total = 0;
    let mut clients = Vec::new();
    for shard in 0..2u64 {
        let mut client = RawClient::connect(&sim, "").await;
        let ready = client
            .identify(&sim.bot_token(), ALL_INTENTS, Some([shard, 2]))
            .await;
        assert_eq!(ready["shard"], json!([shard, 2]));
        let guilds = ready["guilds"].as_array().unwrap();
        assert!(!guilds.is_empty(), "both shards own guilds");
        for guild in guilds {
            let id: u64 = guild["id"].as_str().unwrap().parse().unwrap();
            assert_eq!(shard_of(id), shard);
        }
        for _ in guilds {
            let created = client.dispatch("GUILD_CREATE").await;
            assert_eq!(
                shard_of(created["id"].as_str().unwrap().parse().unwrap()),
                shard
            );
        }
        total += guilds.len();
        clients.push(client);
    }
    assert_eq!(total, 6);
    // An event in a shard-1 guild, then one in a shard-0 guild: shard 0 sees only the second.
    let ids = sim.guild_ids();
    let g1 = *ids.iter().find(|id| shard_of(**id) == 1).unwrap();
    let g0 = *ids.iter().find(|id| shard_of(**id) == 0).unwrap();
    let member_of = |g: u64| sim.members(g, 0, 3).unwrap()[1].user_id;
    presence(&sim, g1, member_of(g1), Status::Idle).await;
    presence(&sim, g0, member_of(g0), Status::Idle).await;
    let seen = clients[0].dispatch("PRESENCE_UPDATE").await;
    assert_eq!(seen["guild_id"], g0.to_string());
    let seen = clients[1].dispatch("PRESENCE_UPDATE").await;
    assert_eq!(seen["guild_id"], g1.to_string());
}

#[tokio::test]
async fn large_guilds_send_partial_member_lists() {
    let sim = spawn(config(300)).await;
    let guild_id = sim.guild_ids()[0];
    let mut client = RawClient::connect(&sim, "").await;
    client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    let guild = client.dispatch("GUILD_CREATE").await;
    parse_strict("GUILD_CREATE", &guild);
    assert_eq!(guild["large"], true);
    assert_eq!(guild["member_count"], 301);
    let members = guild["members"].as_array().unwrap();
    assert!(members.len() < 301, "only part of a large guild's members");
    let offline_plain = sim
        .members(guild_id, 0, 1000)
        .unwrap()
        .into_iter()
        .filter(|m| {
            m.presence.status == Status::Offline && m.roles.is_empty() && m.nick.is_none() && !m.bot
        })
        .count();
    assert_eq!(members.len(), 301 - offline_plain);
    for presence in guild["presences"].as_array().unwrap() {
        assert_ne!(presence["status"], "offline");
    }

    // Without GUILD_PRESENCES, only the bot itself.
    let mut client = RawClient::connect(&sim, "").await;
    client
        .identify(&sim.bot_token(), ALL_INTENTS & !(1 << 8), None)
        .await;
    let guild = client.dispatch("GUILD_CREATE").await;
    assert_eq!(guild["members"].as_array().unwrap().len(), 1);
    assert_eq!(guild["presences"], json!([]));
}

#[tokio::test]
async fn member_chunks_follow_discords_rules() {
    let sim = spawn(config(2500)).await;
    let guild_id = sim.guild_ids()[0];
    let mut client = RawClient::connect(&sim, "zstd-stream").await;
    client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    client.dispatch("GUILD_CREATE").await;

    let request = json!({"op": 8, "d": {"guild_id": guild_id.to_string(), "query": "", "limit": 0, "presences": true, "nonce": "everyone"}});
    client.send(request.clone()).await;
    let mut members = std::collections::HashSet::new();
    for expected_index in 0..3 {
        let chunk = client.dispatch("GUILD_MEMBERS_CHUNK").await;
        parse_strict("GUILD_MEMBERS_CHUNK", &chunk);
        assert_eq!(chunk["chunk_index"], expected_index);
        assert_eq!(chunk["chunk_count"], 3);
        assert_eq!(chunk["nonce"], "everyone");
        let batch = chunk["members"].as_array().unwrap();
        assert!(batch.len() <= 1000);
        assert!(chunk["presences"].is_array());
        members.extend(
            batch
                .iter()
                .map(|m| m["user"]["id"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(members.len(), 2501);

    // A second all-members request within 30 s is refused with RATE_LIMITED.
    client.send(request).await;
    let limited = client.dispatch("RATE_LIMITED").await;
    parse_strict("RATE_LIMITED", &limited);
    assert_eq!(limited["meta"]["nonce"], "everyone");
    assert!(limited["retry_after"].as_f64().unwrap() > 25.0);

    // user_ids with an unknown id, as JSON numbers (discord.py sends numbers).
    let known = sim.members(guild_id, 0, 2).unwrap()[1].user_id;
    client
        .send(json!({"op": 8, "d": {"guild_id": guild_id, "user_ids": [known, 42], "limit": 0, "nonce": "ids"}}))
        .await;
    let chunk = client.dispatch("GUILD_MEMBERS_CHUNK").await;
    assert_eq!(chunk["members"][0]["user"]["id"], known.to_string());
    assert_eq!(chunk["not_found"], json!(["42"]));
    assert!(
        chunk.get("presences").is_none(),
        "no presences unless asked"
    );

    // Prefix query, limited.
    let name = sim.member(guild_id, known).unwrap().username;
    let prefix = &name[..4];
    client
        .send(
            json!({"op": 8, "d": {"guild_id": guild_id.to_string(), "query": prefix, "limit": 5}}),
        )
        .await;
    let chunk = client.dispatch("GUILD_MEMBERS_CHUNK").await;
    let found = chunk["members"].as_array().unwrap();
    assert!(!found.is_empty() && found.len() <= 5);
    for member in found {
        let username = member["user"]["username"].as_str().unwrap();
        let nick = member["nick"].as_str().unwrap_or("");
        assert!(username.starts_with(prefix) || nick.starts_with(prefix));
    }
}

#[tokio::test]
async fn identifies_too_close_together_get_invalid_session() {
    let sim = spawn(SimConfig {
        identify_interval: Some(Duration::from_secs(5)),
        ..config(5)
    })
    .await;
    let mut first = RawClient::connect(&sim, "").await;
    first.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    let mut second = RawClient::connect(&sim, "").await;
    second.recv_payload().await;
    let d = json!({"token": sim.bot_token(), "intents": ALL_INTENTS, "properties": {}});
    second.send(json!({"op": 2, "d": d})).await;
    let payload = second.recv_payload().await;
    assert_eq!(
        (payload["op"].clone(), payload["d"].clone()),
        (json!(9), json!(false))
    );

    let gateway: Value = crate::support::http()
        .get(format!("{}/gateway/bot", sim.urls().rest))
        .header("Authorization", format!("Bot {}", sim.bot_token()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gateway["session_start_limit"]["remaining"], 999);
    assert_eq!(gateway["session_start_limit"]["max_concurrency"], 1);
}

#[tokio::test]
async fn guilds_added_later_arrive_rendered_per_session() {
    let sim = spawn(config(5)).await;
    let mut full = RawClient::connect(&sim, "").await;
    full.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    full.dispatch("GUILD_CREATE").await;
    let mut bare = RawClient::connect(&sim, "").await;
    bare.identify(&sim.bot_token(), ALL_INTENTS & !(1 << 8), None)
        .await;
    bare.dispatch("GUILD_CREATE").await;

    let added = sim.build_scenario(&ScenarioSpec {
        seed: 8,
        guilds: vec![GuildSpec::new("Later", 30)],
    })[0];
    let guild = full.dispatch("GUILD_CREATE").await;
    parse_strict("GUILD_CREATE", &guild);
    assert_eq!(guild["id"], added.to_string());
    assert_eq!(guild["members"].as_array().unwrap().len(), 31);
    let guild = bare.dispatch("GUILD_CREATE").await;
    assert_eq!(guild["id"], added.to_string());
    assert_eq!(
        guild["members"].as_array().unwrap().len(),
        1,
        "only the bot without presences"
    );
}

#[tokio::test]
async fn silence_closes_with_4009() {
    let sim = spawn(SimConfig {
        heartbeat_interval: Duration::from_millis(200),
        heartbeat_grace: Duration::from_millis(100),
        ..config(5)
    })
    .await;
    let mut client = RawClient::connect(&sim, "").await;
    client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    // No heartbeats: after two missed intervals and the grace, the connection is closed.
    assert_eq!(client.close_code().await, Some(4009));
}

#[tokio::test]
async fn the_bots_own_presence_update_is_applied_and_announced() {
    let sim = spawn(config(5)).await;
    let guild_id = sim.guild_ids()[0];
    let mut client = RawClient::connect(&sim, "").await;
    client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    client.dispatch("GUILD_CREATE").await;
    let d = json!({"since": null, "afk": false, "status": "dnd", "activities": [
        {"name": "Custom Status", "type": 4, "state": "syncing"},
        {"name": "the roster", "type": 3}
    ]});
    client.send(json!({"op": 3, "d": d})).await;
    let presence = client.dispatch("PRESENCE_UPDATE").await;
    parse_strict("PRESENCE_UPDATE", &presence);
    assert_eq!(presence["user"]["id"], sim.bot_user_id().to_string());
    let truth = sim.member(guild_id, sim.bot_user_id()).unwrap().presence;
    assert_eq!(truth.status, Status::Dnd);
    assert_eq!(truth.custom_status.as_deref(), Some("syncing"));
    assert_eq!(truth.activities[0].name, "the roster");
}

#[tokio::test]
async fn bursts_arrive_complete_and_in_sequence() {
    let sim = spawn(config(300)).await;
    let mut client = RawClient::connect(&sim, "zlib-stream").await;
    client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    client.dispatch("GUILD_CREATE").await;
    let first_seq = client.seq.unwrap() + 1;
    // Far more than one write batch, published faster than the socket drains.
    assert_eq!(sim.churn_burst(2000, 4), 2000);
    for expected in first_seq..first_seq + 2000 {
        let payload = client.recv_payload().await;
        assert_eq!(payload["t"], "PRESENCE_UPDATE");
        assert_eq!(payload["s"], expected);
    }
    assert_eq!(sim.counters().by_event["PRESENCE_UPDATE"], 2000);
}

#[tokio::test]
async fn resumable_invalid_session_can_be_resumed() {
    let sim = spawn(config(5)).await;
    let mut client = RawClient::connect(&sim, "").await;
    let ready = client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    client.dispatch("GUILD_CREATE").await;
    sim.gateway_fault(GatewayFault::InvalidSession {
        resumable: true,
        shard: None,
    });
    let payload = client.recv_payload().await;
    assert_eq!(
        (payload["op"].clone(), payload["d"].clone()),
        (json!(9), json!(true))
    );
    client.close_with(4000).await;
    assert_eq!(try_resume(&sim, &ready["session_id"]).await["t"], "RESUMED");
}

#[tokio::test]
async fn shutdown_closes_gateway_connections_and_returns() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim = discord_sim::Simulator::new(config(5));
    sim.prepare(&listener).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let runner = sim.clone();
    let server = tokio::spawn(async move {
        runner
            .run(listener, async {
                let _ = stopped.await;
            })
            .await
    });
    let mut client = RawClient::connect(&sim, "").await;
    client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    stop.send(()).unwrap();
    assert_eq!(client.close_code().await, Some(4000));
    let finished = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(
        matches!(finished, Ok(Ok(Ok(())))),
        "the server stops: {finished:?}"
    );
}
