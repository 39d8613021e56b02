//! The payout steps of `kill_steps.rs`: a seller's payout stopped by the payout job at each step.

use super::*;

/// The steps of paying a seller out, which the payout job (not a request) passes.
pub(super) const PAYOUT_STEPS: [&str; 2] = ["payout.recorded", "payout.sent"];

/// Paying a seller out, stopped by the payout job after the attempt is recorded and after the bank
/// answered: after the restart the job sends the same payout id again, the bank answers it as the
/// same payout, and the seller is paid once.
pub(super) async fn payout_cases(dir: &Path, w: &World) {
    let s = Server::start(dir, None).await;
    let merchant = s.get("/v1/balance", &w.seller_key).await["merchant"].as_str().expect("a merchant").to_owned();
    let (status, m) = s
        .call(
            "PATCH",
            &format!("/v1/merchants/{merchant}"),
            &w.seller_key,
            None,
            json!({ "payout_schedule": { "interval": "manual" } }),
        )
        .await;
    assert_eq!(status, 200, "{m}");
    let (status, b) = s
        .call(
            "POST",
            "/v1/payout_destinations",
            &w.seller_key,
            None,
            json!({ "country": "US", "currency": "USD", "account_holder_name": "Steps LLC",
                "account_number": "000123456789", "routing_number": "110000000" }),
        )
        .await;
    assert_eq!(status, 201, "{b}");
    for _ in 0..2 {
        let id = paid_order(&s, w, true).await;
        let (_, delivered) = s.call("POST", &format!("/v1/orders/{id}/deliver"), &w.seller_key, None, json!({})).await;
        assert_eq!(delivered["status"], "delivered", "{delivered}");
        let (_, done) = s.call("POST", &format!("/v1/orders/{id}/confirm_receipt"), &w.buyer, None, json!({})).await;
        assert_eq!(done["status"], "completed", "{done}");
    }
    let (status, clock) = s.call("POST", "/v1/test/clock", "", None, json!({ "advance_seconds": 1 })).await;
    assert_eq!(status, 200, "{clock}");
    let available = s.get("/v1/balance", &w.seller_key).await["available"][0]["amount"].as_i64().unwrap_or(0);
    assert!(available >= 2_000, "money to pay out: {available}");
    s.stop();
    let mut paid = Vec::new();
    for step in PAYOUT_STEPS {
        let s = Server::start(dir, Some(step)).await;
        let (status, p) = s
            .call(
                "POST",
                "/v1/payouts",
                &w.seller_key,
                Some(&format!("key-{step}")),
                json!({ "amount": 1000, "currency": "USD" }),
            )
            .await;
        assert_eq!(status, 201, "{step}: {p}");
        let id = p["id"].as_str().expect("a payout").to_owned();
        // The job picks the payout up on its next tick and stops at the step.
        s.expect_stopped_at(step);
        let s = Server::start(dir, None).await;
        for seconds in [HEAL_AFTER_S, 5 * 86_400] {
            let (status, clock) =
                s.call("POST", "/v1/test/clock", "", None, json!({ "advance_seconds": seconds })).await;
            assert_eq!(status, 200, "{clock}");
        }
        let p = s.get(&format!("/v1/payouts/{id}"), &w.seller_key).await;
        assert_eq!(p["status"], "paid", "{step}: {p}");
        s.stop();
        eprintln!("{step}: settled (the payout paid once)");
        paid.push((step, id));
    }
    // The bank holds one order per payout: sent once, or twice when the answer was lost with the process.
    let bank = rusqlite::Connection::open(dir.join("bank.db")).expect("the test bank's database");
    for (step, id) in paid {
        let (rows, sends): (i64, i64) = bank
            .query_row("SELECT count(*), COALESCE(max(sends), 0) FROM payouts WHERE payout_id = ?1", [&id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("the bank's payouts");
        let expected_sends = if step == "payout.sent" { 2 } else { 1 };
        assert_eq!((rows, sends), (1, expected_sends), "{step}: the bank's orders of {id}");
    }
}
