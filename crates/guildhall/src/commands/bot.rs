//! `guildhall bot`: the bot alone, reaching a remote API (`GUILDHALL_API_URL`,
//! `GUILDHALL_API_KEY`) with the client crate.

use guildhall_client::Client;

use super::CommandResult;
use super::serve::shutdown_signal;
use crate::settings::{BotSettings, Env, RemoteFlags, RemoteSettings};

pub async fn run(flags: &RemoteFlags) -> CommandResult {
    let bot = BotSettings::load(&Env)?.ok_or(
        "DISCORD_BOT_TOKEN is not set: the bot needs its Discord token (or run `guildhall demo` to try it on the simulator)",
    )?;
    let remote = RemoteSettings::load(&Env, flags)?;
    let client = Client::new(&remote.api_url, &remote.api_key)?;
    tracing::info!(api = %remote.api_url, "starting the bot");
    guildhall_bot::run(bot.to_config(), client, shutdown_signal()).await?;
    tracing::info!("bot stopped cleanly");
    Ok(())
}
