//! Pagination (streams follow cursors) and batch splitting (`sync_users`).

use futures::StreamExt;
use guildhall_client::wire::Snowflake;
use guildhall_client::wire::users::{UserCreate, UserFilter};

use crate::builder;
use crate::server::{LISTED_USERS, spawn_server};

#[tokio::test]
async fn streams_follow_cursors_to_the_last_page() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();

    let users = client.all_users(&UserFilter::default()).await.unwrap();
    assert_eq!(users.len(), LISTED_USERS as usize);
    assert!(
        users.iter().enumerate().all(|(i, u)| u.id == i as i64 + 1),
        "in order, no gaps"
    );
    assert_eq!(
        *server.page_limits.lock().unwrap(),
        [Some(1000), Some(1000), Some(1000)],
        "the largest page size when none is given"
    );

    // A given limit is the page size; the stream fetches lazily.
    server.page_limits.lock().unwrap().clear();
    let filter = UserFilter {
        limit: Some(500),
        ..UserFilter::default()
    };
    let first: Vec<_> = client.users_stream(&filter).take(600).collect().await;
    assert_eq!(first.len(), 600);
    assert_eq!(
        server.page_limits.lock().unwrap().len(),
        2,
        "only the pages read were fetched"
    );
}

#[tokio::test]
async fn sync_users_splits_into_batches_and_sums() {
    let (url, server) = spawn_server().await;
    let client = builder(&url).build().unwrap();
    let mut users: Vec<UserCreate> = (1..=1234)
        .map(|i| UserCreate {
            discord_id: Snowflake::new(10_000 + i).unwrap(),
            username: format!("user{i}"),
            global_name: None,
            avatar: None,
            bot: false,
        })
        .collect();
    users.push(users[0].clone()); // a duplicate is sent once

    let mut progress = Vec::new();
    let summary = client
        .sync_users_with(&users, 100, |p, result| {
            progress.push((p.batch, p.batches, p.done, result.created))
        })
        .await
        .unwrap();
    assert_eq!(
        (summary.users, summary.batches, summary.created),
        (1234, 13, 1234)
    );
    assert_eq!(progress.len(), 13);
    assert_eq!(progress[0], (1, 13, 100, 100));
    assert_eq!(progress[12], (13, 13, 1234, 34));

    server.batch_sizes.lock().unwrap().clear();
    let summary = client.sync_users(&users).await.unwrap();
    assert_eq!(summary.batches, 3);
    assert_eq!(
        *server.batch_sizes.lock().unwrap(),
        [500, 500, 234],
        "server-sized batches by default"
    );
}
