//! Test mode only: raw Pocket holds, captures, releases and refunds for the test suites.

use super::*;

pub(crate) fn register_test_mode(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/pocket/holds",
            summary: "Holds Pocket money of the calling buyer as checkout will (test mode only)",
            access: Access::Buyer,
            body: Some(body_schema::<TestHoldBody>()),
            success: 201,
        },
        test_hold,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/pocket/holds/{id}/capture",
            summary: "Charges a test hold, in full or part (test mode only)",
            access: Access::Buyer,
            body: Some(body_schema::<TestCaptureBody>()),
            success: 200,
        },
        test_capture,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/pocket/holds/{id}/release",
            summary: "Releases a test hold (test mode only)",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        test_release,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/pocket/holds/{id}/refund",
            summary: "Refunds part of a captured test hold into the Pocket (test mode only)",
            access: Access::Buyer,
            body: Some(body_schema::<TestCaptureBody>()),
            success: 200,
        },
        test_refund,
    )
}

pub(super) async fn test_refund(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TestCaptureBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            own_hold(tx, &user.id, &id)?;
            let currency = Currency::parse(&tx.hold(&id)?.map(|(h, _)| h.currency).unwrap_or_default())
                .map_err(|_| ApiError::internal())?;
            let from = platform_account(tx, "test_merchant", currency, ctx.now)?;
            crate::pocket::refund_captured(tx, &id, body.amount, from, &id, ctx.now)?;
            Ok(ApiResponse::ok(pocket_json(tx, &user.id, ctx.now)?))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TestHoldBody {
    amount: i64,
    currency: String,
}

pub(super) async fn test_hold(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<TestHoldBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let currency = Currency::parse(&body.currency).map_err(|_| {
        ApiError::bad_request("currency_not_supported", crate::msg!("err-gift-unknown-currency")).with_param("currency")
    })?;
    let hold_id = random_id("hold");
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let destination = platform_account(tx, "test_merchant", currency, ctx.now)?;
            crate::pocket::hold(
                tx,
                &crate::pocket::HoldSpec {
                    hold_id: &hold_id,
                    user_id: &user.id,
                    amount: body.amount,
                    currency,
                    destination,
                    timeout_at: None,
                    reference: &hold_id,
                },
                ctx.now,
            )?;
            let mut pocket = pocket_json(tx, &user.id, ctx.now)?;
            pocket["hold"] = json!(hold_id);
            Ok(ApiResponse::created(pocket))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TestCaptureBody {
    amount: i64,
}

pub(super) fn own_hold(tx: &mut WriteTx<'_>, user_id: &str, hold_id: &str) -> Result<(), ApiError> {
    match tx.hold(hold_id)? {
        Some((h, _)) if h.user_id == user_id => Ok(()),
        _ => Err(ApiError::not_found("hold")),
    }
}

pub(super) async fn test_capture(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TestCaptureBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            own_hold(tx, &user.id, &id)?;
            crate::pocket::capture(tx, &id, body.amount, ctx.now)?;
            Ok(ApiResponse::ok(pocket_json(tx, &user.id, ctx.now)?))
        })
        .await)
}

pub(super) async fn test_release(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            own_hold(tx, &user.id, &id)?;
            crate::pocket::release(tx, &id, ctx.now)?;
            Ok(ApiResponse::ok(pocket_json(tx, &user.id, ctx.now)?))
        })
        .await)
}
