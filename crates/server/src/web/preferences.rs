//! The language switcher and the settings page: language and time zone, saved with `PATCH /v1/me`
//! for a signed-in person, and in a cookie before sign-in.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::Method;
use axum::response::Response;
use serde_json::json;

use super::html::{esc, field, select, ErrorView, FormErrors, Input};
use super::{form_hidden, notice_from, safe_next, top_error, Ctx, Posted};
use crate::i18n::Locale;

/// Time zones offered first (any IANA name may be typed).
const COMMON_TIME_ZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Moscow",
    "Europe/Kyiv",
    "Asia/Almaty",
    "Asia/Yekaterinburg",
    "Asia/Novosibirsk",
    "Asia/Vladivostok",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Australia/Sydney",
];

/// `GET /language?locale=ru&next=/path`: the switcher's link before sign-in (a cookie, nothing else).
pub async fn choose_language(mut ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let next = safe_next(q.get("next").map(String::as_str).unwrap_or("/"));
    if let Some(locale) = q.get("locale").and_then(|l| Locale::parse(l)) {
        ctx.set_language_cookie(locale);
    }
    ctx.redirect(&next)
}

/// `POST /language`: the switcher's button after sign-in saves the person's language too.
pub async fn save_language(posted: Posted) -> Response {
    let mut ctx = posted.ctx;
    let next = safe_next(posted.fields.get("next").map(String::as_str).unwrap_or("/"));
    let Some(locale) = posted.fields.get("locale").and_then(|l| Locale::parse(l)) else { return ctx.redirect(&next) };
    if ctx.user.is_some() {
        let answer = ctx.api(Method::PATCH, "/v1/me", Some(json!({ "locale": locale.code() })), None).await;
        if !answer.ok() {
            return ctx.failure(&answer);
        }
    }
    ctx.set_language_cookie(locale);
    ctx.redirect(&next)
}

/// `GET /settings`.
pub async fn page(mut ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    if ctx.role().is_none() {
        return ctx.redirect("/login?next=/settings");
    }
    let locale = ctx.user()["locale"].as_str().unwrap_or("en").to_owned();
    let zone = ctx.user()["time_zone"].as_str().unwrap_or("UTC").to_owned();
    render(&mut ctx, &locale, &zone, &FormErrors::none(), &notice_from(&q))
}

fn render(ctx: &mut Ctx, locale: &str, zone: &str, errors: &FormErrors, notice: &str) -> Response {
    let languages: Vec<(&str, &str)> = Locale::ALL.iter().map(|l| (l.code(), l.own_name())).collect();
    let zones: String =
        COMMON_TIME_ZONES.iter().map(|z| format!(r#"<option value="{}"></option>"#, esc(z))).collect::<String>();
    let body = format!(
        r#"{notice}<form method="post" action="/settings" class="form">{hidden}{top}{language}{zone_field}<datalist id="time-zones">{zones}</datalist><button type="submit">{save}</button></form>"#,
        hidden = form_hidden(ctx),
        top = top_error(errors, &["locale", "time_zone"]),
        language = select(&crate::tr!("settings-language"), "locale", &languages, locale, errors),
        zone_field = field(
            &crate::tr!("settings-time-zone"),
            "time_zone",
            Input {
                value: zone,
                required: true,
                hint: &crate::tr!("settings-time-zone-hint"),
                extra: r#"list="time-zones" autocomplete="off""#,
                ..Input::default()
            },
            errors,
            &["time_zone"],
        ),
        save = esc(&crate::tr!("settings-save")),
    );
    ctx.page(&crate::tr!("settings-title"), &body)
}

/// `POST /settings`.
pub async fn save(posted: Posted) -> Response {
    let locale = posted.get("locale");
    let zone = posted.get("time_zone");
    let mut ctx = posted.ctx;
    if ctx.role().is_none() {
        return ctx.redirect("/login?next=/settings");
    }
    if zone.is_empty() {
        let errors = FormErrors::of(ErrorView::local("time_zone", &crate::tr!("error-invalid-time-zone")));
        return render(&mut ctx, &locale, &zone, &errors, "");
    }
    let answer = ctx.api(Method::PATCH, "/v1/me", Some(json!({ "locale": locale, "time_zone": zone })), None).await;
    if !answer.ok() {
        return render(&mut ctx, &locale, &zone, &FormErrors::of(answer.error()), "");
    }
    if let Some(l) = Locale::parse(&locale) {
        ctx.set_language_cookie(l);
        crate::i18n::set_current(l, &zone);
    }
    ctx.redirect("/settings?notice=preferences_saved")
}
