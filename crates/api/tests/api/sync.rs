//! The bot's routes: guild and member sync by Discord id, leaving, presences, bot status.

use chrono::{Duration, Utc};
use guildhall_client::ErrorKind;
use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::bot::{BotReport, ShardState, SyncJobProgress, SyncJobStatus};
use guildhall_wire::guilds::GuildCreate;
use guildhall_wire::presences::{
    Activity, ClientStatus, PresenceFilter, PresenceStatus, PresenceUpdate,
};
use guildhall_wire::sync::MemberSync;
use guildhall_wire::users::UserCreate;

use crate::sf;

fn member(n: u64, nick: Option<&str>, roles: &[u64]) -> MemberSync {
    MemberSync {
        user: UserCreate {
            discord_id: sf(n),
            username: format!("member{n}"),
            global_name: None,
            avatar: None,
            bot: false,
        },
        nickname: nick.map(str::to_owned),
        roles: roles.iter().map(|r| sf(*r)).collect(),
        joined_at: chrono::DateTime::from_timestamp(1_600_000_000 + n as i64 * 60, 0),
    }
}

fn new_guild(n: u64, name: &str) -> GuildCreate {
    GuildCreate {
        discord_id: sf(n),
        name: name.into(),
        icon: None,
        owner_discord_id: None,
        joined_at: None,
    }
}

