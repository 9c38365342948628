//! The binary's server-side commands, run as a user would: `migrate`, `api-key`, `serve`, and
//! start-up errors that name the setting.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn guildhall(db: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guildhall"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GUILDHALL_DATABASE_URL", db)
        .env("RUST_LOG", "info")
        // No .env from the developer's checkout.
        .arg("--env-file")
        .arg("/nonexistent/guildhall.env");
    command
}

/// A plain HTTP client (reqwest's rustls backend needs a process-wide crypto provider).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run guildhall")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn migrate_and_manage_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gh.sqlite").display());

    let out = run(guildhall(&db).arg("migrate"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("up to date"),
        "{}",
        text(&out.stdout)
    );

    let out = run(guildhall(&db).args([
        "api-key",
        "create",
        "--name",
        "ops",
        "--scope",
        "read,admin",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let key = text(&out.stdout).trim().to_owned();
    assert!(key.starts_with("gh_"), "stdout holds only the key: {key:?}");
    assert!(
        text(&out.stderr).contains("read,admin"),
        "{}",
        text(&out.stderr)
    );

    let out = run(guildhall(&db).args(["api-key", "list"]));
    let listing = text(&out.stdout);
    assert!(
        listing.contains("ops") && listing.contains("active"),
        "{listing}"
    );
    assert!(!listing.contains(&key), "the secret is never listed");

    let out = run(guildhall(&db).args(["api-key", "revoke", "1"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&run(guildhall(&db).args(["api-key", "list"])).stdout);
    assert!(listing.contains("revoked"), "{listing}");

    let out = run(guildhall(&db).args(["api-key", "create", "--name", "x", "--scope", "root"]));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--scope"),
        "{}",
        text(&out.stderr)
    );
    let out = run(guildhall(&db).args(["api-key", "revoke", "99"]));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not found"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_settings_stop_start_up_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gh.sqlite").display());
    for (name, value) in [
        ("GUILDHALL_LISTEN", "everywhere"),
        ("GUILDHALL_DEV", "perhaps"),
        ("GUILDHALL_SYNC_INTERVAL", "never"),
        ("GUILDHALL_DATABASE_URL", "mysql://db/guildhall"),
    ] {
        let out = run(guildhall(&db).env(name, value).arg("serve"));
        assert!(!out.status.success(), "{name}={value} was accepted");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(name), "{name}={value}: {stderr}");
        assert_eq!(
            stderr.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{stderr}"
        );
    }
    let out = run(guildhall("postgres://guildhall:hunter2@127.0.0.1:1/none").arg("migrate"));
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("GUILDHALL_DATABASE_URL"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the password is never printed: {stderr}"
    );
}

/// A running `guildhall serve`, stopped with SIGTERM when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(command: &mut Command) -> (Server, Vec<String>) {
        let mut child = command
            .arg("serve")
            .env("GUILDHALL_LISTEN", "127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start guildhall serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = loop {
            assert!(
                Instant::now() < deadline,
                "serve did not report its address: {seen:?}"
            );
            let line = lines.next().expect("serve exited early").unwrap();
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
            seen.push(line);
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        (Server { child, url }, seen)
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().expect("wait for serve")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_and_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gh.sqlite").display());
    let key = text(&run(guildhall(&db).args(["api-key", "create", "--name", "it"])).stdout)
        .trim()
        .to_owned();
    let (mut server, _) = Server::start(&mut guildhall(&db));
    let http = http();
    let ready = http
        .get(format!("{}/readyz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let token: serde_json::Value = http
        .post(format!("{}/api/auth/token", server.url))
        .json(&serde_json::json!({ "api_key": key }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().expect("a token").to_owned();
    let guilds = http
        .get(format!("{}/api/guilds/", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(guilds.status(), 200);
    let status = server.terminate();
    assert!(status.success(), "serve exited with {status} on SIGTERM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn development_mode_warns_and_accepts_the_testing_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gh.sqlite").display());
    let (mut server, log) = Server::start(guildhall(&db).env("SMARTER_DEV_LOCAL", "1"));
    assert!(
        log.iter().any(|l| l.contains("development mode")),
        "no warning in {log:?}"
    );
    let answer = http()
        .post(format!("{}/api/auth/token", server.url))
        .json(&serde_json::json!({ "api_key": "TESTING" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(server.terminate().success());
}
