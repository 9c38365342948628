//! Test kit: a fresh database per test (a temporary SQLite file, or a new PostgreSQL
//! database on the machine's server) and the API server on a random port.
//!
//! PostgreSQL is reached at `GUILDHALL_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test gets its own database, dropped
//! when the test's [`TestDatabase`] is dropped.

use std::time::Duration;

use guildhall_api::{ApiConfig, App};
use guildhall_client::Client;
use guildhall_store::{Backend, Store};
use guildhall_wire::auth::Scope;
use rand::Rng;
use sqlx::Connection;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The PostgreSQL server tests use, as an URL to its maintenance database.
pub fn postgres_admin_url() -> String {
    std::env::var("GUILDHALL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test.
#[derive(Debug)]
pub enum TestDatabase {
    Sqlite { dir: tempfile::TempDir, url: String },
    Postgres { name: String, url: String },
}

impl TestDatabase {
    /// Creates an empty database on `backend` (no migrations run).
    pub async fn create(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!("sqlite:{}", dir.path().join("guildhall.sqlite").display());
                TestDatabase::Sqlite { dir, url }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("gh_test_{:016x}", rand::rng().random::<u64>());
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL at {admin_url} is needed for this test: {e}")
                    });
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut admin)
                    .await
                    .expect("CREATE DATABASE");
                let _ = admin.close().await;
                let url = match admin_url.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("GUILDHALL_TEST_POSTGRES_URL must end with /<database>"),
                };
                TestDatabase::Postgres { name, url }
            }
        }
    }

    /// The URL to connect to.
    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url, .. } | TestDatabase::Postgres { url, .. } => url,
        }
    }

    /// Connects and migrates.
    pub async fn store(&self) -> Store {
        let store = Store::connect(self.url())
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        store
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let TestDatabase::Postgres { name, .. } = self else {
            return;
        };
        let name = name.clone();
        // Drop runs outside async context: use a short-lived runtime on its own thread.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&postgres_admin_url())
                    .await
                    .ok()?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .ok()
            })
        })
        .join();
    }
}

/// A fresh, migrated store on `backend`; keep the [`TestDatabase`] alive while using it.
pub async fn test_store(backend: Backend) -> (Store, TestDatabase) {
    let db = TestDatabase::create(backend).await;
    let store = db.store().await;
    (store, db)
}

/// An API server running on a random port with its own database.
#[derive(Debug)]
pub struct TestApi {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The store behind the server, for arranging and checking state directly.
    pub store: Store,
    /// A client holding an admin API key.
    pub client: Client,
    /// The admin API key's secret.
    pub admin_key: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    config: ApiConfig,
    address: std::net::SocketAddr,
    _db: TestDatabase,
}

/// Options for [`spawn_api_with`].
#[derive(Debug, Clone)]
pub struct SpawnOptions {
    pub token_ttl: Duration,
    pub dev_mode: bool,
}

impl Default for SpawnOptions {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(3600),
            dev_mode: false,
        }
    }
}

/// Starts the API on a random port with a fresh database on `backend`.
pub async fn spawn_api(backend: Backend) -> TestApi {
    spawn_api_with(backend, SpawnOptions::default()).await
}

/// Starts the API on a random port with a fresh database on `backend` and the given options.
pub async fn spawn_api_with(backend: Backend, options: SpawnOptions) -> TestApi {
    init_logging();
    let (store, db) = test_store(backend).await;
    let config = ApiConfig {
        secret: Some(format!("test-secret-{:016x}", rand::rng().random::<u64>())),
        token_ttl: options.token_ttl,
        dev_mode: options.dev_mode,
        ..ApiConfig::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
    let address = listener.local_addr().expect("local address");
    let url = format!("http://{address}");
    let (shutdown, server) = serve(&store, &config, listener).await;
    let (admin_key, _) = store
        .create_api_key("test admin", &[Scope::Admin])
        .await
        .expect("create an admin key");
    let client = Client::builder(&url, &admin_key)
        .backoff(Duration::from_millis(10), Duration::from_millis(200))
        .build()
        .expect("build a client");
    TestApi {
        url,
        store,
        client,
        admin_key,
        shutdown: Some(shutdown),
        server: Some(server),
        config,
        address,
        _db: db,
    }
}

type Server = (
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
);

async fn serve(store: &Store, config: &ApiConfig, listener: TcpListener) -> Server {
    let app = App::build(store.clone(), config.clone())
        .await
        .expect("build the API");
    let (shutdown, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.serve(listener, async {
        let _ = stopped.await;
    }));
    (shutdown, server)
}

impl TestApi {
    /// A client for this server with another API key.
    pub fn client_with_key(&self, key: &str) -> Client {
        Client::builder(&self.url, key)
            .backoff(Duration::from_millis(10), Duration::from_millis(200))
            .build()
            .expect("build a client")
    }

    /// Takes the server down (the database stays), as an outage would.
    pub async fn take_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// Brings the server back on the same address after [`TestApi::take_down`].
    pub async fn bring_up(&mut self) {
        let listener = loop {
            match TcpListener::bind(self.address).await {
                Ok(listener) => break listener,
                // The old socket may linger for a moment.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let (shutdown, server) = serve(&self.store, &self.config, listener).await;
        self.shutdown = Some(shutdown);
        self.server = Some(server);
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for TestApi {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Logs to the test output when `RUST_LOG` is set.
pub fn init_logging() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .try_init();
    }
}

/// Runs one async test body against SQLite and against PostgreSQL:
/// `both_backends!(my_test);` with `async fn my_test(backend: Backend)` in scope generates
/// `my_test::sqlite` and `my_test::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(::guildhall_store::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(::guildhall_store::Backend::Postgres).await;
                }
            }
        )+
    };
}
