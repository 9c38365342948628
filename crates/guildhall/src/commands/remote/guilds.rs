//! `guildhall guilds list`.

use futures::TryStreamExt;
use guildhall_wire::Snowflake;
use guildhall_wire::guilds::{Guild, GuildFilter};

use super::output::{Table, emit, emit_json, maybe_time, time};
use super::{Remote, RemoteResult};

#[derive(Debug, clap::Subcommand)]
pub enum GuildsCommand {
    /// List every guild (all pages).
    List {
        /// Only the guild with this Discord id.
        #[arg(long)]
        discord_id: Option<Snowflake>,
    },
}

pub(super) async fn run(remote: &Remote, command: GuildsCommand) -> RemoteResult {
    match command {
        GuildsCommand::List { discord_id } => {
            let filter = GuildFilter {
                discord_id,
                ..GuildFilter::default()
            };
            let guilds: Vec<Guild> = remote.client.guilds_stream(&filter).try_collect().await?;
            if remote.json {
                return emit_json(&guilds);
            }
            let mut table = Table::new(&["ID", "DISCORD ID", "NAME", "JOINED", "LEFT", "UPDATED"]);
            for g in &guilds {
                table.row(vec![
                    g.id.to_string(),
                    g.discord_id.to_string(),
                    g.name.clone(),
                    maybe_time(g.joined_at.as_ref()),
                    maybe_time(g.left_at.as_ref()),
                    time(&g.updated_at),
                ]);
            }
            emit(&table.render())?;
            eprintln!("{} guild(s)", guilds.len());
            Ok(())
        }
    }
}
