//! Pages of verification beyond codes: a buyer's security questions (set with the password, answered
//! on the code page instead of the code, `buyer/verify.rs`) and the operators' review queue with each
//! document shown inline and the decision. The payment's own step (code, answers or document) is
//! `buyer/verify.rs`.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::html::{datetime, esc, field, html_of, money_of, s, select, slot, textarea, words, FormErrors, Input};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, top_error, url_encode, Ctx, Posted};
use crate::tr;

type Q = Query<HashMap<String, String>>;

/// The largest answer a page passes through beyond a JSON answer: a document.
pub const DOCUMENT_PAGE_BYTES_MAX: usize = domain::verification::DOCUMENT_BYTES_MAX + 4096;
/// Rows of the question form.
const QUESTION_ROWS: usize = domain::verification::QUESTIONS_MAX;

// ---- A buyer's security questions -------------------------------------------------------------

pub async fn questions_page(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/security-questions") {
        return r;
    }
    let notice = notice_from(&q);
    render_questions(ctx, FormErrors::none(), &HashMap::new(), &notice).await
}

async fn render_questions(
    mut ctx: Ctx,
    errors: FormErrors,
    values: &HashMap<String, String>,
    notice: &str,
) -> Response {
    let presets = ctx.api(Method::GET, "/v1/security_questions", None, None).await;
    let mine = ctx.api(Method::GET, "/v1/me/security_questions", None, None).await;
    if !presets.ok() || !mine.ok() {
        return ctx.failure(if presets.ok() { &mine } else { &presets });
    }
    let current = mine.body["questions"].as_array().cloned().unwrap_or_default();
    let mut body = String::from(notice);
    let _ = write!(body, "<p>{}</p>", esc(&tr!("verification-questions-intro")));
    if current.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("verification-questions-none")));
    } else {
        let _ = write!(body, "<h2>{}</h2><ol>", esc(&tr!("verification-questions-yours")));
        for q in &current {
            let text = q["question"].as_str().unwrap_or("");
            let _ = write!(body, "<li>{}</li>", esc(&preset_text(text).unwrap_or_else(|| text.to_owned())));
        }
        let _ = write!(body, "</ol><h2>{}</h2>", esc(&tr!("verification-questions-change")));
    }
    let presets = presets.data();
    let mut options: Vec<(String, String)> = vec![(String::new(), tr!("verification-question-choose"))];
    // `select` escapes its texts itself. The value sent stays the preset's id; only its label is translated.
    options.extend(presets.iter().map(|p| {
        let id = p["id"].as_str().unwrap_or("");
        (id.to_owned(), preset_text(id).unwrap_or_else(|| p["question"].as_str().unwrap_or("").to_owned()))
    }));
    options.push(("own".into(), tr!("verification-question-write-own")));
    let _ = write!(
        body,
        r#"<form method="post" action="/security-questions" class="panel">{hidden}{top}<p class="hint">{hint}</p>"#,
        hidden = form_hidden(&mut ctx),
        top = top_error(&errors, &["questions", "password"]),
        hint = esc(&tr!("verification-questions-hint")),
    );
    let own_hint = tr!("verification-question-own-hint");
    for i in 0..QUESTION_ROWS {
        let pairs: Vec<(&str, &str)> = options.iter().map(|(v, t)| (v.as_str(), t.as_str())).collect();
        let chosen = values.get(&format!("q{i}")).map(String::as_str).unwrap_or("");
        let number = i + 1;
        let label = if number == QUESTION_ROWS {
            tr!("verification-question-number-optional", number = number)
        } else {
            tr!("verification-question-number", number = number)
        };
        let _ = write!(body, r#"<fieldset><legend>{}</legend>"#, esc(&label));
        body.push_str(&select(
            &tr!("verification-question-number", number = number),
            &format!("q{i}"),
            &pairs,
            chosen,
            &FormErrors::none(),
        ));
        let question_param = format!("questions[{i}].question");
        let answer_param = format!("questions[{i}].answer");
        let own = values.get(&format!("own{i}")).cloned().unwrap_or_default();
        body.push_str(&field(
            &tr!("verification-question-own"),
            &format!("own{i}"),
            Input { value: &own, hint: &own_hint, ..Input::default() },
            &errors,
            &[&question_param],
        ));
        body.push_str(&field(
            &tr!("verification-answer-number", number = number),
            &format!("a{i}"),
            Input { autocomplete: "off", ..Input::default() },
            &errors,
            &[&answer_param],
        ));
        body.push_str("</fieldset>");
    }
    body.push_str(&field(
        &tr!("verification-your-password"),
        "password",
        Input { kind: "password", required: true, autocomplete: "current-password", ..Input::default() },
        &errors,
        &["password"],
    ));
    let _ = write!(
        body,
        r#"<div class="actions"><button type="submit">{}</button></div></form>"#,
        esc(&tr!("verification-questions-save"))
    );
    ctx.page(&tr!("verification-questions-title"), &body)
}

