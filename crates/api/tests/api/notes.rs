//! `/api/notes`: write, read, edit, delete, filter by guild, user and moderator, page.

use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::notes::{NoteCreate, NoteFilter, NoteList, NoteUpdate};
use reqwest::Method;

use crate::{guild, raw, token, user};

fn note(guild_id: i64, user_id: i64, mod_id: i64, content: &str) -> NoteCreate {
    NoteCreate {
        guild_id,
        user_id,
        mod_id,
        content: content.into(),
    }
}

fn ids(list: NoteList) -> Vec<i64> {
    list.notes.iter().map(|n| n.id).collect()
}

async fn create_read_edit_delete(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let moderator = user(&api.client, 11).await;
    let created = api
        .client
        .create_note(&note(
            g.id,
            alice.id,
            moderator.id,
            "keeps asking for free nitro",
        ))
        .await
        .unwrap();
    assert_eq!(created.content, "keeps asking for free nitro");
    assert_eq!(created.mod_id, moderator.id);
    assert_eq!(api.client.note(created.id).await.unwrap(), created);

    let edited = api
        .client
        .update_note(
            created.id,
            &NoteUpdate {
                content: "stopped after a warning".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.content, "stopped after a warning");
    assert_eq!(edited.created_at, created.created_at);
    assert!(edited.updated_at >= created.updated_at);

    let deleted = api.client.delete_note(created.id).await.unwrap();
    assert_eq!(deleted, edited);
    assert_eq!(
        api.client.note(created.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        api.client.delete_note(created.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let missing = api
        .client
        .update_note(
            created.id,
            &NoteUpdate {
                content: "x".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
}

async fn filters_and_pages(backend: Backend) {
    let api = spawn_api(backend).await;
    let one = guild(&api.client, 1).await;
    let two = guild(&api.client, 2).await;
    let alice = user(&api.client, 10).await;
    let bob = user(&api.client, 11).await;
    let mod_a = user(&api.client, 12).await;
    let mod_b = user(&api.client, 13).await;
    let mut made = Vec::new();
    for (g, u, m) in [
        (one.id, alice.id, mod_a.id),
        (one.id, bob.id, mod_a.id),
        (two.id, alice.id, mod_b.id),
        (one.id, alice.id, mod_b.id),
        (two.id, bob.id, mod_a.id),
    ] {
        made.push(
            api.client
                .create_note(&note(g, u, m, "noted"))
                .await
                .unwrap()
                .id,
        );
    }
    let list = |filter: NoteFilter| {
        let client = api.client.clone();
        async move { ids(client.list_notes(&filter).await.unwrap()) }
    };
    assert_eq!(list(NoteFilter::default()).await, made);
    assert_eq!(
        list(NoteFilter {
            guild_id: Some(one.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[1], made[3]]
    );
    assert_eq!(
        list(NoteFilter {
            user_id: Some(alice.id),
            ..Default::default()
        })
        .await,
        vec![made[0], made[2], made[3]]
    );
    assert_eq!(
        list(NoteFilter {
            mod_id: Some(mod_b.id),
            ..Default::default()
        })
        .await,
        vec![made[2], made[3]]
    );
    assert_eq!(
        list(NoteFilter {
            guild_id: Some(one.id),
            user_id: Some(alice.id),
            mod_id: Some(mod_a.id),
            ..Default::default()
        })
        .await,
        vec![made[0]]
    );
    assert!(
        list(NoteFilter {
            guild_id: Some(9999),
            ..Default::default()
        })
        .await
        .is_empty()
    );

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = api
            .client
            .list_notes(&NoteFilter {
                cursor: cursor.clone(),
                limit: Some(2),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(page.notes.len() <= 2);
        seen.extend(page.notes.iter().map(|n| n.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, made);
}

async fn bad_references_and_content(backend: Backend) {
    let api = spawn_api(backend).await;
    let g = guild(&api.client, 1).await;
    let alice = user(&api.client, 10).await;
    let moderator = user(&api.client, 11).await;
    for (new, field) in [
        (note(555, alice.id, moderator.id, "x"), "guild_id 555"),
        (note(g.id, 556, moderator.id, "x"), "user_id 556"),
        (note(g.id, alice.id, 557, "x"), "mod_id 557"),
    ] {
        let err = api.client.create_note(&new).await.unwrap_err();
        assert_eq!(err.status(), Some(422));
        assert!(err.message().contains(field), "{}", err.message());
    }
    for content in ["", "   ", &"x".repeat(4001)] {
        let err = api
            .client
            .create_note(&note(g.id, alice.id, moderator.id, content))
            .await
            .unwrap_err();
        assert_eq!(
            err.status(),
            Some(422),
            "content of {} chars",
            content.len()
        );
        assert!(err.message().contains("content"), "{}", err.message());
    }
    let longest = api
        .client
        .create_note(&note(g.id, alice.id, moderator.id, &"é".repeat(4000)))
        .await
        .unwrap();
    assert_eq!(longest.content.chars().count(), 4000);
    let err = api
        .client
        .update_note(
            longest.id,
            &NoteUpdate {
                content: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));

    let token = token(&api.url, &api.admin_key).await;
    let url = format!("{}/api/notes", api.url);
    for (body, status) in [
        ("{", 400),
        (r#"{"guild_id": 1, "user_id": 1, "mod_id": 1}"#, 422),
        (
            r#"{"guild_id": 1, "user_id": 1, "mod_id": 1, "content": 5}"#,
            422,
        ),
        (
            r#"{"guild_id": "1x", "user_id": 1, "mod_id": 1, "content": "x"}"#,
            422,
        ),
    ] {
        let (got, json) = raw(Method::POST, &url, Some(&token), Some(body)).await;
        assert_eq!(got, status, "body {body} gave {json}");
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{json}"
        );
    }
    let (got, _) = raw(
        Method::PUT,
        &format!("{url}/{}", longest.id),
        Some(&token),
        Some("{}"),
    )
    .await;
    assert_eq!(got, 422);
    let (got, _) = raw(
        Method::GET,
        &format!("{url}?mod_id=abc"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(got, 400);
    let (got, _) = raw(Method::DELETE, &format!("{url}/{}", longest.id), None, None).await;
    assert_eq!(got, 401);
}

async fn documented_in_openapi(backend: Backend) {
    let api = spawn_api(backend).await;
    crate::assert_documented(
        &api.url,
        &[
            ("get", "/api/notes"),
            ("post", "/api/notes"),
            ("get", "/api/notes/{id}"),
            ("put", "/api/notes/{id}"),
            ("delete", "/api/notes/{id}"),
        ],
    )
    .await;
}

both_backends!(
    create_read_edit_delete,
    filters_and_pages,
    bad_references_and_content,
    documented_in_openapi,
);
