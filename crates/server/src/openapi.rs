//! The route registry: every endpoint is added once, with its documentation, and both the router
//! and `/openapi.json` are built from that one list, so they cannot drift apart.

use axum::handler::Handler;
use axum::routing::{on, MethodFilter};
use axum::Router;
use serde_json::{json, Value};

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
    pub(crate) fn name(self) -> &'static str {
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

/// The states of a ticket: waiting for an operator, or answered.
pub(crate) const TICKET_STATUSES: [&str; 2] = ["open", "answered"];

/// The states of a webhook delivery attempt.
pub(crate) const DELIVERY_STATUSES: [&str; 3] = ["pending", "succeeded", "failed"];

/// A balance transaction is pending (buyers may still claim) or available (payable).
pub(crate) const BTX_STATUSES: [&str; 2] = ["pending", "available"];
