//! Lists on pages. A page shows one page of the API's list, asking the API for just that page
//! (never "the first 100, then filter"), with links to the previous (newer) and next (older) pages.
//! The page's own address carries the API cursor as `after=<id>` or `before=<id>`, under a prefix
//! when one page shows several lists (`payouts_after=…`).

use std::collections::HashMap;

use serde_json::Value;

use super::html::esc;
use super::url_encode;

/// Rows of a list on a page.
pub const PAGE_ROWS: u32 = 25;

/// Longest cursor a page address may carry (an object id).
const CURSOR_CHARS_MAX: usize = 100;

/// Where one list of a page is.
pub struct Paging {
    prefix: &'static str,
    after: Option<String>,
    before: Option<String>,
}

impl Paging {
    /// The cursor of the page's list, read from its address.
    pub fn of(q: &HashMap<String, String>) -> Self {
        Self::named(q, "")
    }

    /// The cursor of one of several lists on a page, read from `{prefix}after` / `{prefix}before`.
    pub fn named(q: &HashMap<String, String>, prefix: &'static str) -> Self {
        let cursor = |name: &str| {
            q.get(&format!("{prefix}{name}"))
                .filter(|v| !v.is_empty() && v.chars().count() <= CURSOR_CHARS_MAX)
                .cloned()
        };
        let before = cursor("before");
        let after = if before.is_some() { None } else { cursor("after") };
        Self { prefix, after, before }
    }

    /// The API path that reads this page of `path` (which may carry filters already).
    pub fn api_path(&self, path: &str, limit: u32) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        match (&self.before, &self.after) {
            (Some(b), _) => format!("{path}{sep}limit={limit}&ending_before={}", url_encode(b)),
            (None, Some(a)) => format!("{path}{sep}limit={limit}&starting_after={}", url_encode(a)),
            (None, None) => format!("{path}{sep}limit={limit}"),
        }
    }

    /// The links under a list the API answered: to the newer page and the older one, where there
    /// are such. `here` is the page's address with its filters, without this list's cursor.
    pub fn links(&self, here: &str, list: &Value) -> String {
        let data = list["data"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let has_more = list["has_more"] == true;
        let id = |v: Option<&Value>| v.and_then(|o| o["id"].as_str()).map(str::to_owned);
        let (first, last) = (id(data.first()), id(data.last()));
        let newer = if self.before.is_some() { has_more } else { self.after.is_some() };
        let older = if self.before.is_some() { true } else { has_more };
        let sep = if here.contains('?') { "&amp;" } else { "?" };
        let mut out = String::new();
        if let (true, Some(first)) = (newer, first) {
            out.push_str(&format!(
                r#"<a rel="prev" href="{}{sep}{}before={}">Previous page</a>"#,
                esc(here),
                self.prefix,
                url_encode(&first)
            ));
        }
        if let (true, Some(last)) = (older, last) {
            out.push_str(&format!(
                r#"<a rel="next" href="{}{sep}{}after={}">Next page</a>"#,
                esc(here),
                self.prefix,
                url_encode(&last)
            ));
        }
        if out.is_empty() {
            return out;
        }
        format!(r#"<nav class="pager" aria-label="Pages">{out}</nav>"#)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_page_asks_the_api_for_itself_and_links_both_ways() {
        let list = json!({ "data": [{ "id": "ord_3" }, { "id": "ord_2" }], "has_more": true });
        let first = Paging::of(&q(&[]));
        assert_eq!(first.api_path("/v1/orders?status=paid", 2), "/v1/orders?status=paid&limit=2");
        let links = first.links("/seller/orders?status=paid", &list);
        assert!(links.contains("/seller/orders?status=paid&amp;after=ord_2") && !links.contains("Previous"));

        let middle = Paging::of(&q(&[("after", "ord_4")]));
        assert_eq!(middle.api_path("/v1/orders", 2), "/v1/orders?limit=2&starting_after=ord_4");
        let links = middle.links("/orders", &list);
        assert!(links.contains("/orders?before=ord_3") && links.contains("/orders?after=ord_2"));

        let back = Paging::named(&q(&[("payouts_before", "po_1")]), "payouts_");
        assert_eq!(back.api_path("/v1/payouts", 5), "/v1/payouts?limit=5&ending_before=po_1");
        let last_newer = json!({ "data": [{ "id": "po_3" }], "has_more": false });
        let links = back.links("/seller/balance", &last_newer);
        assert!(!links.contains("Previous") && links.contains("payouts_after=po_3"));
        assert_eq!(Paging::of(&q(&[])).links("/x", &json!({ "data": [], "has_more": false })), "");
    }
}
