//! Storage errors, shaped so the API can map each to one status code.

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The write would break a uniqueness rule (a duplicate Discord id, an existing lock...).
    #[error("{0}")]
    Conflict(String),
    /// The input is well-formed but refers to something that does not exist, or breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// The database URL cannot be used.
    #[error("{0}")]
    Config(String),
    /// The database failed; the cause is logged, never shown to clients.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether the cause is a unique-constraint violation.
    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
    }

    /// Whether the cause is a foreign-key violation (a reference to a missing record).
    pub(crate) fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(e) if e.is_foreign_key_violation())
    }
}
