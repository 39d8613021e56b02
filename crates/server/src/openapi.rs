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
    Buyer,
    Operator,
    BuyerOrOperator,
    Seller,
}

impl Access {
    fn name(self) -> &'static str {
        match self {
            Access::Anyone => "anyone",
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

/// A request-body schema: an object with these properties (name, JSON type, required), no others.
pub fn object_schema(fields: &[(&str, &str, bool)]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, kind, is_required) in fields {
        properties.insert((*name).to_owned(), json!({ "type": kind }));
        if *is_required {
            required.push(json!(name));
        }
    }
    json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
}

/// Lists that page with `limit` and `starting_after` (docs/API.md "Lists").
const PAGED_LISTS: &[&str] = &[
    "/v1/cards",
    "/v1/claims",
    "/v1/tickets",
    "/v1/gift_cards",
    "/v1/pocket/transactions",
    "/v1/products",
    "/v1/orders",
    "/v1/payouts",
    "/v1/payouts/{id}/transactions",
    "/v1/webhook_endpoints/{id}/deliveries",
];

fn text(name: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string" } })
}

fn integer(name: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": { "type": "integer" } })
}

/// The query parameters an endpoint reads.
fn query_parameters(e: &Endpoint) -> Vec<Value> {
    if e.verb != Verb::Get {
        return Vec::new();
    }
    let limit = json!({ "name": "limit", "in": "query", "required": false,
        "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 10 } });
    let after = json!({ "name": "starting_after", "in": "query", "required": false, "schema": { "type": "string" } });
    match e.path {
        p if PAGED_LISTS.contains(&p) => vec![limit, after],
        "/v1/test/inbox" => vec![
            json!({ "name": "to", "in": "query", "required": true, "schema": { "type": "string", "minLength": 1 } }),
            limit,
            after,
        ],
        "/v1/balance_transactions" => vec![
            limit,
            after,
            text("merchant"),
            text("type"),
            text("payout"),
            integer("created_gte"),
            integer("created_lte"),
        ],
        "/v1/reports/balance_transactions.csv" => vec![text("merchant"), text("type"), integer("from"), integer("to")],
        "/v1/events" => vec![limit, after, text("type"), integer("created_gte")],
        "/v1/balance" => vec![text("merchant")],
        "/v1/balances" => {
            vec![json!({ "name": "negative", "in": "query", "required": false, "schema": { "type": "boolean" } })]
        }
        "/v1/blocked_cards" => {
            vec![json!({ "name": "user", "in": "query", "required": false, "schema": { "type": "string" } }), limit]
        }
        _ => Vec::new(),
    }
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
        if e.access != Access::Anyone {
            op.insert("security".into(), json!([{ "bearer": [] }]));
        }
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
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { media_type: { "schema": schema } } }),
            );
        }
        op.insert(
            "responses".into(),
            json!({
                e.success.to_string(): { "description": "Success" },
                "default": { "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }),
        );
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
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": { "Error": {
                "type": "object",
                "properties": { "error": { "type": "object", "required": ["type", "code", "message", "request_id"], "properties": {
                    "type": { "type": "string", "enum": ["invalid_request_error", "authentication_error", "card_error",
                        "payment_error", "idempotency_error", "rate_limit_error", "api_error"] },
                    "code": { "type": "string" }, "decline_code": { "type": ["string", "null"] },
                    "message": { "type": "string" }, "advice": { "type": "array", "items": { "type": "string" } },
                    "param": { "type": ["string", "null"] }, "request_id": { "type": "string" } } } }
            } }
        }
    })
}
