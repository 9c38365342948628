//! `guildhall warnings list|create`.

use guildhall_wire::warnings::{Warning, WarningCreate, WarningFilter};

use super::output::{Table, emit, emit_json, maybe_time, time};
use super::{Remote, RemoteResult, parse_when};

#[derive(Debug, clap::Subcommand)]
pub enum WarningsCommand {
    /// List warnings (all pages).
    List {
        /// Only warnings in this guild (internal id, see `guilds list`).
        #[arg(long)]
        guild_id: Option<i64>,
        /// Only warnings given to this user (internal id, see `users find`).
        #[arg(long)]
        user_id: Option<i64>,
        /// Only warnings given by this moderator (internal user id).
        #[arg(long)]
        mod_id: Option<i64>,
        /// true: only warnings still in force; false: only expired ones.
        #[arg(long)]
        active: Option<bool>,
    },
    /// Give a user a warning.
    Create {
        /// The guild (internal id).
        #[arg(long)]
        guild_id: i64,
        /// The warned user (internal id).
        #[arg(long)]
        user_id: i64,
        /// The moderator (internal user id).
        #[arg(long)]
        mod_id: i64,
        /// Why.
        #[arg(long)]
        reason: String,
        /// When the warning stops counting: an RFC 3339 time, or a span from now such as
        /// 30m, 12h or 7d.
        #[arg(long, value_parser = parse_when)]
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    },
}

pub(super) async fn run(remote: &Remote, command: WarningsCommand) -> RemoteResult {
    match command {
        WarningsCommand::List {
            guild_id,
            user_id,
            mod_id,
            active,
        } => {
            let filter = WarningFilter {
                guild_id,
                user_id,
                mod_id,
                active,
                ..WarningFilter::default()
            };
            let warnings = remote.client.all_warnings(&filter).await?;
            print(remote, &warnings)?;
            if !remote.json {
                eprintln!("{} warning(s)", warnings.len());
            }
            Ok(())
        }
        WarningsCommand::Create {
            guild_id,
            user_id,
            mod_id,
            reason,
            expires_at,
        } => {
            let new = WarningCreate {
                guild_id,
                user_id,
                mod_id,
                reason,
                expires_at,
            };
            let warning = remote.client.create_warning(&new).await?;
            if remote.json {
                return emit_json(&warning);
            }
            print(remote, std::slice::from_ref(&warning))
        }
    }
}

fn print(remote: &Remote, warnings: &[Warning]) -> RemoteResult {
    if remote.json {
        return emit_json(warnings);
    }
    let mut table = Table::new(&["ID", "GUILD", "USER", "MOD", "REASON", "EXPIRES", "CREATED"]);
    for w in warnings {
        table.row(vec![
            w.id.to_string(),
            w.guild_id.to_string(),
            w.user_id.to_string(),
            w.mod_id.to_string(),
            w.reason.clone(),
            maybe_time(w.expires_at.as_ref()),
            time(&w.created_at),
        ]);
    }
    emit(&table.render())
}
