//! The schemas of `/openapi.json`: every object the API answers with, the shapes a request's
//! `payment_method`, addresses and `metadata` take, and which schema each operation answers with.
//! Schemathesis (CI) checks every answer it gets against them, so they follow the code. The document
//! itself ([`document`]) is built here too, from the endpoints `crate::openapi`'s registry collected.

use serde_json::{json, Map, Value};

use crate::openapi::{Access, Endpoint, Verb, BTX_STATUSES, DELIVERY_STATUSES, TICKET_STATUSES};

fn s() -> Value {
    json!({ "type": "string" })
}
fn s_or_null() -> Value {
    json!({ "type": ["string", "null"] })
}
fn int() -> Value {
    json!({ "type": "integer" })
}
fn int_or_null() -> Value {
    json!({ "type": ["integer", "null"] })
}
fn boolean() -> Value {
    json!({ "type": "boolean" })
}
fn refer(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
fn ref_or_null(name: &str) -> Value {
    json!({ "anyOf": [refer(name), { "type": "null" }] })
}
fn one_of(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}

/// An object the API answers with: `object` is `kind`; `required` names the properties always there.
fn object(kind: &str, required: &[&str], properties: &[(&str, Value)]) -> Value {
    let mut props = Map::new();
    props.insert("id".into(), s());
    props.insert("object".into(), json!({ "const": kind }));
    for (name, schema) in properties {
        props.insert((*name).to_owned(), schema.clone());
    }
    let mut needed = vec![json!("object")];
    needed.extend(required.iter().map(|r| json!(r)));
    json!({ "type": "object", "required": needed, "properties": props })
}

/// A page of a list of `item`.
pub fn list_of(item: &str) -> Value {
    json!({ "type": "object", "required": ["object", "data", "has_more"], "properties": {
        "object": { "const": "list" }, "data": { "type": "array", "items": refer(item) }, "has_more": boolean() } })
}

/// The components: every schema the operations refer to.
pub fn components() -> Value {
    fn money(extra: &[(&'static str, Value)]) -> Vec<(&'static str, Value)> {
        let mut v = vec![("amount", int()), ("currency", s())];
        v.extend(extra.iter().cloned());
        v
    }
    let order_statuses: Vec<&str> = domain::checkout::OrderStatus::ALL.iter().map(|s| s.name()).collect();
    let payment_statuses: Vec<&str> = domain::checkout::PaymentStatus::ALL.iter().map(|s| s.name()).collect();
    let payout_statuses: Vec<&str> = domain::payouts::PayoutStatus::ALL.iter().map(|s| s.name()).collect();
    let mut schemas = json!({
        "Error": {
            "type": "object", "required": ["error"],
            "properties": { "error": { "type": "object", "required": ["type", "code", "message", "request_id"], "properties": {
                "type": one_of(&["invalid_request_error", "authentication_error", "card_error", "payment_error",
                    "idempotency_error", "rate_limit_error", "api_error"]),
                "code": s(), "decline_code": s_or_null(), "message": s(),
                "advice": { "type": "array", "items": s() }, "param": s_or_null(), "request_id": s() } } }
        },
        "Object": { "type": "object", "description": "An answer of this operation (see docs/API.md)" },
        "Health": { "type": "object", "required": ["status"], "properties": { "status": s() } },
        "Deleted": { "type": "object", "required": ["id", "object", "deleted"],
            "properties": { "id": s(), "object": s(), "deleted": { "const": true } } },
        "Metadata": { "type": "object", "maxProperties": domain::metadata::KEYS_MAX,
            "additionalProperties": { "type": "string", "maxLength": domain::metadata::VALUE_CHARS_MAX },
            "description": "Your own keys and text values; in an update, an empty value removes its key" },
        "Address": { "type": "object", "required": ["line1", "city", "postal_code", "country"], "properties": {
            "name": s(), "line1": s(), "line2": s_or_null(), "city": s(), "state": s_or_null(), "postal_code": s(),
            "country": s() } },
        "NewCard": { "type": "object", "additionalProperties": false,
            "required": ["number", "exp_month", "exp_year", "cvc", "holder_name", "billing_address"], "properties": {
            "number": s(), "exp_month": int(), "exp_year": int(), "cvc": s(), "holder_name": s(),
            "billing_address": refer("Address") } },
        "PaymentMethod": { "oneOf": [
            { "title": "Pocket", "type": "object", "additionalProperties": false, "required": ["type"],
              "properties": { "type": { "const": "pocket" } } },
            { "title": "SavedCard", "type": "object", "additionalProperties": false, "required": ["type", "card"],
              "properties": { "type": { "const": "card" }, "card": s() } },
            { "title": "NewCard", "type": "object", "additionalProperties": false, "required": ["type", "new_card"],
              "properties": { "type": { "const": "card" }, "new_card": refer("NewCard"), "save": boolean() } }
        ] },
        "User": object("user", &["id", "email", "role"], &[("email", s()), ("status", s()), ("role", s()),
            ("phone", s_or_null()), ("country", s_or_null()), ("currency", s_or_null()), ("created", int()),
            ("locale", one_of(&["en", "ru", "es"])), ("time_zone", s())]),
        "Session": { "type": "object", "required": ["token"], "properties": { "token": s(), "object": s() } },
        "Merchant": object("merchant", &["id", "name", "currency"], &[("name", s()), ("country", s()),
            ("currency", s()), ("secret_key", s()), ("created", int())]),
        "ApiKey": object("api_key", &["id", "name", "last4", "status"], &[("name", s()), ("last4", s()),
            ("mode", s()), ("status", one_of(&["active", "expiring", "expired", "revoked"])), ("created", int()),
            ("expires_at", int_or_null()), ("revoked_at", int_or_null()), ("last_used_at", int_or_null()),
            ("secret", s()), ("rolled_from", s())]),
        "Card": object("card", &["id", "brand", "last4"], &[("brand", s()), ("last4", s()), ("exp_month", int()),
            ("exp_year", int()), ("funding", s_or_null()), ("country", s_or_null()), ("fingerprint", s()),
            ("default", boolean()), ("blocked", boolean()), ("created", int())]),
        "BlockedCard": object("blocked_card", &["id"], &[("brand", s()), ("last4", s())]),
        "Product": object("product", &["id", "merchant", "name", "amount", "currency"], &money(&[
            ("merchant", s()), ("name", s()), ("description", s_or_null()), ("stock", int_or_null()),
            ("created", int()), ("metadata", refer("Metadata"))])),
        "Payment": object("payment", &["id", "order", "status", "amount", "currency"], &money(&[
            ("order", s_or_null()), ("checkout", s_or_null()),
            ("status", json!({ "type": "string", "enum": payment_statuses })),
            ("pocket_amount", int()), ("card_amount", int()), ("amount_captured", int()), ("amount_refunded", int()),
            ("capture_before", int_or_null()), ("attempts", json!({ "type": "array", "items": { "type": "object" } })),
            ("orders", json!({ "type": "array", "items": { "type": "object",
                "required": ["order", "payment", "amount", "pocket_amount", "card_amount", "amount_captured", "amount_refunded"],
                "properties": { "order": s(), "number": s(), "merchant": s(), "payment": s(), "status": s(),
                    "amount": int(), "pocket_amount": int(), "card_amount": int(), "amount_captured": int(),
                    "amount_refunded": int() } } })),
            ("created", int()), ("metadata", refer("Metadata"))])),
        "Checkout": object("checkout", &["id", "status", "amount", "amount_due", "currency", "orders"], &money(&[
            ("status", one_of(&["awaiting_payment", "paid", "canceled"])), ("amount_due", int()),
            ("orders", json!({ "type": "array", "items": refer("Order") })), ("payment", ref_or_null("Payment")),
            ("created", int())])),
        "Order": object("order", &["id", "number", "status", "amount", "currency", "items"], &money(&[
            ("number", s()), ("merchant", s()), ("buyer", s()), ("status", json!({ "type": "string", "enum": order_statuses })),
            ("items", json!({ "type": "array", "items": { "type": "object", "required": ["product", "quantity"],
                "properties": { "product": s(), "name": s(), "unit_amount": int(), "quantity": int() } } })),
            ("shipping_address", refer("Address")), ("payment", ref_or_null("Payment")), ("checkout", s_or_null()),
            ("refunds", json!({ "type": "array", "items": refer("Refund") })),
            ("claims", json!({ "type": "array", "items": refer("Claim") })),
            ("created", int()), ("metadata", refer("Metadata"))])),
        "Refund": object("refund", &["id", "order", "amount", "status"], &[("order", s()), ("payment", s()),
            ("amount", int()), ("pocket_amount", int()), ("card_amount", int()), ("status", s()), ("destination", s()),
            ("reason", s()), ("created", int()), ("metadata", refer("Metadata"))]),
        "Claim": object("claim", &["id", "order", "status", "amount"], &[("order", s()), ("reason", s()),
            ("amount", int()), ("status", s()), ("outcome", s_or_null()), ("respond_by", int()), ("created", int())]),
        "Ticket": object("ticket", &["id", "subject", "status"], &[("subject", s()), ("order", s_or_null()),
            ("status", one_of(&TICKET_STATUSES)), ("messages", json!({ "type": "array" })), ("created", int())]),
        "Pocket": object("pocket", &["balances"], &[("balances", json!({ "type": "array" }))]),
        "PocketTransaction": object("pocket_transaction", &["id", "type", "amount", "currency"], &money(&[
            ("type", s()), ("balance_after", int()), ("reference", s()), ("created", int())])),
        "GiftCard": object("gift_card", &["id"], &[("denomination", int()), ("state", s())]),
        "GiftCardPurchase": object("gift_card_purchase", &["id", "status"], &[("status", s()), ("amount", int()),
            ("gift_cards", json!({ "type": "array" }))]),
        "FxRate": object("fx_rate", &[], &[]),
        "FxQuote": object("fx_quote", &["id"], &[]),
        "Event": object("event", &["id", "type", "data"], &[("type", s()), ("data", json!({ "type": "object" })),
            ("created", int())]),
        "WebhookEndpoint": object("webhook_endpoint", &["id", "url"], &[("url", s()), ("status", s())]),
        "WebhookDelivery": object("webhook_delivery", &["id", "event", "status"], &[("event", s()), ("attempt", int()),
            ("status", s())]),
        "Balance": object("balance", &[], &[]),
        "SellerBalance": object("seller_balance", &["merchant", "currency", "amount"], &[("merchant", s()),
            ("currency", s()), ("amount", int())]),
        "BalanceTransaction": object("balance_transaction", &["id", "type", "amount", "currency"], &money(&[
            ("type", s()), ("fee", int()), ("net", int()), ("status", one_of(&BTX_STATUSES)),
            ("available_on", int()), ("created", int())])),
        "BankAccount": object("bank_account", &["id"], &[("last4", s())]),
        "Payout": object("payout", &["id", "amount", "currency", "status"], &money(&[
            ("status", json!({ "type": "string", "enum": payout_statuses })), ("destination", s()),
            ("arrival_date", int_or_null()), ("created", int())])),
        "FeeSchedule": object("fee_schedule", &[], &[]),
        "Review": object("review", &["id", "status"], &[("status", s()), ("payment", s())]),
        "SecurityQuestions": object("security_questions", &["questions"], &[("questions", json!({ "type": "array" }))]),
    });
    let more = json!({
        "SecurityQuestion": { "type": "object", "required": ["id", "question"],
            "properties": { "id": s(), "question": s() } },
        "PasswordReset": object("password_reset", &["status"], &[("status", one_of(&["sent_if_account_exists", "completed"])),
            ("sessions_ended", int())]),
        "Verification": object("verification", &[], &[("sent_if_unverified", boolean())]),
        "UnauthorizedReport": object("unauthorized_report", &[], &[("payment", refer("Payment"))]),
        "VaultRotation": object("vault_rotation", &["active_key_id"], &[("active_key_id", int()), ("resealed", int()),
            ("key_ids", json!({ "type": "array", "items": int() }))]),
        "LedgerVerification": object("ledger_verification", &["balanced"], &[("balanced", boolean())]),
        // The test ledger's ids are the ledger's own numbers.
        "LedgerAccount": object("ledger_account", &["id", "currency"], &[("id", int()), ("currency", s())]),
        "LedgerTransfer": object("ledger_transfer", &["id"], &[("id", int()), ("debit_account", int())]),
        "TestClock": object("test_clock", &["now"], &[("now", int())]),
        "Message": object("message", &["id", "to", "channel"], &[("to", s()), ("channel", s()), ("subject", s_or_null()),
            ("body", s()), ("code", s_or_null()), ("created", int())]),
        "SearchResult": object("search_result", &["orders", "payments", "users"], &[("orders", json!({ "type": "array" })),
            ("payments", json!({ "type": "array" })), ("users", json!({ "type": "array" }))]),
    });
    if let (Some(all), Value::Object(rest)) = (schemas.as_object_mut(), more) {
        all.extend(rest);
    }
    schemas
}

/// The schema each operation answers a success with (a `$ref`, or a list of one), by its path.
pub fn response(e: &Endpoint) -> Value {
    use Verb::*;
    if e.verb == Delete {
        return refer("Deleted");
    }
    let one = |name: &str| refer(name);
    let list = |name: &str| list_of(name);
    let p = e.path;
    match (e.verb, p) {
        (_, "/healthz" | "/readyz") => one("Health"),
        (Get, "/v1/api_keys") => list("ApiKey"),
        (_, p) if p.starts_with("/v1/api_keys") => one("ApiKey"),
        (Get, "/v1/balance") => one("Balance"),
        (Get, "/v1/balance_transactions") | (Get, "/v1/payouts/{id}/transactions") => list("BalanceTransaction"),
        (Get, "/v1/balance_transactions/{id}") => one("BalanceTransaction"),
        (Get, "/v1/balances") => list("SellerBalance"),
        (Get, "/v1/blocked_cards") => list("BlockedCard"),
        (Get, "/v1/cards") => list("Card"),
        (_, "/v1/cards" | "/v1/cards/{id}") => one("Card"),
        (Get, "/v1/claims") => list("Claim"),
        (_, p) if p.starts_with("/v1/claims/") || p == "/v1/orders/{id}/claims" => one("Claim"),
        (Get, "/v1/events") => list("Event"),
        (Get, "/v1/events/{id}") => one("Event"),
        (Post, "/v1/fx/quotes") => one("FxQuote"),
        (Get, "/v1/fx/rates") => list("FxRate"),
        (Put, _) if p.starts_with("/v1/fx/rates/") => one("FxRate"),
        (Get, "/v1/gift_cards") => list("GiftCard"),
        (_, "/v1/gift_cards/purchase" | "/v1/gift_cards/purchases/{id}") => one("GiftCardPurchase"),
        (Get, "/v1/me") | (Patch, "/v1/me") | (Post, "/v1/users") => one("User"),
        (_, "/v1/me/security_questions") => one("SecurityQuestions"),
        (_, "/v1/merchants" | "/v1/merchants/{id}") => one("Merchant"),
        (_, "/v1/merchants/{id}/fees") => one("FeeSchedule"),
        (Get, "/v1/orders") => list("Order"),
        (Post, "/v1/orders/{id}/pay" | "/v1/checkouts/{id}/pay") => one("Payment"),
        (_, "/v1/checkouts" | "/v1/checkouts/{id}") => one("Checkout"),
        (Post, "/v1/orders/{id}/refunds") | (Patch, "/v1/refunds/{id}") => one("Refund"),
        (_, "/v1/orders" | "/v1/orders/{id}") => one("Order"),
        (Post, "/v1/orders/{id}/cancel" | "/v1/orders/{id}/ship" | "/v1/orders/{id}/deliver") => one("Order"),
        (Post, "/v1/orders/{id}/confirm_receipt") => one("Order"),
        (_, "/v1/payments/{id}" | "/v1/payments/{id}/verify" | "/v1/payments/{id}/documents") => one("Payment"),
        (Get, "/v1/payout_destinations") => list("BankAccount"),
        (_, p) if p.starts_with("/v1/payout_destinations") => one("BankAccount"),
        (Get, "/v1/payouts") => list("Payout"),
        (_, "/v1/payouts" | "/v1/payouts/{id}" | "/v1/payouts/{id}/cancel") => one("Payout"),
        (Get, "/v1/pocket") | (Post, "/v1/gift_cards/redeem") => one("Pocket"),
        (Get, "/v1/pocket/transactions") => list("PocketTransaction"),
        (Get, "/v1/products") => list("Product"),
        (_, "/v1/products" | "/v1/products/{id}") => one("Product"),
        (Get, "/v1/reviews") => list("Review"),
        (_, "/v1/reviews/{id}" | "/v1/reviews/{id}/decide") => one("Review"),
        (Get, "/v1/search") => one("SearchResult"),
        (Post, "/v1/sessions") => one("Session"),
        (Get, "/v1/tickets") => list("Ticket"),
        (_, p) if p.starts_with("/v1/tickets") => one("Ticket"),
        (Get, "/v1/webhook_endpoints") => list("WebhookEndpoint"),
        (Get, "/v1/webhook_endpoints/{id}/deliveries") => list("WebhookDelivery"),
        (Post, "/v1/webhook_endpoints/{id}/redeliver") => one("WebhookDelivery"),
        (_, "/v1/webhook_endpoints" | "/v1/webhook_endpoints/{id}") => one("WebhookEndpoint"),
        (Get, "/v1/security_questions") => list("SecurityQuestion"),
        (Get, "/v1/test/inbox") => list("Message"),
        (Post, "/v1/password_resets" | "/v1/password_resets/confirm") => one("PasswordReset"),
        (Post, "/v1/users/verify_email") => one("User"),
        (Post, "/v1/users/resend_verification") => one("Verification"),
        (Post, "/v1/payments/{id}/report_unauthorized") => one("UnauthorizedReport"),
        (Post, "/v1/payments/{id}/resend_code") => one("Payment"),
        (Post, "/v1/cards/{id}/verify") => one("Card"),
        (Post, "/v1/gift_cards/lookup" | "/v1/gift_cards/{id}/block" | "/v1/gift_cards/{id}/unblock") => {
            one("GiftCard")
        }
        (Get, "/v1/ledger/verify") => one("LedgerVerification"),
        (Post, "/v1/vault/rotate") => one("VaultRotation"),
        (Post, "/v1/test/clock") => one("TestClock"),
        (_, "/v1/test/ledger/accounts" | "/v1/test/ledger/accounts/{id}") => one("LedgerAccount"),
        (Post, "/v1/test/ledger/transfers") => one("LedgerTransfer"),
        (Post, _) if p.starts_with("/v1/test/pocket/holds") => one("Pocket"),
        // Nothing else: the test in tests/openapi.rs fails on an operation left to this generic answer.
        _ => one("Object"),
    }
}

/// The media types and schema of an operation's success that is not JSON, if it is one of those.
pub fn non_json_response(e: &Endpoint) -> Option<Value> {
    match e.path {
        "/v1/reports/balance_transactions.csv" => Some(json!({ "text/csv": { "schema": { "type": "string" } } })),
        "/v1/reviews/{id}/document" => {
            let binary = json!({ "schema": { "type": "string", "format": "binary" } });
            Some(json!({ "image/jpeg": binary, "image/png": binary, "application/pdf": binary }))
        }
        _ => None,
    }
}

/// Lists read with the shared paging and date filters (docs/API.md "Lists"), with their own filters.
const PAGED_LISTS: &[(&str, &[&str])] = &[
    ("/v1/cards", &[]),
    ("/v1/claims", &["status"]),
    ("/v1/tickets", &["status"]),
    ("/v1/gift_cards", &[]),
    ("/v1/pocket/transactions", &[]),
    ("/v1/products", &["merchant"]),
    ("/v1/orders", &["status"]),
    ("/v1/payouts", &["merchant", "status"]),
    ("/v1/payouts/{id}/transactions", &[]),
    ("/v1/webhook_endpoints/{id}/deliveries", &["status"]),
    ("/v1/events", &["type"]),
    ("/v1/balance_transactions", &["merchant", "type", "payout", "status"]),
    ("/v1/reviews", &["status"]),
    ("/v1/blocked_cards", &["user"]),
    ("/v1/test/inbox", &["to"]),
];

fn text(name: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string" } })
}

fn integer(name: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0 } })
}

