//! `/api/warnings`: create, read, filter (including expiry).

use chrono::{Duration, Utc};
use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::warnings::{WarningCreate, WarningFilter};

use crate::{guild, user};

async fn create_read_filter(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    let moderator = user(&api.client, 12).await;
    let warn = |user_id, expires_at| WarningCreate {
        guild_id: g.id,
        user_id,
        mod_id: moderator.id,
        reason: "spamming".into(),
        expires_at,
    };
    let lasting = api
        .client
        .create_warning(&warn(alice.id, None))
        .await
        .unwrap();
    let expired = api
        .client
        .create_warning(&warn(alice.id, Some(Utc::now() - Duration::hours(1))))
        .await
        .unwrap();
    let later = api
        .client
        .create_warning(&warn(bob.id, Some(Utc::now() + Duration::days(7))))
        .await
        .unwrap();
    assert_eq!(api.client.warning(lasting.id).await.unwrap(), lasting);

    let ids = |list: guildhall_wire::warnings::WarningList| {
        list.warnings.iter().map(|w| w.id).collect::<Vec<_>>()
    };
    let alices = api
        .client
        .list_warnings(&WarningFilter {
            user_id: Some(alice.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(alices), vec![lasting.id, expired.id]);
    let active = api
        .client
        .list_warnings(&WarningFilter {
            active: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(active), vec![lasting.id, later.id]);
    let inactive = api
        .client
        .list_warnings(&WarningFilter {
            active: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(inactive), vec![expired.id]);
    let by_mod = api
        .client
        .list_warnings(&WarningFilter {
            mod_id: Some(moderator.id),
            guild_id: Some(g.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_mod.warnings.len(), 3);
    let none = api
        .client
        .list_warnings(&WarningFilter {
            mod_id: Some(alice.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.warnings.is_empty());

    let err = api
        .client
        .create_warning(&WarningCreate {
            mod_id: 4242,
            ..warn(alice.id, None)
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("mod_id 4242"), "{}", err.message());
    let err = api
        .client
        .create_warning(&WarningCreate {
            reason: "  ".into(),
            ..warn(alice.id, None)
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        api.client.warning(999).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

both_backends!(create_read_filter);
