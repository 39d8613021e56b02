//! The one API error type: every failure answers with the status, `type`, `code`, message and advice
//! of docs/API.md, and a request id. 5xx bodies say nothing internal.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::i18n::{self, Locale, Msg};

tokio::task_local! {
    /// The id of the request being served, for error bodies and logs.
    pub static REQUEST_ID: String;
}

/// The current request's id, or an empty string outside a request.
pub fn current_request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

/// The `type` of an API error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    InvalidRequest,
    Authentication,
    Card,
    Payment,
    Idempotency,
    RateLimit,
    Api,
}

impl ErrorType {
    fn name(self) -> &'static str {
        match self {
            ErrorType::InvalidRequest => "invalid_request_error",
            ErrorType::Authentication => "authentication_error",
            ErrorType::Card => "card_error",
            ErrorType::Payment => "payment_error",
            ErrorType::Idempotency => "idempotency_error",
            ErrorType::RateLimit => "rate_limit_error",
            ErrorType::Api => "api_error",
        }
    }
}

/// An error as the API answers it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: ErrorType,
    pub code: &'static str,
    /// The issuer's reason, as the buyer may see it (lost and stolen read as `generic_decline`).
    pub decline_code: Option<&'static str>,
    pub message: String,
    pub advice: Vec<String>,
    pub param: Option<String>,
    pub retry_after_s: Option<u64>,
    /// The object the failure is about, shown inside the error (`payment`, `purchase`), as it is now.
    pub object: Option<(&'static str, Value)>,
    /// The catalogue's words for `message` and `advice`, written in the reader's language when the
    /// error is answered (`message` and `advice` above are the English).
    pub words: Option<Words>,
}

/// What an error says: a catalogue message (`msg!("id", …)`), written in the reader's language, or a
/// sentence in English.
#[derive(Debug, Clone)]
pub enum Text {
    English(String),
    Msg(Msg),
}

impl From<&str> for Text {
    fn from(v: &str) -> Self {
        Text::English(v.to_owned())
    }
}
impl From<String> for Text {
    fn from(v: String) -> Self {
        Text::English(v)
    }
}
impl From<Msg> for Text {
    fn from(v: Msg) -> Self {
        Text::Msg(v)
    }
}

/// Where an error's message and advice come from in the catalogue.
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// The message (`None`: the English `message` as it is).
    pub message: Option<Said>,
    /// The advice lines (`None`: the message's own advice, or the English `advice` as it is).
    pub advice: Option<Vec<Msg>>,
}

