//! Buyers' pages: the step a payment may need before the bank is asked — a one-time code (or the
//! answers to the buyer's security questions instead), or a document to upload and its review.

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};

use super::*;
use crate::tr;
use crate::web::{same_origin, Web};

pub async fn verify_page(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/payments/{id}/verify")) {
        return r;
    }
    let notice = notice_from(&q);
    render_verify(ctx, &id, FormErrors::none(), &notice).await
}

pub(crate) async fn render_verify(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str) -> Response {
    let payment = ctx.api(Method::GET, &format!("/v1/payments/{}", url_encode(id)), None, None).await;
    if !payment.ok() {
        return ctx.failure(&payment);
    }
    let payment = payment.body;
    let (what, order) = paid_by(&payment);
    if payment["status"] != "requires_action" {
        if errors.error.is_some() {
            // The code failed for good (too many tries or expired): back to checkout with the reason.
            let mut values = HashMap::new();
            values.insert("method".to_owned(), "new".to_owned());
            return render_paying(ctx, what, &order, errors, &values).await;
        }
        return ctx.redirect(&what.path(&order));
    }
    let action = &payment["next_action"];
    if action["type"] == "document_review" {
        return document_step(&mut ctx, &payment, &errors, notice);
    }
    let alternatives = if action["alternatives"].as_array().is_some_and(|a| a.contains(&json!("security_questions"))) {
        crate::web::verification::answers_form(&mut ctx, id).await
    } else {
        String::new()
    };
    // Say who asked for the code and why: our own rules, or the buyer's bank.
    let reasons: Vec<&str> =
        action["reasons"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let why = if reasons == ["issuer_demand"] {
        crate::tr!("shop-verify-why-bank")
    } else {
        let words: Vec<String> = reasons.iter().filter_map(|r| step_up_words(r)).collect();
        crate::tr!("shop-verify-why-safety", reasons = words.join("; "))
    };
    // Offer only the channels this person has: SMS needs a phone number on the account.
    let has_phone = ctx.user()["phone"].as_str().is_some_and(|p| !p.is_empty());
    let (email, sms) = (crate::tr!("shop-channel-email"), crate::tr!("shop-channel-sms"));
    let channels: &[(&str, &str)] =
        if has_phone { &[("email", email.as_str()), ("sms", sms.as_str())] } else { &[("email", email.as_str())] };
    let body = format!(
        r#"{notice}<p>{intro}</p>
<p>{sent}</p>
{top}<form method="post" action="/payments/{id}/verify" class="panel">{hidden}
{code}
<div class="actions"><button type="submit">{confirm}</button></div></form>
<form method="post" action="/payments/{id}/resend" class="panel">{hidden2}
{channel_select}
<div class="actions"><button type="submit" class="secondary">{resend}</button></div></form>{alternatives}"#,
        intro = html_of(
            &crate::tr!("shop-verify-intro", why = why, amount = slot("amount")),
            &[("amount", &format!("<strong>{}</strong>", money_of(&payment, "amount")))]
        ),
        sent = html_of(
            &crate::tr!(
                "shop-verify-sent",
                channel = action["channel"].as_str().unwrap_or("email"),
                sent_to = slot("sent_to"),
                expires = action["expires_at"].as_i64().map(datetime).unwrap_or_default(),
                left = plain(&action["attempts_left"]),
            ),
            &[("sent_to", &format!("<strong>{}</strong>", s(&action["sent_to"])))]
        ),
        confirm = esc(&crate::tr!("shop-verify-confirm")),
        resend = esc(&crate::tr!("shop-verify-resend")),
        top = top_error(&errors, &["code"]),
        id = url_encode(id),
        hidden = form_hidden(&mut ctx),
        hidden2 = form_hidden(&mut ctx),
        code = field(
            &crate::tr!("shop-verify-code"),
            "code",
            Input { autocomplete: "one-time-code", extra: r#"inputmode="numeric" maxlength="6""#, ..Input::default() },
            &errors,
            &["code"]
        ),
        channel_select = select(
            &crate::tr!("shop-verify-send-by"),
            "channel",
            channels,
            action["channel"].as_str().unwrap_or("email"),
            &FormErrors::none()
        ),
    );
    ctx.page(&crate::tr!("shop-verify-title"), &body)
}

/// Why a payment was stepped up, in words (`None` for the bank's own demand, said apart).
fn step_up_words(reason: &str) -> Option<String> {
    Some(match reason {
        "new_card" => crate::tr!("shop-step-up-new-card"),
        "large_amount" => crate::tr!("shop-step-up-large-amount"),
        "foreign_card" => crate::tr!("shop-step-up-foreign-card"),
        "velocity" => crate::tr!("shop-step-up-velocity"),
        "issuer_demand" => crate::tr!("shop-step-up-issuer-demand"),
        _ => return None,
    })
}

pub async fn verify(Path(id): Path<String>, p: Posted) -> Response {
    let body = if p.get("method") == "answers" {
        crate::web::verification::answers_body(&p.fields)
    } else {
        json!({ "code": p.get("code") })
    };
    let answer = p
        .ctx
        .api(Method::POST, &format!("/v1/payments/{}/verify", url_encode(&id)), Some(body), p.key().as_deref())
        .await;
    if answer.ok() {
        let (what, paid) = paid_by(&answer.body);
        return p.ctx.redirect(&format!("{}?notice=paid", what.path(&paid)));
    }
    render_verify(p.ctx, &id, FormErrors::of(answer.error()), "").await
}

pub async fn resend_code(Path(id): Path<String>, p: Posted) -> Response {
    let body = json!({ "channel": p.get("channel") });
    let answer = p
        .ctx
        .api(Method::POST, &format!("/v1/payments/{}/resend_code", url_encode(&id)), Some(body), p.key().as_deref())
        .await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/payments/{}/verify?notice=code_sent", url_encode(&id)));
    }
    render_verify(p.ctx, &id, FormErrors::of(answer.error()), "").await
}

// ---- The document step of a payment --------------------------------------------------------------

/// The code page when the payment waits for a document: the upload form, or the wait for the review.
fn document_step(ctx: &mut Ctx, payment: &Value, errors: &FormErrors, notice: &str) -> Response {
    let action = &payment["next_action"];
    let id = s(&payment["id"]);
    let order = s(&payment["order"]);
    let reasons: Vec<String> =
        action["reasons"].as_array().map(|r| crate::web::verification::reason_list(r)).unwrap_or_default();
    let check = html_of(
        &tr!("verification-document-why", amount = slot("amount"), why = slot("why")),
        &[("amount", format!("<strong>{}</strong>", money_of(payment, "amount"))), ("why", esc(&reasons.join("; ")))],
    );
    let mut body = format!("{notice}<p>{check}</p>");
    if action["status"] == "in_review" {
        let expires = action["expires_at"].as_i64().map(datetime).unwrap_or_default();
        let _ = write!(
            body,
            r#"<div class="panel" role="status"><p><strong>{reviewed}</strong> {answer}</p>
<p>{meanwhile}</p></div>
<p><a href="/orders/{order}">{back}</a></p>"#,
            reviewed = esc(&tr!("verification-document-in-review")),
            answer = esc(&tr!("verification-document-in-review-answer")),
            meanwhile = html_of(
                &tr!("verification-document-in-review-meanwhile", expires = slot("expires")),
                &[("expires", &expires)]
            ),
            back = esc(&tr!("verification-back-to-order")),
            order = url_encode(&order),
        );
        return ctx.page(&tr!("verification-document-in-review-title"), &body);
    }
    let pay_link = format!(
        r#"<a href="/orders/{}/pay">{}</a>"#,
        url_encode(&order),
        esc(&tr!("verification-pay-another-way-link"))
    );
    let _ = write!(
        body,
        r#"<p>{upload}
{kept}</p>
<form method="post" action="/payments/{pid}/document" enctype="multipart/form-data" class="panel">{hidden}{top}
<div class="field{error_class}"><label for="f-file">{label}</label>{file_error}<input id="f-file" name="file" type="file" accept="image/jpeg,image/png,application/pdf" required></div>
<div class="actions"><button type="submit">{send}</button></div></form>
<p>{another}</p>"#,
        upload = esc(&tr!("verification-document-upload")),
        kept = esc(&tr!("verification-document-kept")),
        label = esc(&tr!("verification-document-label")),
        send = esc(&tr!("verification-document-send")),
        another = html_of(&tr!("verification-pay-another-way", link = slot("link")), &[("link", &pay_link)]),
        pid = url_encode(&id),
        hidden = form_hidden(ctx),
        top = top_error(errors, &["file"]),
        error_class = if errors.for_field(&["file"]).is_some() { " has-error" } else { "" },
        file_error = errors.for_field(&["file"]).map(|e| e.render("f-file-error")).unwrap_or_default(),
    );
    ctx.page(&tr!("verification-document-title"), &body)
}

/// Uploads the buyer's document: the form is read here (origin and CSRF checked, as every form),
/// then its file is sent to the API as a new multipart body.
pub async fn upload_document(State(web): State<Web>, Path(id): Path<String>, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let mut ctx = match Ctx::from_request_parts(&mut parts, &web).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = ctx.require_buyer(&format!("/payments/{id}/verify")) {
        return r;
    }
    if !same_origin(&parts.headers) {
        return ctx.forbidden(&tr!("verification-form-other-site"));
    }
    let mut multipart = match Multipart::from_request(Request::from_parts(parts, body), &web).await {
        Ok(m) => m,
        Err(_) => {
            let body = format!("<p>{}</p>", esc(&tr!("verification-form-unreadable")));
            return ctx.page_with_status(StatusCode::BAD_REQUEST, &tr!("verification-form-bad-title"), &body);
        }
    };
    let (mut csrf, mut key, mut file) = (String::new(), String::new(), None);
    let mut too_large = false;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) => match name.as_str() {
                        "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                        "idempotency_key" => key = String::from_utf8_lossy(&bytes).into_owned(),
                        "file" => file = Some(bytes),
                        _ => {}
                    },
                    Err(e) => {
                        too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                        break;
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    let expected = ctx.csrf();
    if !crate::secrets::constant_time_eq(expected.as_bytes(), csrf.as_bytes()) {
        let body = format!("<p>{}</p>", esc(&tr!("verification-form-expired")));
        return ctx.page_with_status(StatusCode::FORBIDDEN, &tr!("verification-form-expired-title"), &body);
    }
    let errors = if too_large {
        let mut e = ErrorView::local("file", &tr!("verification-file-too-large"));
        e.advice = vec![tr!("verification-file-too-large-advice")];
        Some(FormErrors::of(e))
    } else if file.as_ref().is_none_or(|f| f.is_empty()) {
        Some(FormErrors::of(ErrorView::local("file", &tr!("verification-file-missing"))))
    } else {
        None
    };
    if errors.is_none() {
        let boundary = crate::secrets::random_id("boundary");
        let mut upload = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"document\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        upload.extend_from_slice(file.as_deref().unwrap_or_default());
        upload.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let path = format!("/v1/payments/{}/documents", url_encode(&id));
        let key = (!key.is_empty() && key.len() <= 100).then_some(key);
        let (status, _, bytes) = ctx.send(Method::POST, &path, Some(&content_type), upload, key.as_deref(), None).await;
        if status.is_success() {
            return ctx.redirect(&format!("/payments/{}/verify?notice=document_sent", url_encode(&id)));
        }
        let answer = crate::web::Answer { status, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        return render_verify(ctx, &id, FormErrors::of(answer.error()), "").await;
    }
    render_verify(ctx, &id, errors.unwrap_or_else(FormErrors::none), "").await
}
