//! Buyers' pages: support tickets (buyers and operators).

use super::*;

pub async fn tickets_page(ctx: Ctx, Query(q): Q) -> Response {
    if ctx.role().is_none() {
        return ctx.redirect("/login?next=/tickets");
    }
    let order_number = q.get("order").cloned().unwrap_or_default();
    let notice = notice_from(&q);
    render_tickets(ctx, FormErrors::none(), &order_number, &notice, &Paging::of(&q)).await
}

pub(super) async fn render_tickets(
    mut ctx: Ctx,
    errors: FormErrors,
    order_number: &str,
    notice: &str,
    paging: &Paging,
) -> Response {
    let answer = ctx.api(Method::GET, &paging.api_path("/v1/tickets", PAGE_ROWS), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mut body = notice.to_owned();
    let tickets = answer.data();
    if tickets.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&crate::tr!("tickets-empty")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
            esc(&crate::tr!("tickets-subject")),
            esc(&crate::tr!("tickets-col-status")),
            esc(&crate::tr!("tickets-col-updated"))
        );
        for t in &tickets {
            let _ = write!(
                body,
                r#"<tr><td><a href="/tickets/{}">{}</a></td><td>{}</td><td>{}</td></tr>"#,
                url_encode(t["id"].as_str().unwrap_or("")),
                s(&t["subject"]),
                badge(t["status"].as_str().unwrap_or("")),
                date_of(&t["updated"])
            );
        }
        body.push_str("</tbody></table></div>");
    }
    body.push_str(&paging.links("/tickets", &answer.body));
    if ctx.role() == Some("buyer") {
        let _ = write!(
            body,
            r#"<h2>{write}</h2>{top}<form method="post" action="/tickets" class="panel">{hidden}{order}{subject}{message}<div class="actions"><button type="submit">{send}</button></div></form>"#,
            write = esc(&crate::tr!("tickets-write-title")),
            send = esc(&crate::tr!("tickets-send")),
            top = top_error(&errors, &["order_number", "subject", "message"]),
            hidden = form_hidden(&mut ctx),
            order = field(
                &crate::tr!("tickets-order-number"),
                "order_number",
                Input { value: order_number, ..Input::default() },
                &errors,
                &["order_number"]
            ),
            subject = field(
                &crate::tr!("tickets-subject"),
                "subject",
                Input { required: true, ..Input::default() },
                &errors,
                &["subject"]
            ),
            message = textarea(&crate::tr!("tickets-message"), "message", "", true, &errors),
        );
    }
    ctx.page(&crate::tr!("tickets-title"), &body)
}

pub async fn open_ticket(p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/tickets") {
        return r;
    }
    let mut body = json!({ "subject": p.get("subject"), "message": p.get("message") });
    let number = p.get("order_number");
    if !number.is_empty() {
        body["order_number"] = json!(number);
    }
    let answer = p.ctx.api(Method::POST, "/v1/tickets", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        let id = answer.body["id"].as_str().unwrap_or("");
        return p.ctx.redirect(&format!("/tickets/{}?notice=ticket_opened", url_encode(id)));
    }
    render_tickets(p.ctx, FormErrors::of(answer.error()), &number, "", &Paging::of(&HashMap::new())).await
}

pub async fn ticket_page(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if ctx.role().is_none() {
        return ctx.redirect(&format!("/login?next=/tickets/{}", url_encode(&id)));
    }
    let notice = notice_from(&q);
    render_ticket(ctx, &id, FormErrors::none(), &notice).await
}

pub(super) async fn render_ticket(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str) -> Response {
    let answer = ctx.api(Method::GET, &format!("/v1/tickets/{}", url_encode(id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let t = answer.body;
    let mut body = format!("{notice}<p>{}</p>", badge(t["status"].as_str().unwrap_or("")));
    for m in t["messages"].as_array().cloned().unwrap_or_default() {
        let _ = write!(
            body,
            r#"<div class="panel message"><p class="muted">{} · {}</p><p>{}</p></div>"#,
            words(m["author"].as_str().unwrap_or("")),
            m["created"].as_i64().map(datetime).unwrap_or_default(),
            s(&m["body"])
        );
    }
    let _ = write!(
        body,
        r#"{top}<form method="post" action="/tickets/{tid}" class="panel">{hidden}{message}<div class="actions"><button type="submit">{reply}</button></div></form>"#,
        reply = esc(&crate::tr!("tickets-reply")),
        top = top_error(&errors, &["message"]),
        tid = url_encode(id),
        hidden = form_hidden(&mut ctx),
        message = textarea(&crate::tr!("tickets-your-reply"), "message", "", true, &errors),
    );
    let title = t["subject"].as_str().map(str::to_owned).unwrap_or_else(|| crate::tr!("tickets-ticket"));
    ctx.page(&title, &body)
}

pub async fn reply_ticket(Path(id): Path<String>, p: Posted) -> Response {
    if p.ctx.role().is_none() {
        return p.ctx.redirect("/login");
    }
    let answer = p
        .ctx
        .api(
            Method::POST,
            &format!("/v1/tickets/{}/messages", url_encode(&id)),
            Some(json!({ "message": p.get("message") })),
            p.key().as_deref(),
        )
        .await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/tickets/{}?notice=replied", url_encode(&id)));
    }
    render_ticket(p.ctx, &id, FormErrors::of(answer.error()), "").await
}
