//! Document review of a payment: asked when paying above `POCKETPAY_DOCUMENT_REVIEW_AMOUNT_MINOR`,
//! or when a high-risk payment's code tries ran out. The buyer uploads a JPEG, PNG or PDF (recognised
//! by content, at most 5 MB), sealed by the vault for that review; an operator looks at it and
//! approves (the payment authorizes, as after a code) or rejects it (the payment fails with
//! `verification_failed` and the buyer is told why). A review not decided in its window expires;
//! a decided review's document is erased 30 days after the decision (the row stays).

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::handler::Handler;
use axum::http::{header, HeaderValue, StatusCode};
use domain::verification::{
    document_deleted_at, sniff_document, DocumentError, DocumentKind, ReviewError, ReviewStatus,
};
use store::{NewOutboxMessage, ReviewRecord};

use super::*;
use crate::extract::{UPLOAD_BYTES_MAX, UPLOAD_ROUTE};
use crate::ops::reviews::money_text;
use crate::ops::verifying::{authorize_verified, proceed_after_verification, Proceed};
use crate::routes::payouts::endpoint;

/// Longest operator's note.
const NOTE_CHARS_MAX: usize = 1_000;

pub(crate) fn register(api: Api) -> Api {
    use Access::{Buyer, BuyerOrOperator, Operator};
    use Verb::{Get, Post};
    let upload = json!({ "type": "object", "required": ["file"],
        "properties": { "file": { "type": "string", "format": "binary" } } });
    let decide = body_schema::<DecideBody>();
    let mut upload_endpoint = endpoint(
        Post,
        UPLOAD_ROUTE,
        "Uploads a document (multipart/form-data `file`: JPEG, PNG or PDF, at most 5 MB) for a payment in document review",
        Buyer,
        Some(upload),
    );
    upload_endpoint.success = 202;
    let mut decide_endpoint = endpoint(
        Post,
        "/v1/reviews/{id}/decide",
        "Approves (the payment authorizes) or rejects (it fails with verification_failed) a document review",
        Operator,
        Some(decide),
    );
    decide_endpoint.success = 200;
    api.add(upload_endpoint, upload_document.layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BYTES_MAX)))
        .add(
            endpoint(Get, "/v1/reviews", "Document reviews (`?status=in_review` is the queue)", Operator, None),
            list_reviews,
        )
        .add(
            endpoint(
                Get,
                "/v1/reviews/{id}",
                "A document review: the buyer's own, or any for operators",
                BuyerOrOperator,
                None,
            ),
            get_review,
        )
        .add(
            endpoint(
                Get,
                "/v1/reviews/{id}/document",
                "The reviewed document itself, for operators (each view is logged)",
                Operator,
                None,
            ),
            get_document,
        )
        .add(decide_endpoint, decide_review)
}

/// A review as the API shows it (never the document's bytes).
pub(crate) fn review_json(r: &ReviewRecord) -> Value {
    let document = match (&r.media_type, r.size) {
        (Some(t), Some(size)) => json!({ "type": t, "size": size, "deleted": r.document.is_none() }),
        _ => Value::Null,
    };
    json!({ "id": r.id, "object": "review", "payment": r.payment_id, "buyer": r.buyer_user_id, "amount": r.amount,
        "currency": r.currency, "status": r.status,
        "reasons": r.reasons.split(',').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
        "document": document, "note": r.note, "decided_by": r.decided_by, "created": r.created_at,
        "submitted_at": r.submitted_at, "decided_at": r.decided_at, "expires_at": r.expires_at,
        "document_deleted_at": r.document_deleted_at,
        "document_delete_after": r.decided_at.map(document_deleted_at) })
}

