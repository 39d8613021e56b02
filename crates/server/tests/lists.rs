//! Lists page through everything, both ways, and filter by owner, status and creation time; a
//! parameter a list does not know is refused in the API's error format.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|o| o["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Every id of a list, read page after page with `starting_after`.
async fn page_through(app: &TestApp, path: &str, token: &str, limit: u32) -> Vec<String> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    let sep = if path.contains('?') { '&' } else { '?' };
    loop {
        let url = match &after {
            Some(a) => format!("{path}{sep}limit={limit}&starting_after={a}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let page = app.get(&url, Some(token)).await;
        assert_eq!(page.status, StatusCode::OK, "{url}: {}", page.body);
        let got = ids(&page.body);
        assert!(got.len() <= limit as usize);
        all.extend(got.iter().cloned());
        if page.body["has_more"] != true {
            return all;
        }
        after = got.last().cloned();
    }
}

#[tokio::test]
async fn a_sellers_150_products_page_through_both_ways_and_no_one_elses() {
    let app = TestApp::spawn().await;
    let (key_a, first) = app.seller("owner-a@example.com", "Shop A", "Lamp 0", 1000).await;
    let (key_b, theirs) = app.seller("owner-b@example.com", "Shop B", "Chair", 2000).await;
    let mut made = vec![first.clone()];
    for i in 1..150 {
        let p = app
            .post(
                "/v1/products",
                Some(&key_a),
                json!({ "name": format!("Lamp {i}"), "amount": 1000 + i, "currency": "USD" }),
            )
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
        made.push(p.body["id"].as_str().unwrap_or_default().to_owned());
    }
    // More of the other shop's, after: a seller's filter must not stop at anyone's first 100.
    for i in 0..3 {
        app.post(
            "/v1/products",
            Some(&key_b),
            json!({ "name": format!("Stool {i}"), "amount": 500, "currency": "USD" }),
        )
        .await;
    }
    let product = app.get(&format!("/v1/products/{first}"), None).await;
    let merchant = product.body["merchant"].as_str().unwrap_or_default().to_owned();

    let path = format!("/v1/products?merchant={merchant}");
    let listed = page_through(&app, &path, &key_a, 100).await;
    made.reverse();
    assert_eq!(listed, made, "newest first, each once, none missing");
    assert!(!listed.contains(&theirs));

    // Back from the second page with ending_before: the first page again, in the same order.
    let second = app.get(&format!("{path}&limit=100&starting_after={}", made[99]), None).await;
    assert_eq!(ids(&second.body), made[100..].to_vec());
    assert_eq!(second.body["has_more"], false);
    let back = app.get(&format!("{path}&limit=100&ending_before={}", made[100]), None).await;
    assert_eq!(ids(&back.body), made[..100].to_vec());
    assert_eq!(back.body["has_more"], false, "nothing is newer than the first page");
    let middle = app.get(&format!("{path}&limit=10&ending_before={}", made[50]), None).await;
    assert_eq!(ids(&middle.body), made[40..50].to_vec());
    assert_eq!(middle.body["has_more"], true, "there are newer ones still");

    // The whole marketplace pages too, and holds both shops.
    let everything = page_through(&app, "/v1/products", &key_b, 100).await;
    assert_eq!(everything.len(), 154);
}

#[tokio::test]
async fn orders_filter_by_status_and_creation_time_and_unknown_parameters_are_refused() {
    let app = TestApp::spawn().await;
    let (key, product) = app.seller("owner-o@example.com", "Shop O", "Kettle", 3000).await;
    let buyer = app.buyer("lister@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let mut orders = Vec::new();
    for _ in 0..12 {
        orders.push(app.new_order(&buyer, &product).await);
    }
    let mut paid = Vec::new();
    for id in [&orders[2], &orders[7], &orders[11]] {
        let p = app.pay_with_card(&buyer, id, &card).await;
        assert_eq!(p.body["status"], "requires_capture", "{}", p.body);
        paid.push(id.clone());
    }
    paid.reverse();

    // The seller's orders to ship, paged two at a time: exactly the paid ones.
    assert_eq!(page_through(&app, "/v1/orders?status=paid", &key, 2).await, paid);
    assert_eq!(page_through(&app, "/v1/orders?status=paid", &buyer, 100).await, paid);
    let awaiting = page_through(&app, "/v1/orders?status=awaiting_payment", &key, 5).await;
    assert_eq!(awaiting.len(), 9);
    let mut all = orders.clone();
    all.reverse();
    assert_eq!(page_through(&app, "/v1/orders", &buyer, 5).await, all);

    // Created at or after a time, at or before it.
    let newest = app.get(&format!("/v1/orders/{}", orders[11]), Some(&buyer)).await;
    let t = newest.body["created"].as_i64().unwrap_or_default();
    let moved = app.post("/v1/test/clock", None, json!({ "advance_seconds": 1000 })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let later = [app.new_order(&buyer, &product).await, app.new_order(&buyer, &product).await];
    let after_t = page_through(&app, &format!("/v1/orders?created[gte]={}", t + 500), &buyer, 10).await;
    assert_eq!(after_t, vec![later[1].clone(), later[0].clone()]);
    let up_to_t = page_through(&app, &format!("/v1/orders?created%5Blte%5D={t}"), &buyer, 10).await;
    assert_eq!(up_to_t, all);
    let window = app.get(&format!("/v1/orders?created[gte]={}&created[lte]={t}&status=paid", t + 1), Some(&key)).await;
    assert_eq!(ids(&window.body), Vec::<String>::new());

    // What a list does not know is a clear 400 in our format, naming the parameter.
    let unknown = app.get("/v1/orders?colour=red", Some(&buyer)).await;
    unknown.assert_error(400, "invalid_request_error", "parameter_unknown");
    assert_eq!(unknown.body["error"]["param"], "colour");
    assert!(unknown.body["error"]["message"].as_str().unwrap_or("").contains("colour"));
    let bad_status = app.get("/v1/orders?status=lost", Some(&buyer)).await;
    bad_status.assert_error(400, "invalid_request_error", "parameter_invalid");
    assert_eq!(bad_status.body["error"]["param"], "status");
    let both = app.get(&format!("/v1/orders?starting_after={}&ending_before={}", all[0], all[1]), Some(&buyer)).await;
    both.assert_error(400, "invalid_request_error", "parameter_invalid");
    let bad_time = app.get("/v1/orders?created[gte]=yesterday", Some(&buyer)).await;
    assert_eq!(bad_time.body["error"]["param"], "created[gte]");
    let stranger = app.get("/v1/orders?starting_after=ord_nothing", Some(&buyer)).await;
    stranger.assert_error(400, "invalid_request_error", "parameter_invalid");
    // 405 names itself.
    let wrong = app.raw(reqwest::Method::DELETE, "/v1/orders", None, Vec::new()).await;
    wrong.assert_error(405, "invalid_request_error", "method_not_allowed");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn tickets_and_pocket_lines_page_instead_of_stopping_at_the_first_page() {
    let app = TestApp::spawn().await;
    let buyer = app.buyer("ticketer@example.com").await;
    let mut made = Vec::new();
    for i in 0..5 {
        let t = app
            .post("/v1/tickets", Some(&buyer), json!({ "subject": format!("Question {i}"), "message": "Where is it?" }))
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
        made.push(t.body["id"].as_str().unwrap_or_default().to_owned());
    }
    made.reverse();
    assert_eq!(page_through(&app, "/v1/tickets", &buyer, 2).await, made);
    assert_eq!(page_through(&app, "/v1/tickets?status=open", &buyer, 2).await, made);
    assert!(page_through(&app, "/v1/tickets?status=answered", &buyer, 2).await.is_empty());

    // Pocket lines: three gift cards loaded, read one at a time and back.
    for _ in 0..3 {
        let bought = app
            .post(
                "/v1/gift_cards/purchase",
                Some(&buyer),
                json!({ "currency": "USD", "items": [{ "denomination": 1000, "quantity": 1 }],
                        "payment_method": common::new_card("4242424242424242") }),
            )
            .await;
        assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
    }
    let lines = page_through(&app, "/v1/pocket/transactions", &buyer, 1).await;
    assert_eq!(lines.len(), 3);
    let back = app.get(&format!("/v1/pocket/transactions?limit=1&ending_before={}", lines[2]), Some(&buyer)).await;
    assert_eq!(ids(&back.body), vec![lines[1].clone()]);
}
