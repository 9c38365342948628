//! Connections reset after the request was sent, and connections refused.

use std::sync::atomic::Ordering::SeqCst;

use guildhall_client::ErrorKind;
use guildhall_client::wire::guilds::GuildFilter;
use tokio::net::TcpListener;

use crate::server::spawn_resetting_server;
use crate::{builder, new_guild};

#[tokio::test]
async fn connection_resets_are_retried_for_reads() {
    let (url, counts) = spawn_resetting_server().await;
    let client = builder(&url).max_retries(2).build().unwrap();

    let err = client
        .list_guilds(&GuildFilter::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.status(), None);
    assert_eq!(counts.0.load(SeqCst), 3, "first attempt + 2 retries");
    assert_eq!(counts.1.load(SeqCst), 1);
}

#[tokio::test]
async fn connection_resets_are_not_retried_for_creates() {
    let (url, counts) = spawn_resetting_server().await;
    let client = builder(&url).max_retries(2).build().unwrap();

    let err = client.create_guild(&new_guild()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(
        counts.0.load(SeqCst),
        1,
        "a create that may have reached the server is sent once"
    );
}

#[tokio::test]
async fn a_refused_connection_says_so() {
    // Bind and drop a listener, so the port is very likely closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = builder(&format!("http://127.0.0.1:{port}"))
        .max_retries(2)
        .build()
        .unwrap();
    let err = client.create_guild(&new_guild()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(
        err.message().starts_with("could not connect to the API"),
        "{err}"
    );
}
