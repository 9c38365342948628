//! Scheduled actions on both backends: claiming due work under a lease, finishing it, retrying
//! it, and never handing one action to two claimers.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use guildhall_store::scheduled::{ActionStatus, TEMPORARY_ROLE_EXPIRE};
use guildhall_store::{Backend, Store};
use guildhall_testkit::{both_backends, test_store};

const LEASE: Duration = Duration::from_secs(60);

/// A fixed "now" with whole milliseconds, as the database stores times.
fn base_time() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_900_000_000_000).unwrap()
}

async fn schedule(store: &Store, subject_id: i64, due_at: DateTime<Utc>) -> i64 {
    store
        .schedule_action(TEMPORARY_ROLE_EXPIRE, subject_id, due_at)
        .await
        .expect("schedule an action")
        .id
}

async fn claims_only_due_actions_oldest_first(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let now = base_time();
    let later = schedule(&store, 1, now - TimeDelta::seconds(10)).await;
    let earliest = schedule(&store, 2, now - TimeDelta::seconds(60)).await;
    let future = schedule(&store, 3, now + TimeDelta::seconds(60)).await;
    let on_the_dot = schedule(&store, 4, now).await;

    let claimed = store.claim_due_actions(now, 10, LEASE).await.unwrap();
    let ids: Vec<i64> = claimed.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![earliest, later, on_the_dot]);
    for action in &claimed {
        assert_eq!(action.status, ActionStatus::Running);
        assert_eq!(action.attempts, 1);
        assert_eq!(action.locked_until, Some(now + TimeDelta::seconds(60)));
        assert_eq!(action.kind, TEMPORARY_ROLE_EXPIRE);
    }
    // Claimed actions are not handed out again while their lease holds.
    assert!(
        store
            .claim_due_actions(now, 10, LEASE)
            .await
            .unwrap()
            .is_empty()
    );
    let pending = store.scheduled_action(future).await.unwrap();
    assert_eq!(pending.status, ActionStatus::Pending);
    assert_eq!(pending.attempts, 0);

    // The limit is honoured.
    let at_future = now + TimeDelta::seconds(61);
    schedule(&store, 5, now).await;
    let one = store.claim_due_actions(at_future, 1, LEASE).await.unwrap();
    assert_eq!(one.len(), 1);
    assert!(
        store
            .claim_due_actions(now, 0, LEASE)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn complete_and_fail_finish_or_retry(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let now = base_time();
    let done = schedule(&store, 1, now).await;
    let retried = schedule(&store, 2, now).await;
    let given_up = schedule(&store, 3, now).await;
    assert_eq!(
        store.claim_due_actions(now, 10, LEASE).await.unwrap().len(),
        3
    );

    assert!(store.complete_action(done).await.unwrap());
    let action = store.scheduled_action(done).await.unwrap();
    assert_eq!(action.status, ActionStatus::Done);
    assert!(action.finished_at.is_some());
    assert_eq!(action.locked_until, None);
    assert!(
        !store.complete_action(done).await.unwrap(),
        "done only once"
    );

    let retry_at = now + TimeDelta::seconds(30);
    assert!(
        store
            .fail_action(retried, "Discord answered 503", Some(retry_at))
            .await
            .unwrap()
    );
    let action = store.scheduled_action(retried).await.unwrap();
    assert_eq!(action.status, ActionStatus::Pending);
    assert_eq!(action.due_at, retry_at);
    assert_eq!(action.last_error.as_deref(), Some("Discord answered 503"));
    assert_eq!(action.finished_at, None);
    assert!(
        store
            .claim_due_actions(now, 10, LEASE)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let again = store.claim_due_actions(retry_at, 10, LEASE).await.unwrap();
    assert_eq!(
        again.iter().map(|a| (a.id, a.attempts)).collect::<Vec<_>>(),
        vec![(retried, 2)]
    );

    assert!(
        store
            .fail_action(given_up, "missing permissions", None)
            .await
            .unwrap()
    );
    let action = store.scheduled_action(given_up).await.unwrap();
    assert_eq!(action.status, ActionStatus::Failed);
    assert!(action.finished_at.is_some());
    assert!(
        !store.fail_action(given_up, "again", None).await.unwrap(),
        "not running any more"
    );
    assert!(!store.complete_action(given_up).await.unwrap());
}

async fn a_lapsed_lease_is_claimed_again(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let now = base_time();
    let id = schedule(&store, 1, now).await;
    let first = store
        .claim_due_actions(now, 10, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    // Still leased four seconds on; free again once the five-second lease lapses.
    let soon = now + TimeDelta::seconds(4);
    assert!(
        store
            .claim_due_actions(soon, 10, LEASE)
            .await
            .unwrap()
            .is_empty()
    );
    let lapsed = now + TimeDelta::seconds(5);
    let second = store.claim_due_actions(lapsed, 10, LEASE).await.unwrap();
    assert_eq!(
        second
            .iter()
            .map(|a| (a.id, a.attempts))
            .collect::<Vec<_>>(),
        vec![(id, 2)]
    );
    assert_eq!(
        second[0].locked_until,
        Some(lapsed + TimeDelta::seconds(60))
    );
}

async fn concurrent_claimers_never_share_an_action(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let now = base_time();
    const ACTIONS: i64 = 300;
    for subject in 0..ACTIONS {
        schedule(&store, subject, now - TimeDelta::milliseconds(subject)).await;
    }
    let claimers = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = store.claim_due_actions(now, 7, LEASE).await.expect("claim");
                if batch.is_empty() {
                    return mine;
                }
                mine.extend(batch.into_iter().map(|a| a.id));
                tokio::task::yield_now().await;
            }
        })
    });
    let mut all = Vec::new();
    for claimer in claimers.collect::<Vec<_>>() {
        all.extend(claimer.await.unwrap());
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len(), "an action was claimed twice");
    assert_eq!(all.len() as i64, ACTIONS, "every due action was claimed");
}

both_backends!(
    claims_only_due_actions_oldest_first,
    complete_and_fail_finish_or_retry,
    a_lapsed_lease_is_claimed_again,
    concurrent_claimers_never_share_an_action
);
