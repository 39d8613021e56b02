//! A small JSON client of a server, for the commands that drive one (`bench checkout`, `demo`): over
//! HTTP, or in process through the server's own router (the same layers and handlers, without the
//! TCP and HTTP/1 framing).

use anyhow::bail;
use serde_json::{json, Value};
use tower::ServiceExt;

/// How requests reach the server.
pub enum Transport {
    /// Over HTTP to `base` (such as `http://127.0.0.1:8080`).
    Http { http: reqwest::Client, base: String },
    /// Through the application router in this process.
    InProcess(axum::Router),
}

/// A JSON client of a Pocketpay server.
pub struct Client {
    pub transport: Transport,
}

impl Client {
    /// A client over HTTP.
    pub fn http(http: reqwest::Client, base: String) -> Client {
        Client { transport: Transport::Http { http, base } }
    }

    /// Any call; answers the status and the JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let (status, bytes) = self.call_raw(method, path, token, body).await?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    /// A POST that must answer `want`, read into `T`: only the fields a caller needs (unknown fields
    /// are skipped, so a big answer costs the client no tree of values).
    pub async fn expect_brief<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
        want: u16,
    ) -> anyhow::Result<T> {
        let (status, bytes) = self.call_raw(reqwest::Method::POST, path, token, Some(body)).await?;
        if status != want {
            bail!("{path} answered {status}: {}", String::from_utf8_lossy(&bytes));
        }
        Ok(serde_json::from_slice(&bytes)?)
    }

    /// Any call; answers the status and the body's bytes.
    async fn call_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> anyhow::Result<(u16, Vec<u8>)> {
        let (http, base) = match &self.transport {
            Transport::Http { http, base } => (http, base),
            Transport::InProcess(router) => {
                let mut request = axum::http::Request::builder().method(method.as_str()).uri(path);
                if let Some(t) = token {
                    request = request.header("authorization", format!("Bearer {t}"));
                }
                let bytes = match body {
                    Some(b) => {
                        request = request.header("content-type", "application/json");
                        serde_json::to_vec(&b)?
                    }
                    None => Vec::new(),
                };
                let response = router.clone().oneshot(request.body(axum::body::Body::from(bytes))?).await?;
                let status = response.status().as_u16();
                let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await?;
                return Ok((status, bytes.to_vec()));
            }
        };
        let mut req = http.request(method, format!("{base}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        Ok((status, resp.bytes().await?.to_vec()))
    }

    /// A POST.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> anyhow::Result<(u16, Value)> {
        self.call(reqwest::Method::POST, path, token, Some(body)).await
    }

    /// A POST that must answer `want`.
    pub async fn expect(&self, path: &str, token: Option<&str>, body: Value, want: u16) -> anyhow::Result<Value> {
        let (status, v) = self.post(path, token, body).await?;
        if status != want {
            bail!("{path} answered {status}: {v}");
        }
        Ok(v)
    }
}

/// Signs up, verifies the email with the code from the test inbox, and signs in; answers the session token.
pub async fn sign_up(client: &Client, email: &str, password: &str) -> anyhow::Result<String> {
    sign_up_as(client, json!({ "email": email, "password": password })).await
}

/// As [`sign_up`], with the whole sign-up body (`email`, `password`, `phone`, `country`).
pub async fn sign_up_as(client: &Client, body: Value) -> anyhow::Result<String> {
    let email = body["email"].as_str().unwrap_or_default().to_owned();
    let password = body["password"].clone();
    client.expect("/v1/users", None, body, 201).await?;
    let (_, inbox) = client.call(reqwest::Method::GET, &format!("/v1/test/inbox?to={email}"), None, None).await?;
    let code = inbox["data"][0]["code"].as_str().unwrap_or_default().to_owned();
    client.expect("/v1/users/verify_email", None, json!({ "email": email, "code": code }), 200).await?;
    let session = client.expect("/v1/sessions", None, json!({ "email": email, "password": password }), 201).await?;
    Ok(session["token"].as_str().unwrap_or_default().to_owned())
}