async fn member_sync_counts_and_departures(backend: Backend) {
    let api = spawn_api(backend).await;
    let guild = api.client.sync_guild(&new_guild(1, "Guild")).await.unwrap();
    let again = api
        .client
        .sync_guild(&new_guild(1, "Renamed"))
        .await
        .unwrap();
    assert_eq!(again.id, guild.id, "sync is an upsert by Discord id");
    assert_eq!(again.name, "Renamed");

    let first: Vec<MemberSync> = (1000..1300).map(|n| member(n, None, &[5])).collect();
    let mut started = None;
    for batch in first.chunks(100) {
        let result = api.client.sync_members(guild.id, batch).await.unwrap();
        assert_eq!((result.members.created, result.users.created), (100, 100));
        started.get_or_insert(result.synced_at);
    }

    // A second full sync: 10 changed nicknames, 5 changed roles, 20 gone, the rest as before.
    let mut second: Vec<MemberSync> = (1000..1280).map(|n| member(n, None, &[5])).collect();
    for m in second.iter_mut().take(10) {
        m.nickname = Some("nick".into());
    }
    for m in second.iter_mut().skip(10).take(5) {
        m.roles = vec![sf(5), sf(6)];
    }
    let mut started = None;
    let mut total = guildhall_wire::sync::SyncCounts::default();
    for batch in second.chunks(100) {
        let result = api.client.sync_members(guild.id, batch).await.unwrap();
        total += result.members;
        started.get_or_insert(result.synced_at);
    }
    assert_eq!(
        (total.created, total.updated, total.unchanged),
        (0, 15, 265)
    );
    let left = api
        .client
        .finish_member_sync(guild.id, started.unwrap())
        .await
        .unwrap();
    assert_eq!(left.left, 20);

    let members = api
        .client
        .list_members(&guildhall_wire::members::MemberFilter {
            guild_id: Some(guild.id),
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        members.members.len(),
        280,
        "members who left are not listed by default"
    );

    let left = api
        .client
        .members_left(guild.id, &[sf(1000), sf(1001), sf(999_999)])
        .await
        .unwrap();
    assert_eq!(left.left, 2);
    // A member who comes back is present again.
    let back = api
        .client
        .sync_members(guild.id, &[member(1000, None, &[5])])
        .await
        .unwrap();
    assert_eq!(back.members.updated, 1);

    let err = api
        .client
        .sync_members(9999, &[member(1, None, &[])])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let too_many: Vec<MemberSync> = (0..501).map(|n| member(n, None, &[])).collect();
    assert_eq!(
        api.client
            .sync_members(guild.id, &too_many)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidRequest
    );
}

async fn presences_latest_wins(backend: Backend) {
    let api = spawn_api(backend).await;
    let guild = api.client.sync_guild(&new_guild(1, "Guild")).await.unwrap();
    api.client
        .sync_members(guild.id, &[member(10, None, &[]), member(11, None, &[])])
        .await
        .unwrap();
    let now = Utc::now();
    let update = |n: u64, status, at| PresenceUpdate {
        user_id: sf(n),
        status,
        custom_status: Some("on call".into()),
        activities: vec![Activity {
            kind: 0,
            name: "Chess".into(),
            state: None,
            details: None,
        }],
        client_status: ClientStatus {
            desktop: Some(status),
            ..Default::default()
        },
        at,
    };
    let result = api
        .client
        .store_presences(
            guild.id,
            &[
                update(10, PresenceStatus::Online, now),
                update(11, PresenceStatus::Dnd, now),
                update(12, PresenceStatus::Idle, now),
            ],
        )
        .await
        .unwrap();
    assert_eq!(result.stored, 2);
    assert_eq!(result.unknown_users, vec![sf(12)]);

    // An older update does not move the status back; a newer one does.
    api.client
        .store_presences(
            guild.id,
            &[update(
                10,
                PresenceStatus::Offline,
                now - Duration::seconds(5),
            )],
        )
        .await
        .unwrap();
    api.client
        .store_presences(
            guild.id,
            &[update(11, PresenceStatus::Idle, now + Duration::seconds(1))],
        )
        .await
        .unwrap();
    let all = api
        .client
        .list_presences(&PresenceFilter {
            guild_id: Some(guild.id),
            ..Default::default()
        })
        .await
        .unwrap();
    let status_of = |n: u64| {
        all.presences
            .iter()
            .find(|p| p.user_discord_id == sf(n))
            .unwrap()
            .status
    };
    assert_eq!(status_of(10), PresenceStatus::Online);
    assert_eq!(status_of(11), PresenceStatus::Idle);
    let p = &all.presences[0];
    assert_eq!(p.custom_status.as_deref(), Some("on call"));
    assert_eq!(p.activities[0].name, "Chess");
    let idle = api
        .client
        .list_presences(&PresenceFilter {
            status: Some(PresenceStatus::Idle),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(idle.presences.len(), 1);
}

async fn bot_status_reflects_reports(backend: Backend) {
    let api = spawn_api(backend).await;
    let status = api.client.bot_status().await.unwrap();
    assert!(!status.configured && !status.is_running);
    let report = |connected| BotReport {
        shards: vec![ShardState {
            id: 0,
            connected,
            latency_ms: Some(42),
            last_event_at: Some(Utc::now()),
        }],
        guild_ids: vec![sf(1)],
    };
    let status = api.client.report_bot_status(&report(true)).await.unwrap();
    assert!(status.configured && status.is_running);
    assert_eq!(status.guild_id, Some(sf(1)));
    assert_eq!(status.latency_ms, Some(42));
    api.client.report_bot_status(&report(false)).await.unwrap();
    let status = api.client.bot_status().await.unwrap();
    assert!(status.configured && !status.is_running);
}

both_backends!(
    member_sync_counts_and_departures,
    presences_latest_wins,
    bot_status_reflects_reports
);

async fn requested_syncs_go_through_jobs(backend: Backend) {
    let api = spawn_api(backend).await;
    // No bot has reported: a clear 503, and no job is queued.
    let err = api.client.request_sync(false).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(
        err.message().contains("no bot is connected"),
        "{}",
        err.message()
    );
    assert!(api.client.claim_sync_job().await.unwrap().is_none());

    let report = BotReport {
        shards: vec![ShardState {
            id: 0,
            connected: true,
            latency_ms: Some(5),
            last_event_at: None,
        }],
        guild_ids: vec![sf(1)],
    };
    api.client.report_bot_status(&report).await.unwrap();
    let reader = api
        .client
        .create_api_key(&guildhall_wire::auth::ApiKeyCreate {
            name: "viewer".into(),
            scopes: vec![guildhall_wire::auth::Scope::Read],
        })
        .await
        .unwrap();
    let denied = api
        .client_with_key(&reader.key)
        .request_sync(false)
        .await
        .unwrap_err();
    assert_eq!(denied.kind(), ErrorKind::Forbidden);

    let job = api.client.request_sync(false).await.unwrap();
    assert_eq!(job.status, SyncJobStatus::Pending);
    let claimed = api
        .client
        .claim_sync_job()
        .await
        .unwrap()
        .expect("a job to claim");
    assert_eq!(
        (claimed.id, claimed.status),
        (job.id, SyncJobStatus::Running)
    );
    assert!(
        api.client.claim_sync_job().await.unwrap().is_none(),
        "a job is claimed once"
    );

    let progress = |status, processed| SyncJobProgress {
        status,
        total: 300,
        processed,
        error: None,
    };
    let running = api
        .client
        .update_sync_job(job.id, &progress(SyncJobStatus::Running, 100))
        .await
        .unwrap();
    assert_eq!(running.processed, 100);
    let done = api
        .client
        .update_sync_job(job.id, &progress(SyncJobStatus::Done, 300))
        .await
        .unwrap();
    assert!(done.finished_at.is_some());
    assert_eq!(api.client.sync_job(job.id).await.unwrap(), done);
    let again = api
        .client
        .update_sync_job(job.id, &progress(SyncJobStatus::Running, 1))
        .await
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict);
    assert_eq!(
        api.client.sync_job(999).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    // Waiting: the request answers once a bot finishes the job.
    let waiter = {
        let client = api.client.clone();
        tokio::spawn(async move { client.request_sync(true).await })
    };
    let claimed = loop {
        if let Some(job) = api.client.claim_sync_job().await.unwrap() {
            break job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    api.client
        .update_sync_job(claimed.id, &progress(SyncJobStatus::Done, 300))
        .await
        .unwrap();
    let answered = waiter.await.unwrap().unwrap();
    assert_eq!(
        (answered.id, answered.status, answered.processed),
        (claimed.id, SyncJobStatus::Done, 300)
    );
}

both_backends!(requested_syncs_go_through_jobs);