/// A review with what an operator needs beside it: the order's number and the buyer's email.
pub(crate) fn review_view(tx: &ReadTx<'_>, r: &ReviewRecord) -> Result<Value, store::StoreError> {
    let mut shown = review_json(r);
    if let Some(payment) = tx.payment(&r.payment_id)? {
        if let Some(order) = tx.order(payment.order())? {
            shown["order"] = json!({ "id": order.id, "number": order.number });
        }
        if let Some(checkout) = payment.paying_checkout() {
            let numbers: Vec<String> = tx.checkout_orders(checkout)?.into_iter().map(|o| o.number).collect();
            shown["checkout"] = json!({ "id": checkout, "numbers": numbers });
        }
    }
    shown["buyer_email"] = tx.user(&r.buyer_user_id)?.map(|u| Value::String(u.email)).unwrap_or(Value::Null);
    Ok(shown)
}

fn review_error(e: ReviewError) -> ApiError {
    match e {
        ReviewError::AlreadySubmitted => {
            ApiError::conflict("document_already_submitted", crate::msg!("err-review-already-submitted"))
        }
        ReviewError::NoDocument => {
            ApiError::conflict("review_awaiting_document", crate::msg!("err-review-no-document"))
        }
        ReviewError::AlreadyDecided => {
            ApiError::conflict("review_already_decided", crate::msg!("err-review-already-decided"))
        }
    }
}

fn document_error(e: DocumentError) -> ApiError {
    let error = match e {
        DocumentError::Empty => ApiError::invalid("file", crate::msg!("err-review-file-empty")),
        DocumentError::TooLarge => {
            let mut error = ApiError::bad_request("document_too_large", crate::msg!("err-review-file-too-large"));
            error.status = StatusCode::PAYLOAD_TOO_LARGE;
            error
        }
        DocumentError::UnsupportedType => {
            ApiError::bad_request("document_type_unsupported", crate::msg!("err-review-file-type"))
        }
    };
    error.with_param("file").with_advice_msgs(vec![crate::msg!("err-review-file-advice")])
}

/// The file of an upload, read whole (at most the upload limit); other fields are ignored.
async fn read_file(multipart: Result<Multipart, MultipartRejection>) -> Result<Vec<u8>, ApiError> {
    let mut multipart = multipart.map_err(|_| ApiError::invalid("file", crate::msg!("err-review-multipart")))?;
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(document_error(DocumentError::TooLarge))
            }
            Err(_) => return Err(ApiError::invalid("file", crate::msg!("err-review-upload-unreadable"))),
        };
        let is_file = field.name() == Some("file");
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(document_error(DocumentError::TooLarge))
            }
            Err(_) => return Err(ApiError::invalid("file", crate::msg!("err-review-upload-unreadable"))),
        };
        if is_file {
            if file.is_some() {
                return Err(ApiError::invalid("file", crate::msg!("err-review-one-file")));
            }
            file = Some(bytes.to_vec());
        }
    }
    file.ok_or_else(|| ApiError::missing("file"))
}

async fn upload_document(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let pid = id.clone();
    let uid = user.id.clone();
    let review = state
        .store
        .read(move |tx| {
            let payment = tx.payment(&pid)?.filter(|p| p.buyer_user_id == uid);
            Ok(match payment {
                Some(_) => Some(tx.open_review(&pid)?),
                None => None,
            })
        })
        .await?
        .ok_or_else(|| ApiError::not_found("payment"))?
        .ok_or_else(|| {
            ApiError::conflict("payment_not_awaiting_document", crate::msg!("err-review-not-awaiting-document"))
        })?;
    let bytes = read_file(multipart).await?;
    let kind = sniff_document(&bytes).map_err(document_error)?;
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let rid = review.id.clone();
    let sealed =
        crate::payment_method::with_fresh_keys(&state, |vault| vault.seal_document(&rid, &bytes)).map_err(|e| {
            tracing::error!(error = %e, "a document could not be sealed");
            ApiError::internal()
        })?;
    drop(bytes);
    tracing::info!(review = %review.id, size, media_type = kind.media_type(), "identity document received for review");
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut review = tx.review(&review.id)?.ok_or_else(ApiError::internal)?;
            let status = ReviewStatus::parse(&review.status).ok_or_else(ApiError::internal)?;
            review.status = status.submit().map_err(review_error)?.name().into();
            review.media_type = Some(kind.media_type().into());
            review.size = Some(size);
            review.document_key_id = Some(i64::from(sealed.key_id));
            review.document = Some(sealed.ciphertext);
            review.submitted_at = Some(ctx.now);
            review.updated_at = ctx.now;
            tx.update_review(&review)?;
            Ok(ApiResponse { status: StatusCode::ACCEPTED, body: payment_view(&tx.reads(), &review.payment_id)? })
        })
        .await)
}