/// A preset question in the reader's language, found by its id or by the English text the API keeps;
/// `None` for a question the buyer wrote (shown as they wrote it).
fn preset_text(id_or_text: &str) -> Option<String> {
    let (id, _) =
        domain::verification::PRESET_QUESTIONS.iter().find(|(id, text)| *id == id_or_text || *text == id_or_text)?;
    Some(match *id {
        "first_school" => tr!("verification-preset-first-school"),
        "childhood_street" => tr!("verification-preset-childhood-street"),
        "first_pet" => tr!("verification-preset-first-pet"),
        "parents_meeting_city" => tr!("verification-preset-parents-meeting-city"),
        "childhood_friend" => tr!("verification-preset-childhood-friend"),
        "first_job" => tr!("verification-preset-first-job"),
        _ => return None,
    })
}

pub async fn save_questions(p: Posted) -> Response {
    let mut questions = Vec::new();
    for i in 0..QUESTION_ROWS {
        let choice = p.get(&format!("q{i}"));
        let question = if choice == "own" { p.get(&format!("own{i}")) } else { choice };
        let answer = p.raw(&format!("a{i}"));
        if question.is_empty() && answer.trim().is_empty() {
            continue;
        }
        questions.push(json!({ "question": question, "answer": answer }));
    }
    let body = json!({ "password": p.raw("password"), "questions": questions });
    let answer = p.ctx.api(Method::PUT, "/v1/me/security_questions", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect("/security-questions?notice=questions_saved");
    }
    // Typed answers and the password are never written back into the page.
    let values: HashMap<String, String> = p
        .fields
        .iter()
        .filter(|(k, _)| k.starts_with('q') || k.starts_with("own"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    render_questions(p.ctx, FormErrors::of(answer.error()), &values, "").await
}

/// On the code page: the buyer's questions to answer instead of the code, when they set some.
/// (An error of a submitted answer shows above the page's forms, with the code's.)
pub(crate) async fn answers_form(ctx: &mut Ctx, payment_id: &str) -> String {
    let mine = ctx.api(Method::GET, "/v1/me/security_questions", None, None).await;
    let questions = mine.body["questions"].as_array().cloned().unwrap_or_default();
    if questions.is_empty() {
        return String::new();
    }
    let mut out = format!(
        r#"<h2>{heading}</h2>
<form method="post" action="/payments/{id}/verify" class="panel">{hidden}<input type="hidden" name="method" value="answers">"#,
        heading = esc(&tr!("verification-answers-heading")),
        id = url_encode(payment_id),
        hidden = form_hidden(ctx),
    );
    for q in &questions {
        let qid = s(&q["id"]);
        let text = q["question"].as_str().unwrap_or("");
        out.push_str(&field(
            &preset_text(text).unwrap_or_else(|| text.to_owned()),
            &format!("answer_{qid}"),
            Input { autocomplete: "off", required: true, ..Input::default() },
            &FormErrors::none(),
            &[],
        ));
    }
    let _ = write!(
        out,
        r#"<div class="actions"><button type="submit">{}</button></div></form>"#,
        esc(&tr!("verification-answers-confirm"))
    );
    out
}

/// The verify call's body for the answers form.
pub(crate) fn answers_body(fields: &HashMap<String, String>) -> Value {
    let mut answers: Vec<(&String, &String)> = fields.iter().filter(|(k, _)| k.starts_with("answer_")).collect();
    answers.sort();
    let answers: Vec<Value> =
        answers.into_iter().map(|(k, v)| json!({ "question": k.trim_start_matches("answer_"), "answer": v })).collect();
    json!({ "answers": answers })
}

/// The reasons in words, each once.
pub(crate) fn reason_list(reasons: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for words in reasons.iter().filter_map(Value::as_str).map(reason_words) {
        if !out.contains(&words) {
            out.push(words);
        }
    }
    out
}

fn reason_words(reason: &str) -> String {
    match reason {
        "document_amount" => tr!("verification-reason-document-amount"),
        "code_tries_used" => tr!("verification-reason-code-tries-used"),
        "new_card" => tr!("verification-reason-new-card"),
        "large_amount" => tr!("verification-reason-large-amount"),
        "foreign_card" => tr!("verification-reason-foreign-card"),
        "velocity" => tr!("verification-reason-velocity"),
        "issuer_demand" => tr!("verification-reason-issuer-demand"),
        other => words(other),
    }
}

// ---- Operators: the review queue ------------------------------------------------------------------

pub async fn reviews(mut ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator("/operator/reviews") {
        return r;
    }
    let (queue_paging, recent_paging) = (Paging::named(&q, "queue_"), Paging::of(&q));
    let queue =
        ctx.api(Method::GET, &queue_paging.api_path("/v1/reviews?status=in_review", PAGE_ROWS), None, None).await;
    let recent = ctx.api(Method::GET, &recent_paging.api_path("/v1/reviews", PAGE_ROWS), None, None).await;
    if !queue.ok() || !recent.ok() {
        return ctx.failure(if queue.ok() { &recent } else { &queue });
    }
    let mut body = notice_from(&q);
    let _ = write!(body, "<h2>{}</h2>", esc(&tr!("verification-reviews-to-decide")));
    let waiting = queue.data();
    if waiting.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("verification-reviews-none-waiting")));
    } else {
        body.push_str(&review_table(&waiting));
    }
    body.push_str(&queue_paging.links("/operator/reviews", &queue.body));
    let _ = write!(body, "<h2>{}</h2>", esc(&tr!("verification-reviews-all")));
    body.push_str(&review_table(&recent.data()));
    body.push_str(&recent_paging.links("/operator/reviews", &recent.body));
    let _ = &mut ctx;
    ctx.page(&tr!("verification-reviews-title"), &body)
}

