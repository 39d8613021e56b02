//! Lists as docs/API.md defines them: `limit` (1–100, default 10), `starting_after=<id>`, newest first,
//! answered as `{object: "list", data, has_more}`.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;

/// Largest page of any list.
pub const LIST_LIMIT_MAX: u32 = 100;
/// Page size when none is asked for.
pub const LIST_LIMIT_DEFAULT: u32 = 10;

/// Parses `limit`.
pub fn list_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(LIST_LIMIT_DEFAULT),
        Some(n) if (1..=LIST_LIMIT_MAX).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid("limit", format!("limit must be between 1 and {LIST_LIMIT_MAX}."))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParams {
    limit: Option<u32>,
    starting_after: Option<String>,
}

/// The paging parameters of a list with no other query parameters.
pub struct ListParams {
    pub limit: u32,
    pub starting_after: Option<String>,
}

impl ListParams {
    /// Rows to fetch: one more than the page, to learn whether there are more.
    pub fn fetch(&self) -> u32 {
        self.limit + 1
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Query(raw) =
            Query::<RawParams>::try_from_uri(&parts.uri).map_err(|e| ApiError::invalid("query", e.body_text()))?;
        Ok(Self { limit: list_limit(raw.limit)?, starting_after: raw.starting_after })
    }
}

/// Answers a page fetched with one extra row.
pub fn list_response<T>(mut rows: Vec<T>, limit: u32, render: impl Fn(&T) -> Value) -> Response {
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let data: Vec<Value> = rows.iter().map(render).collect();
    axum::Json(json!({ "object": "list", "data": data, "has_more": has_more })).into_response()
}
