//! `/api/channel-locks`: one lock in force per channel, saved overwrites, and a durable
//! scheduled unlock that moves with `unlock_at` and is cancelled by an early unlock.

use chrono::{Duration, Utc};
use guildhall_client::ErrorKind;
use guildhall_store::scheduled::{ActionStatus, CHANNEL_LOCK_UNLOCK};
use guildhall_store::{Backend, Store};
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::channel_locks::{
    ChannelLockCreate, ChannelLockFilter, ChannelLockList, ChannelLockUpdate,
};
use reqwest::Method;
use serde_json::json;

use crate::{guild, raw, sf, token, user};

fn lock(guild_id: i64, channel: u64) -> ChannelLockCreate {
    ChannelLockCreate {
        guild_id,
        channel_id: sf(channel),
        locked_by: None,
        reason: Some("raid".into()),
        saved_overwrites: json!([]),
        unlock_at: None,
    }
}

fn ids(list: ChannelLockList) -> Vec<i64> {
    list.channel_locks.iter().map(|l| l.id).collect()
}

/// (status, due time in ms) of each scheduled unlock of lock `id`, oldest first.
async fn unlocks(store: &Store, id: i64) -> Vec<(ActionStatus, i64)> {
    store
        .actions_for_subject(CHANNEL_LOCK_UNLOCK, id)
        .await
        .unwrap()
        .iter()
        .map(|a| (a.status, a.due_at.timestamp_millis()))
        .collect()
}

