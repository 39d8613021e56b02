//! Products: a seller lists them, anyone reads them.

use super::*;

pub(super) fn text(param: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ApiError::missing(param));
    }
    if v.chars().count() > max || v.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid(param, crate::msg!("err-product-text-too-long", param = param, max = max)));
    }
    Ok(v.to_owned())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateProduct {
    name: String,
    description: Option<String>,
    amount: i64,
    currency: String,
    stock: Option<i64>,
    metadata: Option<Value>,
}

pub(super) async fn create_product(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<CreateProduct>,
) -> Result<Response, ApiError> {
    let merchant = caller.merchant()?;
    let name = text("name", &body.name, PRODUCT_NAME_LENGTH_MAX)?;
    let description = match body.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(text("description", d, PRODUCT_DESCRIPTION_LENGTH_MAX)?),
        None => None,
    };
    if body.amount <= 0 {
        return Err(
            ApiError::bad_request("amount_invalid", crate::msg!("err-product-price-invalid")).with_param("amount")
        );
    }
    if body.currency != merchant.currency {
        return Err(ApiError::bad_request(
            "currency_not_supported",
            crate::msg!("err-product-currency", currency = &merchant.currency),
        )
        .with_param("currency"));
    }
    if body.stock.is_some_and(|s| s < 0) {
        return Err(ApiError::invalid("stock", crate::msg!("err-product-stock-negative")));
    }
    let metadata = crate::routes::metadata::initial(body.metadata.as_ref())?;
    let product = ProductRecord {
        id: random_id("prod"),
        merchant_id: merchant.id,
        name,
        description,
        amount: body.amount,
        currency: body.currency,
        stock: body.stock,
        created_at: state.clock.now(),
        metadata,
    };
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _| {
            tx.insert_product(&product)?;
            Ok(ApiResponse::created(product_json(&product)))
        })
        .await)
}

pub(super) async fn list_products(State(state): State<AppState>, mut q: ListParams) -> Result<Response, ApiError> {
    let merchant = q.take("merchant");
    let page = q.page()?;
    let (rows, names) = state
        .store
        .read(move |tx| {
            let rows = tx.products(merchant.as_deref(), &page)?;
            let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
            for p in &rows.rows {
                if !names.contains_key(&p.merchant_id) {
                    if let Some(m) = tx.merchant(&p.merchant_id)? {
                        names.insert(m.id, m.name);
                    }
                }
            }
            Ok((rows, names))
        })
        .await?;
    Ok(list_response(rows, |p| {
        let mut shown = product_json(p);
        shown["merchant_name"] = json!(names.get(&p.merchant_id));
        shown
    }))
}

pub(super) async fn get_product(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let found = state
        .store
        .read(move |tx| {
            let Some(p) = tx.product(&id)? else { return Ok(None) };
            let name = tx.merchant(&p.merchant_id)?.map(|m| m.name);
            Ok(Some((p, name)))
        })
        .await?;
    let (product, merchant_name) = found.ok_or_else(|| ApiError::not_found("product"))?;
    let mut shown = product_json(&product);
    shown["merchant_name"] = json!(merchant_name);
    Ok(axum::Json(shown).into_response())
}
