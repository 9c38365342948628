//! What the Smarter Dev README's example does, with the guildhall client: list every guild and
//! every user.
//!
//! ```text
//! guildhall api-key create --name example        # prints a key
//! guildhall serve &                              # the API on http://127.0.0.1:8000
//! GUILDHALL_API_KEY=gh_... cargo run -p guildhall-client --example list_guilds_and_users
//! ```
//!
//! Settings: `GUILDHALL_API_URL` (default `http://127.0.0.1:8000`) and `GUILDHALL_API_KEY`,
//! or the Smarter Dev names `SMARTER_DEV_API_URL` / `SMARTER_DEV_API_KEY`; with
//! `SMARTER_DEV_LOCAL=1` (or `GUILDHALL_DEV=1`) and no key, the development key `TESTING` is
//! used, which a server started with `--dev` accepts.

use std::process::ExitCode;

use futures::TryStreamExt;
use guildhall_client::Client;
use guildhall_client::wire::guilds::GuildFilter;
use guildhall_client::wire::users::UserFilter;

fn setting(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}

#[tokio::main]
async fn main() -> ExitCode {
    let url = setting(&["GUILDHALL_API_URL", "SMARTER_DEV_API_URL"])
        .unwrap_or_else(|| "http://127.0.0.1:8000".to_owned());
    let dev =
        setting(&["GUILDHALL_DEV", "SMARTER_DEV_LOCAL"]).is_some_and(|v| v == "1" || v == "true");
    let Some(key) = setting(&["GUILDHALL_API_KEY", "SMARTER_DEV_API_KEY"])
        .or_else(|| dev.then(|| "TESTING".to_owned()))
    else {
        eprintln!(
            "error: set GUILDHALL_API_KEY (create one with `guildhall api-key create --name example`)"
        );
        return ExitCode::FAILURE;
    };
    match run(&url, &key).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(url: &str, key: &str) -> Result<(), guildhall_client::Error> {
    // One client for the whole program: it holds the connection pool and the token. Unlike
    // the Python client there is nothing to close; dropping it closes the connections.
    let client = Client::new(url, key)?;

    // Every guild, all pages collected.
    let guilds = client.all_guilds(&GuildFilter::default()).await?;
    println!("Found {} guilds", guilds.len());
    for guild in &guilds {
        println!("  {} ({})", guild.name, guild.discord_id);
    }

    // Users can be many: stream them page by page instead of holding them all.
    let mut users = client.users_stream(&UserFilter::default());
    let mut count = 0usize;
    while let Some(user) = users.try_next().await? {
        if count < 10 {
            println!("  {} ({})", user.username, user.discord_id);
        }
        count += 1;
    }
    println!("Found {count} users");
    Ok(())
}
