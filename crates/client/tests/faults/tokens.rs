//! Tokens: refresh before expiry, one refresh and one retry on a 401, shared exchanges.

use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use guildhall_client::ErrorKind;
use guildhall_client::wire::guilds::GuildFilter;

use crate::builder;
use crate::server::spawn_server;

#[tokio::test]
async fn token_expiry_mid_run_exchanges_again_before_the_server_refuses() {
    let (url, server) = spawn_server().await;
    server.token_ttl.store(1, SeqCst);
    let client = builder(&url).build().unwrap();

    client.list_guilds(&GuildFilter::default()).await.unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(server.count(), (2, 1), "a fresh token is reused");

    // A 1 s token is replaced after half its lifetime.
    tokio::time::sleep(Duration::from_millis(600)).await;
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(
        server.count(),
        (3, 2),
        "the near-expiry token was exchanged again"
    );
    assert_eq!(
        server.refused.load(SeqCst),
        0,
        "no call was sent with an expired token"
    );
}

#[tokio::test]
async fn a_stale_token_gets_one_refresh_and_one_retry() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap();

    server.generation.fetch_add(1, SeqCst); // every token issued so far is now refused
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(server.count(), (3, 2), "401, one exchange, one retry");
    assert_eq!(server.refused.load(SeqCst), 1);
}

#[tokio::test]
async fn a_stale_token_met_by_many_callers_is_exchanged_once() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).max_in_flight(8).build().unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    server.generation.fetch_add(1, SeqCst);

    let filter = GuildFilter::default();
    let calls = (0..100).map(|_| client.list_guilds(&filter));
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(
        server.exchanges.load(SeqCst),
        2,
        "one exchange at start, one after the rotation"
    );
}

#[tokio::test]
async fn a_permanent_401_is_unauthorized_after_exactly_two_attempts() {
    let (url, server) = spawn_server().await;
    server.always_401.store(true, SeqCst);
    let client = builder(&url).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.message(),
        "the token has expired; exchange the API key for a new one"
    );
    assert_eq!(
        server.count(),
        (2, 2),
        "two attempts, two exchanges, no loop"
    );
}

#[tokio::test]
async fn a_refused_key_is_one_exchange_for_all_concurrent_callers() {
    let (url, server) = spawn_server().await;
    server.refuse_key.store(true, SeqCst);
    let client = builder(&url).build().unwrap();

    let filter = GuildFilter::default();
    let calls = (0..50).map(|_| client.list_guilds(&filter));
    for result in futures::future::join_all(calls).await {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unauthorized);
        assert_eq!(err.message(), "the API key is not valid");
    }
    assert_eq!(server.count(), (0, 1));
}

#[tokio::test]
async fn a_create_refused_for_its_token_is_sent_again_after_the_refresh() {
    // A 401 means the server did not act on the request, so even a create is safe to resend.
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();
    client.list_guilds(&GuildFilter::default()).await.unwrap();
    server.generation.fetch_add(1, SeqCst);

    client.create_guild(&crate::new_guild()).await.unwrap();
    assert_eq!(server.count(), (3, 2));
}
