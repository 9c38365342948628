//! `/api/bump-stats`: atomic counting (including under concurrency), filters and paging.

use chrono::{Duration, Utc};
use futures::future::join_all;
use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::bump_stats::{BumpRecord, BumpStatFilter, BumpStatList};
use reqwest::Method;

use crate::{guild, raw, token, user};

fn bump(guild_id: i64, user_id: i64) -> BumpRecord {
    BumpRecord {
        guild_id,
        user_id,
        at: None,
    }
}

fn ids(list: BumpStatList) -> Vec<i64> {
    list.bump_stats.iter().map(|s| s.id).collect()
}

async fn bumps_count_up_and_keep_the_latest_time(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let first = api.client.record_bump(&bump(g.id, alice.id)).await.unwrap();
    assert_eq!(first.bump_count, 1);
    let at = Utc::now() + Duration::minutes(5);
    let second = api
        .client
        .record_bump(&BumpRecord {
            at: Some(at),
            ..bump(g.id, alice.id)
        })
        .await
        .unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.bump_count, 2);
    assert_eq!(
        second.last_bump_at.timestamp_millis(),
        at.timestamp_millis()
    );
    // A record arriving late counts but does not move the last bump back.
    let late = api
        .client
        .record_bump(&BumpRecord {
            at: Some(Utc::now() - Duration::hours(3)),
            ..bump(g.id, alice.id)
        })
        .await
        .unwrap();
    assert_eq!(late.bump_count, 3);
    assert_eq!(late.last_bump_at, second.last_bump_at);
    assert_eq!(api.client.bump_stat(first.id).await.unwrap(), late);
}

async fn thirty_concurrent_bumps_count_thirty(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    // Thirty bumps by Alice with ten by Bob interleaved, all at once.
    let records = (0..40).map(|n| {
        let client = api.client.clone();
        let record = bump(g.id, if n % 4 == 3 { bob.id } else { alice.id });
        async move { client.record_bump(&record).await.unwrap() }
    });
    let results = join_all(records).await;
    // Each record saw its own count: no two increments read the same value.
    let mut alices: Vec<i64> = results
        .iter()
        .filter(|s| s.user_id == alice.id)
        .map(|s| s.bump_count)
        .collect();
    alices.sort();
    assert_eq!(alices, (1..=30).collect::<Vec<_>>());
    let stats = api
        .client
        .list_bump_stats(&BumpStatFilter {
            guild_id: Some(g.id),
            ..Default::default()
        })
        .await
        .unwrap();
    let count = |user_id| {
        stats
            .bump_stats
            .iter()
            .find(|s| s.user_id == user_id)
            .map(|s| s.bump_count)
    };
    assert_eq!(count(alice.id), Some(30));
    assert_eq!(count(bob.id), Some(10));
    assert_eq!(stats.bump_stats.len(), 2, "one row per user");
}

async fn filters_pages_and_refusals(backend: Backend) {
    let api = spawn_api(backend).await;
    let one = guild(&api.client, 1).await;
    let two = guild(&api.client, 2).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    let mut made = Vec::new();
    for (g, u) in [(one.id, alice.id), (one.id, bob.id), (two.id, alice.id)] {
        made.push(api.client.record_bump(&bump(g, u)).await.unwrap().id);
    }
    let list = |filter: BumpStatFilter| {
        let client = api.client.clone();
        async move { ids(client.list_bump_stats(&filter).await.unwrap()) }
    };
    assert_eq!(list(BumpStatFilter::default()).await, made);
    assert_eq!(
        list(BumpStatFilter {
            guild_id: Some(one.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[1]]
    );
    assert_eq!(
        list(BumpStatFilter {
            user_id: Some(alice.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[2]]
    );
    assert_eq!(
        list(BumpStatFilter {
            guild_id: Some(two.id),
            user_id: Some(alice.id),
            ..Default::default()
        })
        .await,
        vec![made[2]]
    );
    let first_page = api
        .client
        .list_bump_stats(&BumpStatFilter {
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(first_page.bump_stats.len(), 2);
    let rest = api
        .client
        .list_bump_stats(&BumpStatFilter {
            cursor: first_page.next_cursor.clone(),
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(rest.clone()), vec![made[2]]);
    assert_eq!(rest.next_cursor, None);

    let err = api
        .client
        .record_bump(&bump(555, alice.id))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(err.message().contains("guild_id 555"), "{}", err.message());
    let err = api
        .client
        .record_bump(&bump(one.id, 556))
        .await
        .unwrap_err();
    assert!(err.message().contains("user_id 556"), "{}", err.message());
    assert_eq!(
        api.client.bump_stat(9999).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/bump-stats", api.url);
    for (body, status) in [
        ("[]", 422),
        (r#"{"guild_id": 1}"#, 422),
        (r#"{"guild_id": 1, "user_id": 1, "at": "now"}"#, 422),
        ("{", 400),
    ] {
        let (got, json) = raw(Method::POST, &url, Some(&token), Some(body)).await;
        assert_eq!(got, status, "body {body} gave {json}");
    }
    let body = format!(r#"{{"guild_id": {}, "user_id": {}}}"#, one.id, alice.id);
    let (got, json) = raw(Method::POST, &url, Some(&token), Some(&body)).await;
    assert_eq!(got, 200, "{json}");
    assert_eq!(json["bump_count"], 2);
}

async fn documented_in_openapi(backend: Backend) {
    let api = spawn_api(backend).await;
    crate::assert_documented(
        &api.url,
        &[
            ("get", "/api/bump-stats"),
            ("post", "/api/bump-stats"),
            ("get", "/api/bump-stats/{id}"),
        ],
    )
    .await;
}

both_backends!(
    bumps_count_up_and_keep_the_latest_time,
    thirty_concurrent_bumps_count_thirty,
    filters_pages_and_refusals,
    documented_in_openapi,
);
