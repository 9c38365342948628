//! Runs the demo simulator on a fixed port with live presence churn, for trying clients by
//! hand: `cargo run -p discord-sim --example serve -- 127.0.0.1:8081`.

use discord_sim::{ChurnScope, ChurnSpec, SimConfig, Simulator};

#[tokio::main]
async fn main() -> Result<(), discord_sim::Error> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(discord_sim::Error::Bind)?;
    let sim = Simulator::new(SimConfig::demo());
    let urls = sim.prepare(&listener)?;
    println!("gateway   {}", urls.gateway);
    println!("rest      {}", urls.rest);
    println!("control   {}", urls.control);
    println!("bot token {}", sim.bot_token());
    println!(
        "client id {}  secret {}",
        sim.application_id(),
        sim.client_secret()
    );
    let runner = sim.clone();
    let server = tokio::spawn(async move {
        runner
            .run(listener, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    });
    // Two presence changes a second keep a roster page lively without flooding it.
    sim.start_churn_in(ChurnSpec::at_rate(2.0), ChurnScope::MembersWithRoles);
    server.await.unwrap_or(Ok(()))
}
