//! The client's error type.

use std::fmt;

/// What kind of failure a call met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request could not be sent or the answer not read (connection refused, reset...).
    Transport,
    /// No answer within the configured timeout.
    Timeout,
    /// 401: the API key or token was refused.
    Unauthorized,
    /// 403: the key lacks a scope.
    Forbidden,
    /// 404.
    NotFound,
    /// 409: the record exists already or a rule forbids the change.
    Conflict,
    /// 400, 413, 415 or 422: the request itself is wrong.
    InvalidRequest,
    /// 429, after retries ran out or when `Retry-After` asked for a longer wait than the
    /// client accepts.
    RateLimited,
    /// 5xx, after retries ran out.
    Server,
    /// The answer was not the JSON expected.
    Decode,
    /// The client was built with bad settings.
    Config,
}

/// A failed call: its kind, the HTTP status if there was one, and the server's sentence.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    status: Option<u16>,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// A copy for another caller that waited on the same failed operation (the source, which
    /// cannot be cloned, stays with the original).
    pub(crate) fn replay(&self) -> Self {
        Self {
            kind: self.kind,
            status: self.status,
            message: self.message.clone(),
            source: None,
        }
    }

    /// Maps an HTTP error status and the server's sentence to an error.
    pub(crate) fn from_status(status: u16, message: String) -> Self {
        let kind = match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::InvalidRequest,
        };
        Error::new(kind, message).with_status(status)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The server's sentence, or a description of the local failure.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "{} (HTTP {status})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
