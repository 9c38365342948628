//! `/api/guilds` through the client and over raw HTTP.

use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::guilds::{GuildCreate, GuildFilter, GuildUpdate};
use reqwest::Method;

use crate::{guild, raw, sf, token};

async fn create_read_update_list(backend: Backend) {
    let api = spawn_api(backend).await;
    let created = guild(&api.client, 1).await;
    assert_eq!(created.discord_id, sf(1));
    assert_eq!(created.name, "Guild 1");
    assert_eq!(api.client.guild(created.id).await.unwrap(), created);

    let renamed = api
        .client
        .update_guild(
            created.id,
            &GuildUpdate {
                name: Some("Renamed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "Renamed");
    assert_eq!(renamed.discord_id, created.discord_id);

    let left = api
        .client
        .update_guild(
            created.id,
            &GuildUpdate {
                left: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(left.left_at.is_some());
    assert_eq!(left.name, "Renamed", "fields left out are kept");

    guild(&api.client, 2).await;
    let all = api
        .client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap();
    assert_eq!(all.guilds.len(), 2);
    let by_discord = api
        .client
        .list_guilds(&GuildFilter {
            discord_id: Some(sf(2)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_discord.guilds.len(), 1);
    assert_eq!(by_discord.guilds[0].discord_id, sf(2));
}

async fn duplicate_unknown_and_bad_input(backend: Backend) {
    let api = spawn_api(backend).await;
    guild(&api.client, 1).await;
    let dup = api
        .client
        .create_guild(&GuildCreate {
            discord_id: sf(1),
            name: "Again".into(),
            icon: None,
            owner_discord_id: None,
            joined_at: None,
        })
        .await
        .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Conflict);
    assert!(
        dup.message().contains("already exists"),
        "{}",
        dup.message()
    );

    let missing = api.client.guild(9999).await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(missing.status(), Some(404));

    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/guilds", api.url);
    for (body, status) in [
        ("{not json", 400),
        (r#"{"discord_id": "abc", "name": "x"}"#, 422),
        (r#"{"discord_id": 5}"#, 422),
        (r#"{"discord_id": "-1", "name": "x"}"#, 422),
        (
            r#"{"discord_id": "99999999999999999999", "name": "x"}"#,
            422,
        ),
        (r#"{"discord_id": "7", "name": ""}"#, 422),
        (r#"[1,2,3]"#, 422),
    ] {
        let (got, json) = raw(Method::POST, &url, Some(&token), Some(body)).await;
        assert_eq!(got, status, "body {body} gave {json}");
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "no error sentence for {body}: {json}"
        );
    }
    // Snowflakes are strings on output and numbers are accepted on input.
    let (got, json) = raw(
        Method::POST,
        &url,
        Some(&token),
        Some(r#"{"discord_id": 175928847299117063, "name": "Numbers"}"#),
    )
    .await;
    assert_eq!(got, 201, "{json}");
    assert_eq!(json["discord_id"], "175928847299117063");

    let (got, json) = raw(
        Method::GET,
        &format!("{url}/not-a-number"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(got, 400, "{json}");
    let (got, _) = raw(
        Method::PUT,
        &format!("{url}/424242"),
        Some(&token),
        Some(r#"{"name": "x"}"#),
    )
    .await;
    assert_eq!(got, 404);
    let (got, json) = raw(Method::POST, &url, Some(&token), None).await;
    assert_eq!(got, 415, "{json}");
}

async fn pages_with_a_cursor(backend: Backend) {
    let api = spawn_api(backend).await;
    for n in 0..7 {
        guild(&api.client, n).await;
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = api
            .client
            .list_guilds(&GuildFilter {
                cursor: cursor.clone(),
                limit: Some(3),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(page.guilds.len() <= 3);
        seen.extend(page.guilds.iter().map(|g| g.discord_id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, (0..7).map(sf).collect::<Vec<_>>());

    let bad = api
        .client
        .list_guilds(&GuildFilter {
            limit: Some(5000),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidRequest);
    let bad = api
        .client
        .list_guilds(&GuildFilter {
            cursor: Some("garbage".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidRequest);
}

both_backends!(
    create_read_update_list,
    duplicate_unknown_and_bad_input,
    pages_with_a_cursor
);
