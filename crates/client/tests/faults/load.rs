//! The in-flight cap and the shared token under 1,000 concurrent calls.

use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use guildhall_client::wire::guilds::GuildFilter;

use crate::builder;
use crate::server::spawn_server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_respect_the_cap_and_share_one_exchange() {
    let (url, server) = spawn_server().await;
    *server.work.lock().unwrap() = Duration::from_millis(2);
    let client = builder(&url).max_in_flight(8).build().unwrap();

    let started = std::time::Instant::now();
    let calls = (0..1000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_guilds(&GuildFilter::default()).await })
    });
    for handle in futures::future::join_all(calls).await {
        handle.unwrap().unwrap();
    }
    let max = server.max_in_flight.load(SeqCst);
    println!(
        "1000 calls in {:?}, at most {max} in flight",
        started.elapsed()
    );
    assert!(max <= 8, "{max} requests were in flight at once");
    assert!(max >= 2, "the calls did not overlap at all ({max})");
    assert_eq!(server.count(), (1000, 1), "1000 calls, one token exchange");
}