fn review_table(rows: &[Value]) -> String {
    let mut out = String::from("<table><thead><tr>");
    for heading in [
        tr!("verification-col-review"),
        tr!("verification-col-buyer"),
        tr!("verification-col-amount"),
        tr!("verification-col-why"),
        tr!("verification-col-status"),
        tr!("verification-col-sent"),
    ] {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(&heading));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        let reasons: Vec<String> = r["reasons"].as_array().map(|a| reason_list(a)).unwrap_or_default();
        let _ = write!(
            out,
            r#"<tr><td><a href="/operator/reviews/{id}">{rid}</a></td><td>{buyer}</td><td>{amount}</td><td>{why}</td><td>{status}</td><td>{sent}</td></tr>"#,
            id = url_encode(&s(&r["id"])),
            rid = s(&r["id"]),
            buyer = s(&r["buyer_email"]),
            amount = money_of(r, "amount"),
            why = esc(&reasons.join("; ")),
            status = words(r["status"].as_str().unwrap_or("")),
            sent = r["submitted_at"].as_i64().map(datetime).unwrap_or_else(|| "—".into()),
        );
    }
    out.push_str("</tbody></table>");
    out
}

pub async fn review(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator(&format!("/operator/reviews/{id}")) {
        return r;
    }
    let notice = notice_from(&q);
    render_review(ctx, &id, FormErrors::none(), &notice).await
}

