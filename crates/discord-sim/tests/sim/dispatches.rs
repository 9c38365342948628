//! Every dispatch the simulator emits parses strictly with twilight-model 0.18.

use std::collections::BTreeSet;

use discord_sim::{
    ChannelChange, CommandInvocation, GuildChange, MemberChange, NewMember, PresenceSpec, Status,
    UserChange,
};
use serde_json::json;

use crate::support::{ALL_INTENTS, RawClient, config, parse_strict, spawn};

#[tokio::test]
async fn every_dispatch_type_parses_with_twilight() {
    let sim = spawn(config(120)).await;
    let guild_id = sim.guild_ids()[0];
    let mut client = RawClient::connect(&sim, "zstd-stream").await;
    let ready = client.identify(&sim.bot_token(), ALL_INTENTS, None).await;
    parse_strict("READY", &ready);
    let guild = client.dispatch("GUILD_CREATE").await;
    parse_strict("GUILD_CREATE", &guild);

    let roles = sim.roles(guild_id).unwrap();
    let channel_id = sim.channels(guild_id).unwrap()[0].id;
    let member = sim.members(guild_id, 0, 5).unwrap()[1].user_id;

    sim.update_guild(
        guild_id,
        GuildChange {
            name: Some("Renamed".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut role = roles[1].clone();
    role.id = 0;
    role.name = "New role".into();
    let new_role = sim.upsert_role(guild_id, role.clone()).unwrap();
    role.id = new_role;
    role.color = 0x12_34_56;
    sim.upsert_role(guild_id, role).unwrap();
    let added = sim
        .add_member(
            guild_id,
            NewMember {
                username: Some("newcomer".into()),
                ..Default::default()
            },
        )
        .unwrap();
    sim.update_member(
        guild_id,
        added,
        MemberChange {
            nick: Some(Some("Newbie".into())),
            roles: Some(vec![new_role]),
        },
    )
    .unwrap();
    sim.delete_role(guild_id, new_role).unwrap();
    sim.set_presence(
        guild_id,
        member,
        PresenceSpec {
            status: Status::Dnd,
            custom_status: Some("deep work".into()),
            activities: vec![discord_sim::ActivitySpec {
                name: "Factorio".into(),
                kind: 0,
                state: Some("in a factory".into()),
                details: None,
            }],
            platforms: vec![discord_sim::Platform::Mobile, discord_sim::Platform::Web],
        },
    )
    .unwrap();
    sim.update_user(
        added,
        UserChange {
            global_name: Some(Some("New Comer".into())),
            ..Default::default()
        },
    )
    .unwrap();
    sim.update_user(
        sim.bot_user_id(),
        UserChange {
            username: Some("Renamed Bot".into()),
            ..Default::default()
        },
    )
    .unwrap();
    sim.update_channel(
        channel_id,
        ChannelChange {
            topic: Some(Some("rules".into())),
            ..Default::default()
        },
    )
    .unwrap();
    sim.post_message(channel_id, member, "!ping").unwrap();
    sim.invoke_command(CommandInvocation {
        guild_id,
        channel_id: None,
        user_id: member,
        name: "sync".into(),
        options: vec![json!({"name": "full", "type": 5, "value": true})],
    })
    .unwrap();
    sim.remove_member(guild_id, added).unwrap();
    client
        .send(json!({"op": 8, "d": {"guild_id": guild_id.to_string(), "query": "", "limit": 0, "presences": true, "nonce": "all"}}))
        .await;
    client
        .send(
            json!({"op": 8, "d": {"guild_id": guild_id, "user_ids": [member, 1], "nonce": "ids"}}),
        )
        .await;
    client
        .send(json!({"op": 8, "d": {"guild_id": guild_id, "query": "", "limit": 0}}))
        .await;

    let expected = [
        "GUILD_UPDATE",
        "GUILD_ROLE_CREATE",
        "GUILD_ROLE_UPDATE",
        "GUILD_ROLE_DELETE",
        "GUILD_MEMBER_ADD",
        "GUILD_MEMBER_UPDATE",
        "GUILD_MEMBER_REMOVE",
        "PRESENCE_UPDATE",
        "USER_UPDATE",
        "CHANNEL_UPDATE",
        "MESSAGE_CREATE",
        "INTERACTION_CREATE",
        "GUILD_MEMBERS_CHUNK",
        "RATE_LIMITED",
    ];
    let mut seen = BTreeSet::new();
    // Broadcast events and op 8 answers interleave, so read until everything has come.
    while !expected.iter().all(|name| seen.contains(*name)) {
        let payload = client.recv_payload().await;
        if payload["op"] != 0 {
            continue;
        }
        let name = payload["t"].as_str().unwrap().to_owned();
        parse_strict(&name, &payload["d"]);
        seen.insert(name);
    }
    sim.remove_guild(guild_id).unwrap();
    parse_strict("GUILD_DELETE", &client.dispatch("GUILD_DELETE").await);
}

#[tokio::test]
async fn message_content_needs_its_intent() {
    let sim = spawn(config(10)).await;
    let guild_id = sim.guild_ids()[0];
    let channel_id = sim.channels(guild_id).unwrap()[0].id;
    let author = sim.members(guild_id, 0, 3).unwrap()[1].user_id;
    let without_content = ALL_INTENTS & !discord_sim::intents::MESSAGE_CONTENT;
    let mut client = RawClient::connect(&sim, "").await;
    client
        .identify(&sim.bot_token(), without_content, None)
        .await;
    client.dispatch("GUILD_CREATE").await;
    sim.post_message(channel_id, author, "secret words")
        .unwrap();
    let message = client.dispatch("MESSAGE_CREATE").await;
    parse_strict("MESSAGE_CREATE", &message);
    assert_eq!(message["content"], "");
    let mention = format!("<@{}> hello", sim.bot_user_id());
    sim.post_message(channel_id, author, &mention).unwrap();
    let message = client.dispatch("MESSAGE_CREATE").await;
    assert_eq!(
        message["content"], mention,
        "mentions of the bot keep their content"
    );
}
