//! One typed settings tree: defaults, then `.env`, then environment variables, then flags.
//!
//! Our own variables start with `GUILDHALL_`; the names the original projects used
//! (`SMARTER_DEV_*`, `DISCORD_*`) work as aliases. A bad value stops start-up with one sentence
//! naming the setting; secrets print as `<redacted>`.

use std::net::SocketAddr;
use std::time::Duration;

/// A setting that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:guildhall.sqlite";
/// The default address of the API and web UI.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8000";

/// Settings of the server side (`serve`, `api`, `migrate`, `api-key`).
#[derive(Clone)]
pub struct ServerSettings {
    pub database_url: String,
    pub listen: SocketAddr,
    pub secret: Option<String>,
    pub dev_mode: bool,
    pub token_ttl: Duration,
    pub sync_interval: Duration,
}

impl std::fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSettings")
            .field("database_url", &redact_url(&self.database_url))
            .field("listen", &self.listen)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("dev_mode", &self.dev_mode)
            .field("token_ttl", &self.token_ttl)
            .field("sync_interval", &self.sync_interval)
            .finish()
    }
}

/// Settings of a program that calls a remote API (the CLI's client commands, a separate bot).
#[derive(Clone)]
pub struct RemoteSettings {
    pub api_url: String,
    pub api_key: String,
}

impl std::fmt::Debug for RemoteSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteSettings")
            .field("api_url", &self.api_url)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// Where settings come from: the process environment, or a map in tests.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment (after `.env` has been loaded into it).
#[derive(Debug, Clone, Copy)]
pub struct Env;

impl Source for Env {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl Source for std::collections::HashMap<&str, &str> {
    fn get(&self, name: &str) -> Option<String> {
        std::collections::HashMap::get(self, name).map(|v| (*v).to_owned())
    }
}

/// The first of `names` that is set, with the name it came from.
fn first(source: &dyn Source, names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|n| source.get(n).map(|v| (*n, v)))
}

/// Parses a boolean setting: 1/0, true/false, yes/no, on/off.
pub fn parse_bool(name: &str, value: &str) -> Result<bool, SettingsError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(SettingsError(format!(
            "{name} must be true or false (1/0, yes/no), not {value:?}"
        ))),
    }
}

/// Parses a duration setting: plain seconds (`120`) or with a unit (`500ms`, `90s`, `2m`, `1h`).
pub fn parse_duration(name: &str, value: &str) -> Result<Duration, SettingsError> {
    let v = value.trim();
    let (number, scale) = if let Some(n) = v.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = v.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (v, 1.0)
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .map(|n| Duration::from_secs_f64(n * scale))
        .ok_or_else(|| {
            SettingsError(format!(
                "{name} must be a positive duration such as 120, 90s, 2m or 1h, not {value:?}"
            ))
        })
}

impl ServerSettings {
    /// Reads the server settings; `flags` override the environment.
    pub fn load(source: &dyn Source, flags: &ServerFlags) -> Result<Self, SettingsError> {
        let database_url = flags
            .database_url
            .clone()
            .or_else(|| first(source, &["GUILDHALL_DATABASE_URL"]).map(|(_, v)| v))
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
            || !database_url.contains("://"))
        {
            return Err(SettingsError(format!(
                "GUILDHALL_DATABASE_URL must be sqlite:PATH or postgres://..., not {:?}",
                redact_url(&database_url)
            )));
        }
        let listen_text = flags
            .listen
            .clone()
            .or_else(|| first(source, &["GUILDHALL_LISTEN"]).map(|(_, v)| v))
            .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen = listen_text.parse().map_err(|_| {
            SettingsError(format!(
                "GUILDHALL_LISTEN must be address:port such as 127.0.0.1:8000, not {listen_text:?}"
            ))
        })?;
        let dev_mode = match first(source, &["GUILDHALL_DEV", "SMARTER_DEV_LOCAL"]) {
            Some((name, value)) => parse_bool(name, &value)?,
            None => false,
        } || flags.dev;
        let token_ttl = match first(source, &["GUILDHALL_TOKEN_TTL"]) {
            Some((name, value)) => parse_duration(name, &value)?,
            None => Duration::from_secs(3600),
        };
        let sync_interval = match first(source, &["GUILDHALL_SYNC_INTERVAL"]) {
            Some((name, value)) => parse_duration(name, &value)?,
            None => Duration::from_secs(120),
        };
        let secret = first(source, &["GUILDHALL_SECRET"]).map(|(_, v)| v);
        if let Some(secret) = &secret
            && secret.len() < 16
        {
            return Err(SettingsError(
                "GUILDHALL_SECRET must be at least 16 characters long".into(),
            ));
        }
        Ok(Self {
            database_url,
            listen,
            secret,
            dev_mode,
            token_ttl,
            sync_interval,
        })
    }
}

