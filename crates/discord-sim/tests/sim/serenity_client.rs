//! serenity 0.12.5, configured only with the simulator's base URL (and its own rate limiter
//! off, without which it ignores the proxy): READY, GUILD_CREATE, chunks, presences, a resume
//! after a forced disconnect, and REST calls.

use std::time::Duration;

use discord_sim::{GatewayFault, PresenceSpec, Simulator, Status};
use serenity::all::{
    ChunkGuildFilter, Context, EventHandler, GatewayIntents, Guild, GuildMembersChunkEvent,
    Presence, Ready, ResumedEvent,
};
use serenity::async_trait;
use tokio::sync::mpsc;

use crate::support::{config, install_crypto, spawn};

const EVENT_TIMEOUT: Duration = Duration::from_secs(20);

/// What the handler saw, in order.
#[derive(Debug)]
enum Seen {
    Ready(u64),
    GuildCreate(u64),
    Chunk {
        index: u32,
        count: u32,
        members: usize,
    },
    Presence(u64, String),
    Resumed,
}

struct Recorder(mpsc::UnboundedSender<Seen>);

#[async_trait]
impl EventHandler for Recorder {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        let _ = self.0.send(Seen::Ready(ready.user.id.get()));
    }

    async fn guild_create(&self, ctx: Context, guild: Guild, _is_new: Option<bool>) {
        let _ = self.0.send(Seen::GuildCreate(guild.id.get()));
        ctx.shard.chunk_guild(
            guild.id,
            None,
            true,
            ChunkGuildFilter::None,
            Some("serenity".into()),
        );
    }

    async fn guild_members_chunk(&self, _ctx: Context, chunk: GuildMembersChunkEvent) {
        let _ = self.0.send(Seen::Chunk {
            index: chunk.chunk_index,
            count: chunk.chunk_count,
            members: chunk.members.len(),
        });
    }

    async fn presence_update(&self, _ctx: Context, presence: Presence) {
        let _ = self.0.send(Seen::Presence(
            presence.user.id.get(),
            presence.status.name().to_owned(),
        ));
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        let _ = self.0.send(Seen::Resumed);
    }
}

async fn expect<T>(
    events: &mut mpsc::UnboundedReceiver<Seen>,
    mut pick: impl FnMut(Seen) -> Option<T>,
) -> T {
    tokio::time::timeout(EVENT_TIMEOUT, async {
        loop {
            let seen = events.recv().await.expect("the client runs");
            if let Some(found) = pick(seen) {
                return found;
            }
        }
    })
    .await
    .expect("serenity saw the event in time")
}

fn http(sim: &Simulator) -> serenity::http::Http {
    serenity::http::HttpBuilder::new(sim.bot_token())
        .proxy(sim.urls().base)
        .ratelimiter_disabled(true)
        .build()
}

#[tokio::test]
async fn serenity_client_chunks_presences_and_resumes() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(std::env::var("SIM_TEST_LOG").unwrap_or_else(|_| "off".into()))
        .with_test_writer()
        .try_init();
    install_crypto();
    let sim = spawn(config(1200)).await;
    let guild_id = sim.guild_ids()[0];
    let (tx, mut events) = mpsc::unbounded_channel();
    let intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MEMBERS | GatewayIntents::GUILD_PRESENCES;
    let mut client = serenity::client::ClientBuilder::new_with_http(http(&sim), intents)
        .event_handler(Recorder(tx))
        .await
        .expect("client builds");
    let shard_manager = client.shard_manager.clone();
    let running = tokio::spawn(async move { client.start().await });

    let bot = expect(&mut events, |s| match s {
        Seen::Ready(id) => Some(id),
        _ => None,
    })
    .await;
    assert_eq!(bot, sim.bot_user_id());
    let created = expect(&mut events, |s| match s {
        Seen::GuildCreate(id) => Some(id),
        _ => None,
    })
    .await;
    assert_eq!(created, guild_id);
    let mut members = 0;
    for expected in 0..2 {
        let (index, count, len) = expect(&mut events, |s| match s {
            Seen::Chunk {
                index,
                count,
                members,
            } => Some((index, count, members)),
            _ => None,
        })
        .await;
        assert_eq!((index, count), (expected, 2));
        members += len;
    }
    assert_eq!(members, 1201);

    let user = sim.members(guild_id, 0, 3).unwrap()[1].user_id;
    sim.set_presence(guild_id, user, PresenceSpec::status(Status::Dnd))
        .unwrap();
    let (who, status) = expect(&mut events, |s| match s {
        Seen::Presence(who, status) => Some((who, status)),
        _ => None,
    })
    .await;
    assert_eq!((who, status.as_str()), (user, "dnd"));

    assert_eq!(
        sim.gateway_fault(GatewayFault::DropConnection { shard: None }),
        1
    );
    sim.set_presence(guild_id, user, PresenceSpec::status(Status::Idle))
        .unwrap();
    // As with twilight, the change arrives before or after RESUMED depending on timing.
    let mut resumed = false;
    let mut idle = false;
    while !(resumed && idle) {
        expect(&mut events, |s| match s {
            Seen::Resumed => {
                resumed = true;
                Some(())
            }
            Seen::Presence(who, status) if who == user => {
                idle |= status == "idle";
                Some(())
            }
            Seen::Ready(_) => panic!("serenity identified again instead of resuming"),
            _ => None,
        })
        .await;
    }

    shard_manager.shutdown_all().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), running).await;
}

#[tokio::test]
async fn serenity_http_makes_the_calls_a_bot_needs() {
    install_crypto();
    let sim = spawn(config(30)).await;
    let guild_id = serenity::all::GuildId::new(sim.guild_ids()[0]);
    let http = http(&sim);
    let me = http.get_current_user().await.unwrap();
    assert_eq!(me.id.get(), sim.bot_user_id());
    let app = http.get_current_application_info().await.unwrap();
    assert_eq!(app.id.get(), sim.application_id());
    let gateway = http.get_bot_gateway().await.unwrap();
    assert_eq!(gateway.url, sim.urls().gateway);
    let guild = http.get_guild(guild_id).await.unwrap();
    assert_eq!(guild.id, guild_id);
    let members = http
        .get_guild_members(guild_id, Some(1000), None)
        .await
        .unwrap();
    assert_eq!(members.len(), 31);
    let roles = http.get_guild_roles(guild_id).await.unwrap();
    let channels = http.get_channels(guild_id).await.unwrap();
    let member = members
        .iter()
        .find(|m| m.roles.is_empty() && !m.user.bot)
        .unwrap();
    let role = roles.iter().find(|r| r.name == "Helper").unwrap();
    http.add_member_role(guild_id, member.user.id, role.id, None)
        .await
        .unwrap();
    assert_eq!(
        sim.member(guild_id.get(), member.user.id.get())
            .unwrap()
            .roles,
        vec![role.id.get()]
    );
    http.remove_member_role(guild_id, member.user.id, role.id, None)
        .await
        .unwrap();
    let message = channels[0].id.say(&http, "Sync complete!").await.unwrap();
    assert_eq!(message.content, "Sync complete!");
}
