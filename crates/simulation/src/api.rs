//! The application under test, driven in process through its router (no socket), and the request
//! bodies the journeys send.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::{Outcome, PASSWORD};

/// The application under test, driven in process.
pub(crate) struct Api {
    pub(crate) router: axum::Router,
}

impl Api {
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            request = request.header("authorization", format!("Bearer {t}"));
        }
        let body = match body {
            Some(b) => {
                request = request.header("content-type", "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        let Ok(request) = request.body(body) else { return (0, json!("unbuildable request")) };
        let Ok(response) = self.router.clone().oneshot(request).await;
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    pub(crate) async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub(crate) async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call(Method::GET, path, token, None).await
    }

    /// Signs up, verifies and signs in; the session token.
    pub(crate) async fn person(&self, email: &str) -> Result<String, String> {
        let (s, b) = self.post("/v1/users", None, json!({ "email": email, "password": PASSWORD })).await;
        expect_status(s, 201, &b, "sign-up")?;
        let code = self.latest_code(email).await?;
        let (s, b) = self.post("/v1/users/verify_email", None, json!({ "email": email, "code": code })).await;
        expect_status(s, 200, &b, "verifying the email")?;
        self.sign_in(email, PASSWORD).await
    }

    pub(crate) async fn sign_in(&self, email: &str, password: &str) -> Result<String, String> {
        let (s, b) = self.post("/v1/sessions", None, json!({ "email": email, "password": password })).await;
        expect_status(s, 201, &b, "signing in")?;
        b["token"].as_str().map(str::to_owned).ok_or_else(|| format!("no token in {b}"))
    }

    /// The newest code sent to `to` (other messages may have come after it).
    pub(crate) async fn latest_code(&self, to: &str) -> Result<String, String> {
        let (_, inbox) = self.get(&format!("/v1/test/inbox?to={to}&limit=100"), None).await;
        let messages = inbox["data"].as_array().cloned().unwrap_or_default();
        messages
            .iter()
            .find_map(|m| m["code"].as_str().map(str::to_owned))
            .ok_or_else(|| format!("no code for {to}: {inbox}"))
    }
}

pub(crate) fn expect_status(got: u16, want: u16, body: &Value, what: &str) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: expected {want}, got {got}: {body}"))
    }
}

pub(crate) fn address() -> Value {
    json!({ "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" })
}

pub(crate) fn typed(number: &str) -> Value {
    json!({ "type": "card", "new_card": { "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Sim Buyer", "billing_address": address() } })
}
