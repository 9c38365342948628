//! What one attempt came back with, and how it becomes a value or an [`Error`].

use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::{Error, ErrorKind, Result};

/// One answer from the server, read whole.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// Why an attempt did not succeed.
pub(crate) enum Failure {
    /// The server answered with an error status.
    Answer(Answer),
    /// No answer. `unsent` is true when the connection could not even be opened, so the
    /// server cannot have acted on the request.
    Transport { error: Error, unsent: bool },
}

impl Failure {
    pub(crate) fn into_error(self) -> Error {
        match self {
            Failure::Answer(answer) => error_from(&answer),
            Failure::Transport { error, .. } => error,
        }
    }
}

/// Decodes a successful answer.
pub(crate) fn decode<T: DeserializeOwned>(answer: &Answer) -> Result<T> {
    // A 204 or an empty 200 decodes as JSON `null`, so callers may ask for `()`.
    let body: &[u8] = if answer.body.is_empty() {
        b"null"
    } else {
        &answer.body
    };
    serde_json::from_slice(body).map_err(|e| {
        Error::new(
            ErrorKind::Decode,
            format!("the server's answer was not the JSON expected: {e}"),
        )
        .with_status(answer.status.as_u16())
        .with_source(e)
    })
}

/// The error for an error answer: the server's `{"error": "..."}` sentence when it sent one,
/// else the start of the body, else the status's reason phrase.
pub(crate) fn error_from(answer: &Answer) -> Error {
    let message = serde_json::from_slice::<guildhall_wire::ErrorBody>(&answer.body)
        .map(|b| b.error)
        .unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(&answer.body);
            if text.trim().is_empty() {
                answer
                    .status
                    .canonical_reason()
                    .unwrap_or("request failed")
                    .to_owned()
            } else {
                text.trim().chars().take(300).collect()
            }
        });
    Error::from_status(answer.status.as_u16(), message)
}

/// The failure for a request that got no answer; `timeout` is the per-attempt limit, named
/// in the message.
pub(crate) fn transport_failure(err: reqwest::Error, timeout: Duration) -> Failure {
    let unsent = err.is_connect();
    let error = if err.is_timeout() {
        Error::new(
            ErrorKind::Timeout,
            format!("the API did not answer within {timeout:?}"),
        )
        .with_source(err)
    } else if unsent {
        Error::new(
            ErrorKind::Transport,
            format!("could not connect to the API: {}", root_cause(&err)),
        )
        .with_source(err)
    } else {
        Error::new(
            ErrorKind::Transport,
            format!("the connection failed: {}", root_cause(&err)),
        )
        .with_source(err)
    };
    Failure::Transport { error, unsent }
}

/// The innermost cause's text (e.g. "Connection refused (os error 111)"), which says more
/// than reqwest's outer "error sending request".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &'static str) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn errors_carry_the_servers_sentence_and_status() {
        let err = error_from(&answer(
            409,
            r#"{"error": "a guild with discord_id 1 already exists"}"#,
        ));
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert_eq!(err.status(), Some(409));
        assert_eq!(err.message(), "a guild with discord_id 1 already exists");
        assert_eq!(
            err.to_string(),
            "a guild with discord_id 1 already exists (HTTP 409)"
        );

        let err = error_from(&answer(502, "  bad gateway from the proxy \n"));
        assert_eq!(
            (err.kind(), err.message()),
            (ErrorKind::Server, "bad gateway from the proxy")
        );
        let err = error_from(&answer(404, ""));
        assert_eq!(
            (err.kind(), err.message()),
            (ErrorKind::NotFound, "Not Found")
        );
    }

    #[test]
    fn empty_success_bodies_decode_as_unit() {
        decode::<()>(&answer(204, "")).unwrap();
        let err = decode::<u32>(&answer(200, "[]")).unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Decode, Some(200)));
    }
}
