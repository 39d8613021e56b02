//! HTML building blocks: escaping, the page frame, form fields with their errors, money and dates.
//! Every piece of text that came from a person or the API passes through [`esc`].

use std::fmt::Write as _;

use domain::money::{Currency, Money, Sign};

use crate::i18n;
use serde_json::Value;

/// Escapes text for HTML content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A JSON string field, or "" (escaped).
pub fn s(v: &Value) -> String {
    match v {
        Value::String(text) => esc(text),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// An amount in minor units of a currency, as the reader's language writes it: "12.50 USD",
/// "12,50 $" (ru), "12,50 US$" (es).
pub fn money(amount_minor: i64, currency: &str) -> String {
    match i18n::format::money(i18n::current(), amount_minor, currency) {
        Some(text) => esc(&text),
        None => format!("{amount_minor} {}", esc(currency)),
    }
}

/// The amount and currency fields of a JSON object, as [`money`].
pub fn money_of(v: &Value, amount_field: &str) -> String {
    money(v[amount_field].as_i64().unwrap_or(0), v["currency"].as_str().unwrap_or(""))
}

/// Decimal text typed by a person ("12.5", "12.50") to minor units of the currency.
pub fn parse_amount(text: &str, currency: &str) -> Option<i64> {
    let currency = Currency::parse(currency).ok()?;
    // Russian and Spanish write a decimal comma ("12,50"), and may group with spaces or dots.
    let typed: String = text.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    let typed = match i18n::current() {
        i18n::Locale::En => typed,
        _ if typed.contains(',') => typed.replace('.', "").replace(',', "."),
        _ => typed,
    };
    let m = Money::parse_decimal(&typed, currency, Sign::Positive).ok()?;
    Some(m.amount_minor())
}

/// Minor units as decimal text for a form field ("12.50").
pub fn decimal(amount_minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(c) => Money::new(amount_minor, c).to_decimal_string(),
        Err(_) => amount_minor.to_string(),
    }
}

/// Unix seconds as a date in the reader's language and time zone: "2026-11-22", "22 ноября 2026 г.".
pub fn date(unix_s: i64) -> String {
    esc(&i18n::format::date(i18n::current(), &i18n::current_time_zone(), unix_s))
}

/// Unix seconds as a date and time in the reader's time zone, naming it: "2026-11-22 14:05 UTC".
pub fn datetime(unix_s: i64) -> String {
    esc(&i18n::format::datetime(i18n::current(), &i18n::current_time_zone(), unix_s))
}

/// A JSON time field as [`date`], or "—".
pub fn date_of(v: &Value) -> String {
    v.as_i64().map(date).unwrap_or_else(|| "—".into())
}

/// Words for a status code in the reader's language: "awaiting_payment" → "awaiting payment".
pub fn words(code: &str) -> String {
    match status_id(code) {
        Some(id) => esc(&i18n::text_in(i18n::current(), id, &[])),
        None => esc(&code.replace('_', " ")),
    }
}

/// The catalogue's words for a status a page shows.
fn status_id(code: &str) -> Option<&'static str> {
    Some(match code {
        "active" => "status-active",
        "unverified" => "status-unverified",
        "awaiting_payment" => "status-awaiting-payment",
        "paid" => "status-paid",
        "shipped" => "status-shipped",
        "delivered" => "status-delivered",
        "completed" => "status-completed",
        "canceled" => "status-canceled",
        "refunded" => "status-refunded",
        "partially_refunded" => "status-partially-refunded",
        "open" => "status-open",
        "answered" => "status-answered",
        "closed" => "status-closed",
        "escalated" => "status-escalated",
        "resolved" => "status-resolved",
        "seller_responded" => "status-seller-responded",
        "pending" => "status-pending",
        "in_transit" => "status-in-transit",
        "failed" => "status-failed",
        "succeeded" => "status-succeeded",
        "redeemed" => "status-redeemed",
        "blocked" => "status-blocked",
        "expired" => "status-expired",
        "enabled" => "status-enabled",
        "disabled" => "status-disabled",
        "awaiting_document" => "status-awaiting-document",
        "in_review" => "status-in-review",
        "approved" => "status-approved",
        "rejected" => "status-rejected",
        "sent" => "status-sent",
        "posted" => "status-posted",
        "voided" => "status-voided",
        "negative" => "status-negative",
        "paused" => "status-paused",
        _ => return None,
    })
}

