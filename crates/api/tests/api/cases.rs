//! Moderation cases: numbering, concurrency, resolution and filters.

use futures::future::join_all;
use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::cases::{CaseAction, CaseCreate, CaseFilter, CaseUpdate};

use crate::{guild, user};

fn new_case(guild_id: i64, user_id: i64, mod_id: i64, action: CaseAction) -> CaseCreate {
    CaseCreate {
        guild_id,
        user_id,
        mod_id,
        action,
        reason: format!("{} for testing", action.as_str()),
        duration_seconds: None,
    }
}

async fn fifty_concurrent_cases_are_numbered_one_to_fifty(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let other = guild(&api.client, 2).await;
    let target = user(&api.client, 10).await;
    let moderator = user(&api.client, 11).await;
    let creations = (0..50).map(|_| {
        let client = api.client.clone();
        let case = new_case(g.id, target.id, moderator.id, CaseAction::Warn);
        async move { client.create_case(&case).await }
    });
    let created = join_all(creations).await;
    let mut numbers: Vec<i64> = created
        .into_iter()
        .map(|c| c.unwrap().case_number)
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());

    // Numbers are per guild.
    let first_elsewhere = api
        .client
        .create_case(&new_case(
            other.id,
            target.id,
            moderator.id,
            CaseAction::Ban,
        ))
        .await
        .unwrap();
    assert_eq!(first_elsewhere.case_number, 1);
}

async fn a_failed_creation_leaves_no_gap(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let target = user(&api.client, 10).await;
    let first = api
        .client
        .create_case(&new_case(g.id, target.id, target.id, CaseAction::Kick))
        .await
        .unwrap();
    assert_eq!(first.case_number, 1);
    let err = api
        .client
        .create_case(&new_case(g.id, 987_654, target.id, CaseAction::Kick))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(
        err.message().contains("user_id 987654"),
        "{}",
        err.message()
    );
    let err = api
        .client
        .create_case(&new_case(555, target.id, target.id, CaseAction::Kick))
        .await
        .unwrap_err();
    assert!(err.message().contains("guild_id 555"), "{}", err.message());
    let second = api
        .client
        .create_case(&new_case(g.id, target.id, target.id, CaseAction::Kick))
        .await
        .unwrap();
    assert_eq!(second.case_number, 2);
}

async fn resolve_reopen_and_filter(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    let moderator = user(&api.client, 12).await;
    let ban = api
        .client
        .create_case(&new_case(g.id, alice.id, moderator.id, CaseAction::Ban))
        .await
        .unwrap();
    let mute = api
        .client
        .create_case(&CaseCreate {
            duration_seconds: Some(600),
            ..new_case(g.id, bob.id, moderator.id, CaseAction::Mute)
        })
        .await
        .unwrap();
    assert_eq!(mute.duration_seconds, Some(600));
    assert!(!ban.resolved);

    let resolved = api
        .client
        .update_case(
            ban.id,
            &CaseUpdate {
                resolved: Some(true),
                resolution_note: Some("appeal accepted".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(resolved.resolved);
    assert!(resolved.resolved_at.is_some());
    assert_eq!(resolved.resolution_note.as_deref(), Some("appeal accepted"));
    assert_eq!(api.client.case(ban.id).await.unwrap(), resolved);

    let only_resolved = api
        .client
        .list_cases(&CaseFilter {
            resolved: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        only_resolved
            .moderation_cases
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![ban.id]
    );
    let open = api
        .client
        .list_cases(&CaseFilter {
            resolved: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        open.moderation_cases
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![mute.id]
    );
    let mutes = api
        .client
        .list_cases(&CaseFilter {
            action: Some(CaseAction::Mute),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mutes.moderation_cases.len(), 1);
    let bobs = api
        .client
        .list_cases(&CaseFilter {
            user_id: Some(bob.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        bobs.moderation_cases
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![mute.id]
    );
    let by_mod = api
        .client
        .list_cases(&CaseFilter {
            mod_id: Some(moderator.id),
            guild_id: Some(g.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_mod.moderation_cases.len(), 2);

    let reopened = api
        .client
        .update_case(
            ban.id,
            &CaseUpdate {
                resolved: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!reopened.resolved);
    assert_eq!(reopened.resolution_note, None);

    let missing = api
        .client
        .update_case(9999, &CaseUpdate::default())
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
}

both_backends!(
    fifty_concurrent_cases_are_numbered_one_to_fifty,
    a_failed_creation_leaves_no_gap,
    resolve_reopen_and_filter
);
