//! `guildhall serve`: the API server, and the bot when `DISCORD_BOT_TOKEN` is set, until
//! Ctrl-C or SIGTERM.

use std::net::SocketAddr;

use guildhall_api::{ApiConfig, App};
use guildhall_client::Client;
use guildhall_store::Store;
use guildhall_wire::auth::Scope;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::{CommandResult, open_store};
use crate::settings::{BotSettings, Env, ServerFlags, ServerSettings, redact_url};

/// Where the built-in bot's API key is kept, so restarts reuse one key instead of making more.
const BUILTIN_BOT_KEY: &str = "builtin_bot_api_key";

pub async fn run(flags: &ServerFlags) -> CommandResult {
    let bot = BotSettings::load(&Env)?;
    let (settings, store) = open_store(flags).await?;
    let listener = TcpListener::bind(settings.listen).await.map_err(|e| {
        format!(
            "could not listen on GUILDHALL_LISTEN={}: {e}",
            settings.listen
        )
    })?;
    if bot.is_none() {
        tracing::info!("DISCORD_BOT_TOKEN is not set: running the API without the bot");
    }
    run_server(
        &settings,
        store,
        listener,
        bot.map(|b| b.to_config()),
        shutdown_signal(),
    )
    .await
}

/// Runs the API on `listener` and, if given, the bot against it (through the client, as a
/// separate bot would), until `shutdown` completes. The bot stops first so its last writes
/// reach the API.
pub async fn run_server(
    settings: &ServerSettings,
    store: Store,
    listener: TcpListener,
    bot: Option<guildhall_bot::BotConfig>,
    shutdown: impl std::future::Future<Output = ()>,
) -> CommandResult {
    let address = listener.local_addr()?;
    let config = ApiConfig {
        secret: settings.secret.clone(),
        token_ttl: settings.token_ttl,
        dev_mode: settings.dev_mode,
        ..ApiConfig::default()
    };
    let app = App::build(store.clone(), config).await?;
    tracing::info!(
        database = %redact_url(&settings.database_url),
        "guildhall API listening on http://{address} (docs at http://{address}/api/docs)"
    );
    let (stop_api, api_stopped) = watch::channel(false);
    let server = tokio::spawn(app.serve(listener, wait_for(api_stopped)));
    let (stop_bot, bot_stopped) = watch::channel(false);
    let bot = match bot {
        Some(config) => {
            let client = builtin_bot_client(&store, address).await?;
            Some(tokio::spawn(guildhall_bot::run(
                config,
                client,
                wait_for(bot_stopped),
            )))
        }
        None => None,
    };
    shutdown.await;
    let _ = stop_bot.send(true);
    if let Some(bot) = bot {
        match bot.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the bot stopped with an error"),
            Err(e) => tracing::error!(error = %e, "the bot task failed"),
        }
    }
    let _ = stop_api.send(true);
    server.await??;
    store.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// A client for the in-process bot, with a key kept in the database across restarts.
async fn builtin_bot_client(
    store: &Store,
    address: SocketAddr,
) -> Result<Client, Box<dyn std::error::Error + Send + Sync>> {
    let kept = match store.setting(BUILTIN_BOT_KEY).await? {
        Some(secret) => store
            .find_api_key(&secret)
            .await?
            .filter(|k| k.revoked_at.is_none())
            .map(|_| secret),
        None => None,
    };
    let secret = match kept {
        Some(secret) => secret,
        None => {
            let (secret, _) = store
                .create_api_key("built-in bot", &[Scope::Read, Scope::Write])
                .await?;
            store.set_setting(BUILTIN_BOT_KEY, &secret).await?;
            secret
        }
    };
    let host = if address.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        address.ip().to_string()
    };
    Ok(Client::new(
        format!("http://{host}:{}", address.port()),
        secret,
    )?)
}

async fn wait_for(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing work in flight");
}
