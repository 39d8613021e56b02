//! Buyers' pages: accounts.

use super::*;

pub async fn signup_page(ctx: Ctx) -> Response {
    render_signup(ctx, FormErrors::none(), &HashMap::new())
}

pub(super) fn render_signup(mut ctx: Ctx, errors: FormErrors, values: &HashMap<String, String>) -> Response {
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let fields = ["email", "password", "phone", "country"];
    let body = format!(
        r#"{top}<form method="post" action="/signup" class="panel">{hidden}
{email}{password}{phone}{country}
<div class="actions"><button type="submit">{create}</button> <a href="/login">{have}</a></div></form>"#,
        create = esc(&crate::tr!("signup-create")),
        have = esc(&crate::tr!("signup-have-account")),
        top = top_error(&errors, &fields),
        hidden = form_hidden(&mut ctx),
        email = field(
            &crate::tr!("account-email"),
            "email",
            Input { kind: "email", value: &v("email"), required: true, autocomplete: "email", ..Input::default() },
            &errors,
            &["email"]
        ),
        password = field(
            &crate::tr!("account-password"),
            "password",
            Input {
                kind: "password",
                required: true,
                autocomplete: "new-password",
                hint: &crate::tr!("signup-password-hint"),
                ..Input::default()
            },
            &errors,
            &["password"]
        ),
        phone = field(
            &crate::tr!("signup-phone"),
            "phone",
            Input {
                kind: "tel",
                value: &v("phone"),
                autocomplete: "tel",
                hint: &crate::tr!("signup-phone-hint"),
                ..Input::default()
            },
            &errors,
            &["phone"]
        ),
        country = field(
            &crate::tr!("address-country"),
            "country",
            Input { value: &v("country"), autocomplete: "country", ..Input::default() },
            &errors,
            &["country"]
        ),
    );
    ctx.page(&crate::tr!("signup-title"), &body)
}

pub async fn signup(p: Posted) -> Response {
    let mut body = json!({ "email": p.get("email"), "password": p.raw("password") });
    for optional in ["phone", "country"] {
        let value = p.get(optional);
        if !value.is_empty() {
            body[optional] = json!(value);
        }
    }
    let answer = p.ctx.api(Method::POST, "/v1/users", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/verify-email?email={}", url_encode(&p.get("email"))));
    }
    let values = p.fields.clone();
    render_signup(p.ctx, FormErrors::of(answer.error()), &values)
}

pub async fn verify_email_page(ctx: Ctx, Query(q): Q) -> Response {
    let email = q.get("email").cloned().unwrap_or_default();
    render_verify_email(ctx, FormErrors::none(), &email, "")
}

