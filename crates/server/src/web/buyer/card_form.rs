//! Buyers' pages: cards typed in a form.

use super::*;

/// The fields of a card typed in a form. The number and security code are never put back into a
/// page: after an error they are typed again.
pub(super) fn new_card_fields(
    errors: &FormErrors,
    values: &HashMap<String, String>,
    fallback: Option<(&str, &Value)>,
) -> String {
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut out = String::new();
    out.push_str(&field(
        &crate::tr!("shop-card-number"),
        "number",
        Input { required: false, autocomplete: "cc-number", extra: r#"inputmode="numeric""#, ..Input::default() },
        errors,
        &["number"],
    ));
    out.push_str(r#"<div class="grid">"#);
    out.push_str(&field(
        &crate::tr!("shop-card-exp-month"),
        "exp_month",
        Input {
            value: &v("exp_month"),
            autocomplete: "cc-exp-month",
            extra: r#"inputmode="numeric" maxlength="2""#,
            ..Input::default()
        },
        errors,
        &["exp_month"],
    ));
    out.push_str(&field(
        &crate::tr!("shop-card-exp-year"),
        "exp_year",
        Input {
            value: &v("exp_year"),
            autocomplete: "cc-exp-year",
            extra: r#"inputmode="numeric" maxlength="4""#,
            ..Input::default()
        },
        errors,
        &["exp_year"],
    ));
    out.push_str(&field(
        &crate::tr!("shop-card-cvc"),
        "cvc",
        Input {
            autocomplete: "cc-csc",
            extra: r#"inputmode="numeric" maxlength="4""#,
            hint: &crate::tr!("shop-card-cvc-hint"),
            ..Input::default()
        },
        errors,
        &["cvc"],
    ));
    out.push_str("</div>");
    out.push_str(&field(
        &crate::tr!("shop-card-holder-name"),
        "holder_name",
        Input { value: &v("holder_name"), autocomplete: "cc-name", ..Input::default() },
        errors,
        &["holder_name"],
    ));
    let mut typed = json!({});
    for k in ["line1", "line2", "city", "state", "postal_code", "country"] {
        typed[k] = json!(v(&format!("bill_{k}")));
    }
    let address_error = errors.for_field(&["billing_address"]).map(|e| e.render("billing-error")).unwrap_or_default();
    match fallback {
        Some((label, address)) => {
            let open = values.get("use_other_address").is_some_and(|x| x == "on")
                || errors.for_field(&["line1", "city", "postal_code", "country"]).is_some();
            let _ = write!(
                out,
                r#"<p>{billing}</p>{address_error}<details{open}><summary>{other}</summary>{check}{fields}</details>"#,
                billing = html_of(
                    &crate::tr!("shop-billing-address-is", label = label, address = slot("address")),
                    &[("address", &address_line(address))]
                ),
                other = esc(&crate::tr!("shop-billing-use-other")),
                open = if open { " open" } else { "" },
                check = checkbox(&crate::tr!("shop-billing-bill-below"), "use_other_address", open),
                fields = address_fields("bill_", &typed, errors, false),
            );
        }
        None => {
            let _ = write!(
                out,
                r#"<fieldset><legend>{}</legend>{address_error}{}</fieldset>"#,
                esc(&crate::tr!("shop-billing-address")),
                address_fields("bill_", &typed, errors, false)
            );
        }
    }
    out
}

/// The card typed in a form, as the API's `new_card`.
pub(super) fn posted_new_card(p: &Posted, fallback: Option<&Value>) -> Result<Value, ErrorView> {
    let month: i64 = p
        .get("exp_month")
        .parse()
        .map_err(|_| ErrorView::local("exp_month", &crate::tr!("shop-card-exp-month-invalid")))?;
    let year: i64 = p
        .get("exp_year")
        .parse()
        .map_err(|_| ErrorView::local("exp_year", &crate::tr!("shop-card-exp-year-invalid")))?;
    let billing = match fallback {
        Some(a) if !p.checked("use_other_address") => {
            let mut a = a.clone();
            if let Some(o) = a.as_object_mut() {
                o.remove("name");
                o.retain(|_, v| !v.is_null() && v.as_str() != Some(""));
            }
            a
        }
        _ => posted_address(p, "bill_", false),
    };
    Ok(json!({
        "number": p.get("number").replace([' ', '-'], ""), "exp_month": month, "exp_year": year, "cvc": p.get("cvc"),
        "holder_name": p.get("holder_name"), "billing_address": billing,
    }))
}
