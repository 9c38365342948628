//! The real bot against the simulator (real sockets), writing through a real API server into
//! a real database, on SQLite and PostgreSQL.

use std::future::Future;
use std::time::{Duration, Instant};

use discord_sim::{NewMember, PresenceSpec, ScenarioSpec, SimConfig, Simulator, Status};
use guildhall_bot::BotConfig;
use guildhall_client::Client;
use guildhall_store::Backend;
use guildhall_testkit::{TestApi, both_backends, spawn_api};
use guildhall_wire::Snowflake;
use guildhall_wire::guilds::GuildFilter;
use guildhall_wire::members::{GuildMember, MemberFilter};
use guildhall_wire::presences::{PresenceFilter, PresenceStatus};
use guildhall_wire::users::UserFilter;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

struct Running {
    sim: Simulator,
    api: TestApi,
    guild: u64,
    stop: Option<oneshot::Sender<()>>,
    bot: Option<JoinHandle<Result<(), guildhall_bot::BotError>>>,
}

async fn start(backend: Backend, members: u32) -> Running {
    let sim = Simulator::spawn(SimConfig {
        scenario: Some(ScenarioSpec::single_guild(members)),
        heartbeat_interval: Duration::from_millis(1000),
        ..SimConfig::default()
    })
    .await
    .expect("start the simulator");
    let api = spawn_api(backend).await;
    let urls = sim.urls();
    let config = BotConfig {
        gateway_url: Some(urls.gateway.clone()),
        rest_proxy: Some(urls.proxy_addr.clone()),
        ..BotConfig::new(sim.bot_token())
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let client = api.client.clone();
    let bot = tokio::spawn(guildhall_bot::run(config, client, async {
        let _ = stopped.await;
    }));
    let guild = sim.guild_ids()[0];
    Running {
        sim,
        api,
        guild,
        stop: Some(stop),
        bot: Some(bot),
    }
}

impl Running {
    async fn stop_bot(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(bot) = self.bot.take() {
            bot.await.expect("bot task").expect("bot ran cleanly");
        }
    }
}

/// Polls `check` until it returns `Some`, or fails after `limit`.
async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn guild_id(client: &Client, discord: u64) -> Option<i64> {
    let filter = GuildFilter {
        discord_id: Some(Snowflake::new(discord).unwrap()),
        ..Default::default()
    };
    client
        .list_guilds(&filter)
        .await
        .ok()?
        .guilds
        .first()
        .map(|g| g.id)
}

async fn all_members(client: &Client, guild: i64) -> Vec<GuildMember> {
    let mut members = Vec::new();
    let mut cursor = None;
    loop {
        let page = client
            .list_members(&MemberFilter {
                guild_id: Some(guild),
                cursor,
                limit: Some(1000),
                ..Default::default()
            })
            .await
            .unwrap();
        members.extend(page.members);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return members,
        }
    }
}

async fn user_discord_id(client: &Client, id: i64) -> u64 {
    client.user(id).await.unwrap().discord_id.get()
}