/// A status shown as a badge.
pub fn badge(code: &str) -> String {
    format!(r#"<span class="badge badge-{}">{}</span>"#, esc(code), words(code))
}

/// A payment's status as a badge, in the words a buyer or seller uses (the API's `requires_capture`
/// means "authorized, charged when it ships").
pub fn payment_badge(code: &str) -> String {
    let id = match code {
        "requires_payment_method" => "payment-status-requires-payment-method",
        "requires_action" => "payment-status-requires-action",
        "requires_capture" => "payment-status-requires-capture",
        "succeeded" => "payment-status-succeeded",
        "canceled" => "payment-status-canceled",
        other => return badge(other),
    };
    let text = esc(&i18n::text_in(i18n::current(), id, &[]));
    format!(r#"<span class="badge badge-{}" data-status="{}">{text}</span>"#, esc(code), esc(code))
}

/// An error from the API, as a form shows it.
#[derive(Debug, Clone, Default)]
pub struct ErrorView {
    pub code: String,
    pub decline_code: Option<String>,
    pub message: String,
    pub advice: Vec<String>,
    /// The field the error is about, as the API names it.
    pub param: Option<String>,
}

impl ErrorView {
    /// From an API error body.
    pub fn from_body(body: &Value) -> ErrorView {
        let e = &body["error"];
        ErrorView {
            code: e["code"].as_str().unwrap_or("error").to_owned(),
            decline_code: e["decline_code"].as_str().map(str::to_owned),
            message: e["message"].as_str().map(str::to_owned).unwrap_or_else(|| crate::tr!("error-internal")),
            advice: e["advice"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
            param: e["param"].as_str().map(str::to_owned),
        }
    }

    /// An error the page itself found.
    pub fn local(param: &str, message: &str) -> ErrorView {
        ErrorView {
            code: "parameter_invalid".into(),
            message: message.into(),
            param: Some(param.into()),
            ..ErrorView::default()
        }
    }

    /// The message and advice, for next to a field or at the top of a form.
    pub fn render(&self, id: &str) -> String {
        let mut out = format!(
            r#"<div class="error" id="{}" role="alert" data-code="{}"{}><p class="error-message">{}</p>"#,
            esc(id),
            esc(&self.code),
            self.decline_code.as_ref().map(|d| format!(r#" data-decline-code="{}""#, esc(d))).unwrap_or_default(),
            esc(&self.message)
        );
        if !self.advice.is_empty() {
            out.push_str(r#"<ul class="advice">"#);
            for a in &self.advice {
                let _ = write!(out, "<li>{}</li>", esc(a));
            }
            out.push_str("</ul>");
        }
        out.push_str("</div>");
        out
    }
}

/// The errors of a submitted form, placed next to their fields.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    pub error: Option<ErrorView>,
}

impl FormErrors {
    /// No errors.
    pub fn none() -> FormErrors {
        FormErrors::default()
    }

    /// One error.
    pub fn of(error: ErrorView) -> FormErrors {
        FormErrors { error: Some(error) }
    }

    /// The error if it is about one of these fields.
    pub fn for_field(&self, names: &[&str]) -> Option<&ErrorView> {
        let e = self.error.as_ref()?;
        let param = e.param.as_deref()?;
        names.iter().any(|n| *n == param || param.ends_with(&format!(".{n}"))).then_some(e)
    }

    /// The error if no field of the form shows it (it goes at the top, or by a section).
    pub fn general<'a>(&'a self, fields: &[&str]) -> Option<&'a ErrorView> {
        let e = self.error.as_ref()?;
        if self.for_field(fields).is_some() {
            None
        } else {
            Some(e)
        }
    }
}

/// Options of an input field.
#[derive(Default, Clone, Copy)]
pub struct Input<'a> {
    pub kind: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub autocomplete: &'a str,
    pub hint: &'a str,
    pub extra: &'a str,
    /// The element id, when one name appears in several forms of a page (else `f-<name>`).
    pub id: &'a str,
}

/// A labelled input, with the error about it (message and advice) beside it.
pub fn field(label: &str, name: &str, opts: Input<'_>, errors: &FormErrors, params: &[&str]) -> String {
    let id = if opts.id.is_empty() { format!("f-{}", name.replace(['.', '[', ']'], "-")) } else { opts.id.to_owned() };
    let error = errors.for_field(params);
    let mut described = Vec::new();
    if !opts.hint.is_empty() {
        described.push(format!("{id}-hint"));
    }
    if error.is_some() {
        described.push(format!("{id}-error"));
    }
    let mut out = format!(r#"<div class="field{}">"#, if error.is_some() { " has-error" } else { "" });
    let _ = write!(out, r#"<label for="{id}">{}</label>"#, esc(label));
    if !opts.hint.is_empty() {
        let _ = write!(out, r#"<p class="hint" id="{id}-hint">{}</p>"#, esc(opts.hint));
    }
    if let Some(e) = error {
        out.push_str(&e.render(&format!("{id}-error")));
    }
    let _ = write!(
        out,
        r#"<input id="{id}" name="{}" type="{}" value="{}"{}{}{}{} {}>"#,
        esc(name),
        if opts.kind.is_empty() { "text" } else { opts.kind },
        esc(opts.value),
        if opts.required { " required" } else { "" },
        if opts.autocomplete.is_empty() {
            String::new()
        } else {
            format!(r#" autocomplete="{}""#, esc(opts.autocomplete))
        },
        if described.is_empty() { String::new() } else { format!(r#" aria-describedby="{}""#, described.join(" ")) },
        if error.is_some() { r#" aria-invalid="true""# } else { "" },
        opts.extra
    );
    out.push_str("</div>");
    out
}

/// A labelled text area.
pub fn textarea(label: &str, name: &str, value: &str, required: bool, errors: &FormErrors) -> String {
    let id = format!("f-{name}");
    let error = errors.for_field(&[name]);
    format!(
        r#"<div class="field"><label for="{id}">{}</label>{}<textarea id="{id}" name="{}" rows="4"{}>{}</textarea></div>"#,
        esc(label),
        error.map(|e| e.render(&format!("{id}-error"))).unwrap_or_default(),
        esc(name),
        if required { " required" } else { "" },
        esc(value)
    )
}

/// A labelled select; `options` are (value, label).
pub fn select(label: &str, name: &str, options: &[(&str, &str)], selected: &str, errors: &FormErrors) -> String {
    let id = format!("f-{name}");
    let error = errors.for_field(&[name]);
    let mut out = format!(r#"<div class="field"><label for="{id}">{}</label>"#, esc(label));
    if let Some(e) = error {
        out.push_str(&e.render(&format!("{id}-error")));
    }
    let _ = write!(out, r#"<select id="{id}" name="{}">"#, esc(name));
    for (value, text) in options {
        let _ = write!(
            out,
            r#"<option value="{}"{}>{}</option>"#,
            esc(value),
            if *value == selected { " selected" } else { "" },
            esc(text)
        );
    }
    out.push_str("</select></div>");
    out
}

/// A checkbox with its label after it.
pub fn checkbox(label: &str, name: &str, checked: bool) -> String {
    let id = format!("f-{name}");
    format!(
        r#"<div class="check"><input type="checkbox" id="{id}" name="{}" value="on"{}><label for="{id}">{}</label></div>"#,
        esc(name),
        if checked { " checked" } else { "" },
        esc(label)
    )
}

/// A radio button with its label; `label_html` is already safe HTML.
pub fn radio(name: &str, value: &str, label_html: &str, checked: bool) -> String {
    let id = format!("f-{name}-{}", value.replace(['.', ':'], "-"));
    format!(
        r#"<div class="check"><input type="radio" id="{id}" name="{}" value="{}"{}><label for="{id}">{label_html}</label></div>"#,
        esc(name),
        esc(value),
        if checked { " checked" } else { "" }
    )
}

/// The hidden fields every form carries: the CSRF token and a fresh idempotency key, so that a
/// double click or a resubmitted page never does the same thing twice.
pub fn hidden(csrf: &str) -> String {
    format!(
        r#"<input type="hidden" name="csrf" value="{}"><input type="hidden" name="idempotency_key" value="{}">"#,
        esc(csrf),
        crate::secrets::random_id("web")
    )
}

/// A form that posts to `action` with one button and nothing else to fill in.
pub fn button_form(action: &str, csrf: &str, label: &str, class: &str) -> String {
    format!(
        r#"<form method="post" action="{}" class="inline">{}<button type="submit" class="{}">{}</button></form>"#,
        esc(action),
        hidden(csrf),
        esc(class),
        esc(label)
    )
}

/// A notice at the top of a page.
pub fn notice(text: &str) -> String {
    format!(r#"<div class="notice" role="status">{}</div>"#, esc(text))
}

/// The billing or shipping address fields, named `{prefix}line1` and so on.
pub fn address_fields(prefix: &str, values: &Value, errors: &FormErrors, with_name: bool) -> String {
    let v = |k: &str| values[k].as_str().unwrap_or("").to_owned();
    let mut out = String::new();
    if with_name {
        out.push_str(&field(
            &crate::tr!("address-name"),
            &format!("{prefix}name"),
            Input { value: &v("name"), required: true, autocomplete: "name", ..Input::default() },
            errors,
            &["name"],
        ));
    }
    let rows: [(String, &str, bool, &str); 6] = [
        (crate::tr!("address-line1"), "line1", true, "address-line1"),
        (crate::tr!("address-line2"), "line2", false, "address-line2"),
        (crate::tr!("address-city"), "city", true, "address-level2"),
        (crate::tr!("address-state"), "state", false, "address-level1"),
        (crate::tr!("address-postal-code"), "postal_code", true, "postal-code"),
        (crate::tr!("address-country"), "country", true, "country"),
    ];
    for (label, key, required, autocomplete) in rows {
        out.push_str(&field(
            &label,
            &format!("{prefix}{key}"),
            // Billing fields may sit in a closed "use another address": the server checks them.
            Input { value: &v(key), required: required && with_name, autocomplete, ..Input::default() },
            errors,
            &[key],
        ));
    }
    out
}

/// One line for an address object.
pub fn address_line(a: &Value) -> String {
    let parts: Vec<String> = ["name", "line1", "line2", "city", "state", "postal_code", "country"]
        .iter()
        .filter_map(|k| a[*k].as_str().filter(|t| !t.is_empty()).map(esc))
        .collect();
    parts.join(", ")
}

/// A card as "Visa •••• 4242".
pub fn card_label(card: &Value) -> String {
    let fallback = crate::tr!("card-word");
    let brand = card["brand"].as_str().unwrap_or(&fallback);
    let mut brand = brand.to_owned();
    if let Some(first) = brand.get(0..1) {
        brand = first.to_uppercase() + &brand[1..];
    }
    format!("{} •••• {}", esc(&brand), s(&card["last4"]))
}

/// The characters a [`slot`] starts and ends with (private use: no catalogue text has them).
const SLOT_OPEN: char = '\u{e000}';
const SLOT_CLOSE: char = '\u{e001}';

/// Where an HTML value (money, a link, a badge, a bold email) goes in a catalogue message:
/// `tr!("id", total = slot("total"))`, then [`html_of`] escapes the text and puts the HTML in.
pub fn slot(name: &str) -> String {
    format!("{SLOT_OPEN}{name}{SLOT_CLOSE}")
}

/// A catalogue message written with [`slot`]s, as HTML: its text escaped, each slot replaced by its
/// HTML (already safe); a slot with no value stays as it is. One pass, so a piece of HTML that holds
/// a slot is never rewritten.
pub fn html_of<S: AsRef<str>>(text: &str, values: &[(&str, S)]) -> String {
    let escaped = esc(text);
    let mut out =
        String::with_capacity(escaped.len() + values.iter().map(|(_, html)| html.as_ref().len()).sum::<usize>());
    let mut rest = escaped.as_str();
    while let Some(start) = rest.find(SLOT_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + SLOT_OPEN.len_utf8()..];
        let filled = after.find(SLOT_CLOSE).and_then(|end| {
            let name = &after[..end];
            values.iter().find(|(n, _)| *n == name).map(|(_, html)| (html.as_ref(), end))
        });
        match filled {
            Some((html, end)) => {
                out.push_str(html);
                rest = &after[end + SLOT_CLOSE.len_utf8()..];
            }
            None => {
                out.push(SLOT_OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A JSON string or number as plain text, to be escaped with the message it goes into (unlike [`s`],
/// which escapes it on its own).
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(text) => text.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_with_slots_is_escaped_text_with_its_html_put_in_once() {
        let text = format!("<{}> & {} & {}", slot("a"), slot("b"), slot("missing"));
        let html = html_of(&text, &[("a", format!("<b>{}</b>", slot("b"))), ("b", "<i>x</i>".to_owned())]);
        assert_eq!(html, format!("&lt;<b>{}</b>&gt; &amp; <i>x</i> &amp; {}", slot("b"), slot("missing")));
        assert_eq!(html_of::<&str>("a \u{e000} b", &[]), "a \u{e000} b");
        assert_eq!(plain(&serde_json::json!("<x>")), "<x>");
        assert_eq!(plain(&serde_json::json!(42)), "42");
        assert_eq!(plain(&serde_json::json!(null)), "");
    }
}
