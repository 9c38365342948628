//! `guildhall api-key create|list|revoke`: key management on the database directly, so the
//! first admin key can be made before any key exists.

use guildhall_store::db::PageRequest;
use guildhall_wire::auth::Scope;

use super::{CommandResult, open_store};
use crate::settings::ServerFlags;

#[derive(Debug, clap::Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print its secret (shown only once).
    Create {
        /// Who or what uses the key.
        #[arg(long)]
        name: String,
        /// Scopes: read, write, admin (repeat or separate with commas; default read,write).
        #[arg(long = "scope", value_delimiter = ',', default_values_t = vec!["read".to_owned(), "write".to_owned()])]
        scopes: Vec<String>,
        #[command(flatten)]
        server: ServerFlags,
    },
    /// List keys.
    List {
        #[command(flatten)]
        server: ServerFlags,
    },
    /// Revoke a key: its tokens stop working at once.
    Revoke {
        /// The key's id (see `list`).
        id: i64,
        #[command(flatten)]
        server: ServerFlags,
    },
}

pub async fn run(command: ApiKeyCommand) -> CommandResult {
    match command {
        ApiKeyCommand::Create {
            name,
            scopes,
            server,
        } => {
            let scopes = scopes
                .iter()
                .map(|s| {
                    Scope::parse(s)
                        .ok_or_else(|| format!("--scope must be read, write or admin, not {s:?}"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let (_, store) = open_store(&server).await?;
            let (secret, key) = store.create_api_key(&name, &scopes).await?;
            eprintln!(
                "created API key {} ({}) with scopes {}; store the secret now, it is not shown again:",
                key.id,
                key.name,
                scope_list(&key.scopes)
            );
            println!("{secret}");
            store.close().await;
        }
        ApiKeyCommand::List { server } => {
            let (_, store) = open_store(&server).await?;
            let mut cursor = None;
            println!(
                "{:<6} {:<24} {:<12} {:<18} {:<10}",
                "ID", "NAME", "PREFIX", "SCOPES", "STATE"
            );
            loop {
                let page = store
                    .list_api_keys(PageRequest::new(cursor.as_deref(), Some(1000))?)
                    .await?;
                for key in &page.items {
                    let state = if key.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!(
                        "{:<6} {:<24} {:<12} {:<18} {:<10}",
                        key.id,
                        key.name,
                        key.prefix,
                        scope_list(&key.scopes),
                        state
                    );
                }
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            store.close().await;
        }
        ApiKeyCommand::Revoke { id, server } => {
            let (_, store) = open_store(&server).await?;
            let key = store.revoke_api_key(id).await?;
            println!("revoked API key {} ({})", key.id, key.name);
            store.close().await;
        }
    }
    Ok(())
}

fn scope_list(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
