//! Connecting to the database and the plumbing every resource module shares.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{Result, StoreError};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Which database engine a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine's name, for logs and metrics labels.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// How busy the connection pools are, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open.
    pub size: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// The most connections the pools may open.
    pub max: u32,
}

/// Options for [`Store::connect_with`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// The most PostgreSQL connections (or SQLite reader connections) to open.
    pub max_connections: u32,
    /// How long a caller waits for a free connection before the call fails.
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// The database behind guildhall. Cheap to clone: clones share the pools.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
}

/// One pool per backend; SQLite keeps writes on a single connection so writers queue instead
/// of failing with `SQLITE_BUSY` mid-transaction.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to a pool for reading, whichever the backend.
macro_rules! on_read {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::db::Pool::Sqlite { read: $pool, .. } => $body,
            $crate::db::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$pool` bound to a pool for writing, whichever the backend.
macro_rules! on_write {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::db::Pool::Sqlite { write: $pool, .. } => $body,
            $crate::db::Pool::Postgres($pool) => $body,
        }
    };
}

/// Binds every [`Arg`] of `$args` to the query `$query`, in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args.iter() {
            query = match arg {
                $crate::db::Arg::Int(v) => query.bind(*v),
                $crate::db::Arg::Text(v) => query.bind(v.clone()),
                $crate::db::Arg::Bool(v) => query.bind(*v),
                $crate::db::Arg::OptText(v) => query.bind(v.clone()),
            };
        }
        query
    }};
}

pub(crate) use {bind_args, on_read, on_write};

impl Store {
    /// Connects to the database named by `url` with default options.
    ///
    /// `sqlite:PATH` (or a bare file path) opens or creates a SQLite file;
    /// `postgres://...` connects to PostgreSQL.
    pub async fn connect(url: &str) -> Result<Store> {
        Self::connect_with(url, &StoreOptions::default()).await
    }

    /// Connects to the database named by `url`.
    pub async fn connect_with(url: &str, options: &StoreOptions) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect(url)
                .await?;
            return Ok(Store {
                pool: Pool::Postgres(pool),
            });
        }
        let url = if url.starts_with("sqlite:") {
            url.to_owned()
        } else if url.contains("://") {
            return Err(StoreError::Config(format!(
                "GUILDHALL_DATABASE_URL must start with sqlite: or postgres:// (got a URL starting {:?})",
                url.split("://").next().unwrap_or_default()
            )));
        } else {
            format!("sqlite:{url}")
        };
        let connect = SqliteConnectOptions::from_str(&url)
            .map_err(|e| {
                StoreError::Config(format!(
                    "GUILDHALL_DATABASE_URL is not a usable SQLite URL: {e}"
                ))
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable across application crashes in WAL mode; only a power loss can
            // drop the last transactions, which the bot's next reconcile repairs.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(options.acquire_timeout.max(Duration::from_secs(30)))
            .connect_with(connect.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        Ok(Store {
            pool: Pool::Sqlite { read, write },
        })
    }

    /// Brings the schema up to date. Safe to run from several processes at once.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        match &self.pool {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        on_read!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Connection pool use, summed over the pools.
    pub fn pool_stats(&self) -> PoolStats {
        match &self.pool {
            Pool::Sqlite { read, write } => PoolStats {
                size: read.size() + write.size(),
                idle: (read.num_idle() + write.num_idle()) as u32,
                max: read.options().get_max_connections() + 1,
            },
            Pool::Postgres(pool) => PoolStats {
                size: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            },
        }
    }

    /// Closes every connection, waiting for calls in progress.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// A value bound to a numbered parameter in SQL built at run time.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    Bool(bool),
    OptText(Option<String>),
}

/// A `WHERE` clause built from optional filters, with its arguments numbered `$1, $2...`.
#[derive(Debug, Default)]
pub(crate) struct Filters {
    clauses: Vec<String>,
    pub(crate) args: Vec<Arg>,
}

impl Filters {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds an argument and returns its placeholder (`$n`).
    pub(crate) fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// Adds `column = value` when `value` is given.
    pub(crate) fn eq_int(&mut self, column: &str, value: Option<i64>) {
        if let Some(value) = value {
            let p = self.arg(Arg::Int(value));
            self.clauses.push(format!("{column} = {p}"));
        }
    }

    /// Adds `column = value` when `value` is given.
    pub(crate) fn eq_text(&mut self, column: &str, value: Option<&str>) {
        if let Some(value) = value {
            let p = self.arg(Arg::Text(value.to_owned()));
            self.clauses.push(format!("{column} = {p}"));
        }
    }

    /// Adds `column IS NULL` (when `value` is true) or `column IS NOT NULL` (when false).
    pub(crate) fn is_null(&mut self, column: &str, value: Option<bool>) {
        match value {
            Some(true) => self.clauses.push(format!("{column} IS NULL")),
            Some(false) => self.clauses.push(format!("{column} IS NOT NULL")),
            None => {}
        }
    }

    /// Adds a clause written by the caller (with placeholders from [`Filters::arg`]).
    pub(crate) fn clause(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// Adds the cursor condition and returns `WHERE ... ORDER BY id LIMIT n` for one page.
    pub(crate) fn page_sql(mut self, page: &PageRequest) -> (String, Vec<Arg>) {
        let after = self.arg(Arg::Int(page.after));
        self.clauses.push(format!("id > {after}"));
        let limit = self.arg(Arg::Int(page.limit + 1));
        let sql = format!(
            " WHERE {} ORDER BY id LIMIT {limit}",
            self.clauses.join(" AND ")
        );
        (sql, self.args)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `cursor` for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Where a page starts and how long it is, checked.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    after: i64,
    limit: i64,
}

impl PageRequest {
    /// Checks a request's `cursor` and `limit`.
    pub fn new(cursor: Option<&str>, limit: Option<u32>) -> Result<Self> {
        let limit = limit.unwrap_or(guildhall_wire::page::DEFAULT_PAGE_SIZE);
        if limit == 0 || limit > guildhall_wire::page::MAX_PAGE_SIZE {
            return Err(StoreError::Invalid(format!(
                "limit must be between 1 and {}",
                guildhall_wire::page::MAX_PAGE_SIZE
            )));
        }
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => 0,
            Some(c) => c.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                StoreError::Invalid("cursor is not one this server gave out".into())
            })?,
        };
        Ok(Self {
            after,
            limit: i64::from(limit),
        })
    }

    /// Turns the rows fetched (up to `limit + 1`) into a page.
    pub(crate) fn finish<R, T>(
        &self,
        mut rows: Vec<R>,
        id: impl Fn(&R) -> i64,
        map: impl Fn(R) -> T,
    ) -> Page<T> {
        let more = rows.len() as i64 > self.limit;
        rows.truncate(self.limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| id(r).to_string())
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// A stored time (milliseconds since the epoch) as a UTC time.
pub(crate) fn to_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// A UTC time as stored (milliseconds since the epoch).
pub(crate) fn to_ms(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

/// Turns a foreign-key violation into a sentence naming the missing reference, by checking
/// each `(field, table, id)` in turn. Other errors pass through.
pub(crate) async fn explain_missing(
    store: &Store,
    err: sqlx::Error,
    refs: &[(&str, &str, Option<i64>)],
) -> StoreError {
    if !StoreError::is_foreign_key_violation(&err) {
        return StoreError::Database(err);
    }
    for (field, table, id) in refs {
        let Some(id) = id else { continue };
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1");
        let found: std::result::Result<i64, sqlx::Error> = on_read!(store, |pool| {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                .bind(*id)
                .fetch_one(pool)
                .await
        });
        match found {
            Ok(0) => {
                return StoreError::Invalid(format!(
                    "{field} {id} does not refer to an existing record"
                ));
            }
            Ok(_) => {}
            Err(e) => return StoreError::Database(e),
        }
    }
    StoreError::Database(err)
}
