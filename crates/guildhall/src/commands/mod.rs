//! One module per subcommand.

pub mod api_key;
pub mod bot;
pub mod demo;
pub mod migrate;
pub mod remote;
pub mod serve;
pub mod sim;

use guildhall_store::Store;

use crate::settings::{Env, ServerFlags, ServerSettings, redact_url};

/// What a command failed with: one sentence for the operator.
pub type CommandResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Loads the server settings and opens (and migrates) the database.
pub async fn open_store(
    flags: &ServerFlags,
) -> Result<(ServerSettings, Store), Box<dyn std::error::Error + Send + Sync>> {
    let settings = ServerSettings::load(&Env, flags)?;
    let store = Store::connect(&settings.database_url).await.map_err(|e| {
        format!(
            "could not open the database at GUILDHALL_DATABASE_URL={}: {e}",
            redact_url(&settings.database_url)
        )
    })?;
    store
        .migrate()
        .await
        .map_err(|e| format!("could not bring the database schema up to date: {e}"))?;
    Ok((settings, store))
}