/// The values a list's `status` takes.
fn statuses(path: &str) -> Vec<&'static str> {
    match path {
        "/v1/orders" => domain::checkout::OrderStatus::ALL.iter().map(|s| s.name()).collect(),
        "/v1/claims" => domain::claims::ClaimStatus::ALL.iter().map(|s| s.name()).collect(),
        "/v1/tickets" => TICKET_STATUSES.to_vec(),
        "/v1/payouts" => domain::payouts::PayoutStatus::ALL.iter().map(|s| s.name()).collect(),
        "/v1/webhook_endpoints/{id}/deliveries" => DELIVERY_STATUSES.to_vec(),
        "/v1/balance_transactions" => BTX_STATUSES.to_vec(),
        "/v1/reviews" => domain::verification::ReviewStatus::ALL.iter().map(|s| s.name()).collect(),
        _ => Vec::new(),
    }
}

/// The query parameters an endpoint reads.
fn query_parameters(e: &Endpoint) -> Vec<Value> {
    if e.verb != Verb::Get {
        return Vec::new();
    }
    if let Some((_, own)) = PAGED_LISTS.iter().find(|(p, _)| *p == e.path) {
        let mut out = vec![
            json!({ "name": "limit", "in": "query", "required": false,
                "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 10 } }),
            text("starting_after"),
            text("ending_before"),
            integer("created[gte]"),
            integer("created[lte]"),
        ];
        for name in *own {
            out.push(match *name {
                "status" => json!({ "name": "status", "in": "query", "required": false,
                    "schema": { "type": "string", "enum": statuses(e.path) } }),
                "to" => json!({ "name": "to", "in": "query", "required": true, "schema": { "type": "string", "minLength": 1 } }),
                other => text(other),
            });
        }
        return out;
    }
    match e.path {
        "/v1/reports/balance_transactions.csv" => vec![text("merchant"), text("type"), integer("from"), integer("to")],
        "/v1/balance" => vec![text("merchant")],
        "/v1/search" => {
            vec![
                json!({ "name": "q", "in": "query", "required": true, "schema": { "type": "string", "minLength": 1 } }),
            ]
        }
        "/v1/balances" => {
            vec![json!({ "name": "negative", "in": "query", "required": false, "schema": { "type": "boolean" } })]
        }
        _ => Vec::new(),
    }
}

/// A request body's schema with the shared shapes in place: `payment_method` (one of its three
/// forms), addresses, and `metadata` on the objects that carry it.
fn request_schema(e: &Endpoint, schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(props) = schema["properties"].as_object_mut() {
        for (name, target) in [
            ("payment_method", "PaymentMethod"),
            ("shipping_address", "Address"),
            ("billing_address", "Address"),
            ("metadata", "Metadata"),
        ] {
            if props.contains_key(name) {
                props.insert(name.into(), json!({ "$ref": format!("#/components/schemas/{target}") }));
            }
        }
        let takes_metadata = e.verb == Verb::Post
            && matches!(e.path, "/v1/products" | "/v1/orders" | "/v1/orders/{id}/pay" | "/v1/orders/{id}/refunds");
        if takes_metadata {
            props.insert("metadata".into(), json!({ "$ref": "#/components/schemas/Metadata" }));
        }
    }
    schema
}

/// The OpenAPI 3.1 document of the endpoints.
pub fn document(endpoints: &[Endpoint]) -> Value {
    let mut paths = Map::new();
    for e in endpoints {
        let mut op = Map::new();
        op.insert("summary".into(), json!(e.summary));
        op.insert(
            "operationId".into(),
            json!(format!("{}_{}", e.verb.name(), e.path.trim_start_matches('/').replace(['/', '{', '}'], "_"))),
        );
        op.insert("x-access".into(), json!(e.access.name()));
        // Per operation: none for anyone, the bearer credential (a session token or a seller's key) otherwise.
        let security = if e.access == Access::Anyone { json!([]) } else { json!([{ "bearer": [] }]) };
        op.insert("security".into(), security);
        let params: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let mut params = params;
        params.extend(query_parameters(e));
        if matches!(e.verb, Verb::Post | Verb::Put | Verb::Patch | Verb::Delete) {
            params.push(json!({ "name": "Idempotency-Key", "in": "header", "required": false,
                "schema": { "type": "string", "maxLength": 255 } }));
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        if let Some(schema) = &e.body {
            // A body with a binary field (a document upload) is a form, not JSON.
            let uploads = schema["properties"].as_object().is_some_and(|p| p.values().any(|v| v["format"] == "binary"));
            let media_type = if uploads { "multipart/form-data" } else { "application/json" };
            let schema = if uploads { schema.clone() } else { request_schema(e, schema) };
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { media_type: { "schema": schema } } }),
            );
        }
        let mut responses = Map::new();
        let success = match (e.success, non_json_response(e)) {
            (204, _) => json!({ "description": "Done; no content" }),
            (400.., _) => json!({ "description": "Always refused",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
            (_, Some(content)) => json!({ "description": "Success", "content": content }),
            (_, None) => json!({ "description": "Success",
                "content": { "application/json": { "schema": response(e) } } }),
        };
        if e.success == 201 {
            // The same object when it existed already (a card saved twice, a repeated request).
            responses.insert("200".into(), success.clone());
        }
        responses.insert(e.success.to_string(), success);
        responses.insert(
            "default".into(),
            json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
        op.insert("responses".into(), Value::Object(responses));
        let entry = paths.entry(e.path.to_owned()).or_insert_with(|| json!({}));
        if let Some(map) = entry.as_object_mut() {
            map.insert(e.verb.name().into(), Value::Object(op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Pocketpay API", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer",
                "description": "A buyer's or an operator's session token (POST /v1/sessions), or a seller's secret key" } },
            "schemas": components(),
        }
    })
}
