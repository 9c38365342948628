//! `/api/command-usage`: atomic counting per command (including under concurrency), name
//! checks, filters and paging.

use chrono::{Duration, Utc};
use futures::future::join_all;
use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::command_usage::{CommandUsageFilter, CommandUsageList, CommandUse};
use reqwest::Method;

use crate::{guild, raw, token, user};

fn used(guild_id: i64, user_id: i64, command: &str) -> CommandUse {
    CommandUse {
        guild_id,
        user_id,
        command: command.into(),
        at: None,
    }
}

fn ids(list: CommandUsageList) -> Vec<i64> {
    list.command_usage.iter().map(|c| c.id).collect()
}

async fn uses_count_up_per_command(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let ping = api
        .client
        .record_command_use(&used(g.id, alice.id, "ping"))
        .await
        .unwrap();
    assert_eq!((ping.command.as_str(), ping.use_count), ("ping", 1));
    let at = Utc::now() + Duration::seconds(30);
    let again = api
        .client
        .record_command_use(&CommandUse {
            at: Some(at),
            ..used(g.id, alice.id, "ping")
        })
        .await
        .unwrap();
    assert_eq!((again.id, again.use_count), (ping.id, 2));
    assert_eq!(again.last_used_at.timestamp_millis(), at.timestamp_millis());
    let late = api
        .client
        .record_command_use(&CommandUse {
            at: Some(Utc::now() - Duration::days(1)),
            ..used(g.id, alice.id, "ping")
        })
        .await
        .unwrap();
    assert_eq!(late.use_count, 3);
    assert_eq!(
        late.last_used_at, again.last_used_at,
        "a late record does not move the time back"
    );
    let sync = api
        .client
        .record_command_use(&used(g.id, alice.id, "sync"))
        .await
        .unwrap();
    assert_ne!(sync.id, ping.id);
    assert_eq!(sync.use_count, 1);
    assert_eq!(api.client.command_usage(ping.id).await.unwrap(), late);
}

async fn thirty_concurrent_uses_count_thirty(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let records = (0..30).map(|_| {
        let client = api.client.clone();
        let record = used(g.id, alice.id, "rank");
        async move { client.record_command_use(&record).await.unwrap() }
    });
    let mut counts: Vec<i64> = join_all(records)
        .await
        .iter()
        .map(|c| c.use_count)
        .collect();
    counts.sort();
    assert_eq!(counts, (1..=30).collect::<Vec<_>>());
    let listed = api
        .client
        .list_command_usage(&CommandUsageFilter {
            command: Some("rank".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.command_usage.len(), 1);
    assert_eq!(listed.command_usage[0].use_count, 30);
}

async fn filters_pages_and_refusals(backend: Backend) {
    let api = spawn_api(backend).await;
    let one = guild(&api.client, 1).await;
    let two = guild(&api.client, 2).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    let mut made = Vec::new();
    for (g, u, command) in [
        (one.id, alice.id, "ping"),
        (one.id, bob.id, "ping"),
        (two.id, alice.id, "sync"),
        (one.id, alice.id, "sync"),
    ] {
        made.push(
            api.client
                .record_command_use(&used(g, u, command))
                .await
                .unwrap()
                .id,
        );
    }
    let list = |filter: CommandUsageFilter| {
        let client = api.client.clone();
        async move { ids(client.list_command_usage(&filter).await.unwrap()) }
    };
    assert_eq!(list(CommandUsageFilter::default()).await, made);
    assert_eq!(
        list(CommandUsageFilter {
            guild_id: Some(one.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[1], made[3]]
    );
    assert_eq!(
        list(CommandUsageFilter {
            user_id: Some(bob.id),
            ..Default::default()
        })
        .await,
        vec![made[1]]
    );
    assert_eq!(
        list(CommandUsageFilter {
            command: Some("sync".into()),
            ..Default::default()
        })
        .await,
        vec![made[2], made[3]]
    );
    assert_eq!(
        list(CommandUsageFilter {
            guild_id: Some(one.id),
            user_id: Some(alice.id),
            command: Some("sync".into()),
            ..Default::default()
        })
        .await,
        vec![made[3]]
    );
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = api
            .client
            .list_command_usage(&CommandUsageFilter {
                cursor: cursor.clone(),
                limit: Some(3),
                ..Default::default()
            })
            .await
            .unwrap();
        seen.extend(page.command_usage.iter().map(|c| c.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, made);

    for command in ["", "   ", &"c".repeat(101)] {
        let err = api
            .client
            .record_command_use(&used(one.id, alice.id, command))
            .await
            .unwrap_err();
        assert_eq!(
            err.status(),
            Some(422),
            "command of {} chars",
            command.len()
        );
        assert!(err.message().contains("command"), "{}", err.message());
    }
    api.client
        .record_command_use(&used(one.id, alice.id, &"c".repeat(100)))
        .await
        .unwrap();
    let err = api
        .client
        .record_command_use(&used(555, alice.id, "ping"))
        .await
        .unwrap_err();
    assert!(err.message().contains("guild_id 555"), "{}", err.message());
    let err = api
        .client
        .record_command_use(&used(one.id, 556, "ping"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(err.message().contains("user_id 556"), "{}", err.message());
    assert_eq!(
        api.client.command_usage(9999).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/command-usage", api.url);
    for (body, status) in [
        ("{", 400),
        (r#"{"guild_id": 1, "user_id": 1}"#, 422),
        (r#"{"guild_id": 1, "user_id": 1, "command": ["ping"]}"#, 422),
    ] {
        let (got, json) = raw(Method::POST, &url, Some(&token), Some(body)).await;
        assert_eq!(got, status, "body {body} gave {json}");
    }
    let (got, _) = raw(Method::GET, &format!("{url}?limit=0"), Some(&token), None).await;
    assert_eq!(got, 422);
    let (got, _) = raw(Method::GET, &url, None, None).await;
    assert_eq!(got, 401);
}

async fn documented_in_openapi(backend: Backend) {
    let api = spawn_api(backend).await;
    crate::assert_documented(
        &api.url,
        &[
            ("get", "/api/command-usage"),
            ("post", "/api/command-usage"),
            ("get", "/api/command-usage/{id}"),
        ],
    )
    .await;
}

both_backends!(
    uses_count_up_per_command,
    thirty_concurrent_uses_count_thirty,
    filters_pages_and_refusals,
    documented_in_openapi,
);
