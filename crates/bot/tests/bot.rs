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
    start_with(backend, members, |_| Vec::new()).await
}

/// Starts the simulator, the API and the bot; `owners` picks extra bot owners from the
/// simulated community.
async fn start_with(
    backend: Backend,
    members: u32,
    owners: impl Fn(&Simulator) -> Vec<u64>,
) -> Running {
    let sim = Simulator::spawn(SimConfig {
        scenario: Some(ScenarioSpec::single_guild(members)),
        heartbeat_interval: Duration::from_millis(1000),
        // Discord's 30 s between all-members requests, shortened so the fault tests finish
        // quickly; fresh sessions still hit it, so the bot's retry path is exercised.
        all_members_request_interval: Duration::from_secs(8),
        ..SimConfig::default()
    })
    .await
    .expect("start the simulator");
    let api = spawn_api(backend).await;
    let urls = sim.urls();
    let extra_owners = owners(&sim);
    let config = BotConfig {
        gateway_url: Some(urls.gateway.clone()),
        rest_proxy: Some(urls.proxy_addr.clone()),
        extra_owners,
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

    // A presence change shows through the API within a second, with 1,000 other presence
    // changes a second going on.
    run.sim.start_churn(discord_sim::ChurnSpec {
        rate_per_second: 1000.0,
        seed: 11,
        guild_id: None,
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
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

    // A role is deleted: Discord updates no member, yet every holder loses it.
    let role = run
        .sim
        .members(run.guild, 0, 10_000)
        .unwrap()
        .iter()
        .flat_map(|m| m.roles.clone())
        .next()
        .expect("a member with a role");
    run.sim.delete_role(run.guild, role).unwrap();
    eventually(
        Duration::from_secs(40),
        "the deleted role to leave every member",
        || {
            let client = client.clone();
            async move {
                let members = all_members(&client, guild).await;
                (!members
                    .iter()
                    .any(|m| m.roles.iter().any(|r| r.get() == role)))
                .then_some(())
            }
        },
    )
    .await;

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

    // A manager's sync request is run by the bot and answered with what it did.
    eventually(Duration::from_secs(10), "is_running", || {
        let client = client.clone();
        async move { client.bot_status().await.ok()?.is_running.then_some(()) }
    })
    .await;
    let job = client.request_sync(true).await.unwrap();
    assert_eq!(
        job.status,
        guildhall_wire::bot::SyncJobStatus::Done,
        "{job:?}"
    );
    assert_eq!(
        job.processed as usize,
        run.sim.member_count(run.guild).unwrap()
    );

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

/// The presence the API holds for every member equals the simulator's ground truth (a member
/// with no stored presence counts as offline).
async fn presences_match_truth(run: &Running, guild: i64) -> bool {
    let client = &run.api.client;
    let mut stored = std::collections::HashMap::new();
    let mut cursor = None;
    loop {
        let Ok(page) = client
            .list_presences(&PresenceFilter {
                guild_id: Some(guild),
                cursor,
                limit: Some(1000),
                ..Default::default()
            })
            .await
        else {
            return false;
        };
        stored.extend(
            page.presences
                .into_iter()
                .map(|p| (p.user_discord_id.get(), p.status)),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let truth = run.sim.members(run.guild, 0, 100_000).unwrap();
    truth.iter().all(|m| {
        let want = match m.presence.status {
            Status::Online => PresenceStatus::Online,
            Status::Idle => PresenceStatus::Idle,
            Status::Dnd => PresenceStatus::Dnd,
            _ => PresenceStatus::Offline,
        };
        stored
            .get(&m.user_id)
            .copied()
            .unwrap_or(PresenceStatus::Offline)
            == want
    })
}

async fn recovers_from_gateway_faults(backend: Backend) {
    use discord_sim::GatewayFault;

    let mut run = start(backend, 400).await;
    let client = run.api.client.clone();
    let guild = eventually(Duration::from_secs(20), "the guild", || {
        guild_id(&client, run.guild)
    })
    .await;
    let expected = run.sim.member_count(run.guild).unwrap();
    eventually(Duration::from_secs(30), "every member", || {
        let client = client.clone();
        async move { (all_members(&client, guild).await.len() == expected).then_some(()) }
    })
    .await;
    let truth = run.sim.members(run.guild, 0, 1000).unwrap();
    let people: Vec<u64> = truth.iter().filter(|m| !m.bot).map(|m| m.user_id).collect();
    let statuses = [Status::Online, Status::Idle, Status::Dnd, Status::Offline];
    let faults = [
        GatewayFault::DropConnection { shard: None },
        GatewayFault::Reconnect { shard: None },
        GatewayFault::InvalidSession {
            resumable: false,
            shard: None,
        },
        GatewayFault::StopHeartbeatAcks,
        GatewayFault::Close {
            code: 4000,
            shard: None,
        },
    ];
    for (round, fault) in faults.into_iter().enumerate() {
        run.sim.gateway_fault(fault);
        // Changes made while the connection is down or being replaced must still arrive.
        for (i, user) in people.iter().enumerate().skip(round).step_by(7).take(30) {
            let status = statuses[(i + round) % statuses.len()];
            run.sim
                .set_presence(run.guild, *user, PresenceSpec::status(status))
                .unwrap();
        }
        if fault == GatewayFault::StopHeartbeatAcks {
            // Missing ACKs are noticed at the next heartbeats; then ACK again for the new session.
            tokio::time::sleep(Duration::from_millis(2500)).await;
            run.sim.gateway_fault(GatewayFault::ResumeHeartbeatAcks);
        }
        eventually(
            Duration::from_secs(20),
            &format!("presences to match after {fault:?}"),
            || async { presences_match_truth(&run, guild).await.then_some(()) },
        )
        .await;
    }
    // The bot is connected again, and the members are all still there.
    eventually(
        Duration::from_secs(10),
        "is_running after the faults",
        || {
            let client = client.clone();
            async move { client.bot_status().await.ok()?.is_running.then_some(()) }
        },
    )
    .await;
    assert_eq!(all_members(&client, guild).await.len(), expected);
    run.stop_bot().await;
}

async fn answers_ping_and_guards_sync(backend: Backend) {
    // 1,233 members and the bot: 13 batches of 100, so progress shows at 5, 10 and 13.
    let last_human = |sim: &Simulator| {
        let guild = sim.guild_ids()[0];
        sim.members(guild, 0, 5000)
            .unwrap()
            .into_iter()
            .rev()
            .find(|m| !m.bot)
            .unwrap()
            .user_id
    };
    let mut run = start_with(backend, 1233, |sim| vec![last_human(sim)]).await;
    let manager = last_human(&run.sim);
    let client = run.api.client.clone();
    let guild = eventually(Duration::from_secs(20), "the guild", || {
        guild_id(&client, run.guild)
    })
    .await;
    eventually(Duration::from_secs(30), "every member", || {
        let client = client.clone();
        let expected = run.sim.member_count(run.guild).unwrap();
        async move { (all_members(&client, guild).await.len() == expected).then_some(()) }
    })
    .await;
    let channel = run.sim.channels(run.guild).unwrap()[0].id;
    let member = run
        .sim
        .members(run.guild, 0, 1000)
        .unwrap()
        .into_iter()
        .find(|m| !m.bot)
        .unwrap()
        .user_id;
    assert_ne!(member, manager);
    run.sim.post_message(channel, member, "!ping").unwrap();
    run.sim.post_message(channel, member, "!sync").unwrap();
    let replies = |sim: &Simulator| -> Vec<String> {
        sim.bot_actions()
            .into_iter()
            .filter_map(|a| match a {
                discord_sim::BotAction::MessageCreated { content, .. } => Some(content),
                _ => None,
            })
            .collect()
    };
    let said = eventually(Duration::from_secs(10), "the replies", || {
        let said = replies(&run.sim);
        async move { (said.len() >= 2).then_some(said) }
    })
    .await;
    assert!(
        said.iter().any(|m| m.starts_with("Pong! Gateway latency")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|m| m.contains("only the bot's owner")),
        "{said:?}"
    );

    // A burst of 429s on REST: twilight's rate limiter waits them out, and the sync completes.
    run.sim.rest_fault(discord_sim::RestFault::RateLimited {
        count: 3,
        retry_after_ms: 300,
        global: false,
    });
    let before = said.len();
    run.sim.post_message(channel, manager, "!sync").unwrap();
    let said = eventually(Duration::from_secs(30), "the sync to complete", || {
        let said = replies(&run.sim);
        async move {
            said.iter()
                .any(|m| m.starts_with("Sync complete!"))
                .then_some(said)
        }
    })
    .await;
    let members = run.sim.member_count(run.guild).unwrap();
    assert_eq!(
        &said[before..],
        &[
            format!("Syncing {members} members in batches of 100..."),
            "Progress: 5/13 batches processed (500 members synced so far)".to_owned(),
            "Progress: 10/13 batches processed (1000 members synced so far)".to_owned(),
            format!("Progress: 13/13 batches processed ({members} members synced so far)"),
            format!("Sync complete! Synced guild and {members} members."),
        ]
    );

    // The same as slash commands, registered at start-up.
    let registered = run.sim.registered_commands(None).expect("global commands");
    let names: Vec<&str> = registered
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(
        names.contains(&"ping") && names.contains(&"sync"),
        "{registered}"
    );
    let invoke = |user: u64, name: &str| discord_sim::CommandInvocation {
        guild_id: run.guild,
        channel_id: Some(channel),
        user_id: user,
        name: name.to_owned(),
        options: Vec::new(),
    };
    let slash_texts = |sim: &Simulator| -> Vec<String> {
        sim.bot_actions()
            .into_iter()
            .filter_map(|a| match a {
                discord_sim::BotAction::InteractionResponded { body, .. } => {
                    body["data"]["content"].as_str().map(str::to_owned)
                }
                discord_sim::BotAction::FollowupSent { body, .. } => {
                    body["content"].as_str().map(str::to_owned)
                }
                _ => None,
            })
            .collect()
    };
    run.sim.invoke_command(invoke(member, "ping")).unwrap();
    run.sim.invoke_command(invoke(member, "sync")).unwrap();
    let said = eventually(Duration::from_secs(10), "slash replies", || {
        let said = slash_texts(&run.sim);
        async move { (said.len() >= 2).then_some(said) }
    })
    .await;
    assert!(
        said.iter().any(|m| m.starts_with("Pong! Gateway latency")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|m| m.contains("only the bot's owner")),
        "{said:?}"
    );
    run.sim.invoke_command(invoke(manager, "sync")).unwrap();
    let said = eventually(Duration::from_secs(30), "the slash sync", || {
        let said = slash_texts(&run.sim);
        async move {
            said.iter()
                .any(|m| m.starts_with("Sync complete!"))
                .then_some(said)
        }
    })
    .await;
    assert!(
        said.contains(&format!("Syncing {members} members in batches of 100...")),
        "{said:?}"
    );
    assert!(
        said.contains(&format!(
            "Progress: 13/13 batches processed ({members} members synced so far)"
        )),
        "{said:?}"
    );
    run.stop_bot().await;
}

async fn loses_nothing_while_the_api_is_down(backend: Backend) {
    let mut run = start(backend, 300).await;
    let client = run.api.client.clone();
    let guild = eventually(Duration::from_secs(20), "the guild", || {
        guild_id(&client, run.guild)
    })
    .await;
    let expected = run.sim.member_count(run.guild).unwrap();
    eventually(Duration::from_secs(30), "every member", || {
        let client = client.clone();
        async move { (all_members(&client, guild).await.len() == expected).then_some(()) }
    })
    .await;

    run.api.take_down().await;
    let outage = Instant::now();
    let people: Vec<u64> = run
        .sim
        .members(run.guild, 0, 1000)
        .unwrap()
        .into_iter()
        .filter(|m| !m.bot)
        .map(|m| m.user_id)
        .collect();
    let statuses = [Status::Online, Status::Idle, Status::Dnd, Status::Offline];
    // Presence churn through the outage, a join, a nickname change and a departure.
    let mut round = 0;
    while outage.elapsed() < Duration::from_secs(10) {
        for (i, user) in people
            .iter()
            .enumerate()
            .skip(round % 5)
            .step_by(5)
            .take(20)
        {
            run.sim
                .set_presence(
                    run.guild,
                    *user,
                    PresenceSpec::status(statuses[(i + round) % 4]),
                )
                .unwrap();
        }
        round += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let newcomer = run
        .sim
        .add_member(
            run.guild,
            NewMember {
                username: Some("late".into()),
                ..Default::default()
            },
        )
        .unwrap();
    run.sim
        .update_member(
            run.guild,
            people[0],
            discord_sim::MemberChange {
                nick: Some(Some("Renamed".into())),
                roles: None,
            },
        )
        .unwrap();
    run.sim.remove_member(run.guild, people[1]).unwrap();
    run.api.bring_up().await;

    let present = run.sim.member_count(run.guild).unwrap();
    eventually(
        Duration::from_secs(40),
        "the database to catch up",
        || async {
            let members = all_members(&client, guild).await;
            let users: Vec<u64> = {
                let mut ids = Vec::new();
                for m in &members {
                    ids.push(user_discord_id(&client, m.user_id).await);
                }
                ids
            };
            let renamed = members
                .iter()
                .zip(&users)
                .any(|(m, u)| *u == people[0] && m.nickname.as_deref() == Some("Renamed"));
            (members.len() == present
                && users.contains(&newcomer)
                && !users.contains(&people[1])
                && renamed
                && presences_match_truth(&run, guild).await)
                .then_some(())
        },
    )
    .await;
    run.stop_bot().await;
}

/// Two bot processes (here: two bot instances), each running one of two shards, together sync
/// every guild, and each guild through the shard Discord routes it to.
async fn two_bots_split_the_shards(backend: Backend) {
    let sim = Simulator::spawn(SimConfig {
        scenario: Some(ScenarioSpec {
            seed: 5,
            guilds: (0..6)
                .map(|n| discord_sim::GuildSpec::new(format!("Guild {n}"), 40))
                .collect(),
        }),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let api = spawn_api(backend).await;
    let urls = sim.urls();
    let mut stops = Vec::new();
    let mut bots = Vec::new();
    for shard in 0..2u32 {
        let config = BotConfig {
            gateway_url: Some(urls.gateway.clone()),
            rest_proxy: Some(urls.proxy_addr.clone()),
            shards: Some((shard..shard + 1, 2)),
            ..BotConfig::new(sim.bot_token())
        };
        let (stop, stopped) = oneshot::channel::<()>();
        stops.push(stop);
        bots.push(tokio::spawn(guildhall_bot::run(
            config,
            api.client.clone(),
            async {
                let _ = stopped.await;
            },
        )));
    }
    let client = api.client.clone();
    for guild in sim.guild_ids() {
        let id = eventually(Duration::from_secs(20), "every guild", || {
            guild_id(&client, guild)
        })
        .await;
        let expected = sim.member_count(guild).unwrap();
        eventually(Duration::from_secs(20), "every guild's members", || {
            let client = client.clone();
            async move { (all_members(&client, id).await.len() == expected).then_some(()) }
        })
        .await;
    }
    // Both processes' shards and guilds add up to one status.
    let status = eventually(Duration::from_secs(10), "both shards in the status", || {
        let client = client.clone();
        async move {
            let status = client.bot_status().await.ok()?;
            let connected = status.shards.iter().filter(|s| s.connected).count();
            (connected == 2 && status.guild_ids.len() == 6).then_some(status)
        }
    })
    .await;
    assert!(status.is_running);
    for stop in stops {
        let _ = stop.send(());
    }
    for bot in bots {
        bot.await.unwrap().unwrap();
    }
}

both_backends!(
    two_bots_split_the_shards,
    loses_nothing_while_the_api_is_down,
    mirrors_five_thousand_members_and_follows_changes,
    recovers_from_gateway_faults,
    answers_ping_and_guards_sync
);
