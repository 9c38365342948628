//! `guildhall`: one binary for the API server, its admin tasks and the client commands.
//!
//! `main` only parses the command line, loads `.env`, sets up logging and dispatches; each
//! command lives in its own module under `commands/`.

mod commands;
mod settings;
mod telemetry;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::settings::{RemoteFlags, ServerFlags};

/// guildhall: staff roster, member sync and moderation records for Discord communities.
#[derive(Debug, Parser)]
#[command(name = "guildhall", version, about, long_about = None)]
struct Cli {
    /// Read settings from this file instead of ./.env (values already in the environment win).
    #[arg(long, global = true, value_name = "FILE")]
    env_file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Try everything: the Discord simulator with a demo community, and the API and bot
    /// against it on a fresh SQLite file.
    Demo(commands::demo::DemoFlags),
    /// Run the API server against GUILDHALL_DATABASE_URL, and the bot when DISCORD_BOT_TOKEN
    /// is set.
    Serve(ServerFlags),
    /// Run the bot alone, against a remote API (GUILDHALL_API_URL, GUILDHALL_API_KEY).
    Bot(RemoteFlags),
    /// Run the Discord simulator alone.
    Sim(commands::sim::SimFlags),
    /// Bring the database schema up to date and exit.
    Migrate(ServerFlags),
    /// Create, list and revoke API keys (works on the database directly).
    #[command(subcommand)]
    ApiKey(commands::api_key::ApiKeyCommand),
    /// Call a running API (GUILDHALL_API_URL, GUILDHALL_API_KEY).
    #[command(flatten)]
    Remote(commands::remote::RemoteCommand),
}

/// Flags shared by the remote commands.
#[derive(Debug, Clone, clap::Args)]
pub struct RemoteArgs {
    #[command(flatten)]
    pub flags: RemoteFlags,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dotenv = match &cli.env_file {
        Some(path) => dotenvy::from_path(path).map(|_| ()),
        None => dotenvy::dotenv().map(|_| ()),
    };
    if let Err(e) = dotenv
        && !e.not_found()
    {
        eprintln!("error: the settings file could not be read: {e}");
        return ExitCode::FAILURE;
    }
    telemetry::init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo(flags) => commands::demo::run(&flags).await,
            Command::Serve(flags) => commands::serve::run(&flags).await,
            Command::Bot(flags) => commands::bot::run(&flags).await,
            Command::Sim(flags) => commands::sim::run(&flags).await,
            Command::Migrate(flags) => commands::migrate::run(&flags).await,
            Command::ApiKey(command) => commands::api_key::run(command).await,
            Command::Remote(command) => commands::remote::run(command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
