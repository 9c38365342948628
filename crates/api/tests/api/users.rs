//! `/api/users`, including the batch sync's counts and all-or-nothing behaviour.

use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::users::{UserCreate, UserFilter, UserUpdate};
use reqwest::Method;

use crate::{raw, sf, token, user};

fn new_user(n: u64, name: &str) -> UserCreate {
    UserCreate {
        discord_id: sf(n),
        username: name.to_owned(),
        global_name: None,
        avatar: None,
        bot: false,
    }
}

async fn create_read_update_find(backend: Backend) {
    let api = spawn_api(backend).await;
    let alice = user(&api.client, 1).await;
    assert_eq!(api.client.user(alice.id).await.unwrap(), alice);
    let changed = api
        .client
        .update_user(
            alice.id,
            &UserUpdate {
                username: Some("alice".into()),
                avatar: Some("abc".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.username, "alice");
    assert_eq!(changed.avatar.as_deref(), Some("abc"));
    user(&api.client, 2).await;

    let found = api
        .client
        .list_users(&UserFilter {
            discord_id: Some(sf(1)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        found.users.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![alice.id]
    );
    let by_prefix = api
        .client
        .list_users(&UserFilter {
            search: Some("ALI".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_prefix.users.len(), 1);
    let wildcard = api
        .client
        .list_users(&UserFilter {
            search: Some("%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        wildcard.users.is_empty(),
        "LIKE wildcards in a search are taken literally"
    );

    let dup = api
        .client
        .create_user(&new_user(1, "again"))
        .await
        .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Conflict);
    assert_eq!(
        api.client.user(12345).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    // The seed's `?discord_id=` lookup also works over raw HTTP with the id as a string.
    let token = token(&api.url, &api.admin_key).await;
    let (status, body) = raw(
        Method::GET,
        &format!("{}/api/users?discord_id={}", api.url, sf(1)),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["users"][0]["discord_id"], sf(1).to_string());
    let (status, body) = raw(
        Method::GET,
        &format!("{}/api/users?discord_id=abc", api.url),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

async fn batch_counts_truthfully(backend: Backend) {
    let api = spawn_api(backend).await;
    let first: Vec<UserCreate> = (0..250)
        .map(|n| new_user(n, &format!("member{n}")))
        .collect();
    let result = api.client.batch_users(&first).await.unwrap();
    assert_eq!(
        (result.created, result.updated, result.unchanged),
        (250, 0, 0)
    );
    assert_eq!(result.users.len(), 250);
    assert_eq!(
        result.users[17].discord_id,
        sf(17),
        "answers keep input order"
    );

    // 100 unchanged, 50 renamed, 100 new; plus a duplicate id whose last entry wins.
    let mut second: Vec<UserCreate> = (0..100)
        .map(|n| new_user(n, &format!("member{n}")))
        .collect();
    second.extend((100..150).map(|n| new_user(n, &format!("renamed{n}"))));
    second.extend((250..350).map(|n| new_user(n, &format!("member{n}"))));
    second.push(new_user(120, "renamed-twice"));
    second.push(new_user(300, "new-and-renamed"));
    let result = api.client.batch_users(&second).await.unwrap();
    assert_eq!(
        (result.created, result.updated, result.unchanged),
        (100, 50, 100)
    );
    assert_eq!(result.users.len(), 250, "one answer per distinct id");
    let renamed = result
        .users
        .iter()
        .find(|u| u.discord_id == sf(120))
        .unwrap();
    assert_eq!(renamed.username, "renamed-twice");
    let fresh = result
        .users
        .iter()
        .find(|u| u.discord_id == sf(300))
        .unwrap();
    assert_eq!(fresh.username, "new-and-renamed");

    // Sending the same batch again changes nothing.
    let again = api.client.batch_users(&second).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 250));
}

async fn batch_is_all_or_nothing_and_bounded(backend: Backend) {
    let api = spawn_api(backend).await;
    let mut bad: Vec<UserCreate> = (0..10).map(|n| new_user(n, &format!("ok{n}"))).collect();
    bad.push(new_user(99, ""));
    let err = api.client.batch_users(&bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let none = api.client.list_users(&UserFilter::default()).await.unwrap();
    assert!(none.users.is_empty(), "a refused batch stores nothing");

    let too_many: Vec<UserCreate> = (0..501).map(|n| new_user(n, "x")).collect();
    let err = api.client.batch_users(&too_many).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("500"), "{}", err.message());

    let max: Vec<UserCreate> = (0..500).map(|n| new_user(n, "x")).collect();
    assert_eq!(api.client.batch_users(&max).await.unwrap().created, 500);

    let empty = api.client.batch_users(&[]).await.unwrap();
    assert_eq!((empty.created, empty.updated, empty.unchanged), (0, 0, 0));
}

both_backends!(
    create_read_update_find,
    batch_counts_truthfully,
    batch_is_all_or_nothing_and_bounded
);
