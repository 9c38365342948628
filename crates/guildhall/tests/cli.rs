//! End-to-end tests of the remote commands: a real API server on port 0 (SQLite) and the
//! built `guildhall` binary talking to it through GUILDHALL_API_URL / GUILDHALL_API_KEY.

use std::path::Path;
use std::process::Output;

use guildhall_store::Backend;
use guildhall_testkit::{TestApi, spawn_api};
use guildhall_wire::Snowflake;
use guildhall_wire::guilds::GuildCreate;
use guildhall_wire::users::UserCreate;
use serde_json::{Value, json};

/// Runs `guildhall <args>` against `api` with `key`, from `dir` (so no stray `.env` is read).
async fn guildhall_with_key(api: &TestApi, key: &str, dir: &Path, args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_guildhall"));
    for (name, _) in std::env::vars() {
        if name.starts_with("GUILDHALL_") || name.starts_with("SMARTER_DEV_") {
            command.env_remove(name);
        }
    }
    command
        .args(args)
        .current_dir(dir)
        .env("GUILDHALL_API_URL", &api.url)
        .env("GUILDHALL_API_KEY", key)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run the guildhall binary")
}

/// Runs a command that must succeed; returns its stdout and stderr.
async fn guildhall(api: &TestApi, dir: &Path, args: &[&str]) -> (String, String) {
    let output = guildhall_with_key(api, &api.admin_key, dir, args).await;
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        output.status.success(),
        "guildhall {args:?} failed: {stderr}"
    );
    (stdout, stderr)
}

async fn guildhall_json(api: &TestApi, dir: &Path, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let (stdout, _) = guildhall(api, dir, &args).await;
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("guildhall {args:?} printed no JSON ({e}): {stdout}"))
}

