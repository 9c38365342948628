//! Logging: human-readable by default, JSON lines with `GUILDHALL_LOG_FORMAT=json`; levels from
//! `RUST_LOG` (default `info`).

use tracing_subscriber::EnvFilter;

/// Installs the process's log subscriber. Logs go to standard error, so commands that print
/// results (tables, JSON) keep standard output clean.
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let json = std::env::var("GUILDHALL_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
