//! REST errors in Discord's JSON shape, `{"message", "code"}`, mapped from [`crate::Error`]
//! in one place.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::Error;

/// A Discord-shaped REST error.
#[derive(Debug)]
pub(crate) struct RestError {
    status: StatusCode,
    code: u32,
    message: String,
}

impl RestError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized")
    }

    pub fn invalid_body(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            50035,
            format!("Invalid Form Body: {detail}"),
        )
    }
}

impl From<Error> for RestError {
    fn from(error: Error) -> Self {
        // Codes from Discord's JSON error code table.
        let (status, code, message) = match &error {
            Error::UnknownGuild(_) => (StatusCode::NOT_FOUND, 10004, "Unknown Guild"),
            Error::UnknownMember { .. } => (StatusCode::NOT_FOUND, 10007, "Unknown Member"),
            Error::UnknownUser(_) => (StatusCode::NOT_FOUND, 10013, "Unknown User"),
            Error::UnknownChannel(_) => (StatusCode::NOT_FOUND, 10003, "Unknown Channel"),
            Error::UnknownRole(_) => (StatusCode::NOT_FOUND, 10011, "Unknown Role"),
            Error::Invalid(_) => (StatusCode::BAD_REQUEST, 50035, "Invalid Form Body"),
            _ => {
                tracing::error!(%error, "simulator REST failure");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    0,
                    "500: Internal Server Error",
                )
            }
        };
        Self::new(status, code, message)
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let body = json!({"message": self.message, "code": self.code});
        (self.status, Json(body)).into_response()
    }
}
