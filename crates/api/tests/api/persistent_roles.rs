//! `/api/persistent-roles`: create (409 on a duplicate), read, delete, filter, page.

use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::persistent_roles::{
    PersistentRoleCreate, PersistentRoleFilter, PersistentRoleList,
};
use reqwest::Method;

use crate::{guild, raw, sf, token, user};

fn keep(guild_id: i64, user_id: i64, role: u64) -> PersistentRoleCreate {
    PersistentRoleCreate {
        guild_id,
        user_id,
        role_id: sf(role),
        created_by: None,
    }
}

fn ids(list: PersistentRoleList) -> Vec<i64> {
    list.persistent_roles.iter().map(|r| r.id).collect()
}

async fn create_read_delete_and_duplicates(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    let moderator = user(&api.client, 12).await;
    let created = api
        .client
        .create_persistent_role(&PersistentRoleCreate {
            created_by: Some(moderator.id),
            ..keep(g.id, alice.id, 900)
        })
        .await
        .unwrap();
    assert_eq!(created.role_id, sf(900));
    assert_eq!(created.created_by, Some(moderator.id));
    assert_eq!(
        api.client.persistent_role(created.id).await.unwrap(),
        created
    );

    let dup = api
        .client
        .create_persistent_role(&keep(g.id, alice.id, 900))
        .await
        .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Conflict);
    assert!(
        dup.message().contains("already keeps role"),
        "{}",
        dup.message()
    );
    // The same role for someone else, or another role, is fine.
    api.client
        .create_persistent_role(&keep(g.id, bob.id, 900))
        .await
        .unwrap();
    api.client
        .create_persistent_role(&keep(g.id, alice.id, 901))
        .await
        .unwrap();

    let deleted = api.client.delete_persistent_role(created.id).await.unwrap();
    assert_eq!(deleted, created);
    assert_eq!(
        api.client
            .persistent_role(created.id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        api.client
            .delete_persistent_role(created.id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    // Once removed, the role can be kept again.
    let again = api
        .client
        .create_persistent_role(&keep(g.id, alice.id, 900))
        .await
        .unwrap();
    assert_ne!(again.id, created.id);
}

async fn filters_and_pages(backend: Backend) {
    let api = spawn_api(backend).await;
    let one = guild(&api.client, 1).await;
    let two = guild(&api.client, 2).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    let mut made = Vec::new();
    for (g, u, role) in [
        (one.id, alice.id, 1),
        (one.id, bob.id, 2),
        (two.id, alice.id, 3),
        (one.id, alice.id, 4),
    ] {
        made.push(
            api.client
                .create_persistent_role(&keep(g, u, role))
                .await
                .unwrap()
                .id,
        );
    }
    let list = |filter: PersistentRoleFilter| {
        let client = api.client.clone();
        async move { ids(client.list_persistent_roles(&filter).await.unwrap()) }
    };
    assert_eq!(list(PersistentRoleFilter::default()).await, made);
    assert_eq!(
        list(PersistentRoleFilter {
            guild_id: Some(one.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[1], made[3]]
    );
    assert_eq!(
        list(PersistentRoleFilter {
            user_id: Some(alice.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[2], made[3]]
    );
    assert_eq!(
        list(PersistentRoleFilter {
            guild_id: Some(one.id),
            user_id: Some(alice.id),
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
            .list_persistent_roles(&PersistentRoleFilter {
                cursor: cursor.clone(),
                limit: Some(3),
                ..Default::default()
            })
            .await
            .unwrap();
        seen.extend(page.persistent_roles.iter().map(|r| r.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, made);
}

async fn bad_references_and_bodies(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    for (new, field) in [
        (keep(555, alice.id, 1), "guild_id 555"),
        (keep(g.id, 556, 1), "user_id 556"),
        (
            PersistentRoleCreate {
                created_by: Some(557),
                ..keep(g.id, alice.id, 1)
            },
            "created_by 557",
        ),
    ] {
        let err = api.client.create_persistent_role(&new).await.unwrap_err();
        assert_eq!(err.status(), Some(422));
        assert!(err.message().contains(field), "{}", err.message());
    }
    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/persistent-roles", api.url);
    for body in [
        format!(
            r#"{{"guild_id": {}, "user_id": {}, "role_id": "abc"}}"#,
            g.id, alice.id
        ),
        format!(
            r#"{{"guild_id": {}, "user_id": {}, "role_id": 0}}"#,
            g.id, alice.id
        ),
        format!(r#"{{"guild_id": {}, "user_id": {}}}"#, g.id, alice.id),
    ] {
        let (got, json) = raw(Method::POST, &url, Some(&token), Some(&body)).await;
        assert_eq!(got, 422, "body {body} gave {json}");
    }
    let body = format!(
        r#"{{"guild_id": {}, "user_id": {}, "role_id": 175928847299117063}}"#,
        g.id, alice.id
    );
    let (got, json) = raw(Method::POST, &url, Some(&token), Some(&body)).await;
    assert_eq!(got, 201, "{json}");
    assert_eq!(json["role_id"], "175928847299117063");
    let (got, _) = raw(
        Method::PUT,
        &format!("{url}/{}", json["id"]),
        Some(&token),
        Some("{}"),
    )
    .await;
    assert_eq!(
        got, 405,
        "persistent roles are created and deleted, not changed"
    );
    let (got, _) = raw(Method::GET, &format!("{url}/12345"), Some(&token), None).await;
    assert_eq!(got, 404);
}

async fn documented_in_openapi(backend: Backend) {
    let api = spawn_api(backend).await;
    crate::assert_documented(
        &api.url,
        &[
            ("get", "/api/persistent-roles"),
            ("post", "/api/persistent-roles"),
            ("get", "/api/persistent-roles/{id}"),
            ("delete", "/api/persistent-roles/{id}"),
        ],
    )
    .await;
}

both_backends!(
    create_read_delete_and_duplicates,
    filters_and_pages,
    bad_references_and_bodies,
    documented_in_openapi,
);