pub(super) fn render_verify_email(mut ctx: Ctx, errors: FormErrors, email: &str, notice: &str) -> Response {
    let body = format!(
        r#"{notice}<p>{sent}</p>
{top}<form method="post" action="/verify-email" class="panel">{hidden}
<input type="hidden" name="email" value="{email_shown}">
{code}
<div class="actions"><button type="submit" name="action" value="verify">{verify}</button>
<button type="submit" name="action" value="resend" class="secondary" formnovalidate>{resend}</button></div></form>"#,
        sent = html_of(
            &crate::tr!("verify-email-sent", email = slot("email")),
            &[("email", format!("<strong>{}</strong>", esc(email)))],
        ),
        verify = esc(&crate::tr!("verify-email-button")),
        resend = esc(&crate::tr!("verify-email-resend")),
        notice = if notice.is_empty() { String::new() } else { crate::web::html::notice(notice) },
        email_shown = esc(email),
        top = top_error(&errors, &["code"]),
        hidden = form_hidden(&mut ctx),
        code = field(
            &crate::tr!("account-code"),
            "code",
            Input { autocomplete: "one-time-code", extra: r#"inputmode="numeric" maxlength="6""#, ..Input::default() },
            &errors,
            &["code"]
        ),
    );
    ctx.page(&crate::tr!("verify-email-title"), &body)
}

pub async fn verify_email(p: Posted) -> Response {
    let email = p.get("email");
    if p.get("action") == "resend" {
        let answer = p
            .ctx
            .api(Method::POST, "/v1/users/resend_verification", Some(json!({ "email": email })), p.key().as_deref())
            .await;
        let errors = if answer.ok() { FormErrors::none() } else { FormErrors::of(answer.error()) };
        let notice = if answer.ok() { crate::tr!("verify-email-resent") } else { String::new() };
        return render_verify_email(p.ctx, errors, &email, &notice);
    }
    let body = json!({ "email": email, "code": p.get("code") });
    let answer = p.ctx.api(Method::POST, "/v1/users/verify_email", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/login?notice=signed_up&email={}", url_encode(&email)));
    }
    render_verify_email(p.ctx, FormErrors::of(answer.error()), &email, "")
}

pub async fn login_page(ctx: Ctx, Query(q): Q) -> Response {
    let notice = notice_from(&q);
    let email = q.get("email").cloned().unwrap_or_default();
    let next = q.get("next").cloned().unwrap_or_default();
    render_login(ctx, FormErrors::none(), &email, &next, &notice)
}

pub(super) fn render_login(mut ctx: Ctx, errors: FormErrors, email: &str, next: &str, notice: &str) -> Response {
    let body = format!(
        r#"{notice}{top}<form method="post" action="/login" class="panel">{hidden}
<input type="hidden" name="next" value="{next}">
{email}{password}
<div class="actions"><button type="submit">{log_in}</button> <a href="/signup">{create}</a> <a href="/password-reset">{forgot}</a></div></form>"#,
        log_in = esc(&crate::tr!("login-button")),
        create = esc(&crate::tr!("login-create-account")),
        forgot = esc(&crate::tr!("login-forgot")),
        top = top_error(&errors, &["email", "password"]),
        hidden = form_hidden(&mut ctx),
        next = esc(next),
        email = field(
            &crate::tr!("account-email"),
            "email",
            Input { kind: "email", value: email, required: true, autocomplete: "username", ..Input::default() },
            &errors,
            &["email"]
        ),
        password = field(
            &crate::tr!("account-password"),
            "password",
            Input { kind: "password", required: true, autocomplete: "current-password", ..Input::default() },
            &errors,
            &["password"]
        ),
    );
    ctx.page(&crate::tr!("login-title"), &body)
}

pub async fn login(mut p: Posted) -> Response {
    let body = json!({ "email": p.get("email"), "password": p.raw("password") });
    let answer = p.ctx.api(Method::POST, "/v1/sessions", Some(body), None).await;
    let token = answer.body["token"].as_str().map(str::to_owned);
    match token {
        Some(token) if answer.ok() => {
            p.ctx.start_session(&token);
            let operator = answer.body["user"]["role"].as_str() == Some("operator");
            let next = p.get("next");
            let to = if !next.is_empty() {
                safe_next(&next)
            } else if operator {
                "/operator".to_owned()
            } else {
                // A seller starts on their shop's home (what to ship, claims to answer), not on the
                // buyer's Pocket.
                p.ctx.user = Some(answer.body["user"].clone());
                if p.ctx.merchant().await.is_some() {
                    "/seller".to_owned()
                } else {
                    "/pocket".to_owned()
                }
            };
            p.ctx.redirect(&to)
        }
        _ => {
            let (email, next) = (p.get("email"), p.get("next"));
            render_login(p.ctx, FormErrors::of(answer.error()), &email, &next, "")
        }
    }
}

pub async fn logout(mut p: Posted) -> Response {
    if p.ctx.token.is_some() {
        let _ = p.ctx.api(Method::DELETE, "/v1/sessions/current", None, None).await;
    }
    p.ctx.end_session();
    p.ctx.redirect("/")
}

pub async fn reset_page(ctx: Ctx, Query(q): Q) -> Response {
    let email = q.get("email").cloned().unwrap_or_default();
    render_reset(ctx, FormErrors::none(), &email)
}

fn render_reset(mut ctx: Ctx, errors: FormErrors, email: &str) -> Response {
    let body = format!(
        r#"<p>{intro}</p>
{top}<form method="post" action="/password-reset" class="panel">{hidden}{email}
<div class="actions"><button type="submit">{send}</button> <a href="/login">{back}</a></div></form>"#,
        intro = esc(&crate::tr!("reset-intro")),
        send = esc(&crate::tr!("reset-send")),
        back = esc(&crate::tr!("reset-back")),
        top = top_error(&errors, &["email"]),
        hidden = form_hidden(&mut ctx),
        email = field(
            &crate::tr!("account-email"),
            "email",
            Input { kind: "email", value: email, required: true, autocomplete: "username", ..Input::default() },
            &errors,
            &["email"]
        ),
    );
    ctx.page(&crate::tr!("reset-title"), &body)
}

pub async fn request_reset(p: Posted) -> Response {
    let email = p.get("email");
    let answer =
        p.ctx.api(Method::POST, "/v1/password_resets", Some(json!({ "email": email })), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/password-reset/confirm?notice=reset_sent&email={}", url_encode(&email)));
    }
    render_reset(p.ctx, FormErrors::of(answer.error()), &email)
}

pub async fn reset_confirm_page(ctx: Ctx, Query(q): Q) -> Response {
    let notice = notice_from(&q);
    let email = q.get("email").cloned().unwrap_or_default();
    render_reset_confirm(ctx, FormErrors::none(), &email, &notice)
}

fn render_reset_confirm(mut ctx: Ctx, errors: FormErrors, email: &str, notice: &str) -> Response {
    let body = format!(
        r#"{notice}{top}<form method="post" action="/password-reset/confirm" class="panel">{hidden}{email}{code}{password}
<p class="hint">{hint}</p>
<div class="actions"><button type="submit">{set}</button> <a href="/password-reset">{resend}</a></div></form>"#,
        hint = esc(&crate::tr!("reset-confirm-hint")),
        set = esc(&crate::tr!("reset-confirm-button")),
        resend = esc(&crate::tr!("verify-email-resend")),
        top = top_error(&errors, &["email", "code", "password"]),
        hidden = form_hidden(&mut ctx),
        email = field(
            &crate::tr!("account-email"),
            "email",
            Input { kind: "email", value: email, required: true, autocomplete: "username", ..Input::default() },
            &errors,
            &["email"]
        ),
        code = field(
            &crate::tr!("account-code"),
            "code",
            Input {
                autocomplete: "one-time-code",
                required: true,
                extra: r#"inputmode="numeric" maxlength="6""#,
                ..Input::default()
            },
            &errors,
            &["code"]
        ),
        password = field(
            &crate::tr!("reset-new-password"),
            "password",
            Input { kind: "password", required: true, autocomplete: "new-password", ..Input::default() },
            &errors,
            &["password"]
        ),
    );
    ctx.page(&crate::tr!("reset-confirm-title"), &body)
}

pub async fn confirm_reset(p: Posted) -> Response {
    let email = p.get("email");
    let body = json!({ "email": email, "code": p.get("code"), "password": p.raw("password") });
    let answer = p.ctx.api(Method::POST, "/v1/password_resets/confirm", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/login?notice=password_reset&email={}", url_encode(&email)));
    }
    render_reset_confirm(p.ctx, FormErrors::of(answer.error()), &email, "")
}
