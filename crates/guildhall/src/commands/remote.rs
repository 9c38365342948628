//! Commands that call a running API through the client crate: `guilds`, `users`,
//! `warnings` and `cases`.
//!
//! Each resource's subcommands live in `remote/<resource>.rs`; this module parses the shared
//! flags, builds the client and turns client errors into one sentence for the operator.
//! Output is a table by default and JSON with `--json`, always on stdout; progress and notes
//! go to stderr so that `--json` output can be piped.

mod cases;
mod guilds;
mod output;
mod users;
mod warnings;

use guildhall_client::{Client, ErrorKind};

use super::CommandResult;
use crate::RemoteArgs;
use crate::settings::{Env, RemoteSettings};

#[derive(Debug, clap::Subcommand)]
pub enum RemoteCommand {
    /// Guilds the API records (calls GUILDHALL_API_URL).
    Guilds {
        #[command(flatten)]
        remote: RemoteArgs,
        #[command(subcommand)]
        command: guilds::GuildsCommand,
    },
    /// Discord users: find, list, and import from a JSON file.
    Users {
        #[command(flatten)]
        remote: RemoteArgs,
        #[command(subcommand)]
        command: users::UsersCommand,
    },
    /// Warnings given to users: list and create.
    Warnings {
        #[command(flatten)]
        remote: RemoteArgs,
        #[command(subcommand)]
        command: warnings::WarningsCommand,
    },
    /// Moderation cases: list, create and resolve.
    Cases {
        #[command(flatten)]
        remote: RemoteArgs,
        #[command(subcommand)]
        command: cases::CasesCommand,
    },
}

/// What every remote command works with: the client and how to print.
#[derive(Debug)]
struct Remote {
    client: Client,
    json: bool,
}

pub async fn run(command: RemoteCommand) -> CommandResult {
    let args = match &command {
        RemoteCommand::Guilds { remote, .. }
        | RemoteCommand::Users { remote, .. }
        | RemoteCommand::Warnings { remote, .. }
        | RemoteCommand::Cases { remote, .. } => remote,
    };
    let remote = connect(args)?;
    let result = match command {
        RemoteCommand::Guilds { command, .. } => guilds::run(&remote, command).await,
        RemoteCommand::Users { command, .. } => users::run(&remote, command).await,
        RemoteCommand::Warnings { command, .. } => warnings::run(&remote, command).await,
        RemoteCommand::Cases { command, .. } => cases::run(&remote, command).await,
    };
    result.map_err(|e| explain(e, remote.client.base_url()).into())
}

/// Why a remote command failed: a client error, or input the command could not use.
#[derive(Debug, thiserror::Error)]
enum RemoteError {
    #[error(transparent)]
    Api(#[from] guildhall_client::Error),
    #[error("{0}")]
    Input(String),
}

type RemoteResult = Result<(), RemoteError>;

fn connect(args: &RemoteArgs) -> Result<Remote, Box<dyn std::error::Error + Send + Sync>> {
    let settings = RemoteSettings::load(&Env, &args.flags)?;
    let client = Client::new(&settings.api_url, &settings.api_key)?;
    Ok(Remote {
        client,
        json: args.json,
    })
}

/// One sentence naming what to check, for the failures an operator can fix.
fn explain(error: RemoteError, url: &str) -> String {
    let RemoteError::Api(error) = error else {
        return error.to_string();
    };
    match error.kind() {
        ErrorKind::Unauthorized => {
            format!("the API at {url} refused the API key (check GUILDHALL_API_KEY): {error}")
        }
        ErrorKind::Forbidden => format!("the API key may not do this (it lacks a scope): {error}"),
        ErrorKind::Transport | ErrorKind::Timeout => {
            format!("{error}; is the API running at {url} (GUILDHALL_API_URL)?")
        }
        _ => error.to_string(),
    }
}

/// Parses a span such as `90s`, `30m`, `12h` or `7d` (a plain number is seconds).
fn parse_span(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let (number, unit_seconds) = match text.char_indices().last() {
        Some((at, 's')) => (&text[..at], 1),
        Some((at, 'm')) => (&text[..at], 60),
        Some((at, 'h')) => (&text[..at], 3600),
        Some((at, 'd')) => (&text[..at], 86_400),
        Some((at, 'w')) => (&text[..at], 604_800),
        _ => (text, 1),
    };
    number
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| n.checked_mul(unit_seconds))
        .map(chrono::Duration::seconds)
        .ok_or_else(|| format!("{text:?} is not a span such as 90s, 30m, 12h or 7d"))
}

/// Parses a point in time: RFC 3339 (`2026-12-01T00:00:00Z`) or a span from now (`7d`).
fn parse_when(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(at.with_timezone(&chrono::Utc));
    }
    parse_span(text)
        .map(|span| chrono::Utc::now() + span)
        .map_err(|_| format!("{text:?} is neither an RFC 3339 time (2026-12-01T00:00:00Z) nor a span such as 12h or 7d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_times_parse() {
        assert_eq!(parse_span("90").unwrap(), chrono::Duration::seconds(90));
        assert_eq!(parse_span("7d").unwrap(), chrono::Duration::days(7));
        assert!(parse_span("-1h").is_err());
        assert!(parse_span("soon").is_err());
        let at = parse_when("2026-12-01T00:00:00Z").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert!(parse_when("12h").unwrap() > chrono::Utc::now());
        assert!(parse_when("tomorrow").is_err());
    }
}