impl RemoteSettings {
    /// Reads where the API is and the key to use; `flags` override the environment.
    pub fn load(source: &dyn Source, flags: &RemoteFlags) -> Result<Self, SettingsError> {
        let api_url = flags
            .api_url
            .clone()
            .or_else(|| {
                first(source, &["GUILDHALL_API_URL", "SMARTER_DEV_API_URL"]).map(|(_, v)| v)
            })
            .unwrap_or_else(|| format!("http://{DEFAULT_LISTEN}"));
        if !(api_url.starts_with("http://") || api_url.starts_with("https://")) {
            return Err(SettingsError(format!(
                "GUILDHALL_API_URL must start with http:// or https://, not {api_url:?}"
            )));
        }
        let dev = match first(source, &["GUILDHALL_DEV", "SMARTER_DEV_LOCAL"]) {
            Some((name, value)) => parse_bool(name, &value)?,
            None => false,
        };
        let api_key = flags
            .api_key
            .clone()
            .or_else(|| first(source, &["GUILDHALL_API_KEY", "SMARTER_DEV_API_KEY"]).map(|(_, v)| v))
            .or_else(|| dev.then(|| "TESTING".to_owned()))
            .ok_or_else(|| {
                SettingsError(
                    "GUILDHALL_API_KEY is not set: create a key with `guildhall api-key create --name cli` and export it"
                        .into(),
                )
            })?;
        Ok(Self { api_url, api_key })
    }
}

/// Settings of the bot (`serve` with a token, `bot`).
#[derive(Clone)]
pub struct BotSettings {
    pub token: String,
    pub gateway_url: Option<String>,
    /// `host:port` of a plain-HTTP REST proxy (the simulator), from `GUILDHALL_DISCORD_REST_URL`.
    pub rest_proxy: Option<String>,
    pub shards: Option<(std::ops::Range<u32>, u32)>,
    pub prefix_commands: bool,
    pub sync_interval: Duration,
    /// Discord ids allowed to run `sync` besides the application's owner and team.
    pub owners: Vec<u64>,
}

impl std::fmt::Debug for BotSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotSettings")
            .field("token", &"<redacted>")
            .field("gateway_url", &self.gateway_url)
            .field("rest_proxy", &self.rest_proxy)
            .field("shards", &self.shards)
            .finish()
    }
}

