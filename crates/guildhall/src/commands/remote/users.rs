//! `guildhall users find|list|import`.

use std::path::{Path, PathBuf};

use guildhall_client::wire::users::{DiscordUser, MAX_USER_BATCH, UserCreate, UserFilter};
use guildhall_wire::Snowflake;
use serde::Deserialize;

use super::output::{Table, emit, emit_json, maybe, time};
use super::{Remote, RemoteError, RemoteResult};

#[derive(Debug, clap::Subcommand)]
pub enum UsersCommand {
    /// Find users by Discord id, or by the start of their username.
    Find {
        /// A Discord id, or the first letters of a username (case-insensitive).
        query: String,
    },
    /// List every user (all pages).
    List {
        /// Only usernames starting with this text (case-insensitive).
        #[arg(long)]
        search: Option<String>,
    },
    /// Create or update users from a JSON file, in server-sized batches.
    Import {
        /// A JSON array of users, or `{"users": [...]}`; each user has `discord_id` and
        /// `username`, and may have `global_name`, `avatar` and `bot`. `-` reads standard
        /// input.
        file: PathBuf,
        /// Users per request (at most 500).
        #[arg(long, default_value_t = MAX_USER_BATCH)]
        batch_size: usize,
    },
}

pub(super) async fn run(remote: &Remote, command: UsersCommand) -> RemoteResult {
    match command {
        UsersCommand::Find { query } => {
            let users = find(remote, &query).await?;
            if users.is_empty() && !remote.json {
                eprintln!("no user has the Discord id or a username starting with {query:?}");
                return Ok(());
            }
            print(remote, &users)
        }
        UsersCommand::List { search } => {
            let filter = UserFilter {
                search,
                ..UserFilter::default()
            };
            let users = remote.client.all_users(&filter).await?;
            print(remote, &users)?;
            if !remote.json {
                eprintln!("{} user(s)", users.len());
            }
            Ok(())
        }
        UsersCommand::Import { file, batch_size } => import(remote, &file, batch_size).await,
    }
}

/// A query that reads as a snowflake is tried as a Discord id first; if no user has that id
/// (or it is not one), it is taken as a username prefix, since usernames may be digits.
async fn find(remote: &Remote, query: &str) -> Result<Vec<DiscordUser>, RemoteError> {
    if let Ok(discord_id) = query.parse::<Snowflake>() {
        let filter = UserFilter {
            discord_id: Some(discord_id),
            ..UserFilter::default()
        };
        let users = remote.client.all_users(&filter).await?;
        if !users.is_empty() {
            return Ok(users);
        }
    }
    let filter = UserFilter {
        search: Some(query.to_owned()),
        ..UserFilter::default()
    };
    Ok(remote.client.all_users(&filter).await?)
}

/// The import file: a bare array, or the body of `POST /api/users/batch`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ImportFile {
    List(Vec<UserCreate>),
    Wrapped { users: Vec<UserCreate> },
}

async fn import(remote: &Remote, file: &Path, batch_size: usize) -> RemoteResult {
    if batch_size == 0 || batch_size > MAX_USER_BATCH {
        return Err(RemoteError::Input(format!(
            "--batch-size must be between 1 and {MAX_USER_BATCH}, not {batch_size}"
        )));
    }
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(file)
    }
    .map_err(|e| RemoteError::Input(format!("could not read {}: {e}", file.display())))?;
    let users =
        parse_import(&text).map_err(|e| RemoteError::Input(format!("{}: {e}", file.display())))?;
    eprintln!(
        "Syncing {} users in batches of {batch_size}...",
        users.len()
    );
    let summary = remote
        .client
        .sync_users_with(&users, batch_size, |progress, _| {
            eprintln!(
                "Progress: {}/{} batches ({}/{} users)",
                progress.batch, progress.batches, progress.done, progress.total
            );
        })
        .await?;
    eprintln!("Sync complete!");
    if remote.json {
        return emit_json(&summary);
    }
    let mut table = Table::new(&["USERS", "BATCHES", "CREATED", "UPDATED", "UNCHANGED"]);
    table.row(vec![
        summary.users.to_string(),
        summary.batches.to_string(),
        summary.created.to_string(),
        summary.updated.to_string(),
        summary.unchanged.to_string(),
    ]);
    emit(&table.render())
}

/// Parses an import file, naming the user and field at fault when it does not fit.
fn parse_import(text: &str) -> Result<Vec<UserCreate>, String> {
    if let Ok(file) = serde_json::from_str::<ImportFile>(text) {
        return Ok(match file {
            ImportFile::List(users) | ImportFile::Wrapped { users } => users,
        });
    }
    // The untagged enum's own error says only "did not match"; decode again as the shape the
    // text starts with, for an error that points at the problem.
    let error = if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<UserCreate>>(text).err()
    } else {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Wrapped {
            users: Vec<UserCreate>,
        }
        serde_json::from_str::<Wrapped>(text).err()
    };
    Err(match error {
        Some(e) => format!("not a JSON array of users or {{\"users\": [...]}}: {e}"),
        None => "not a JSON array of users or {\"users\": [...]}".to_owned(),
    })
}

fn print(remote: &Remote, users: &[DiscordUser]) -> RemoteResult {
    if remote.json {
        return emit_json(users);
    }
    let mut table = Table::new(&[
        "ID",
        "DISCORD ID",
        "USERNAME",
        "DISPLAY NAME",
        "BOT",
        "UPDATED",
    ]);
    for u in users {
        table.row(vec![
            u.id.to_string(),
            u.discord_id.to_string(),
            u.username.clone(),
            maybe(u.global_name.as_deref()),
            if u.bot { "yes" } else { "no" }.to_owned(),
            time(&u.updated_at),
        ]);
    }
    emit(&table.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_files_take_both_shapes_and_point_at_errors() {
        let bare = r#"[{"discord_id": "123", "username": "ada"}]"#;
        let wrapped = r#"{"users": [{"discord_id": 123, "username": "ada", "bot": true}]}"#;
        assert_eq!(parse_import(bare).unwrap()[0].username, "ada");
        assert!(parse_import(wrapped).unwrap()[0].bot);
        let err = parse_import(r#"[{"discord_id": "123"}]"#).unwrap_err();
        assert!(err.contains("missing field `username`"), "{err}");
    }
}
