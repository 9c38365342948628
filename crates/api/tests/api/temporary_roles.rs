//! `/api/temporary-roles`: grants with a durable scheduled removal that moves with the expiry
//! and is cancelled when the role is taken back; filters, paging and refusals.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use guildhall_client::ErrorKind;
use guildhall_store::scheduled::{ActionStatus, TEMPORARY_ROLE_EXPIRE};
use guildhall_store::{Backend, Store};
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::temporary_roles::{
    TemporaryRoleCreate, TemporaryRoleFilter, TemporaryRoleList, TemporaryRoleUpdate,
};
use reqwest::Method;

use crate::{guild, raw, sf, token, user};

fn grant(guild_id: i64, user_id: i64, seconds: i64) -> TemporaryRoleCreate {
    TemporaryRoleCreate {
        guild_id,
        user_id,
        role_id: sf(900),
        granted_by: None,
        reason: Some("event helper".into()),
        expires_at: None,
        duration_seconds: Some(seconds),
    }
}

fn ids(list: TemporaryRoleList) -> Vec<i64> {
    list.temporary_roles.iter().map(|r| r.id).collect()
}

/// (status, due time in ms) of each scheduled removal of role `id`, oldest first.
async fn removals(store: &Store, id: i64) -> Vec<(ActionStatus, i64)> {
    store
        .actions_for_subject(TEMPORARY_ROLE_EXPIRE, id)
        .await
        .unwrap()
        .iter()
        .map(|a| (a.status, a.due_at.timestamp_millis()))
        .collect()
}

async fn a_grant_schedules_its_removal(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let moderator = user(&api.client, 11).await;
    let before = Utc::now();
    let by_duration = api
        .client
        .create_temporary_role(&TemporaryRoleCreate {
            granted_by: Some(moderator.id),
            ..grant(g.id, alice.id, 3600)
        })
        .await
        .unwrap();
    let expected = by_duration.granted_at + Duration::seconds(3600);
    assert_eq!(by_duration.expires_at, expected);
    assert!(by_duration.granted_at >= before - Duration::seconds(1));
    assert_eq!(by_duration.removed_at, None);
    assert_eq!(by_duration.granted_by, Some(moderator.id));
    assert_eq!(by_duration.reason.as_deref(), Some("event helper"));
    assert_eq!(
        api.client.temporary_role(by_duration.id).await.unwrap(),
        by_duration
    );
    assert_eq!(
        removals(&api.store, by_duration.id).await,
        vec![(
            ActionStatus::Pending,
            by_duration.expires_at.timestamp_millis()
        )]
    );

    let at = Utc::now() + Duration::days(2);
    let by_time = api
        .client
        .create_temporary_role(&TemporaryRoleCreate {
            expires_at: Some(at),
            duration_seconds: None,
            ..grant(g.id, alice.id, 0)
        })
        .await
        .unwrap();
    assert_eq!(by_time.expires_at.timestamp_millis(), at.timestamp_millis());
    assert_eq!(
        removals(&api.store, by_time.id).await,
        vec![(ActionStatus::Pending, at.timestamp_millis())]
    );
}