impl BotSettings {
    /// Reads the bot's settings; `None` when no bot token is configured.
    pub fn load(source: &dyn Source) -> Result<Option<Self>, SettingsError> {
        let Some((_, token)) = first(source, &["DISCORD_BOT_TOKEN", "SMARTER_DEV_BOT_TOKEN"])
        else {
            return Ok(None);
        };
        let gateway_url = match first(source, &["GUILDHALL_DISCORD_GATEWAY_URL"]) {
            Some((name, url)) if !(url.starts_with("ws://") || url.starts_with("wss://")) => {
                return Err(SettingsError(format!(
                    "{name} must start with ws:// or wss://, not {url:?}"
                )));
            }
            other => other.map(|(_, url)| url.trim_end_matches('/').to_owned()),
        };
        let rest_proxy = match first(source, &["GUILDHALL_DISCORD_REST_URL"]) {
            Some((name, url)) => Some(
                url.strip_prefix("http://")
                    .map(|rest| rest.trim_end_matches('/').to_owned())
                    .filter(|rest| !rest.is_empty() && !rest.contains('/'))
                    .ok_or_else(|| {
                        SettingsError(format!(
                            "{name} must be http://host:port (a plain-HTTP REST proxy or the simulator), not {url:?}"
                        ))
                    })?,
            ),
            None => None,
        };
        let shards = match first(source, &["GUILDHALL_SHARDS"]) {
            Some((name, value)) => Some(parse_shards(name, &value)?),
            None => None,
        };
        let prefix_commands = match first(source, &["GUILDHALL_PREFIX_COMMANDS"]) {
            Some((name, value)) => parse_bool(name, &value)?,
            None => true,
        };
        let sync_interval = match first(source, &["GUILDHALL_SYNC_INTERVAL"]) {
            Some((name, value)) => parse_duration(name, &value)?,
            None => Duration::from_secs(120),
        };
        let owners = match first(source, &["GUILDHALL_BOT_OWNERS"]) {
            Some((name, value)) => value
                .split(',')
                .map(|id| id.trim().parse::<u64>().ok().filter(|id| *id > 0))
                .collect::<Option<Vec<u64>>>()
                .ok_or_else(|| {
                    SettingsError(format!(
                        "{name} must be Discord user ids separated by commas, not {value:?}"
                    ))
                })?,
            None => Vec::new(),
        };
        Ok(Some(Self {
            token,
            gateway_url,
            rest_proxy,
            shards,
            prefix_commands,
            sync_interval,
            owners,
        }))
    }

    /// The bot's own settings type.
    pub fn to_config(&self) -> guildhall_bot::BotConfig {
        guildhall_bot::BotConfig {
            gateway_url: self.gateway_url.clone(),
            rest_proxy: self.rest_proxy.clone(),
            shards: self.shards.clone(),
            prefix_commands: self.prefix_commands,
            sync_interval: self.sync_interval,
            extra_owners: self.owners.clone(),
            ..guildhall_bot::BotConfig::new(self.token.clone())
        }
    }
}

/// Parses `GUILDHALL_SHARDS`: `FIRST-LAST/TOTAL` (e.g. `0-3/8`) or `ID/TOTAL`.
fn parse_shards(name: &str, value: &str) -> Result<(std::ops::Range<u32>, u32), SettingsError> {
    let bad = || {
        SettingsError(format!(
            "{name} must be FIRST-LAST/TOTAL such as 0-3/8, or ID/TOTAL, not {value:?}"
        ))
    };
    let (ids, total) = value.trim().split_once('/').ok_or_else(bad)?;
    let total: u32 = total.trim().parse().map_err(|_| bad())?;
    let (first, last) = match ids.split_once('-') {
        Some((a, b)) => (
            a.trim().parse::<u32>().map_err(|_| bad())?,
            b.trim().parse::<u32>().map_err(|_| bad())?,
        ),
        None => {
            let id = ids.trim().parse::<u32>().map_err(|_| bad())?;
            (id, id)
        }
    };
    if total == 0 || first > last || last >= total {
        return Err(bad());
    }
    Ok((first..last + 1, total))
}