async fn lock_schedule_move_and_unlock(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let moderator = user(&api.client, 10).await;
    let overwrites = json!([
        {"id": "100000000000000001", "type": 0, "allow": "0", "deny": "2048"},
        {"id": "100000000000000002", "type": 1, "allow": "1024", "deny": "0"}
    ]);
    let unlock_at = Utc::now() + Duration::hours(1);
    let created = api
        .client
        .create_channel_lock(&ChannelLockCreate {
            locked_by: Some(moderator.id),
            saved_overwrites: overwrites.clone(),
            unlock_at: Some(unlock_at),
            ..lock(g.id, 500)
        })
        .await
        .unwrap();
    assert_eq!(created.saved_overwrites, overwrites);
    assert_eq!(created.channel_id, sf(500));
    assert_eq!(created.locked_by, Some(moderator.id));
    assert_eq!(created.unlocked_at, None);
    assert_eq!(
        created.unlock_at.map(|t| t.timestamp_millis()),
        Some(unlock_at.timestamp_millis())
    );
    assert_eq!(api.client.channel_lock(created.id).await.unwrap(), created);
    assert_eq!(
        unlocks(&api.store, created.id).await,
        vec![(ActionStatus::Pending, unlock_at.timestamp_millis())]
    );

    let later = unlock_at + Duration::hours(2);
    let moved = api
        .client
        .update_channel_lock(
            created.id,
            &ChannelLockUpdate {
                unlock_at: Some(later),
                unlocked: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        moved.unlock_at.map(|t| t.timestamp_millis()),
        Some(later.timestamp_millis())
    );
    assert_eq!(
        unlocks(&api.store, created.id).await,
        vec![(ActionStatus::Pending, later.timestamp_millis())]
    );

    let unlocked = api
        .client
        .update_channel_lock(
            created.id,
            &ChannelLockUpdate {
                unlocked: Some(true),
                unlock_at: None,
            },
        )
        .await
        .unwrap();
    let unlocked_at = unlocked.unlocked_at.expect("unlocked_at set");
    assert_eq!(
        unlocks(&api.store, created.id).await[0].0,
        ActionStatus::Cancelled
    );
    let twice = api
        .client
        .update_channel_lock(
            created.id,
            &ChannelLockUpdate {
                unlocked: Some(true),
                unlock_at: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        twice.unlocked_at,
        Some(unlocked_at),
        "unlocking twice keeps the first time"
    );
    let err = api
        .client
        .update_channel_lock(
            created.id,
            &ChannelLockUpdate {
                unlock_at: Some(later),
                unlocked: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    let err = api
        .client
        .update_channel_lock(
            created.id,
            &ChannelLockUpdate {
                unlocked: Some(false),
                unlock_at: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

async fn one_lock_in_force_per_channel(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let first = api
        .client
        .create_channel_lock(&lock(g.id, 500))
        .await
        .unwrap();
    assert_eq!(first.unlock_at, None);
    assert!(
        unlocks(&api.store, first.id).await.is_empty(),
        "no unlock time, nothing scheduled"
    );
    let err = api
        .client
        .create_channel_lock(&lock(g.id, 500))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(
        err.message().contains("already locked"),
        "{}",
        err.message()
    );
    api.client
        .create_channel_lock(&lock(g.id, 501))
        .await
        .unwrap();

    // Giving an open-ended lock an unlock time schedules the unlock.
    let at = Utc::now() + Duration::minutes(30);
    api.client
        .update_channel_lock(
            first.id,
            &ChannelLockUpdate {
                unlock_at: Some(at),
                unlocked: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        unlocks(&api.store, first.id).await,
        vec![(ActionStatus::Pending, at.timestamp_millis())]
    );

    api.client
        .update_channel_lock(
            first.id,
            &ChannelLockUpdate {
                unlocked: Some(true),
                unlock_at: None,
            },
        )
        .await
        .unwrap();
    let relocked = api
        .client
        .create_channel_lock(&lock(g.id, 500))
        .await
        .unwrap();
    assert_ne!(relocked.id, first.id);
    let same = api
        .client
        .update_channel_lock(relocked.id, &ChannelLockUpdate::default())
        .await
        .unwrap();
    assert_eq!(same, relocked);
}

async fn filters_and_pages(backend: Backend) {
    let api = spawn_api(backend).await;
    let one = guild(&api.client, 1).await;
    let two = guild(&api.client, 2).await;
    let mut made = Vec::new();
    for (g, channel) in [(one.id, 500), (one.id, 501), (two.id, 600), (one.id, 502)] {
        made.push(
            api.client
                .create_channel_lock(&lock(g, channel))
                .await
                .unwrap()
                .id,
        );
    }
    api.client
        .update_channel_lock(
            made[1],
            &ChannelLockUpdate {
                unlocked: Some(true),
                unlock_at: None,
            },
        )
        .await
        .unwrap();
    made.push(
        api.client
            .create_channel_lock(&lock(one.id, 501))
            .await
            .unwrap()
            .id,
    );
    let list = |filter: ChannelLockFilter| {
        let client = api.client.clone();
        async move { ids(client.list_channel_locks(&filter).await.unwrap()) }
    };
    assert_eq!(list(ChannelLockFilter::default()).await, made);
    assert_eq!(
        list(ChannelLockFilter {
            guild_id: Some(two.id),
            ..Default::default()
        })
        .await,
        vec![made[2]]
    );
    assert_eq!(
        list(ChannelLockFilter {
            channel_id: Some(sf(501)),
            ..Default::default()
        })
        .await,
        vec![made[1], made[4]]
    );
    assert_eq!(
        list(ChannelLockFilter {
            active: Some(false),
            ..Default::default()
        })
        .await,
        vec![made[1]]
    );
    assert_eq!(
        list(ChannelLockFilter {
            guild_id: Some(one.id),
            active: Some(true),
            ..Default::default()
        })
        .await,
        vec![made[0], made[3], made[4]]
    );
    assert_eq!(
        list(ChannelLockFilter {
            channel_id: Some(sf(501)),
            active: Some(true),
            ..Default::default()
        })
        .await,
        vec![made[4]]
    );

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = api
            .client
            .list_channel_locks(&ChannelLockFilter {
                cursor: cursor.clone(),
                limit: Some(2),
                ..Default::default()
            })
            .await
            .unwrap();
        seen.extend(page.channel_locks.iter().map(|l| l.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, made);
}

async fn refusals(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let cases = [
        (
            ChannelLockCreate {
                unlock_at: Some(Utc::now() - Duration::seconds(5)),
                ..lock(g.id, 500)
            },
            "in the future",
        ),
        (
            ChannelLockCreate {
                saved_overwrites: json!({"id": "1"}),
                ..lock(g.id, 500)
            },
            "saved_overwrites",
        ),
        (
            ChannelLockCreate {
                reason: Some("r".repeat(513)),
                ..lock(g.id, 500)
            },
            "reason",
        ),
        (lock(555, 500), "guild_id 555"),
        (
            ChannelLockCreate {
                locked_by: Some(556),
                ..lock(g.id, 500)
            },
            "locked_by 556",
        ),
    ];
    for (new, sentence) in cases {
        let err = api.client.create_channel_lock(&new).await.unwrap_err();
        assert_eq!(err.status(), Some(422), "{new:?}");
        assert!(
            err.message().contains(sentence),
            "{} lacks {sentence}",
            err.message()
        );
    }
    assert!(
        api.client
            .list_channel_locks(&ChannelLockFilter::default())
            .await
            .unwrap()
            .channel_locks
            .is_empty()
    );

    let created = api
        .client
        .create_channel_lock(&lock(g.id, 500))
        .await
        .unwrap();
    for change in [
        ChannelLockUpdate {
            unlock_at: Some(Utc::now() - Duration::seconds(1)),
            unlocked: None,
        },
        ChannelLockUpdate {
            unlock_at: Some(Utc::now() + Duration::hours(1)),
            unlocked: Some(true),
        },
    ] {
        let err = api
            .client
            .update_channel_lock(created.id, &change)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(422), "{change:?}");
    }
    let err = api
        .client
        .update_channel_lock(
            9999,
            &ChannelLockUpdate {
                unlocked: Some(true),
                unlock_at: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = api
        .client
        .update_channel_lock(
            9999,
            &ChannelLockUpdate {
                unlock_at: Some(Utc::now() + Duration::hours(1)),
                unlocked: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        api.client.channel_lock(9999).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/channel-locks", api.url);
    for body in [
        format!(r#"{{"guild_id": {}}}"#, g.id),
        format!(r#"{{"guild_id": {}, "channel_id": "x1"}}"#, g.id),
        format!(
            r#"{{"guild_id": {}, "channel_id": "7", "unlock_at": 5}}"#,
            g.id
        ),
    ] {
        let (got, json) = raw(Method::POST, &url, Some(&token), Some(&body)).await;
        assert_eq!(got, 422, "body {body} gave {json}");
    }
    // Overwrites default to none, and channel ids may come as numbers.
    let body = format!(
        r#"{{"guild_id": {}, "channel_id": 175928847299117063}}"#,
        g.id
    );
    let (got, json) = raw(Method::POST, &url, Some(&token), Some(&body)).await;
    assert_eq!(got, 201, "{json}");
    assert_eq!(json["saved_overwrites"], json!([]));
    assert_eq!(json["channel_id"], "175928847299117063");
    let (got, _) = raw(
        Method::GET,
        &format!("{url}?channel_id=abc"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(got, 400);
    let (got, _) = raw(
        Method::DELETE,
        &format!("{url}/{}", created.id),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(got, 405, "locks are lifted, not deleted");
}

async fn documented_in_openapi(backend: Backend) {
    let api = spawn_api(backend).await;
    crate::assert_documented(
        &api.url,
        &[
            ("get", "/api/channel-locks"),
            ("post", "/api/channel-locks"),
            ("get", "/api/channel-locks/{id}"),
            ("put", "/api/channel-locks/{id}"),
        ],
    )
    .await;
}

both_backends!(
    lock_schedule_move_and_unlock,
    one_lock_in_force_per_channel,
    filters_and_pages,
    refusals,
    documented_in_openapi,
);
