//! Lists as docs/API.md defines them, the same for every list: `limit` (1–100, default 10),
//! `starting_after=<id>` (the next, older page) or `ending_before=<id>` (the previous, newer page),
//! `created[gte]` / `created[lte]` (unix seconds), and the list's own filters (`status`, …); newest
//! first, answered as `{object: "list", data, has_more}`. A parameter the list does not know is a
//! 400 `parameter_unknown` naming it, never ignored: a typo in a filter must not list everything.

use std::collections::BTreeMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use store::{Listed, Page};

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
        Some(_) => Err(ApiError::invalid("limit", crate::msg!("err-list-limit", max = LIST_LIMIT_MAX))),
    }
}

/// The query of a list: the paging every list shares, and the list's own parameters, which the
/// handler takes by name before [`ListParams::page`] refuses whatever is left.
pub struct ListParams {
    page: Page,
    rest: BTreeMap<String, String>,
}

/// The time filters, under their documented names and the older `created_gte` / `created_lte`.
const CREATED_GTE: [&str; 2] = ["created[gte]", "created_gte"];
const CREATED_LTE: [&str; 2] = ["created[lte]", "created_lte"];

impl ListParams {
    /// Parses a query string.
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let mut all: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if all.insert(k.to_string(), v.to_string()).is_some() {
                return Err(ApiError::invalid(
                    k.to_string(),
                    crate::msg!("err-list-param-repeated", param = k.to_string()),
                ));
            }
        }
        let limit = match all.remove("limit") {
            None => None,
            Some(v) => Some(
                v.parse::<u32>()
                    .map_err(|_| ApiError::invalid("limit", crate::msg!("err-list-limit", max = LIST_LIMIT_MAX)))?,
            ),
        };
        let cursor = |all: &mut BTreeMap<String, String>, name: &str| all.remove(name).filter(|v| !v.is_empty());
        let after = cursor(&mut all, "starting_after");
        let before = cursor(&mut all, "ending_before");
        if after.is_some() && before.is_some() {
            return Err(ApiError::invalid("ending_before", crate::msg!("err-list-cursor-both")));
        }
        let mut page = Page { limit: list_limit(limit)?, after, before, created_gte: None, created_lte: None };
        page.created_gte = time_param(&mut all, CREATED_GTE)?;
        page.created_lte = time_param(&mut all, CREATED_LTE)?;
        Ok(Self { page, rest: all })
    }

    /// A list parameter of this list, if given (an empty value counts as not given).
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.rest.remove(name).filter(|v| !v.is_empty())
    }

    /// `status`, which must be one of `allowed`.
    pub fn status(&mut self, allowed: &[&str]) -> Result<Option<String>, ApiError> {
        match self.take("status") {
            None => Ok(None),
            Some(s) if allowed.contains(&s.as_str()) => Ok(Some(s)),
            Some(s) => Err(ApiError::invalid(
                "status",
                crate::msg!("err-list-status", status = shown(&s), allowed = allowed.join(", ")),
            )),
        }
    }

    /// The page asked for, once the handler has taken its own parameters: any other is refused.
    pub fn page(self) -> Result<Page, ApiError> {
        match self.rest.into_keys().next() {
            None => Ok(self.page),
            Some(name) => Err(unknown_parameter(&name)),
        }
    }
}

/// The 400 for a query parameter the call does not take.
pub fn unknown_parameter(name: &str) -> ApiError {
    ApiError::bad_request("parameter_unknown", crate::msg!("err-list-param-unknown", param = shown(name)))
        .with_param(name.chars().take(100).collect::<String>())
}

/// A value echoed in a message, cut to a sane length.
fn shown(value: &str) -> String {
    let cut: String = value.chars().take(100).collect();
    if cut.len() < value.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

fn time_param(all: &mut BTreeMap<String, String>, names: [&str; 2]) -> Result<Option<i64>, ApiError> {
    let mut found = None;
    for name in names {
        if let Some(v) = all.remove(name).filter(|v| !v.is_empty()) {
            let t = v
                .parse::<i64>()
                .ok()
                .filter(|t| *t >= 0)
                .ok_or_else(|| ApiError::invalid(name, crate::msg!("err-list-time", param = name)))?;
            found = Some(t);
        }
    }
    Ok(found)
}

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::parse(parts.uri.query().unwrap_or(""))
    }
}

/// Answers a page.
pub fn list_response<T>(listed: Listed<T>, render: impl Fn(&T) -> Value) -> Response {
    let data: Vec<Value> = listed.rows.iter().map(render).collect();
    axum::Json(json!({ "object": "list", "data": data, "has_more": listed.has_more })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_and_time_filters_are_read_and_anything_else_is_refused() {
        let mut q = ListParams::parse("limit=5&ending_before=ord_1&created%5Bgte%5D=100&status=paid")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(q.status(&["paid", "shipped"]).unwrap_or_else(|e| panic!("{e:?}")).as_deref(), Some("paid"));
        let page = q.page().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((page.limit, page.before.as_deref(), page.created_gte), (5, Some("ord_1"), Some(100)));

        let e = ListParams::parse("colour=red")
            .unwrap_or_else(|e| panic!("{e:?}"))
            .page()
            .err()
            .unwrap_or_else(|| panic!("an error was expected"));
        assert_eq!((e.code, e.param.as_deref()), ("parameter_unknown", Some("colour")));
        let e = ListParams::parse("status=lost")
            .unwrap_or_else(|e| panic!("{e:?}"))
            .status(&["paid"])
            .err()
            .unwrap_or_else(|| panic!("an error was expected"));
        assert_eq!(e.param.as_deref(), Some("status"));
        assert!(ListParams::parse("starting_after=a&ending_before=b").is_err());
        assert!(ListParams::parse("created[lte]=yesterday").is_err());
        assert!(ListParams::parse("limit=0").is_err());
        assert!(ListParams::parse("limit=1&limit=2").is_err());
        // Empty values are not given (a form's empty filter box).
        assert_eq!(
            ListParams::parse("starting_after=&created[gte]=")
                .unwrap_or_else(|e| panic!("{e:?}"))
                .page()
                .unwrap_or_else(|e| panic!("{e:?}")),
            Page::first(10)
        );
    }
}
