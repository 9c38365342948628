//! `guildhall demo` run briefly as a user would: members and presences arrive through the API,
//! and Ctrl-C (SIGTERM here) stops everything cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_populates_the_api_and_stops_cleanly() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut child = Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .args([
            "--env-file",
            "/nonexistent/guildhall.env",
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--members",
            "300",
            "--churn",
            "50",
        ])
        .env_remove("GUILDHALL_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start guildhall demo");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut api, mut key) = (None, None);
    while api.is_none() || key.is_none() {
        let line = lines.next().expect("demo printed its URLs").unwrap();
        if let Some(url) = line.strip_prefix("API:") {
            api = Some(url.trim().trim_end_matches("/api").to_owned());
        }
        if let Some(k) = line.strip_prefix("API key:") {
            key = Some(k.trim().to_owned());
        }
    }
    let (api, key) = (api.unwrap(), key.unwrap());
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{api}/api/auth/token"))
        .json(&serde_json::json!({ "api_key": key }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let get = |path: String| {
        let http = http.clone();
        let token = token.clone();
        let api = api.clone();
        async move {
            http.get(format!("{api}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let started = Instant::now();
    loop {
        let guilds = get("/api/guilds".into()).await;
        if let Some(guild) = guilds["guilds"][0]["id"].as_i64() {
            let members = get(format!("/api/members?guild_id={guild}&limit=1000")).await;
            let presences = get(format!("/api/presences?guild_id={guild}&limit=1000")).await;
            let status = get("/api/staff/discord/status".into()).await;
            let members = members["members"].as_array().map_or(0, Vec::len);
            let presences = presences["presences"].as_array().map_or(0, Vec::len);
            if members == 301 && presences > 0 && status["is_running"] == true {
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the demo did not populate the API in time"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert!(status.success(), "demo exited with {status}");
}
