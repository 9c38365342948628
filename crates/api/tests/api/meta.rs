//! Health, readiness, metrics, the OpenAPI document, the docs page, unknown routes and
//! trailing slashes.

use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use reqwest::Method;

use crate::{raw, token};

async fn health_metrics_and_docs(backend: Backend) {
    let api = spawn_api(backend).await;
    let (status, body) = raw(Method::GET, &format!("{}/healthz", api.url), None, None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = raw(Method::GET, &format!("{}/readyz", api.url), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["database"], backend_name(backend));

    let token = token(&api.url, &api.admin_key).await;
    raw(
        Method::GET,
        &format!("{}/api/guilds", api.url),
        Some(&token),
        None,
    )
    .await;
    let metrics = reqwest::get(format!("{}/metrics", api.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            r#"guildhall_http_requests_total{method="GET",route="/api/guilds",status="200"}"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("guildhall_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    assert!(
        metrics.contains("guildhall_db_pool_connections"),
        "{metrics}"
    );

    let (status, doc) = raw(
        Method::GET,
        &format!("{}/api/openapi.json", api.url),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'));
    for path in [
        "/api/auth/token",
        "/api/guilds",
        "/api/guilds/{id}",
        "/api/users/batch",
        "/api/moderation-cases/{id}",
        "/api/warnings",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

    let page = reqwest::get(format!("{}/api/docs/", api.url))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("/api/openapi.json"),
        "the docs page loads our document: {html}"
    );
}

async fn unknown_routes_and_trailing_slashes(backend: Backend) {
    let api = spawn_api(backend).await;
    let token = token(&api.url, &api.admin_key).await;
    let (status, body) = raw(
        Method::GET,
        &format!("{}/api/guilds/", api.url),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "trailing slash accepted: {body}");
    let (status, body) = raw(
        Method::GET,
        &format!("{}/api/nothing-here", api.url),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        body["error"].as_str().unwrap().contains("no route"),
        "{body}"
    );
    let (status, body) = raw(
        Method::PATCH,
        &format!("{}/api/guilds", api.url),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 405, "{body}");
    assert!(body["error"].is_string());

    // An oversized body is refused with 413 and a sentence, not a 500.
    let huge = format!(r#"{{"users": [{}]}}"#, vec![r#"{"discord_id": "1", "username": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#; 20_000].join(","));
    let (status, body) = raw(
        Method::POST,
        &format!("{}/api/users/batch", api.url),
        Some(&token),
        Some(&huge),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].is_string());
}

fn backend_name(backend: Backend) -> &'static str {
    backend.name()
}

both_backends!(health_metrics_and_docs, unknown_routes_and_trailing_slashes);
