//! `/api/members`: the upsert, updates (nickname, roles, leaving), delete, filters and paging.

use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::members::{MemberFilter, MemberUpdate, MemberUpsert};
use reqwest::Method;

use crate::{guild, raw, sf, token, user};

fn member(guild_id: i64, user_id: i64) -> MemberUpsert {
    MemberUpsert {
        guild_id,
        user_id,
        nickname: Some("Ali".into()),
        roles: vec![sf(900), sf(901)],
        joined_at: None,
    }
}

async fn upsert_read_update_delete(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let created = api
        .client
        .upsert_member(&member(g.id, alice.id))
        .await
        .unwrap();
    assert_eq!(created.nickname.as_deref(), Some("Ali"));
    assert_eq!(created.roles, vec![sf(900), sf(901)]);
    assert_eq!(created.left_at, None);
    assert_eq!(api.client.member(created.id).await.unwrap(), created);

    // Upserting again updates the same record; duplicate roles collapse.
    let again = api
        .client
        .upsert_member(&MemberUpsert {
            nickname: None,
            roles: vec![sf(902), sf(902)],
            ..member(g.id, alice.id)
        })
        .await
        .unwrap();
    assert_eq!(again.id, created.id);
    assert_eq!(again.nickname, None);
    assert_eq!(again.roles, vec![sf(902)]);

    let renamed = api
        .client
        .update_member(
            created.id,
            &MemberUpdate {
                nickname: Some("Alicia".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.nickname.as_deref(), Some("Alicia"));
    assert_eq!(renamed.roles, vec![sf(902)], "fields left out are kept");
    let roles = api
        .client
        .update_member(
            created.id,
            &MemberUpdate {
                roles: Some(vec![sf(1), sf(2)]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(roles.roles, vec![sf(1), sf(2)]);
    assert_eq!(roles.nickname.as_deref(), Some("Alicia"));
    let cleared = api
        .client
        .update_member(
            created.id,
            &MemberUpdate {
                nickname: Some(String::new()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.nickname, None);

    let left = api
        .client
        .update_member(
            created.id,
            &MemberUpdate {
                left: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let left_at = left.left_at.expect("left_at set");
    let still_left = api
        .client
        .update_member(
            created.id,
            &MemberUpdate {
                left: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        still_left.left_at,
        Some(left_at),
        "leaving twice keeps the first time"
    );
    let back = api
        .client
        .update_member(
            created.id,
            &MemberUpdate {
                left: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(back.left_at, None);

    // Rejoining through the upsert marks a member present again.
    api.client
        .update_member(
            created.id,
            &MemberUpdate {
                left: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let rejoined = api
        .client
        .upsert_member(&member(g.id, alice.id))
        .await
        .unwrap();
    assert_eq!(rejoined.left_at, None);

    let deleted = api.client.delete_member(created.id).await.unwrap();
    assert_eq!(deleted.id, created.id);
    assert_eq!(
        api.client.member(created.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        api.client
            .delete_member(created.id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

async fn upsert_answers_201_then_200(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/members", api.url);
    let body = format!(
        r#"{{"guild_id": {}, "user_id": {}, "roles": [175928847299117063, "5"]}}"#,
        g.id, alice.id
    );
    let (status, first) = raw(Method::POST, &url, Some(&token), Some(&body)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        first["roles"],
        serde_json::json!(["175928847299117063", "5"]),
        "roles are strings on output"
    );
    let (status, second) = raw(Method::POST, &url, Some(&token), Some(&body)).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(first["id"], second["id"]);
}

async fn filters_and_pages(backend: Backend) {
    let api = spawn_api(backend).await;
    let one = guild(&api.client, 1).await;
    let two = guild(&api.client, 2).await;
    let mut users = Vec::new();
    for n in 0..5 {
        users.push(user(&api.client, 10 + n).await);
    }
    let mut in_one = Vec::new();
    for u in &users {
        in_one.push(
            api.client
                .upsert_member(&member(one.id, u.id))
                .await
                .unwrap()
                .id,
        );
    }
    let elsewhere = api
        .client
        .upsert_member(&member(two.id, users[0].id))
        .await
        .unwrap();
    api.client
        .update_member(
            in_one[4],
            &MemberUpdate {
                left: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let ids = |list: guildhall_wire::members::MemberList| {
        list.members.iter().map(|m| m.id).collect::<Vec<_>>()
    };
    let present = api
        .client
        .list_members(&MemberFilter {
            guild_id: Some(one.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        ids(present),
        in_one[..4].to_vec(),
        "members who left are hidden by default"
    );
    let everyone = api
        .client
        .list_members(&MemberFilter {
            guild_id: Some(one.id),
            include_left: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(everyone), in_one);
    let first_user = api
        .client
        .list_members(&MemberFilter {
            user_id: Some(users[0].id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(first_user), vec![in_one[0], elsewhere.id]);
    let both = api
        .client
        .list_members(&MemberFilter {
            guild_id: Some(two.id),
            user_id: Some(users[0].id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(both), vec![elsewhere.id]);

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = api
            .client
            .list_members(&MemberFilter {
                include_left: Some(true),
                cursor: cursor.clone(),
                limit: Some(2),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(page.members.len() <= 2);
        seen.extend(page.members.iter().map(|m| m.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut expected = in_one.clone();
    expected.push(elsewhere.id);
    assert_eq!(seen, expected);
}

async fn bad_references_and_bodies(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let err = api
        .client
        .upsert_member(&member(g.id, 424242))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(
        err.message().contains("user_id 424242"),
        "{}",
        err.message()
    );
    let err = api
        .client
        .upsert_member(&member(777, alice.id))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(err.message().contains("guild_id 777"), "{}", err.message());
    let long = MemberUpsert {
        nickname: Some("x".repeat(33)),
        ..member(g.id, alice.id)
    };
    assert_eq!(
        api.client.upsert_member(&long).await.unwrap_err().status(),
        Some(422)
    );
    let too_many = MemberUpsert {
        roles: (1..=251).map(sf).collect(),
        ..member(g.id, alice.id)
    };
    assert_eq!(
        api.client
            .upsert_member(&too_many)
            .await
            .unwrap_err()
            .status(),
        Some(422)
    );

    let created = api
        .client
        .upsert_member(&member(g.id, alice.id))
        .await
        .unwrap();
    let err = api
        .client
        .update_member(
            created.id,
            &MemberUpdate {
                nickname: Some("  ".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    let err = api
        .client
        .update_member(9999, &MemberUpdate::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/members", api.url);
    for (body, status) in [
        ("{nope", 400),
        (r#"{"guild_id": 1}"#, 422),
        (r#"{"guild_id": "one", "user_id": 1}"#, 422),
        (r#"{"guild_id": 1, "user_id": 1, "roles": ["abc"]}"#, 422),
        (r#"{"guild_id": 1, "user_id": 1, "roles": "5"}"#, 422),
    ] {
        let (got, json) = raw(Method::POST, &url, Some(&token), Some(body)).await;
        assert_eq!(got, status, "body {body} gave {json}");
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{json}"
        );
    }
    let (got, json) = raw(
        Method::PUT,
        &format!("{url}/{}", created.id),
        Some(&token),
        Some(r#"{"left": "yes"}"#),
    )
    .await;
    assert_eq!(got, 422, "{json}");
    let (got, _) = raw(Method::GET, &format!("{url}/abc"), Some(&token), None).await;
    assert_eq!(got, 400);
    let (got, _) = raw(
        Method::GET,
        &format!("{url}?include_left=maybe"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(got, 400);
    let (got, _) = raw(Method::GET, &url, None, None).await;
    assert_eq!(got, 401);
}

async fn documented_in_openapi(backend: Backend) {
    let api = spawn_api(backend).await;
    crate::assert_documented(
        &api.url,
        &[
            ("get", "/api/members"),
            ("post", "/api/members"),
            ("get", "/api/members/{id}"),
            ("put", "/api/members/{id}"),
            ("delete", "/api/members/{id}"),
        ],
    )
    .await;
}

both_backends!(
    upsert_read_update_delete,
    upsert_answers_201_then_200,
    filters_and_pages,
    bad_references_and_bodies,
    documented_in_openapi,
);
