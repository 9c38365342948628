//! twilight 0.18, configured only with the simulator's base URLs: a gateway shard and the
//! REST client, as the bot would use them.

use std::time::Duration;

use discord_sim::{GatewayFault, PresenceSpec, Simulator, Status};
use twilight_gateway::{ConfigBuilder, Event, EventTypeFlags, Intents, Shard, ShardId, StreamExt};
use twilight_model::gateway::payload::outgoing::RequestGuildMembers;
use twilight_model::id::Id;

use crate::support::{config, install_crypto, spawn};

/// Long enough for twilight's reconnect and resume, short enough to fail fast.
const EVENT_TIMEOUT: Duration = Duration::from_secs(15);

async fn next_matching<T>(shard: &mut Shard, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    tokio::time::timeout(EVENT_TIMEOUT, async {
        loop {
            match shard.next_event(EventTypeFlags::all()).await {
                Some(Ok(event)) => {
                    if let Some(found) = pick(event) {
                        return found;
                    }
                }
                Some(Err(error)) => panic!("twilight could not read an event: {error}"),
                None => panic!("the shard stopped"),
            }
        }
    })
    .await
    .expect("the event arrives in time")
}

fn shard(sim: &Simulator) -> Shard {
    install_crypto();
    let intents = Intents::GUILDS
        | Intents::GUILD_MEMBERS
        | Intents::GUILD_PRESENCES
        | Intents::GUILD_MESSAGES;
    let config = ConfigBuilder::new(sim.bot_token(), intents)
        .proxy_url(sim.urls().gateway)
        .build();
    Shard::with_config(ShardId::ONE, config)
}

#[tokio::test]
async fn twilight_shard_chunks_presences_and_resumes() {
    let sim = spawn(config(1500)).await;
    let guild_id = sim.guild_ids()[0];
    let mut shard = shard(&sim);

    let ready = next_matching(&mut shard, |e| match e {
        Event::Ready(ready) => Some(ready),
        _ => None,
    })
    .await;
    assert_eq!(ready.user.id.get(), sim.bot_user_id());
    let guild = next_matching(&mut shard, |e| match e {
        Event::GuildCreate(guild) => Some(guild),
        _ => None,
    })
    .await;
    assert_eq!(guild.id().get(), guild_id);

    shard.command(
        &RequestGuildMembers::builder(Id::new(guild_id))
            .presences(true)
            .nonce("n1")
            .query("", None),
    );
    let mut received = 0;
    let mut chunks = 0;
    while chunks < 2 {
        let chunk = next_matching(&mut shard, |e| match e {
            Event::MemberChunk(chunk) => Some(chunk),
            _ => None,
        })
        .await;
        assert_eq!(chunk.chunk_count, 2);
        assert_eq!(chunk.nonce.as_deref(), Some("n1"));
        received += chunk.members.len();
        chunks += 1;
    }
    assert_eq!(received, 1501);

    let user = sim.members(guild_id, 0, 3).unwrap()[1].user_id;
    sim.set_presence(guild_id, user, PresenceSpec::status(Status::Dnd))
        .unwrap();
    let presence = next_matching(&mut shard, |e| match e {
        Event::PresenceUpdate(p) => Some(p),
        _ => None,
    })
    .await;
    assert_eq!(presence.user.id().get(), user);

    // Drop the connection; twilight reconnects to resume_gateway_url and resumes.
    assert_eq!(
        sim.gateway_fault(GatewayFault::DropConnection { shard: None }),
        1
    );
    sim.set_presence(guild_id, user, PresenceSpec::status(Status::Idle))
        .unwrap();
    // The change may reach the old socket just before the drop, and then comes back as a
    // replay before RESUMED; otherwise it follows RESUMED. Either way both arrive.
    let mut resumed = false;
    let mut idle = false;
    while !(resumed && idle) {
        next_matching(&mut shard, |e| match e {
            Event::Resumed => {
                resumed = true;
                Some(())
            }
            Event::PresenceUpdate(p) => {
                idle |= p.status == twilight_model::gateway::presence::Status::Idle;
                Some(())
            }
            Event::Ready(_) => panic!("twilight identified again instead of resuming"),
            _ => None,
        })
        .await;
    }
}

#[tokio::test]
async fn twilight_http_makes_the_calls_a_bot_needs() {
    let sim = spawn(config(50)).await;
    install_crypto();
    let guild_id = Id::new(sim.guild_ids()[0]);
    let client = twilight_http::Client::builder()
        .token(sim.bot_token())
        .proxy(sim.urls().proxy_addr, true)
        .build();

    let me = client.current_user().await.unwrap().model().await.unwrap();
    assert_eq!(me.id.get(), sim.bot_user_id());
    let app = client
        .current_user_application()
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(app.id.get(), sim.application_id());
    let gateway = client
        .gateway()
        .authed()
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(gateway.url, sim.urls().gateway);
    let guild = client.guild(guild_id).await.unwrap().model().await.unwrap();
    assert_eq!(guild.id, guild_id);
    let mine = client
        .current_user_guilds()
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(
        mine.iter().map(|g| g.id).collect::<Vec<_>>(),
        vec![guild_id]
    );
    let someone = sim.members(guild_id.get(), 0, 2).unwrap()[1]
        .username
        .clone();
    let found = client
        .search_guild_members(guild_id, &someone)
        .limit(10)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert!(found.iter().any(|m| m.user.name == someone));
    let roles = client
        .roles(guild_id)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    let channels = client
        .guild_channels(guild_id)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    let members = client
        .guild_members(guild_id)
        .limit(1000)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(members.len(), 51);

    let member = members
        .iter()
        .find(|m| m.roles.is_empty() && !m.user.bot)
        .unwrap();
    let role = roles.iter().find(|r| r.name == "Helper").unwrap();
    client
        .add_guild_member_role(guild_id, member.user.id, role.id)
        .await
        .unwrap();
    assert_eq!(
        sim.member(guild_id.get(), member.user.id.get())
            .unwrap()
            .roles,
        vec![role.id.get()]
    );
    let fetched = client
        .guild_member(guild_id, member.user.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(fetched.roles, vec![role.id]);
    client
        .remove_guild_member_role(guild_id, member.user.id, role.id)
        .await
        .unwrap();

    let message = client
        .create_message(channels[0].id)
        .content("Syncing 51 members in batches of 100...")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(message.channel_id, channels[0].id);

    // twilight's rate limiter waits out an injected 429 and retries: one call, two requests.
    sim.rest_fault(discord_sim::RestFault::RateLimited {
        count: 1,
        retry_after_ms: 200,
        global: false,
    });
    let before = sim.counters().rest_requests;
    client.current_user().await.unwrap().model().await.unwrap();
    assert_eq!(sim.counters().rest_requests - before, 2);
}

#[tokio::test]
async fn twilight_detects_withheld_acks_and_resumes() {
    let sim = spawn(config(10)).await;
    let mut shard = shard(&sim);
    next_matching(&mut shard, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    // With ACKs withheld twilight treats the connection as a zombie, closes it and resumes.
    // The shard only heartbeats while it is polled, so keep reading.
    sim.gateway_fault(GatewayFault::StopHeartbeatAcks);
    next_matching(&mut shard, |e| match e {
        Event::Resumed => Some(()),
        Event::Ready(_) => panic!("twilight identified again instead of resuming"),
        _ => None,
    })
    .await;
    sim.gateway_fault(GatewayFault::ResumeHeartbeatAcks);
}