async fn moving_the_expiry_moves_the_removal(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let role = api
        .client
        .create_temporary_role(&grant(g.id, alice.id, 600))
        .await
        .unwrap();
    let later = Utc::now() + Duration::hours(5);
    let moved = api
        .client
        .update_temporary_role(
            role.id,
            &TemporaryRoleUpdate {
                expires_at: Some(later),
                removed: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        moved.expires_at.timestamp_millis(),
        later.timestamp_millis()
    );
    assert_eq!(
        removals(&api.store, role.id).await,
        vec![(ActionStatus::Pending, later.timestamp_millis())]
    );

    // While a worker holds the removal, a move schedules a fresh one (the worker re-reads the
    // role and finds it not yet due).
    let claimed = api
        .store
        .claim_due_actions(later, 10, StdDuration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let even_later = later + Duration::hours(1);
    api.client
        .update_temporary_role(
            role.id,
            &TemporaryRoleUpdate {
                expires_at: Some(even_later),
                removed: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        removals(&api.store, role.id).await,
        vec![
            (ActionStatus::Running, later.timestamp_millis()),
            (ActionStatus::Pending, even_later.timestamp_millis())
        ]
    );

    // An empty change reads the role back unchanged.
    let same = api
        .client
        .update_temporary_role(role.id, &TemporaryRoleUpdate::default())
        .await
        .unwrap();
    assert_eq!(
        same.expires_at.timestamp_millis(),
        even_later.timestamp_millis()
    );
}

async fn taking_back_cancels_the_removal(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let role = api
        .client
        .create_temporary_role(&grant(g.id, alice.id, 600))
        .await
        .unwrap();
    let removed = api
        .client
        .update_temporary_role(
            role.id,
            &TemporaryRoleUpdate {
                removed: Some(true),
                expires_at: None,
            },
        )
        .await
        .unwrap();
    let removed_at = removed.removed_at.expect("removed_at set");
    assert_eq!(
        removals(&api.store, role.id).await[0].0,
        ActionStatus::Cancelled
    );
    let again = api
        .client
        .update_temporary_role(
            role.id,
            &TemporaryRoleUpdate {
                removed: Some(true),
                expires_at: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        again.removed_at,
        Some(removed_at),
        "taking back twice keeps the first time"
    );

    let err = api
        .client
        .update_temporary_role(
            role.id,
            &TemporaryRoleUpdate {
                expires_at: Some(Utc::now() + Duration::hours(1)),
                removed: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(
        err.message().contains("already taken back"),
        "{}",
        err.message()
    );
    let err = api
        .client
        .update_temporary_role(
            role.id,
            &TemporaryRoleUpdate {
                removed: Some(false),
                expires_at: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);

    // Deleting a record cancels a removal still pending.
    let other = api
        .client
        .create_temporary_role(&grant(g.id, alice.id, 600))
        .await
        .unwrap();
    let deleted = api.client.delete_temporary_role(other.id).await.unwrap();
    assert_eq!(deleted.id, other.id);
    assert_eq!(
        removals(&api.store, other.id).await[0].0,
        ActionStatus::Cancelled
    );
    assert_eq!(
        api.client
            .temporary_role(other.id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        api.client
            .delete_temporary_role(other.id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    let err = api
        .client
        .update_temporary_role(
            other.id,
            &TemporaryRoleUpdate {
                removed: Some(true),
                expires_at: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = api
        .client
        .update_temporary_role(
            other.id,
            &TemporaryRoleUpdate {
                expires_at: Some(Utc::now() + Duration::hours(1)),
                removed: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

async fn filters_and_pages(backend: Backend) {
    let api = spawn_api(backend).await;
    let one = guild(&api.client, 1).await;
    let two = guild(&api.client, 2).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    let mut made = Vec::new();
    for (g, u) in [
        (one.id, alice.id),
        (one.id, bob.id),
        (two.id, alice.id),
        (one.id, alice.id),
    ] {
        made.push(
            api.client
                .create_temporary_role(&grant(g, u, 600))
                .await
                .unwrap()
                .id,
        );
    }
    api.client
        .update_temporary_role(
            made[1],
            &TemporaryRoleUpdate {
                removed: Some(true),
                expires_at: None,
            },
        )
        .await
        .unwrap();
    let list = |filter: TemporaryRoleFilter| {
        let client = api.client.clone();
        async move { ids(client.list_temporary_roles(&filter).await.unwrap()) }
    };
    assert_eq!(list(TemporaryRoleFilter::default()).await, made);
    assert_eq!(
        list(TemporaryRoleFilter {
            guild_id: Some(one.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[1], made[3]]
    );
    assert_eq!(
        list(TemporaryRoleFilter {
            user_id: Some(alice.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[2], made[3]]
    );
    assert_eq!(
        list(TemporaryRoleFilter {
            active: Some(true),
            ..Default::default()
        })
        .await,
        vec![made[0], made[2], made[3]]
    );
    assert_eq!(
        list(TemporaryRoleFilter {
            active: Some(false),
            ..Default::default()
        })
        .await,
        vec![made[1]]
    );
    assert_eq!(
        list(TemporaryRoleFilter {
            guild_id: Some(one.id),
            user_id: Some(alice.id),
            active: Some(true),
            ..Default::default()
        })
        .await,
        vec![made[0], made[3]]
    );

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = api
            .client
            .list_temporary_roles(&TemporaryRoleFilter {
                cursor: cursor.clone(),
                limit: Some(3),
                ..Default::default()
            })
            .await
            .unwrap();
        seen.extend(page.temporary_roles.iter().map(|r| r.id));
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
    let alice = user(&api.client, 10).await;
    let soon = Utc::now() + Duration::hours(1);
    let cases = [
        (
            TemporaryRoleCreate {
                expires_at: Some(soon),
                ..grant(g.id, alice.id, 60)
            },
            "not both",
        ),
        (
            TemporaryRoleCreate {
                duration_seconds: None,
                ..grant(g.id, alice.id, 60)
            },
            "expires_at or duration_seconds",
        ),
        (
            TemporaryRoleCreate {
                expires_at: Some(Utc::now() - Duration::minutes(1)),
                duration_seconds: None,
                ..grant(g.id, alice.id, 0)
            },
            "in the future",
        ),
        (grant(g.id, alice.id, 0), "duration_seconds"),
        (grant(g.id, alice.id, -5), "duration_seconds"),
        (grant(g.id, alice.id, i64::MAX), "duration_seconds"),
        (
            TemporaryRoleCreate {
                reason: Some("r".repeat(513)),
                ..grant(g.id, alice.id, 60)
            },
            "reason",
        ),
        (grant(555, alice.id, 60), "guild_id 555"),
        (grant(g.id, 556, 60), "user_id 556"),
        (
            TemporaryRoleCreate {
                granted_by: Some(557),
                ..grant(g.id, alice.id, 60)
            },
            "granted_by 557",
        ),
    ];
    for (new, sentence) in cases {
        let err = api.client.create_temporary_role(&new).await.unwrap_err();
        assert_eq!(err.status(), Some(422), "{new:?}");
        assert!(
            err.message().contains(sentence),
            "{} lacks {sentence}",
            err.message()
        );
    }
    let listed = api
        .client
        .list_temporary_roles(&TemporaryRoleFilter::default())
        .await
        .unwrap();
    assert!(listed.temporary_roles.is_empty(), "nothing half-created");

    let role = api
        .client
        .create_temporary_role(&grant(g.id, alice.id, 60))
        .await
        .unwrap();
    for change in [
        TemporaryRoleUpdate {
            expires_at: Some(Utc::now() - Duration::seconds(1)),
            removed: None,
        },
        TemporaryRoleUpdate {
            expires_at: Some(soon),
            removed: Some(true),
        },
    ] {
        let err = api
            .client
            .update_temporary_role(role.id, &change)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(422), "{change:?}");
    }
    assert_eq!(
        api.client.temporary_role(role.id).await.unwrap(),
        role,
        "refused changes change nothing"
    );

    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/temporary-roles", api.url);
    let body = format!(
        r#"{{"guild_id": {}, "user_id": {}, "role_id": "9", "expires_at": "tomorrow"}}"#,
        g.id, alice.id
    );
    let (got, json) = raw(Method::POST, &url, Some(&token), Some(&body)).await;
    assert_eq!(got, 422, "{json}");
    let (got, _) = raw(
        Method::GET,
        &format!("{url}?active=sometimes"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(got, 400);
    let (got, _) = raw(Method::GET, &format!("{url}/77777"), Some(&token), None).await;
    assert_eq!(got, 404);
}

async fn documented_in_openapi(backend: Backend) {
    let api = spawn_api(backend).await;
    crate::assert_documented(
        &api.url,
        &[
            ("get", "/api/temporary-roles"),
            ("post", "/api/temporary-roles"),
            ("get", "/api/temporary-roles/{id}"),
            ("put", "/api/temporary-roles/{id}"),
            ("delete", "/api/temporary-roles/{id}"),
        ],
    )
    .await;
}

both_backends!(
    a_grant_schedules_its_removal,
    moving_the_expiry_moves_the_removal,
    taking_back_cancels_the_removal,
    filters_and_pages,
    refusals,
    documented_in_openapi,
);