/// Hides the password in a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => {
                    format!("{}{user}:<redacted>{}", &url[..scheme_end + 3], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Server settings given as flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServerFlags {
    /// Database URL (overrides GUILDHALL_DATABASE_URL).
    #[arg(long)]
    pub database_url: Option<String>,
    /// address:port to listen on (overrides GUILDHALL_LISTEN).
    #[arg(long)]
    pub listen: Option<String>,
    /// Development mode: accept the API key TESTING (never in production).
    #[arg(long)]
    pub dev: bool,
}

/// Remote API settings given as flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RemoteFlags {
    /// API base URL (overrides GUILDHALL_API_URL).
    #[arg(long, global = true)]
    pub api_url: Option<String>,
    /// API key (overrides GUILDHALL_API_KEY).
    #[arg(long, global = true)]
    pub api_key: Option<String>,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let env: HashMap<&str, &str> = HashMap::new();
        let s = ServerSettings::load(&env, &ServerFlags::default()).unwrap();
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(s.sync_interval, Duration::from_secs(120));
        assert!(!s.dev_mode);
    }

    #[test]
    fn bad_values_name_the_setting() {
        let cases = [
            ("GUILDHALL_LISTEN", "localhost"),
            ("GUILDHALL_SYNC_INTERVAL", "soon"),
            ("GUILDHALL_DEV", "maybe"),
            ("SMARTER_DEV_LOCAL", "maybe"),
            ("GUILDHALL_DATABASE_URL", "mysql://x"),
            ("GUILDHALL_SECRET", "short"),
        ];
        for (name, value) in cases {
            let env: HashMap<&str, &str> = [(name, value)].into();
            let err = ServerSettings::load(&env, &ServerFlags::default()).unwrap_err();
            assert!(err.0.contains(name), "{name}={value} gave {err}");
        }
    }

    #[test]
    fn seed_aliases_work() {
        let env: HashMap<&str, &str> = [
            ("SMARTER_DEV_LOCAL", "1"),
            ("SMARTER_DEV_API_URL", "http://api.example:9000"),
        ]
        .into();
        assert!(
            ServerSettings::load(&env, &ServerFlags::default())
                .unwrap()
                .dev_mode
        );
        let remote = RemoteSettings::load(&env, &RemoteFlags::default()).unwrap();
        assert_eq!(remote.api_url, "http://api.example:9000");
        assert_eq!(remote.api_key, "TESTING");
        let env: HashMap<&str, &str> = [("SMARTER_DEV_API_KEY", "gh_abc")].into();
        assert_eq!(
            RemoteSettings::load(&env, &RemoteFlags::default())
                .unwrap()
                .api_key,
            "gh_abc"
        );
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact_url("postgres://bob:hunter2@db:5432/guildhall"),
            "postgres://bob:<redacted>@db:5432/guildhall"
        );
        let remote = RemoteSettings {
            api_url: "http://x".into(),
            api_key: "gh_secret".into(),
        };
        assert!(!format!("{remote:?}").contains("gh_secret"));
    }

    #[test]
    fn bot_settings_are_optional_and_checked() {
        let env: HashMap<&str, &str> = HashMap::new();
        assert!(BotSettings::load(&env).unwrap().is_none());
        let env: HashMap<&str, &str> = [
            ("SMARTER_DEV_BOT_TOKEN", "abc"),
            ("GUILDHALL_DISCORD_REST_URL", "http://127.0.0.1:8081"),
            ("GUILDHALL_SHARDS", "2-3/4"),
        ]
        .into();
        let bot = BotSettings::load(&env).unwrap().unwrap();
        assert_eq!(bot.rest_proxy.as_deref(), Some("127.0.0.1:8081"));
        assert_eq!(bot.shards, Some((2..4, 4)));
        assert!(!format!("{bot:?}").contains("abc"));
        for (name, value) in [
            ("GUILDHALL_SHARDS", "4/4"),
            ("GUILDHALL_SHARDS", "x"),
            ("GUILDHALL_DISCORD_REST_URL", "https://discord.com/api"),
            ("GUILDHALL_DISCORD_GATEWAY_URL", "http://x"),
            ("GUILDHALL_PREFIX_COMMANDS", "sometimes"),
            ("GUILDHALL_BOT_OWNERS", "12,abc"),
        ] {
            let env: HashMap<&str, &str> = [("DISCORD_BOT_TOKEN", "abc"), (name, value)].into();
            let err = BotSettings::load(&env).unwrap_err();
            assert!(err.0.contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("X", "90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("X", "2m").unwrap(), Duration::from_secs(120));
        assert_eq!(
            parse_duration("X", "500ms").unwrap(),
            Duration::from_millis(500)
        );
        assert!(parse_duration("X", "-1").is_err());
        assert!(parse_duration("X", "0").is_err());
    }
}
