//! The route registry: every endpoint is added once, with its documentation, and both the router
//! and `/openapi.json` are built from that one list, so they cannot drift apart.

use axum::handler::Handler;
use axum::routing::{on, MethodFilter};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::AppState;

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Verb {
    /// Lower-case name, as OpenAPI writes it.
    pub fn name(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Patch => "patch",
            Verb::Put => "put",
            Verb::Delete => "delete",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Patch => MethodFilter::PATCH,
            Verb::Put => MethodFilter::PUT,
            Verb::Delete => MethodFilter::DELETE,
        }
    }
}

/// The access an endpoint documents, seen by the `Caller` extractor: a caller of the wrong role is
/// refused before the request's body is read (a buyer calling a seller's endpoint gets 403, not a
/// complaint about the body).
#[derive(Debug, Clone, Copy)]
pub struct RouteAccess(pub Access);

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Anyone,
    /// Anyone with a credential: a buyer, a seller's key or an operator (each sees their own).
    SignedIn,
    Buyer,
    Operator,
    BuyerOrOperator,
    Seller,
}

impl Access {
    fn name(self) -> &'static str {
        match self {
            Access::Anyone => "anyone",
            Access::SignedIn => "buyer, seller or operator",
            Access::Buyer => "buyer",
            Access::Operator => "operator",
            Access::BuyerOrOperator => "buyer or operator",
            Access::Seller => "seller",
        }
    }
}

/// One documented endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub verb: Verb,
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    /// JSON Schema of the request body, if it takes one.
    pub body: Option<Value>,
    /// Status of a success.
    pub success: u16,
}

/// Routes and their documentation, built together.
pub struct Api {
    router: Router<AppState>,
    endpoints: Vec<Endpoint>,
}

impl Default for Api {
    fn default() -> Self {
        Self::new()
    }
}

impl Api {
    /// An empty registry.
    pub fn new() -> Self {
        Self { router: Router::new(), endpoints: Vec::new() }
    }

    /// Adds an endpoint: the router answers `verb path` with `handler`, and the document lists it.
    pub fn add<H, T>(mut self, endpoint: Endpoint, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let access = RouteAccess(endpoint.access);
        self.router =
            self.router.route(endpoint.path, on(endpoint.verb.filter(), handler).layer(axum::Extension(access)));
        self.endpoints.push(endpoint);
        self
    }

    /// The router and the endpoint list.
    pub fn finish(self) -> (Router<AppState>, Vec<Endpoint>) {
        (self.router, self.endpoints)
    }
}

/// A request body's schema, derived by `schemars` from the type the handler parses it into, so the
/// document cannot drift from the code: its fields, their types, which are required (not `Option`),
/// and no others (`deny_unknown_fields`). Nested types are written in place.
pub fn body_schema<T: schemars::JsonSchema>() -> Value {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = serde_json::to_value(schema).unwrap_or_else(|_| json!({ "type": "object" }));
    if let Some(map) = value.as_object_mut() {
        map.remove("$schema");
        map.remove("title");
    }
    value
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
        "/v1/tickets" => crate::routes::tickets::TICKET_STATUSES.to_vec(),
        "/v1/payouts" => domain::payouts::PayoutStatus::ALL.iter().map(|s| s.name()).collect(),
        "/v1/webhook_endpoints/{id}/deliveries" => crate::routes::events::DELIVERY_STATUSES.to_vec(),
        "/v1/balance_transactions" => crate::routes::balance::BTX_STATUSES.to_vec(),
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
        let success = match (e.success, crate::openapi_schemas::non_json_response(e)) {
            (204, _) => json!({ "description": "Done; no content" }),
            (400.., _) => json!({ "description": "Always refused",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
            (_, Some(content)) => json!({ "description": "Success", "content": content }),
            (_, None) => json!({ "description": "Success",
                "content": { "application/json": { "schema": crate::openapi_schemas::response(e) } } }),
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
            "schemas": crate::openapi_schemas::components(),
        }
    })
}
