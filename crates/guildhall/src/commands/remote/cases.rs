//! `guildhall cases list|create|resolve`.

use guildhall_wire::cases::{CaseAction, CaseCreate, CaseFilter, ModerationCase};

use super::output::{Table, emit, emit_json, time};
use super::{Remote, RemoteResult, parse_span};

#[derive(Debug, clap::Subcommand)]
pub enum CasesCommand {
    /// List moderation cases (all pages).
    List {
        /// Only cases in this guild (internal id, see `guilds list`).
        #[arg(long)]
        guild_id: Option<i64>,
        /// Only cases about this user (internal id, see `users find`).
        #[arg(long)]
        user_id: Option<i64>,
        /// Only cases opened by this moderator (internal user id).
        #[arg(long)]
        mod_id: Option<i64>,
        /// Only this action: warn, mute, unmute, timeout, kick, ban, unban, softban, note.
        #[arg(long, value_parser = parse_action)]
        action: Option<CaseAction>,
        /// true: only resolved cases; false: only open ones.
        #[arg(long)]
        resolved: Option<bool>,
    },
    /// Open a moderation case.
    Create {
        /// The guild (internal id).
        #[arg(long)]
        guild_id: i64,
        /// The user the case is about (internal id).
        #[arg(long)]
        user_id: i64,
        /// The moderator (internal user id).
        #[arg(long)]
        mod_id: i64,
        /// warn, mute, unmute, timeout, kick, ban, unban, softban or note.
        #[arg(long, value_parser = parse_action)]
        action: CaseAction,
        /// Why.
        #[arg(long)]
        reason: String,
        /// How long the action lasts, such as 30m, 12h or 7d (mutes, timeouts, temporary bans).
        #[arg(long, value_parser = parse_span)]
        duration: Option<chrono::Duration>,
    },
    /// Resolve a case.
    Resolve {
        /// The case's id (the ID column of `cases list`).
        id: i64,
        /// How it was resolved.
        #[arg(long)]
        note: Option<String>,
    },
}

fn parse_action(text: &str) -> Result<CaseAction, String> {
    CaseAction::parse(text).ok_or_else(|| {
        let names: Vec<&str> = CaseAction::ALL.iter().map(|a| a.as_str()).collect();
        format!("the action must be one of {}", names.join(", "))
    })
}

pub(super) async fn run(remote: &Remote, command: CasesCommand) -> RemoteResult {
    match command {
        CasesCommand::List {
            guild_id,
            user_id,
            mod_id,
            action,
            resolved,
        } => {
            let filter = CaseFilter {
                guild_id,
                user_id,
                mod_id,
                action,
                resolved,
                ..CaseFilter::default()
            };
            let cases = remote.client.all_cases(&filter).await?;
            print(remote, &cases)?;
            if !remote.json {
                eprintln!("{} case(s)", cases.len());
            }
            Ok(())
        }
        CasesCommand::Create {
            guild_id,
            user_id,
            mod_id,
            action,
            reason,
            duration,
        } => {
            let new = CaseCreate {
                guild_id,
                user_id,
                mod_id,
                action,
                reason,
                duration_seconds: duration.map(|d| d.num_seconds()),
            };
            let case = remote.client.create_case(&new).await?;
            print_one(remote, &case)
        }
        CasesCommand::Resolve { id, note } => {
            let case = remote.client.resolve_case(id, note.as_deref()).await?;
            print_one(remote, &case)
        }
    }
}

fn print_one(remote: &Remote, case: &ModerationCase) -> RemoteResult {
    if remote.json {
        return emit_json(case);
    }
    print(remote, std::slice::from_ref(case))
}

fn print(remote: &Remote, cases: &[ModerationCase]) -> RemoteResult {
    if remote.json {
        return emit_json(cases);
    }
    let mut table = Table::new(&[
        "ID", "GUILD", "CASE", "USER", "MOD", "ACTION", "REASON", "RESOLVED", "CREATED",
    ]);
    for c in cases {
        let resolved = if c.resolved {
            match &c.resolution_note {
                Some(note) => format!("yes: {note}"),
                None => "yes".to_owned(),
            }
        } else {
            "no".to_owned()
        };
        table.row(vec![
            c.id.to_string(),
            c.guild_id.to_string(),
            format!("#{}", c.case_number),
            c.user_id.to_string(),
            c.mod_id.to_string(),
            c.action.as_str().to_owned(),
            c.reason.clone(),
            resolved,
            time(&c.created_at),
        ]);
    }
    emit(&table.render())
}
