//! `guildhall serve`: the API server until Ctrl-C or SIGTERM.

use guildhall_api::{ApiConfig, App};

use super::{CommandResult, open_store};
use crate::settings::{ServerFlags, redact_url};

pub async fn run(flags: &ServerFlags) -> CommandResult {
    let (settings, store) = open_store(flags).await?;
    let config = ApiConfig {
        secret: settings.secret.clone(),
        token_ttl: settings.token_ttl,
        dev_mode: settings.dev_mode,
        ..ApiConfig::default()
    };
    let app = App::build(store.clone(), config).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| {
            format!(
                "could not listen on GUILDHALL_LISTEN={}: {e}",
                settings.listen
            )
        })?;
    let address = listener.local_addr()?;
    tracing::info!(
        database = %redact_url(&settings.database_url),
        "guildhall API listening on http://{address} (docs at http://{address}/api/docs)"
    );
    app.serve(listener, shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
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
    tracing::info!("shutting down: finishing requests in flight");
}
