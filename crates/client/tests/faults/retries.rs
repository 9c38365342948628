//! Retries: 429 and `Retry-After`, 503 bursts against the budget, other 4xx, timeouts.

use std::time::{Duration, Instant};

use guildhall_client::ErrorKind;
use guildhall_client::wire::guilds::GuildFilter;

use crate::server::{Fault, spawn_server, status};
use crate::{builder, new_guild};

#[tokio::test]
async fn retry_after_sets_the_delay() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap(); // token first
    server.script([Fault::Status {
        status: 429,
        retry_after: Some("1"),
    }]);

    let started = Instant::now();
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
    assert_eq!(server.count(), (3, 1), "one 429, then success");
}

#[tokio::test]
async fn retry_after_beyond_the_limit_ends_the_call_at_once() {
    let (url, server) = spawn_server().await;
    server.always(Fault::Status {
        status: 429,
        retry_after: Some("120"),
    });
    let client = builder(&url).build().unwrap();

    let started = Instant::now();
    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.status(), Some(429));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.count(), (1, 1));
}

#[tokio::test]
async fn persistent_429_spends_the_budget_then_is_rate_limited() {
    let (url, server) = spawn_server().await;
    server.always(status(429));
    let client = builder(&url).max_retries(2).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(server.count(), (3, 1), "first attempt + 2 retries");
}

#[tokio::test]
async fn a_429_on_a_create_is_retried_because_the_server_did_not_act() {
    let (url, server) = spawn_server().await;
    server.script([Fault::Status {
        status: 429,
        retry_after: Some("0.05"),
    }]);
    let client = builder(&url).build().unwrap();

    client.create_guild(&new_guild()).await.unwrap();
    assert_eq!(server.count(), (2, 1));
}

#[tokio::test]
async fn a_503_burst_within_the_budget_succeeds() {
    let (url, server) = spawn_server().await;
    server.script([status(503), status(503), status(503)]);
    let client = builder(&url).max_retries(4).build().unwrap();

    let page = client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(page.guilds.len(), 1);
    assert_eq!(server.count(), (4, 1), "three 503s, then success");
}

#[tokio::test]
async fn a_503_burst_beyond_the_budget_is_a_server_error() {
    let (url, server) = spawn_server().await;
    server.always(status(503));
    let client = builder(&url).max_retries(4).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        err.message(),
        "injected 503",
        "the server's sentence is kept"
    );
    assert_eq!(server.count(), (5, 1), "first attempt + 4 retries");
}

#[tokio::test]
async fn a_503_on_a_create_is_not_retried() {
    let (url, server) = spawn_server().await;
    server.always(status(503));
    let client = builder(&url).build().unwrap();

    let err = client.create_guild(&new_guild()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.count(), (1, 1));
}

#[tokio::test]
async fn other_4xx_are_never_retried() {
    let (url, server) = spawn_server().await;
    server.always(status(422));
    let client = builder(&url).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.status(), Some(422));
    assert_eq!(server.count(), (1, 1));
}

#[tokio::test]
async fn a_slow_server_hits_the_timeout() {
    let (url, server) = spawn_server().await;
    server.always(Fault::Slow(Duration::from_secs(2)));
    let client = builder(&url)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap();

    let started = Instant::now();
    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.status(), None);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "gave up after {:?}",
        started.elapsed()
    );
    assert_eq!(
        server.count(),
        (2, 1),
        "a timed-out read is retried once (budget 1)"
    );
}

#[tokio::test]
async fn a_timed_out_create_is_not_retried() {
    let (url, server) = spawn_server().await;
    server.always(Fault::Slow(Duration::from_secs(2)));
    let client = builder(&url)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let err = client.create_guild(&new_guild()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.count(), (1, 1));
}
