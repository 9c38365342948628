//! Measures the simulator at scale: memory for a million members, dispatch throughput to a
//! connected client, and chunking a million-member guild.
//!
//! Run with `cargo run --release -p discord-sim --example scale` (optionally
//! `-- <members> <dispatches>`). It prints figures; it asserts nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use discord_sim::{GuildSpec, ScenarioSpec, SimConfig, Simulator};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// Dispatches allowed in flight before the producer waits for the client: well under the
/// bus capacity, so the client is never dropped as too slow.
const IN_FLIGHT: u64 = 20_000;

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let members: u32 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dispatches: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);

    let before = rss_bytes();
    let started = Instant::now();
    let config = SimConfig {
        scenario: Some(ScenarioSpec {
            seed: 7,
            guilds: vec![GuildSpec::new("Scale", members).staff_role("Staff", 0x3498DB, 50)],
        }),
        ..SimConfig::default()
    };
    let sim = Simulator::spawn(config).await.expect("simulator starts");
    let built = started.elapsed();
    let used = rss_bytes().saturating_sub(before);
    println!("members: {members}");
    println!(
        "world build: {:.2} s, resident memory {:.1} MiB, {:.0} bytes per member",
        built.as_secs_f64(),
        used as f64 / (1 << 20) as f64,
        used as f64 / f64::from(members.max(1))
    );

    // Publishing with nobody connected: the cost of state change + serialization alone.
    let publish = Instant::now();
    let applied = sim.churn_burst(200_000, 1);
    let rate = applied as f64 / publish.elapsed().as_secs_f64();
    println!("presence changes applied and serialized, no client: {rate:.0}/s");

    for compress in ["", "zstd-stream"] {
        let rate = fan_out(&sim, compress, dispatches, 1).await;
        let label = if compress.is_empty() {
            "none"
        } else {
            compress
        };
        println!(
            "dispatches delivered to one client (compression {label}): {rate:.0}/s over {dispatches}"
        );
    }
    let rate = fan_out(&sim, "", dispatches / 4, 4).await;
    println!("dispatches delivered to four clients, summed: {rate:.0}/s");

    for target in [60_000.0, 120_000.0] {
        let rate = generator(&sim, target).await;
        println!(
            "churn generator set to {target:.0}/s: {rate:.0} dispatches/s delivered to one client"
        );
    }

    let (elapsed, chunks) = chunk_everything(&sim).await;
    println!(
        "all-members request: {chunks} GUILD_MEMBERS_CHUNK in {:.2} s ({:.0} members/s)",
        elapsed.as_secs_f64(),
        f64::from(members + 1) / elapsed.as_secs_f64()
    );
    println!(
        "resident memory at the end: {:.1} MiB",
        rss_bytes() as f64 / (1 << 20) as f64
    );
    sim.shutdown();
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(sim: &Simulator, compress: &str, intents: u64) -> Socket {
    let mut url = format!("{}/?v=10&encoding=json", sim.urls().gateway);
    if !compress.is_empty() {
        url.push_str("&compress=");
        url.push_str(compress);
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connect");
    ws.next().await; // HELLO
    let identify =
        json!({"op": 2, "d": {"token": sim.bot_token(), "intents": intents, "properties": {}}});
    ws.send(Message::Text(identify.to_string().into()))
        .await
        .expect("identify");
    ws
}

/// Publishes `total` presence changes to `clients` connected clients and returns the
/// dispatches delivered per second, summed over the clients.
async fn fan_out(sim: &Simulator, compress: &str, total: u64, clients: usize) -> f64 {
    let mut counters = Vec::new();
    let mut readers = Vec::new();
    for _ in 0..clients {
        let mut ws = connect(sim, compress, 1 | (1 << 8)).await;
        // READY and GUILD_CREATE.
        ws.next().await;
        ws.next().await;
        let received = Arc::new(AtomicU64::new(0));
        let counter = received.clone();
        readers.push(tokio::spawn(async move {
            while let Some(Ok(message)) = ws.next().await {
                if matches!(message, Message::Text(_) | Message::Binary(_)) {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
        counters.push(received);
    }
    let slowest = {
        let counters = counters.clone();
        move || {
            counters
                .iter()
                .map(|c| c.load(Ordering::Relaxed))
                .min()
                .unwrap_or(0)
        }
    };
    let started = Instant::now();
    let producer_sim = sim.clone();
    let producer_slowest = slowest.clone();
    let producer = tokio::task::spawn_blocking(move || {
        let mut produced = 0;
        let mut seed = 0;
        while produced < total {
            while produced.saturating_sub(producer_slowest()) > IN_FLIGHT {
                std::thread::sleep(Duration::from_micros(200));
            }
            seed += 1;
            produced +=
                producer_sim.churn_burst(5_000.min((total - produced) as usize), seed) as u64;
        }
    });
    producer.await.expect("producer");
    while slowest() < total {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    for reader in readers {
        reader.abort();
    }
    (total * clients as u64) as f64 / elapsed
}

/// Runs the rate-driven churn generator for three seconds and counts what a client receives.
async fn generator(sim: &Simulator, rate_per_second: f64) -> f64 {
    let mut ws = connect(sim, "", 1 | (1 << 8)).await;
    ws.next().await;
    ws.next().await;
    let received = Arc::new(AtomicU64::new(0));
    let counter = received.clone();
    let reader = tokio::spawn(async move {
        while let Some(Ok(message)) = ws.next().await {
            if matches!(message, Message::Text(_)) {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    sim.start_churn(discord_sim::ChurnSpec {
        seed: 11,
        ..discord_sim::ChurnSpec::at_rate(rate_per_second)
    });
    // Skip the first half second while the generator's pick list is built.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start_count = received.load(Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = received.load(Ordering::Relaxed) - start_count;
    let elapsed = started.elapsed().as_secs_f64();
    sim.stop_churn();
    reader.abort();
    got as f64 / elapsed
}

async fn chunk_everything(sim: &Simulator) -> (Duration, u64) {
    let mut ws = connect(sim, "", 1 | (1 << 1)).await;
    ws.next().await;
    ws.next().await;
    let guild_id = sim.guild_ids()[0];
    let request =
        json!({"op": 8, "d": {"guild_id": guild_id.to_string(), "query": "", "limit": 0}});
    let started = Instant::now();
    ws.send(Message::Text(request.to_string().into()))
        .await
        .expect("request");
    let mut chunks = 0;
    while let Some(Ok(Message::Text(text))) = ws.next().await {
        if text.contains("\"GUILD_MEMBERS_CHUNK\"") {
            chunks += 1;
            // Read only the two counters, so the client's parsing does not dominate.
            let field = |name: &str| -> Option<u64> {
                let start = text.find(name)? + name.len();
                let digits: String = text[start..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                digits.parse().ok()
            };
            let done = match (field("\"chunk_index\":"), field("\"chunk_count\":")) {
                (Some(index), Some(count)) => index + 1 == count,
                _ => false,
            };
            if done {
                break;
            }
        }
    }
    (started.elapsed(), chunks)
}
