//! Cursor pagination shared by every list route.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The page size used when a request does not give one.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// The largest page a list route returns.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// `?cursor=&limit=` on list routes. The cursor is opaque: pass back the `next_cursor` of the
/// previous page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Where to continue from: the `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Items per page (1 to 1000, default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}