/// A message of the catalogue.
#[derive(Debug, Clone)]
pub enum Said {
    /// A message with its values.
    Msg(Msg),
    /// A payment failure's row of the declines table (message and advice).
    Failure(domain::declines::PaymentFailure, domain::cards::AcceptedBrands),
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, kind: ErrorType, code: &'static str, message: impl Into<Text>) -> Self {
        let e = Self {
            status,
            kind,
            code,
            decline_code: None,
            message: String::new(),
            advice: Vec::new(),
            param: None,
            retry_after_s: None,
            object: None,
            words: None,
        };
        match message.into() {
            Text::English(m) => Self { message: m, ..e },
            Text::Msg(m) => e.with_message(m),
        }
    }

    /// An error whose message comes from the catalogue.
    pub(crate) fn new_msg(status: StatusCode, kind: ErrorType, code: &'static str, message: Msg) -> Self {
        Self::new(status, kind, code, String::new()).with_message(message)
    }

    /// The message, from the catalogue.
    pub fn with_message(mut self, message: Msg) -> Self {
        self.message = message.text_in(Locale::En);
        self.words.get_or_insert_with(Words::default).message = Some(Said::Msg(message));
        self
    }

    /// Next steps for a person, from the catalogue (instead of any the message brings).
    pub fn with_advice_msgs(mut self, advice: Vec<Msg>) -> Self {
        self.advice = advice.iter().map(|m| m.text_in(Locale::En)).collect();
        self.words.get_or_insert_with(Words::default).advice = Some(advice);
        self
    }

    /// 400 `parameter_invalid` about `param`.
    pub fn invalid(param: impl Into<String>, message: impl Into<Text>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorType::InvalidRequest, "parameter_invalid", message).with_param(param)
    }

    /// 400 `parameter_missing` about `param`.
    pub fn missing(param: impl Into<String>) -> Self {
        let param = param.into();
        Self::new_msg(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequest,
            "parameter_missing",
            crate::msg!("error-missing", param = param.clone()),
        )
        .with_param(param)
    }

    /// 400 with another code of the invalid-request family.
    pub fn bad_request(code: &'static str, message: impl Into<Text>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorType::InvalidRequest, code, message)
    }

    /// 404 `resource_missing`: unknown objects and other people's objects alike.
    pub fn not_found(what: &str) -> Self {
        Self::new_msg(
            StatusCode::NOT_FOUND,
            ErrorType::InvalidRequest,
            "resource_missing",
            crate::msg!("error-not-found", what = what),
        )
    }

    /// 409 for a state that does not allow the action.
    pub fn conflict(code: &'static str, message: impl Into<Text>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorType::InvalidRequest, code, message)
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated() -> Self {
        Self::new_msg(
            StatusCode::UNAUTHORIZED,
            ErrorType::Authentication,
            "unauthenticated",
            crate::msg!("error-unauthenticated"),
        )
    }

    /// 403 `forbidden`: signed in, but with the wrong role.
    pub fn forbidden(message: impl Into<Text>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorType::Authentication, "forbidden", message)
    }

    /// An authentication error with a specific code and status.
    pub fn authentication(status: StatusCode, code: &'static str, message: impl Into<Text>) -> Self {
        Self::new(status, ErrorType::Authentication, code, message)
    }

    /// An idempotency error (409 while in flight, 422 for another body).
    pub fn idempotency(status: StatusCode, message: impl Into<Text>) -> Self {
        Self::new(status, ErrorType::Idempotency, "idempotency_error", message)
    }

    /// 429 `too_many_attempts` with `Retry-After`.
    pub fn rate_limited(retry_after_s: u64, message: impl Into<Text>) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, ErrorType::RateLimit, "too_many_attempts", message);
        e.retry_after_s = Some(retry_after_s.max(1));
        e
    }

    /// 5xx: our fault; the body says nothing internal. Log the cause before calling this.
    pub fn internal() -> Self {
        Self::new_msg(StatusCode::INTERNAL_SERVER_ERROR, ErrorType::Api, "api_error", crate::msg!("error-internal"))
    }

    /// 503: the service cannot take the request now.
    pub fn unavailable() -> Self {
        let mut e = Self::new_msg(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorType::Api,
            "api_error",
            crate::msg!("error-unavailable"),
        );
        e.retry_after_s = Some(1);
        e
    }

    /// A payment failure (card validation, decline, verification, Pocket) with its buyer-facing
    /// message and advice from the declines table: 402 `card_error` or `payment_error`.
    pub fn payment(failure: &domain::declines::PaymentFailure) -> Self {
        Self::payment_for(failure, &domain::cards::AcceptedBrands::all())
    }

    /// As [`ApiError::payment`], naming only the brands the platform accepts in its advice.
    pub fn payment_for(failure: &domain::declines::PaymentFailure, accepted: &domain::cards::AcceptedBrands) -> Self {
        let text = failure.describe_for(accepted);
        let kind = if failure.error_type() == "payment_error" { ErrorType::Payment } else { ErrorType::Card };
        let mut e = Self::new(StatusCode::PAYMENT_REQUIRED, kind, text.code, text.message);
        e.decline_code = text.decline_code;
        e.advice = text.advice;
        e.words = Some(Words { message: Some(Said::Failure(*failure, *accepted)), advice: None });
        e
    }

    /// Adds the parameter the error is about.
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// Adds next steps for a person.
    pub fn with_advice(mut self, advice: &[&str]) -> Self {
        self.advice = advice.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// The message and advice in `locale`. English advice set by [`ApiError::with_advice`] after a
    /// catalogue message stays as it is: new code uses [`ApiError::with_advice_msgs`].
    pub fn texts_in(&self, locale: Locale) -> (String, Vec<String>) {
        // An error in the handler's own English: in another language, its code's general message.
        let by_code = || {
            if locale == Locale::En {
                return None;
            }
            i18n::code_text(locale, self.code, self.param.as_deref())
        };
        let Some(words) = &self.words else {
            return by_code().unwrap_or_else(|| (self.message.clone(), self.advice.clone()));
        };
        let (message, own_advice) = match &words.message {
            Some(Said::Failure(failure, accepted)) => {
                let (m, a) = i18n::failure_text(locale, failure, accepted);
                let (english_message, english_advice) = i18n::failure_text(Locale::En, failure, accepted);
                if english_message != self.message {
                    // The handler wrote its own message over the table's: it stays the handler's.
                    return by_code().unwrap_or_else(|| (self.message.clone(), self.advice.clone()));
                }
                // Advice the handler replaced stays the handler's.
                (m, if english_advice == self.advice { Some(a) } else { None })
            }
            // A handler that wrote its own message over the catalogue's keeps it (in other languages,
            // its code's general message).
            Some(Said::Msg(m)) if m.text_in(Locale::En) != self.message => {
                return by_code().unwrap_or_else(|| (self.message.clone(), self.advice.clone()));
            }
            Some(Said::Msg(m)) => (m.text_in(locale), None),
            None => match by_code() {
                Some((m, a)) => (m, Some(a)),
                None => (self.message.clone(), None),
            },
        };
        let advice = match &words.advice {
            Some(lines) => lines.iter().map(|m| m.text_in(locale)).collect(),
            None => own_advice.unwrap_or_else(|| self.advice.clone()),
        };
        (message, advice)
    }

    /// The JSON body in the request's language, stamped with a request id.
    pub fn body(&self, request_id: &str) -> Value {
        self.body_in(request_id, i18n::current())
    }

    /// The JSON body in `locale`, stamped with a request id.
    pub fn body_in(&self, request_id: &str, locale: Locale) -> Value {
        let (message, advice) = self.texts_in(locale);
        let mut body = json!({ "error": {
            "type": self.kind.name(),
            "code": self.code,
            "decline_code": self.decline_code,
            "message": message,
            "advice": advice,
            "param": self.param,
            "request_id": request_id,
        }});
        if let Some((key, value)) = &self.object {
            body["error"][*key] = value.clone();
        }
        body
    }

    /// Shows the object the failure is about inside the error.
    pub fn with_object(mut self, key: &'static str, value: Value) -> Self {
        self.object = Some((key, value));
        self
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::UnknownCursor => {
                ApiError::invalid("starting_after", crate::msg!("error-unknown-cursor"))
            }
            store::StoreError::WriterStopped => {
                tracing::warn!("write refused: the writer has stopped");
                ApiError::unavailable()
            }
            // The database is out of reach, or a batch could not commit: nothing of the request
            // took effect, or (a commit whose answer was lost) it did once; a retry with the same
            // Idempotency-Key settles which.
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "the database is unavailable; answered 503");
                ApiError::unavailable()
            }
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body(&current_request_id());
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after_s {
            if let Ok(v) = s.to_string().parse() {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// A successful answer built inside a command: status and JSON body.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiResponse {
    /// 200 with a body.
    pub fn ok(body: Value) -> Self {
        Self { status: StatusCode::OK, body }
    }

    /// 201 with a body.
    pub fn created(body: Value) -> Self {
        Self { status: StatusCode::CREATED, body }
    }
}

impl IntoResponse for ApiResponse {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// A lifecycle step that the handler's own checks had made possible, refused by the domain all the
/// same: a bug, logged and answered 500, and the command rolls back.
pub(crate) fn lifecycle_bug(refusal: impl std::fmt::Display) -> ApiError {
    tracing::error!(%refusal, "a lifecycle step the checks allowed was refused");
    ApiError::internal()
}