async fn render_review(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str) -> Response {
    let answer = ctx.api(Method::GET, &format!("/v1/reviews/{}", url_encode(id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let r = answer.body;
    let document_url = format!("/operator/reviews/{}/document", url_encode(id));
    let reasons: Vec<String> = r["reasons"].as_array().map(|a| reason_list(a)).unwrap_or_default();
    let mut body = format!(
        r#"{notice}<dl class="facts"><dt>{t_buyer}</dt><dd>{buyer}</dd><dt>{t_order}</dt><dd>{order}</dd><dt>{t_payment}</dt><dd>{payment}</dd><dt>{t_amount}</dt><dd>{amount}</dd><dt>{t_why}</dt><dd>{why}</dd>
<dt>{t_status}</dt><dd>{status}</dd><dt>{t_decide_by}</dt><dd>{expires}</dd></dl>"#,
        t_buyer = esc(&tr!("verification-col-buyer")),
        t_order = esc(&tr!("verification-review-order")),
        t_payment = esc(&tr!("verification-review-payment")),
        t_amount = esc(&tr!("verification-col-amount")),
        t_why = esc(&tr!("verification-col-why")),
        t_status = esc(&tr!("verification-col-status")),
        t_decide_by = esc(&tr!("verification-review-decide-by")),
        buyer = s(&r["buyer_email"]),
        order = s(&r["order"]["number"]),
        payment = s(&r["payment"]),
        amount = money_of(&r, "amount"),
        why = esc(&reasons.join("; ")),
        status = words(r["status"].as_str().unwrap_or("")),
        expires = r["expires_at"].as_i64().map(datetime).unwrap_or_default(),
    );
    let kind = r["document"]["type"].as_str().unwrap_or("");
    if r["document"]["deleted"] == true {
        let deleted = r["document_deleted_at"].as_i64().map(datetime).unwrap_or_default();
        let _ = write!(
            body,
            "<p>{}</p>",
            html_of(&tr!("verification-review-document-deleted", date = slot("date")), &[("date", &deleted)])
        );
    } else if kind == "application/pdf" {
        let _ = write!(
            body,
            r#"<iframe class="document" src="{document_url}" title="{}"></iframe><p><a href="{document_url}">{}</a></p>"#,
            esc(&tr!("verification-review-document-pdf")),
            esc(&tr!("verification-review-open-pdf"))
        );
    } else if !kind.is_empty() {
        let _ = write!(
            body,
            r#"<p><img class="document" src="{document_url}" alt="{}"></p>"#,
            esc(&tr!("verification-review-document"))
        );
    } else {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("verification-review-no-document")));
    }
    if r["status"] == "in_review" {
        let _ = write!(
            body,
            r#"<form method="post" action="/operator/reviews/{rid}/decide" class="panel">{hidden}{top}{note}
<p class="hint">{hint}</p>
<div class="actions"><button type="submit" name="outcome" value="approve">{approve}</button> <button type="submit" name="outcome" value="reject" class="secondary">{reject}</button></div></form>"#,
            hint = esc(&tr!("verification-review-decide-hint")),
            approve = esc(&tr!("verification-review-approve")),
            reject = esc(&tr!("verification-review-reject")),
            rid = url_encode(id),
            hidden = form_hidden(&mut ctx),
            top = top_error(&errors, &["note", "outcome"]),
            note = textarea(&tr!("verification-review-note"), "note", "", false, &errors),
        );
    } else if let Some(decided) = r["decided_at"].as_i64() {
        let on = html_of(&tr!("verification-review-decided-on", date = slot("date")), &[("date", datetime(decided))]);
        let _ = write!(body, "<p>{on} {}</p>", s(&r["note"]));
    }
    let _ = write!(body, r#"<p><a href="/operator/reviews">{}</a></p>"#, esc(&tr!("verification-reviews-all")));
    let mut response = ctx.page(&tr!("verification-review-title"), &body);
    // This page alone may frame our own document (a PDF).
    if let Ok(v) = HeaderValue::from_str(&format!("{}; frame-src 'self'", super::PAGE_CSP)) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// The document itself, passed through from the API for the review page (an image or a framed PDF).
pub async fn document(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Err(r) = ctx.require_operator(&format!("/operator/reviews/{id}")) {
        return r;
    }
    let path = format!("/v1/reviews/{}/document", url_encode(&id));
    let (status, headers, bytes) = ctx.send(Method::GET, &path, None, Vec::new(), None, None).await;
    if !status.is_success() {
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        return ctx.failure(&super::Answer { status, body });
    }
    let mut response = Body::from(bytes).into_response();
    let h = response.headers_mut();
    for name in [header::CONTENT_TYPE, header::CONTENT_DISPOSITION] {
        if let Some(v) = headers.get(&name) {
            h.insert(name, v.clone());
        }
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn decide(Path(id): Path<String>, p: Posted) -> Response {
    let outcome = p.get("outcome");
    let note = p.get("note");
    let body =
        if note.is_empty() { json!({ "outcome": outcome }) } else { json!({ "outcome": outcome, "note": note }) };
    let answer = p
        .ctx
        .api(Method::POST, &format!("/v1/reviews/{}/decide", url_encode(&id)), Some(body), p.key().as_deref())
        .await;
    if answer.ok() {
        let notice = if outcome == "approve" { "review_approved" } else { "review_rejected" };
        return p.ctx.redirect(&format!("/operator/reviews/{}?notice={notice}", url_encode(&id)));
    }
    render_review(p.ctx, &id, FormErrors::of(answer.error()), "").await
}
