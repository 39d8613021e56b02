//! `/openapi.json` is a document a generator can use: every operation has a response schema, its
//! query parameters and the right security; `payment_method` is a `oneOf`; and real answers of the
//! main operations match their documented schemas (checked here by a small validator of the JSON
//! Schema keywords the document uses; schemathesis checks many more answers in CI).

mod common;

use common::TestApp;
use serde_json::{json, Value};

/// Follows a local `$ref`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/")) {
        Some(path) => path.split('/').fold(doc, |at, part| &at[part]),
        None => schema,
    }
}

fn type_matches(kind: &str, v: &Value) -> bool {
    match kind {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

/// Where `value` breaks `schema` (the keywords the document uses), as `where: why` lines.
fn problems(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(kinds) = schema.get("type") {
        let ok = match kinds {
            Value::String(k) => type_matches(k, value),
            Value::Array(ks) => ks.iter().any(|k| k.as_str().is_some_and(|k| type_matches(k, value))),
            _ => true,
        };
        if !ok {
            out.push(format!("{at}: {value} is not of type {kinds}"));
            return;
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            out.push(format!("{at}: {value} is not {c}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            out.push(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    for (keyword, exactly_one) in [("anyOf", false), ("oneOf", true)] {
        if let Some(options) = schema.get(keyword).and_then(Value::as_array) {
            let fits = options
                .iter()
                .filter(|o| {
                    let mut found = Vec::new();
                    problems(doc, o, value, at, &mut found);
                    found.is_empty()
                })
                .count();
            if fits == 0 || (exactly_one && fits > 1) {
                out.push(format!("{at}: {value} fits {fits} of the {keyword} options"));
            }
        }
    }
    if let (Some(object), Some(props)) = (value.as_object(), schema.get("properties").and_then(Value::as_object)) {
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !name.as_str().is_some_and(|n| object.contains_key(n)) {
                out.push(format!("{at}: {name} is missing"));
            }
        }
        for (name, sub) in props {
            if let Some(v) = object.get(name) {
                problems(doc, sub, v, &format!("{at}.{name}"), out);
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            problems(doc, items, v, &format!("{at}[{i}]"), out);
        }
    }
}

/// Checks an answer against the schema `doc` documents for `verb path` and its status.
fn check(doc: &Value, verb: &str, path: &str, answer: &common::Answer) {
    let op = &doc["paths"][path][verb];
    assert!(op.is_object(), "{verb} {path} is not documented");
    let status = answer.status.as_u16().to_string();
    let response = op["responses"].get(&status).unwrap_or(&op["responses"]["default"]);
    let schema = &response["content"]["application/json"]["schema"];
    let mut found = Vec::new();
    problems(doc, schema, &answer.body, "$", &mut found);
    assert!(
        found.is_empty(),
        "{verb} {path} answered {status} outside its schema:\n{}\n{}",
        found.join("\n"),
        answer.body
    );
}

#[tokio::test]
async fn every_operation_is_documented_for_a_generator() {
    let app = TestApp::spawn().await;
    let doc = app.get("/openapi.json", None).await.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = std::collections::BTreeSet::new();
    let mut operations = 0;
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        for (verb, op) in ops.as_object().into_iter().flatten() {
            operations += 1;
            let name = format!("{} {path}", verb.to_uppercase());
            assert!(ids.insert(op["operationId"].as_str().unwrap_or_default().to_owned()), "{name}: operationId twice");
            // A response schema for every success, and the error schema for the rest.
            let responses = op["responses"].as_object().cloned().unwrap_or_default();
            let success: Vec<&String> = responses.keys().filter(|k| k.starts_with('2')).collect();
            assert!(!success.is_empty() || responses.keys().any(|k| k == "400"), "{name}: no success response");
            for code in success {
                let r = &responses[code];
                if code != "204" {
                    let content = r["content"].as_object().unwrap_or_else(|| panic!("{name} {code}: no content"));
                    assert!(content.values().all(|c| c["schema"].is_object()), "{name} {code}: no schema");
                    // A schema of its own, not the generic placeholder.
                    assert!(!r.to_string().contains("schemas/Object"), "{name} {code}: only the generic schema");
                }
            }
            assert_eq!(
                responses["default"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error"
            );
            // Path parameters are declared.
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for segment in path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
                assert!(
                    params.iter().any(|p| p["name"] == segment && p["in"] == "path"),
                    "{name}: {segment} undeclared"
                );
            }
            // Request bodies are derived from the types the handlers parse: their fields, and no others.
            if let Some(schema) = op["requestBody"]["content"]["application/json"]["schema"].as_object() {
                assert_eq!(schema.get("additionalProperties"), Some(&json!(false)), "{name}: a body open to any field");
                assert!(schema.get("properties").is_some_and(Value::is_object), "{name}: a body without its fields");
            }
            // Security per operation.
            let security = op["security"].as_array().unwrap_or_else(|| panic!("{name}: no security"));
            assert_eq!(security.is_empty(), op["x-access"] == "anyone", "{name}: security does not match its access");
        }
    }
    assert!(operations >= 110, "{operations} operations");
    // Every $ref points at a component.
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap_or_default();
        assert!(doc["components"]["schemas"][name].is_object(), "no component {name}");
    }
    // Orders need a credential; signing up does not.
    assert_eq!(doc["paths"]["/v1/orders"]["get"]["security"], json!([{ "bearer": [] }]));
    assert_eq!(doc["paths"]["/v1/users"]["post"]["security"], json!([]));
    // Lists document their paging, date and status filters.
    let params: Vec<String> = doc["paths"]["/v1/orders"]["get"]["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    for name in ["limit", "starting_after", "ending_before", "created[gte]", "created[lte]", "status"] {
        assert!(params.iter().any(|p| p == name), "GET /v1/orders does not document {name}: {params:?}");
    }
    // A card's body is AddCard's fields, required as the type requires them.
    let card = &doc["paths"]["/v1/cards"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(card["required"], json!(["number", "exp_month", "exp_year", "cvc", "holder_name", "billing_address"]));
    assert_eq!(card["properties"]["default"]["type"], json!(["boolean", "null"]));
    // payment_method is one of its three forms.
    let pay = &doc["paths"]["/v1/orders/{id}/pay"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    let method = resolve(&doc, &pay["properties"]["payment_method"]);
    assert_eq!(method["oneOf"].as_array().map(Vec::len), Some(3), "{method}");
    assert_eq!(
        doc["paths"]["/v1/orders"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
            ["data"]["items"]["$ref"],
        "#/components/schemas/Order"
    );
}

#[tokio::test]
async fn real_answers_match_their_documented_schemas() {
    let app = TestApp::spawn().await;
    let doc = app.get("/openapi.json", None).await.body;
    let (key, product) = app.seller("schema-shop@example.com", "Schema Shop", "Lamp", 4200).await;
    let buyer = app.buyer("schema-buyer@example.com").await;
    check(&doc, "get", "/v1/me", &app.get("/v1/me", Some(&buyer)).await);
    check(&doc, "get", "/v1/products", &app.get("/v1/products", None).await);
    check(&doc, "get", "/v1/products/{id}", &app.get(&format!("/v1/products/{product}"), None).await);
    let card = app
        .post(
            "/v1/cards",
            Some(&buyer),
            json!({ "number": "4242424242424242", "exp_month": 12, "exp_year": 2035,
        "cvc": "123", "holder_name": "Ada", "billing_address": common::address() }),
        )
        .await;
    check(&doc, "post", "/v1/cards", &card);
    let card_id = card.body["id"].as_str().unwrap_or_default().to_owned();
    check(&doc, "get", "/v1/cards", &app.get("/v1/cards", Some(&buyer)).await);
    let order = app
        .post(
            "/v1/orders",
            Some(&buyer),
            json!({ "items": [{ "product": product, "quantity": 1 }],
        "shipping_address": common::address(), "metadata": { "ref": "A1" } }),
        )
        .await;
    check(&doc, "post", "/v1/orders", &order);
    let oid = order.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = app.pay_with_card(&buyer, &oid, &card_id).await;
    check(&doc, "post", "/v1/orders/{id}/pay", &paid);
    let cart = app
        .post(
            "/v1/checkouts",
            Some(&buyer),
            json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": common::address() }),
        )
        .await;
    check(&doc, "post", "/v1/checkouts", &cart);
    let cart_id = cart.body["id"].as_str().unwrap_or_default().to_owned();
    let cart_paid = app
        .post(
            &format!("/v1/checkouts/{cart_id}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card_id } }),
        )
        .await;
    check(&doc, "post", "/v1/checkouts/{id}/pay", &cart_paid);
    check(&doc, "get", "/v1/checkouts/{id}", &app.get(&format!("/v1/checkouts/{cart_id}"), Some(&buyer)).await);
    let declined_order = app.new_order(&buyer, &product).await;
    let declined = app
        .post(
            &format!("/v1/orders/{declined_order}/pay"),
            Some(&buyer),
            json!({ "payment_method": {
        "type": "card", "new_card": { "number": "4000000000000002", "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Ada", "billing_address": common::address() } } }),
        )
        .await;
    assert_eq!(declined.body["status"], "requires_action", "a new card asks for a code: {}", declined.body);
    check(&doc, "post", "/v1/orders/{id}/pay", &declined);
    let poor = app.save_card(&buyer, "4000000000009995").await;
    let declined_order = app.new_order(&buyer, &product).await;
    let declined = app.pay_with_card(&buyer, &declined_order, &poor).await;
    assert_eq!(declined.status.as_u16(), 402, "{}", declined.body);
    check(&doc, "post", "/v1/orders/{id}/pay", &declined);
    let shipped = app
        .post(&format!("/v1/orders/{oid}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
        .await;
    check(&doc, "post", "/v1/orders/{id}/ship", &shipped);
    let refund = app
        .post(&format!("/v1/orders/{oid}/refunds"), Some(&key), json!({ "amount": 200, "reason": "Scratched" }))
        .await;
    check(&doc, "post", "/v1/orders/{id}/refunds", &refund);
    app.post(&format!("/v1/orders/{oid}/deliver"), Some(&key), json!({})).await;
    let claim = app
        .post(
            &format!("/v1/orders/{oid}/claims"),
            Some(&buyer),
            json!({ "reason": "damaged", "amount": 500, "description": "Broken stand." }),
        )
        .await;
    check(&doc, "post", "/v1/orders/{id}/claims", &claim);
    check(&doc, "get", "/v1/orders", &app.get("/v1/orders", Some(&buyer)).await);
    check(&doc, "get", "/v1/orders/{id}", &app.get(&format!("/v1/orders/{oid}"), Some(&key)).await);
    let payment = paid.body["id"].as_str().unwrap_or_default().to_owned();
    check(&doc, "get", "/v1/payments/{id}", &app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await);
    check(&doc, "get", "/v1/claims", &app.get("/v1/claims", Some(&key)).await);
    check(&doc, "get", "/v1/events", &app.get("/v1/events", Some(&key)).await);
    check(&doc, "get", "/v1/balance", &app.get("/v1/balance", Some(&key)).await);
    check(&doc, "get", "/v1/balance_transactions", &app.get("/v1/balance_transactions", Some(&key)).await);
    check(&doc, "get", "/v1/api_keys", &app.get("/v1/api_keys", Some(&key)).await);
    check(&doc, "post", "/v1/api_keys", &app.post("/v1/api_keys", Some(&key), json!({ "name": "CI" })).await);
    let ticket = app.post("/v1/tickets", Some(&buyer), json!({ "subject": "Where?", "message": "Hello" })).await;
    check(&doc, "post", "/v1/tickets", &ticket);
    check(&doc, "get", "/v1/tickets", &app.get("/v1/tickets", Some(&buyer)).await);
    check(&doc, "get", "/v1/pocket", &app.get("/v1/pocket", Some(&buyer)).await);
    check(&doc, "get", "/v1/pocket/transactions", &app.get("/v1/pocket/transactions", Some(&buyer)).await);
    check(&doc, "get", "/v1/payouts", &app.get("/v1/payouts", Some(&key)).await);
    check(
        &doc,
        "post",
        "/v1/sessions",
        &app.post("/v1/sessions", None, json!({ "email": "schema-buyer@example.com", "password": common::PASSWORD }))
            .await,
    );
    check(&doc, "get", "/v1/orders", &app.get("/v1/orders?colour=red", Some(&buyer)).await);
    check(&doc, "get", "/healthz", &app.get("/healthz", None).await);
    check(&doc, "get", "/v1/security_questions", &app.get("/v1/security_questions", None).await);
    check(&doc, "get", "/v1/test/inbox", &app.get("/v1/test/inbox?to=schema-buyer@example.com", None).await);
    let reset = app.post("/v1/password_resets", None, json!({ "email": "schema-buyer@example.com" })).await;
    check(&doc, "post", "/v1/password_resets", &reset);
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;
    check(&doc, "get", "/v1/ledger/verify", &app.get("/v1/ledger/verify", Some(&operator)).await);
    check(&doc, "get", "/v1/search", &app.get(&format!("/v1/search?q={oid}"), Some(&operator)).await);
    check(&doc, "post", "/v1/test/clock", &app.post("/v1/test/clock", None, json!({ "advance_seconds": 1 })).await);
}

#[tokio::test]
async fn the_validator_itself_finds_answers_outside_a_schema() {
    let app = TestApp::spawn().await;
    let doc = app.get("/openapi.json", None).await.body;
    let order = json!({ "$ref": "#/components/schemas/Order" });
    let mut found = Vec::new();
    problems(
        &doc,
        &order,
        &json!({ "object": "order", "id": "ord_1", "status": "lost", "amount": "12" }),
        "$",
        &mut found,
    );
    assert!(found.iter().any(|p| p.contains("\"number\" is missing")), "{found:?}");
    assert!(found.iter().any(|p| p.contains("$.status")), "{found:?}");
    assert!(found.iter().any(|p| p.contains("$.amount")), "{found:?}");
    let method = json!({ "$ref": "#/components/schemas/PaymentMethod" });
    let mut found = Vec::new();
    problems(&doc, &method, &json!({ "type": "card" }), "$", &mut found);
    assert_eq!(found.len(), 1, "a card without a card or a new card fits no form: {found:?}");
}