async fn list_reviews(State(state): State<AppState>, caller: Caller, mut q: ListParams) -> Result<Response, ApiError> {
    caller.operator()?;
    let statuses: Vec<&str> = ReviewStatus::ALL.iter().map(|s| s.name()).collect();
    let status = q.status(&statuses)?;
    let page = q.page()?;
    let rows = state
        .store
        .read(move |tx| {
            let rows = tx.reviews(status.as_deref(), None, &page)?;
            rows.try_map(|r| review_view(tx, &r))
        })
        .await?;
    Ok(list_response(rows, Value::clone))
}

async fn get_review(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (user, role, _) = caller.person()?;
    let shown = state
        .store
        .read(move |tx| {
            let review =
                tx.review(&id)?.filter(|r| role == domain::accounts::Role::Operator || r.buyer_user_id == user.id);
            review.map(|r| review_view(tx, &r)).transpose()
        })
        .await?
        .ok_or_else(|| ApiError::not_found("review"))?;
    Ok(axum::Json(shown).into_response())
}

async fn get_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let operator = caller.operator()?;
    let rid = id.clone();
    let review = state.store.read(move |tx| tx.review(&rid)).await?.ok_or_else(|| ApiError::not_found("review"))?;
    let (Some(sealed), Some(key_id), Some(kind)) =
        (review.document, review.document_key_id, review.media_type.as_deref().and_then(DocumentKind::from_media_type))
    else {
        let message = if review.document_deleted_at.is_some() {
            crate::msg!("err-review-document-deleted")
        } else {
            crate::msg!("err-review-no-upload")
        };
        return Err(ApiError::not_found("document").with_message(message));
    };
    let sealed = vault::SealedCard { key_id: u32::try_from(key_id).unwrap_or(0), ciphertext: sealed };
    let document =
        crate::payment_method::with_fresh_keys(&state, |vault| vault.open_document(&id, &sealed)).map_err(|e| {
            tracing::error!(error = %e, review = %id, "a sealed document would not open");
            ApiError::internal()
        })?;
    tracing::info!(review = %id, operator = %operator.id, "identity document viewed");
    let extension = match kind {
        DocumentKind::Jpeg => "jpg",
        DocumentKind::Png => "png",
        DocumentKind::Pdf => "pdf",
    };
    let mut response = document.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.media_type()));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"document-{id}.{extension}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DecideBody {
    outcome: String,
    note: Option<String>,
}

/// What deciding a review did in its command.
enum Decided {
    Approved(Proceed),
    Rejected,
}

