//! `guildhall demo`: the simulator with a demo community and live presence churn, and
//! `serve` (API + bot) against it on a fresh SQLite file, so a newcomer sees the whole product
//! with no Discord account.

use discord_sim::{ChurnSpec, GuildSpec, ScenarioSpec, SimConfig, Simulator};
use guildhall_store::Store;
use guildhall_wire::auth::Scope;

use super::CommandResult;
use super::serve::{run_server, shutdown_signal};
use crate::settings::{Env, ServerFlags, ServerSettings};

#[derive(Debug, Clone, clap::Args)]
pub struct DemoFlags {
    /// address:port of the API and web UI (overrides GUILDHALL_LISTEN).
    #[arg(long)]
    pub listen: Option<String>,
    /// Members in the demo community.
    #[arg(long, default_value_t = 1000)]
    pub members: u32,
    /// Presence changes per second.
    #[arg(long, default_value_t = 5.0)]
    pub churn: f64,
}

/// About 1,000 members, 30 of them staff across four ranks.
fn community(members: u32) -> ScenarioSpec {
    ScenarioSpec {
        seed: 2026,
        guilds: vec![
            GuildSpec::new("Guildhall Demo", members)
                .staff_role("Owner", 0xF1_C4_0F, 1)
                .staff_role("Admin", 0xE7_4C_3C, 4)
                .staff_role("Moderator", 0x34_98_DB, 10)
                .staff_role("Helper", 0x2E_CC_71, 15),
        ],
    }
}

pub async fn run(flags: &DemoFlags) -> CommandResult {
    let dir = tempfile::Builder::new()
        .prefix("guildhall-demo")
        .tempdir()?;
    let database_url = format!("sqlite:{}", dir.path().join("demo.sqlite").display());
    let server_flags = ServerFlags {
        database_url: Some(database_url.clone()),
        listen: flags.listen.clone(),
        dev: false,
    };
    let settings = ServerSettings::load(&Env, &server_flags)?;
    let store = Store::connect(&database_url).await?;
    store.migrate().await?;

    let sim_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let sim = Simulator::new(SimConfig {
        scenario: Some(community(flags.members)),
        ..SimConfig::default()
    });
    let urls = sim.prepare(&sim_listener)?;
    let sim_task = {
        let sim = sim.clone();
        tokio::spawn(async move { sim.run(sim_listener, std::future::pending()).await })
    };

    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| {
            format!(
                "could not listen on GUILDHALL_LISTEN={}: {e}",
                settings.listen
            )
        })?;
    let address = listener.local_addr()?;
    let (key, _) = store.create_api_key("demo", &[Scope::Admin]).await?;
    println!("guildhall demo is running. Press Ctrl-C to stop.");
    println!("API:        http://{address}/api");
    println!("API docs:   http://{address}/api/docs");
    println!("API key:    {key}");
    println!("simulator:  {} (control API {})", urls.base, urls.control);
    println!(
        "try:        GUILDHALL_API_URL=http://{address} GUILDHALL_API_KEY={key} guildhall guilds list"
    );

    if flags.churn > 0.0 {
        sim.start_churn(ChurnSpec {
            rate_per_second: flags.churn,
            seed: 7,
            guild_id: None,
        });
    }
    let bot = guildhall_bot::BotConfig {
        gateway_url: Some(urls.gateway.clone()),
        rest_proxy: Some(urls.proxy_addr.clone()),
        sync_interval: settings.sync_interval,
        ..guildhall_bot::BotConfig::new(sim.bot_token())
    };
    let result = run_server(&settings, store, listener, Some(bot), shutdown_signal()).await;
    sim.stop_churn();
    sim.shutdown();
    let _ = sim_task.await;
    result
}
