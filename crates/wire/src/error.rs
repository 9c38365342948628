//! The error body every API error response carries.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{"error": "<sentence>"}`: what went wrong, in a sentence a person can act on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A sentence describing the problem.
    pub error: String,
}
