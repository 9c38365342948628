//! `guildhall migrate`: bring the schema up to date and exit.

use super::{CommandResult, open_store};
use crate::settings::{ServerFlags, redact_url};

pub async fn run(flags: &ServerFlags) -> CommandResult {
    let (settings, store) = open_store(flags).await?;
    println!(
        "database {} is up to date ({})",
        redact_url(&settings.database_url),
        store.backend().name()
    );
    store.close().await;
    Ok(())
}