fn user(n: u64) -> UserCreate {
    UserCreate {
        discord_id: Snowflake::new(900_000_000_000_000_000 + n).unwrap(),
        username: format!("member{n:04}"),
        global_name: Some(format!("Member {n}")),
        avatar: None,
        bot: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_import_and_find() {
    let api = spawn_api(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.json");
    let users: Vec<UserCreate> = (1..=1200).map(user).collect();
    std::fs::write(
        &file,
        serde_json::to_vec(&json!({ "users": users })).unwrap(),
    )
    .unwrap();
    let path = file.to_str().unwrap();

    let (stdout, stderr) = guildhall(
        &api,
        dir.path(),
        &["users", "import", path, "--batch-size", "500"],
    )
    .await;
    assert!(
        stderr.contains("Syncing 1200 users in batches of 500..."),
        "{stderr}"
    );
    assert!(
        stderr.contains("Progress: 3/3 batches (1200/1200 users)"),
        "{stderr}"
    );
    assert!(stderr.contains("Sync complete!"), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["USERS", "BATCHES", "CREATED", "UPDATED", "UNCHANGED"]
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["1200", "3", "1200", "0", "0"]
    );

    // The same file again, as a bare array with one change: nothing new, one update.
    let mut again = users.clone();
    again[7].username = "renamed".into();
    std::fs::write(&file, serde_json::to_vec(&again).unwrap()).unwrap();
    let summary = guildhall_json(&api, dir.path(), &["users", "import", path]).await;
    assert_eq!(
        summary["batches"], 3,
        "default batch size is the server's 500"
    );
    assert_eq!(
        (summary["created"].as_u64(), summary["updated"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(summary["unchanged"], 1199);

    // Find by Discord id, then by username prefix (paging through every match).
    let id = users[41].discord_id.to_string();
    let found = guildhall_json(&api, dir.path(), &["users", "find", &id]).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["username"], "member0042");
    let (table, _) = guildhall(&api, dir.path(), &["users", "find", "member004"]).await;
    let rows: Vec<&str> = table.lines().collect();
    assert!(
        rows[0].starts_with("ID") && rows[0].contains("USERNAME"),
        "{table}"
    );
    assert_eq!(rows.len(), 1 + 10, "member0040..member0049: {table}");
    let everyone = guildhall_json(&api, dir.path(), &["users", "list"]).await;
    assert_eq!(everyone.as_array().unwrap().len(), 1200);

    // A file that is not a list of users names the problem.
    std::fs::write(&file, r#"[{"discord_id": "1"}]"#).unwrap();
    let output =
        guildhall_with_key(&api, &api.admin_key, dir.path(), &["users", "import", path]).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("missing field `username`"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guilds_warnings_and_cases() {
    let api = spawn_api(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let guild = api
        .client
        .create_guild(&GuildCreate {
            discord_id: Snowflake::new(4242).unwrap(),
            name: "Smarter Dev".into(),
            icon: None,
            owner_discord_id: None,
            joined_at: None,
        })
        .await
        .unwrap();
    let member = api.client.create_user(&user(1)).await.unwrap();
    let moderator = api.client.create_user(&user(2)).await.unwrap();
    let (g, u, m) = (
        guild.id.to_string(),
        member.id.to_string(),
        moderator.id.to_string(),
    );

    let (table, _) = guildhall(&api, dir.path(), &["guilds", "list"]).await;
    assert!(
        table
            .lines()
            .next()
            .unwrap()
            .starts_with("ID  DISCORD ID  NAME"),
        "{table}"
    );
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[..4], [g.as_str(), "4242", "Smarter", "Dev"], "{table}");
    let guilds = guildhall_json(&api, dir.path(), &["guilds", "list"]).await;
    assert_eq!(guilds[0]["name"], "Smarter Dev");

    let warning = guildhall_json(
        &api,
        dir.path(),
        &[
            "warnings",
            "create",
            "--guild-id",
            &g,
            "--user-id",
            &u,
            "--mod-id",
            &m,
            "--reason",
            "spam",
            "--expires-at",
            "7d",
        ],
    )
    .await;
    assert_eq!(warning["reason"], "spam");
    assert!(warning["expires_at"].is_string());
    let warnings = guildhall_json(&api, dir.path(), &["warnings", "list", "--user-id", &u]).await;
    assert_eq!(warnings.as_array().unwrap().len(), 1);
    let none = guildhall_json(&api, dir.path(), &["warnings", "list", "--user-id", &m]).await;
    assert_eq!(none, json!([]));

    let (table, _) = guildhall(
        &api,
        dir.path(),
        &[
            "cases",
            "create",
            "--guild-id",
            &g,
            "--user-id",
            &u,
            "--mod-id",
            &m,
            "--action",
            "timeout",
            "--reason",
            "flooding",
            "--duration",
            "1h",
        ],
    )
    .await;
    assert!(
        table.contains("#1") && table.contains("timeout") && table.contains("flooding"),
        "{table}"
    );
    let case = guildhall_json(
        &api,
        dir.path(),
        &[
            "cases",
            "create",
            "--guild-id",
            &g,
            "--user-id",
            &u,
            "--mod-id",
            &m,
            "--action",
            "ban",
            "--reason",
            "raid",
        ],
    )
    .await;
    assert_eq!(
        (
            case["case_number"].as_i64(),
            case["duration_seconds"].as_i64()
        ),
        (Some(2), None)
    );
    let bans = guildhall_json(&api, dir.path(), &["cases", "list", "--action", "ban"]).await;
    assert_eq!(bans.as_array().unwrap().len(), 1);

    let id = case["id"].to_string();
    let resolved = guildhall_json(
        &api,
        dir.path(),
        &["cases", "resolve", &id, "--note", "appeal accepted"],
    )
    .await;
    assert_eq!(
        (
            resolved["resolved"].as_bool(),
            resolved["resolution_note"].as_str()
        ),
        (Some(true), Some("appeal accepted"))
    );
    let open = guildhall_json(&api, dir.path(), &["cases", "list", "--resolved", "false"]).await;
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert_eq!(open[0]["action"], "timeout");

    // Bad input is refused before any call, with a sentence.
    let output = guildhall_with_key(
        &api,
        &api.admin_key,
        dir.path(),
        &["cases", "list", "--action", "yell"],
    )
    .await;
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("the action must be one of warn, mute")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_key_or_missing_record_fails_with_one_sentence() {
    let api = spawn_api(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();

    let output =
        guildhall_with_key(&api, "gh_not_a_real_key", dir.path(), &["guilds", "list"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: the API at http://127.0.0.1:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("refused the API key (check GUILDHALL_API_KEY)"),
        "{stderr}"
    );
    assert!(stderr.trim_end().ends_with("(HTTP 401)"), "{stderr}");

    let output = guildhall_with_key(
        &api,
        &api.admin_key,
        dir.path(),
        &["cases", "resolve", "999"],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: ") && stderr.contains("(HTTP 404)"),
        "{stderr}"
    );
}