async fn mirrors_five_thousand_members_and_follows_changes(backend: Backend) {
    let mut run = start(backend, 5000).await;
    let client = run.api.client.clone();
    let started = Instant::now();
    let guild = eventually(Duration::from_secs(20), "the guild", || {
        guild_id(&client, run.guild)
    })
    .await;
    let expected = run.sim.member_count(run.guild).unwrap();
    eventually(Duration::from_secs(60), "every member", || {
        let client = client.clone();
        async move { (all_members(&client, guild).await.len() == expected).then_some(()) }
    })
    .await;
    eprintln!("{expected} members synced in {:?}", started.elapsed());

    // Compare with the simulator's ground truth: usernames, nicknames, roles, join dates.
    let truth = run.sim.members(run.guild, 0, 10_000).unwrap();
    let stored = all_members(&client, guild).await;
    let users = {
        let mut users = std::collections::HashMap::new();
        let mut cursor = None;
        loop {
            let page = client
                .list_users(&UserFilter {
                    cursor,
                    limit: Some(1000),
                    ..Default::default()
                })
                .await
                .unwrap();
            users.extend(page.users.into_iter().map(|u| (u.id, u)));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        users
    };
    let by_discord: std::collections::HashMap<u64, &GuildMember> = stored
        .iter()
        .map(|m| (users[&m.user_id].discord_id.get(), m))
        .collect();
    for member in &truth {
        let got = by_discord
            .get(&member.user_id)
            .unwrap_or_else(|| panic!("member {} missing", member.user_id));
        let user = &users[&got.user_id];
        assert_eq!(user.username, member.username);
        assert_eq!(got.nickname, member.nick);
        let mut roles: Vec<u64> = got.roles.iter().map(|r| r.get()).collect();
        let mut want = member.roles.clone();
        roles.sort_unstable();
        want.sort_unstable();
        assert_eq!(roles, want, "roles of {}", member.user_id);
        assert_eq!(
            got.joined_at.map(|t| t.timestamp()),
            Some(i64::from(member.joined_at))
        );
    }

    // A presence change shows through the API within a second.
    let target = truth.iter().find(|m| !m.bot).unwrap().user_id;
    let spec = PresenceSpec {
        custom_status: Some("on patrol".into()),
        ..PresenceSpec::status(Status::Dnd)
    };
    let changed_at = Instant::now();
    run.sim.set_presence(run.guild, target, spec).unwrap();
    let target_id = by_discord[&target].user_id;
    eventually(Duration::from_secs(5), "the presence change", || {
        let client = client.clone();
        async move {
            let page = client
                .list_presences(&PresenceFilter {
                    guild_id: Some(guild),
                    user_id: Some(target_id),
                    ..Default::default()
                })
                .await
                .ok()?;
            let p = page.presences.first()?;
            (p.status == PresenceStatus::Dnd && p.custom_status.as_deref() == Some("on patrol"))
                .then_some(())
        }
    })
    .await;
    let freshness = changed_at.elapsed();
    eprintln!("presence visible through the API after {freshness:?}");
    assert!(
        freshness < Duration::from_secs(1),
        "presence took {freshness:?}"
    );

    // A member joins, changes nickname, leaves.
    let newcomer = run
        .sim
        .add_member(
            run.guild,
            NewMember {
                username: Some("newcomer".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let joined = eventually(Duration::from_secs(5), "the new member", || {
        let client = client.clone();
        async move {
            let users = client
                .list_users(&UserFilter {
                    discord_id: Some(Snowflake::new(newcomer).unwrap()),
                    ..Default::default()
                })
                .await
                .ok()?;
            users.users.first().map(|u| u.id)
        }
    })
    .await;
    run.sim
        .update_member(
            run.guild,
            newcomer,
            discord_sim::MemberChange {
                nick: Some(Some("Newbie".into())),
                roles: None,
            },
        )
        .unwrap();
    eventually(Duration::from_secs(5), "the nickname", || {
        let client = client.clone();
        async move {
            let page = client
                .list_members(&MemberFilter {
                    guild_id: Some(guild),
                    user_id: Some(joined),
                    ..Default::default()
                })
                .await
                .ok()?;
            (page.members.first()?.nickname.as_deref() == Some("Newbie")).then_some(())
        }
    })
    .await;
    run.sim.remove_member(run.guild, newcomer).unwrap();
    eventually(Duration::from_secs(5), "the departure", || {
        let client = client.clone();
        async move {
            let page = client
                .list_members(&MemberFilter {
                    guild_id: Some(guild),
                    user_id: Some(joined),
                    include_left: Some(true),
                    ..Default::default()
                })
                .await
                .ok()?;
            page.members.first()?.left_at.map(|_| ())
        }
    })
    .await;
    assert_eq!(user_discord_id(&client, joined).await, newcomer);

    // The guild is renamed.
    run.sim
        .update_guild(
            run.guild,
            discord_sim::GuildChange {
                name: Some("Renamed Hall".into()),
                ..Default::default()
            },
        )
        .unwrap();
    eventually(Duration::from_secs(5), "the rename", || {
        let client = client.clone();
        async move { (client.guild(guild).await.ok()?.name == "Renamed Hall").then_some(()) }
    })
    .await;

    // is_running follows the gateway connection.
    eventually(Duration::from_secs(10), "is_running", || {
        let client = client.clone();
        async move { client.bot_status().await.ok()?.is_running.then_some(()) }
    })
    .await;
    run.stop_bot().await;
    let status = client.bot_status().await.unwrap();
    assert!(status.configured && !status.is_running, "{status:?}");
}

both_backends!(mirrors_five_thousand_members_and_follows_changes);