async fn decide_review(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecideBody>,
) -> Result<Response, ApiError> {
    let operator = caller.operator()?;
    if idem.as_ref().is_some_and(|e| e.0.resume.is_some()) {
        // A retry of a decision whose answer was lost (a crash): the review as it was decided, and
        // its payment as it stands (the healer settles an authorization the crash cut short).
        let shown = review_with_payment(&state, id).await?;
        return Ok(record_answer(&state, idem.map(|e| e.0), ApiResponse::ok(shown)).await);
    }
    let approve = match body.outcome.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(ApiError::invalid("outcome", crate::msg!("err-review-outcome"))),
    };
    let note = body.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_CHARS_MAX) {
        return Err(ApiError::invalid("note", crate::msg!("err-review-note-too-long", max = NOTE_CHARS_MAX)));
    }
    if !approve && note.is_none() {
        return Err(ApiError::missing("note").with_message(crate::msg!("err-review-note-missing")));
    }
    let now = state.clock.now();
    let rid = id.clone();
    let bind = idem.as_ref().map(|e| e.0.clone());
    let decided = state
        .store
        .write(move |tx| -> Result<(Decided, String), ApiError> {
            let mut review = tx.review(&rid)?.ok_or_else(|| ApiError::not_found("review"))?;
            let status = ReviewStatus::parse(&review.status).ok_or_else(ApiError::internal)?;
            review.status = status.decide(approve).map_err(review_error)?.name().into();
            if let Some(key) = &bind {
                // A retry of this request after a crash answers this decision instead of deciding again.
                key.bind(tx, &review.id, now).map_err(bind_error)?;
            }
            review.note = note.clone();
            review.decided_by = Some(operator.id.clone());
            review.decided_at = Some(now);
            review.updated_at = now;
            tx.update_review(&review)?;
            let mut payment = tx.payment(&review.payment_id)?.ok_or_else(ApiError::internal)?;
            if payment.status != PaymentStatus::RequiresAction
                || payment.attempt_in_progress.as_deref() != Some(review.attempt_id.as_str())
            {
                return Err(ApiError::internal());
            }
            let buyer = tx.user(&payment.buyer_user_id)?.ok_or_else(ApiError::internal)?;
            let locale = crate::i18n::locale_of(buyer.locale.as_deref());
            let what = paid_for(tx, &payment, locale)?;
            let amount = money_text(locale, payment.amount, &payment.currency);
            let (subject, text, decided) = if approve {
                let proceed = proceed_after_verification(tx, payment, &review.attempt_id, now)?;
                (
                    crate::tr_in!(locale, "message-document-accepted-subject"),
                    crate::tr_in!(locale, "message-document-accepted-body", amount = amount, what = what),
                    Decided::Approved(proceed),
                )
            } else {
                let error = rejected_error(note.as_deref().unwrap_or_default());
                fail_attempt(tx, &mut payment, &review.attempt_id, &error, "verification_failed", None, now)?;
                (
                    crate::tr_in!(locale, "message-document-rejected-subject"),
                    crate::tr_in!(
                        locale,
                        "message-document-rejected-body",
                        amount = amount,
                        what = what,
                        note = note.as_deref().unwrap_or_default()
                    ),
                    Decided::Rejected,
                )
            };
            tx.enqueue_message(
                &NewOutboxMessage {
                    channel: "email",
                    recipient: &buyer.email,
                    subject: &subject,
                    body: &text,
                    code: None,
                },
                now,
            )?;
            Ok((decided, review.payment_id))
        })
        .await?;
    let (decided, payment_id) = decided;
    tracing::info!(review = %id, outcome = if approve { "approved" } else { "rejected" }, "document review decided");
    state.failpoint("review.decided");
    if let Decided::Approved(proceed) = decided {
        // The payment authorizes now, as after a code; its outcome shows on the payment.
        let _ = authorize_verified(&state, None, &payment_id, proceed).await?;
    }
    let shown = review_with_payment(&state, id).await?;
    Ok(record_answer(&state, idem.map(|e| e.0), ApiResponse::ok(shown)).await)
}

/// A review with its payment as it stands.
async fn review_with_payment(state: &AppState, id: String) -> Result<Value, ApiError> {
    let shown = state
        .store
        .read(move |tx| {
            let Some(review) = tx.review(&id)? else { return Ok(Err(ApiError::not_found("review"))) };
            let mut shown = review_view(tx, &review)?;
            Ok(payment_view(tx, &review.payment_id).map(|payment| {
                shown["payment"] = payment;
                shown
            }))
        })
        .await??;
    Ok(shown)
}

/// The failure of a payment whose document was rejected.
fn rejected_error(note: &str) -> ApiError {
    ApiError::payment(&domain::declines::PaymentFailure::VerificationFailed { tries_left: 0 })
        .with_message(crate::msg!("error-document-rejected", note = note))
        .with_advice_msgs(vec![
            crate::msg!("error-document-rejected.advice"),
            crate::msg!("error-document-rejected.advice-other-way"),
        ])
}
