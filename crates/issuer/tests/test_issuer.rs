//! Acceptance tests of the in-process test issuer against `docs/reference/test-cards.md`: every card number
//! gives its row's outcome, limits are reached by spending (and survive a re-open of the issuer's
//! database), authorizations expire, captures, voids and refunds keep their rules and are idempotent
//! by key, and refunds settle or fail as the card says. Time comes from an injected clock that starts
//! at 2026-11-02T12:00:00Z so day and month boundaries are deterministic.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;

use domain::declines::DeclineCode;
use issuer::test_issuer::NowFn;
use issuer::{
    civil_from_days, AuthorizationStatus, AuthorizeRequest, CardInput, CheckResult, Connector, IssuerError,
    RefundStatus, Refusal, Resolved, TestIssuer,
};

/// 2026-11-02T12:00:00Z.
const START: i64 = 1_793_620_800;
const DAY: i64 = 86_400;

/// A fresh issuer database in its own temporary directory, with a clock the test moves.
struct Harness {
    dir: PathBuf,
    clock: Arc<AtomicI64>,
    issuer: TestIssuer,
}

impl Harness {
    fn new(name: &str) -> Self {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "pocketpay-issuer-{name}-{}-{nanos}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        let clock = Arc::new(AtomicI64::new(START));
        let issuer = open(&dir, &clock);
        Self { dir, clock, issuer }
    }

    /// Opens another issuer on the same database file (as after a restart).
    fn reopen(&self) -> TestIssuer {
        open(&self.dir, &self.clock)
    }

    fn advance(&self, seconds: i64) {
        self.clock.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn open(dir: &std::path::Path, clock: &Arc<AtomicI64>) -> TestIssuer {
    let c = Arc::clone(clock);
    let now: NowFn = Arc::new(move || c.load(Ordering::SeqCst));
    TestIssuer::open(&dir.join("issuer.sqlite3"), now).unwrap_or_else(|e| panic!("open the issuer: {e}"))
}

/// A card with a valid future expiry, a CVC of the right length and the bank's address.
fn card(number: &str) -> CardInput {
    let amex = number.starts_with("34") || number.starts_with("37");
    CardInput {
        number: number.to_owned(),
        exp_month: 12,
        exp_year: 2030,
        cvc: Some(if amex { "1234" } else { "123" }.to_owned()),
        address_line1: Some("1 Main St".to_owned()),
        postal_code: Some("94107".to_owned()),
    }
}

/// 10.00 USD (unless `amount_minor` says otherwise) from a US merchant, not verified, not saved beforehand.
fn request(key: &str, number: &str, amount_minor: i64) -> AuthorizeRequest {
    AuthorizeRequest {
        idempotency_key: key.to_owned(),
        card: card(number),
        amount_minor,
        currency: "USD".to_owned(),
        merchant_country: "US".to_owned(),
        verified: false,
        card_saved_beforehand: false,
    }
}

/// Authorizes and answers the refusal (`None` when approved); any error fails the test.
fn outcome(issuer: &TestIssuer, req: &AuthorizeRequest) -> Option<Refusal> {
    let a = issuer.authorize(req).wait().unwrap_or_else(|e| panic!("authorize {}: {e}", req.idempotency_key));
    let expected_status =
        if a.refusal.is_some() { AuthorizationStatus::Refused } else { AuthorizationStatus::Authorized };
    assert_eq!(a.status, expected_status, "{}: {a:?}", req.idempotency_key);
    a.refusal
}

/// What a call should give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Approved,
    Refused(Refusal),
    Timeout,
}

const OK: Expect = Expect::Approved;

const fn declined(code: DeclineCode) -> Expect {
    Expect::Refused(Refusal::Declined(code))
}

/// One row of the acceptance table: the zero-amount check and a 10.00 USD authorization of `req`.
fn check(issuer: &TestIssuer, req: &AuthorizeRequest, verify: Expect, authorize: Expect, country: &str, funding: &str) {
    let label = format!("{} ({})", req.card.number, req.idempotency_key);
    match issuer.verify(&req.card, &req.merchant_country) {
        Ok(v) => {
            let got = v.refusal.map_or(Expect::Approved, Expect::Refused);
            assert_eq!(got, verify, "{label}: verify gave {v:?}");
            assert_eq!(
                (v.facts.country.as_str(), v.facts.funding.as_str()),
                (country, funding),
                "{label}: verify facts"
            );
            if got == Expect::Approved {
                assert_eq!(
                    (v.checks.cvc, v.checks.address_line1, v.checks.postal_code),
                    (CheckResult::Pass, CheckResult::Pass, CheckResult::Pass),
                    "{label}: checks of an approved verification"
                );
            }
        }
        Err(e) => {
            assert_eq!((Expect::Timeout, e.clone()), (verify, IssuerError::Timeout), "{label}: verify failed: {e}")
        }
    }
    match issuer.authorize(req).wait() {
        Ok(a) => {
            let got = a.refusal.map_or(Expect::Approved, Expect::Refused);
            assert_eq!(got, authorize, "{label}: authorize gave {a:?}");
            assert_eq!(a.is_approved(), got == Expect::Approved, "{label}");
            let status = if a.is_approved() { AuthorizationStatus::Authorized } else { AuthorizationStatus::Refused };
            assert_eq!(a.status, status, "{label}");
            assert_eq!((a.amount_minor, a.currency.as_str()), (req.amount_minor, "USD"), "{label}");
            assert_eq!((a.facts.country.as_str(), a.facts.funding.as_str()), (country, funding), "{label}: facts");
        }
        Err(e) => {
            assert_eq!(
                (Expect::Timeout, e.clone()),
                (authorize, IssuerError::Timeout),
                "{label}: authorize failed: {e}"
            )
        }
    }
}

#[test]
fn the_injected_clock_starts_on_a_known_day() {
    assert_eq!(civil_from_days(START.div_euclid(DAY)), (2026, 11, 2));
    assert_eq!(START.rem_euclid(DAY), 12 * 3600);
}

#[test]
fn every_card_number_gives_its_row_of_the_reference_table() {
    use DeclineCode as D;
    let h = Harness::new("table");
    let verification = Expect::Refused(Refusal::VerificationRequired);
    // number, zero-amount check, 10.00 USD authorization, issuer country, funding.
    // 4242424242424241 fails the Luhn check and never reaches the issuer (domain validation covers it).
    let rows: &[(&str, Expect, Expect, &str, &str)] = &[
        // Succeed (by brand).
        ("4242424242424242", OK, OK, "US", "credit"),
        ("4000056655665556", OK, OK, "US", "debit"),
        ("5555555555554444", OK, OK, "US", "credit"),
        ("2223003122003222", OK, OK, "US", "credit"),
        ("5200828282828210", OK, OK, "US", "debit"),
        ("378282246310005", OK, OK, "US", "credit"),
        ("6011111111111117", OK, OK, "US", "credit"),
        ("36227206271667", OK, OK, "US", "credit"),
        ("3566002020360505", OK, OK, "JP", "credit"),
        ("6200000000000005", OK, OK, "CN", "credit"),
        ("4000002500000003", OK, OK, "FR", "credit"),
        ("4000003920000003", OK, OK, "JP", "credit"),
        ("4000001560000002", OK, OK, "CN", "credit"),
        ("4000008260000000", OK, OK, "GB", "credit"),
        // Fail.
        ("4000000000000002", declined(D::GenericDecline), declined(D::GenericDecline), "US", "credit"),
        ("4000000000009995", OK, declined(D::InsufficientFunds), "US", "credit"),
        ("4000000000009987", declined(D::LostCard), declined(D::LostCard), "US", "credit"),
        ("4000000000009979", declined(D::StolenCard), declined(D::StolenCard), "US", "credit"),
        (
            "4000000000000069",
            Expect::Refused(Refusal::ExpiredCard),
            Expect::Refused(Refusal::ExpiredCard),
            "US",
            "credit",
        ),
        (
            "4000000000000127",
            Expect::Refused(Refusal::IncorrectCvc),
            Expect::Refused(Refusal::IncorrectCvc),
            "US",
            "credit",
        ),
        (
            "4000000000000119",
            Expect::Refused(Refusal::ProcessingError),
            Expect::Refused(Refusal::ProcessingError),
            "US",
            "credit",
        ),
        ("4000000000006975", OK, declined(D::CardVelocityExceeded), "US", "credit"),
        ("4000000000000341", OK, declined(D::GenericDecline), "US", "credit"),
        ("4000000000000010", declined(D::IncorrectAddress), declined(D::IncorrectAddress), "US", "credit"),
        ("4000000000000036", declined(D::IncorrectZip), declined(D::IncorrectZip), "US", "credit"),
        ("4100000000000019", declined(D::Fraudulent), declined(D::Fraudulent), "US", "credit"),
        ("4000000000000218", OK, OK, "US", "credit"),
        ("4000000000000226", OK, OK, "US", "credit"),
        ("4000000000000234", OK, OK, "US", "credit"),
        ("4000000000000333", OK, OK, "US", "credit"),
        ("4000000000000911", Expect::Timeout, Expect::Timeout, "US", "credit"),
        // Need verification (step-up), without a code and not saved beforehand.
        ("4000002760003184", OK, verification, "DE", "credit"),
        ("4000002500003155", OK, verification, "FR", "credit"),
        ("4000008260003178", OK, verification, "GB", "credit"),
        // After the payment: the authorization itself is approved.
        ("4000000000000242", OK, OK, "US", "credit"),
        ("4000000000007726", OK, OK, "US", "credit"),
        ("4000000000000325", OK, OK, "US", "credit"),
    ];
    for (i, &(number, verify, authorize, country, funding)) in rows.iter().enumerate() {
        check(&h.issuer, &request(&format!("row-{i}"), number, 1_000), verify, authorize, country, funding);
    }

    // Variations of a row: step-up passed, saved beforehand, a foreign merchant.
    let verified = |key: &str, number: &str| AuthorizeRequest { verified: true, ..request(key, number, 1_000) };
    check(&h.issuer, &verified("3184-verified", "4000002760003184"), OK, OK, "DE", "credit");
    let saved = AuthorizeRequest { card_saved_beforehand: true, ..request("3155-saved", "4000002500003155", 1_000) };
    check(&h.issuer, &saved, OK, OK, "FR", "credit");
    let insufficient = declined(D::InsufficientFunds);
    check(&h.issuer, &verified("3178-verified", "4000008260003178"), OK, insufficient, "GB", "credit");
    let abroad =
        AuthorizeRequest { merchant_country: "FR".to_owned(), ..request("0218-fr", "4000000000000218", 1_000) };
    check(&h.issuer, &abroad, OK, declined(D::TransactionNotAllowed), "US", "credit");
    let home = request("0218-us", "4000000000000218", 1_000);
    check(&h.issuer, &home, OK, OK, "US", "credit");

    // Any card: the bank's address, its one bad postal code, and the expiry date by the injected clock.
    let mut wrong_line = request("wrong-line1", "4242424242424242", 1_000);
    wrong_line.card.address_line1 = Some("2 Side Rd".to_owned());
    check(&h.issuer, &wrong_line, declined(D::IncorrectAddress), declined(D::IncorrectAddress), "US", "credit");
    let mut bad_zip = request("bad-zip", "4242424242424242", 1_000);
    bad_zip.card.postal_code = Some("00000".to_owned());
    check(&h.issuer, &bad_zip, declined(D::IncorrectZip), declined(D::IncorrectZip), "US", "credit");
    let expired = Expect::Refused(Refusal::ExpiredCard);
    for (key, month, year) in [("last-month", 10, 2026), ("last-year", 12, 2025)] {
        let mut old = request(key, "5555555555554444", 1_000);
        (old.card.exp_month, old.card.exp_year) = (month, year);
        check(&h.issuer, &old, expired, expired, "US", "credit");
    }
    let mut this_month = request("this-month", "5555555555554444", 1_000);
    (this_month.card.exp_month, this_month.card.exp_year) = (11, 2026);
    check(&h.issuer, &this_month, OK, OK, "US", "credit");
    // The same card expires once the clock passes its month.
    h.advance(30 * DAY);
    let mut next_month = request("this-month-later", "5555555555554444", 1_000);
    (next_month.card.exp_month, next_month.card.exp_year) = (11, 2026);
    check(&h.issuer, &next_month, expired, expired, "US", "credit");
}

#[test]
fn the_default_daily_limit_is_reached_by_spending_and_resets_the_next_day() {
    let h = Harness::new("daily-default");
    let card = "4242424242424242";
    for i in 0..4 {
        assert_eq!(outcome(&h.issuer, &request(&format!("d0-{i}"), card, 50_000)), None, "500.00 number {i}");
    }
    // 2,000.00 spent today: one more cent is over the daily limit.
    let velocity = Some(Refusal::Declined(DeclineCode::CardVelocityExceeded));
    assert_eq!(outcome(&h.issuer, &request("d0-over", card, 1)), velocity);
    assert_eq!(outcome(&h.issuer, &request("d0-over-2", card, 50_000)), velocity);
    h.advance(DAY);
    assert_eq!(outcome(&h.issuer, &request("d1-0", card, 50_000)), None, "a new day");
}

#[test]
fn a_daily_limit_of_100_is_reached_by_spending() {
    let h = Harness::new("daily-100");
    let card = "4000000000000226";
    assert_eq!(outcome(&h.issuer, &request("a", card, 6_000)), None);
    assert_eq!(
        outcome(&h.issuer, &request("b", card, 6_000)),
        Some(Refusal::Declined(DeclineCode::CardVelocityExceeded))
    );
    // A declined authorization spends nothing: exactly the rest of the day's limit still passes.
    assert_eq!(outcome(&h.issuer, &request("c", card, 4_000)), None);
    assert_eq!(outcome(&h.issuer, &request("d", card, 1)), Some(Refusal::Declined(DeclineCode::CardVelocityExceeded)));
    h.advance(DAY);
    assert_eq!(outcome(&h.issuer, &request("e", card, 6_000)), None, "a new day");
}

#[test]
fn a_monthly_limit_of_300_is_reached_over_several_days() {
    let h = Harness::new("monthly-300");
    let card = "4000000000000234";
    let velocity = Some(Refusal::Declined(DeclineCode::CardVelocityExceeded));
    // 100.00 a day on 2, 3 and 4 November: each day far under the daily limit, 300.00 in the month.
    for day in 0..3 {
        assert_eq!(outcome(&h.issuer, &request(&format!("nov-{day}"), card, 10_000)), None, "day {day}");
        h.advance(DAY);
    }
    assert_eq!(outcome(&h.issuer, &request("nov-over", card, 1_000)), velocity, "5 November: over 300.00");
    h.advance(10 * DAY);
    assert_eq!(outcome(&h.issuer, &request("nov-later", card, 1_000)), velocity, "15 November: still this month");
    // 1 December 12:00: a new month.
    h.advance(16 * DAY);
    assert_eq!(outcome(&h.issuer, &request("dec", card, 1_000)), None, "a new month");
}

#[test]
fn a_credit_line_of_50_is_used_up_and_freed_by_a_settled_refund() {
    let h = Harness::new("credit-50");
    let card = "4000000000000333";
    let insufficient = Some(Refusal::Declined(DeclineCode::InsufficientFunds));
    let first = h.issuer.authorize(&request("a", card, 3_000)).wait().expect("authorize 30.00");
    assert!(first.is_approved(), "{first:?}");
    assert_eq!(outcome(&h.issuer, &request("b", card, 3_000)), insufficient);
    let captured = h.issuer.capture(&first.id, 3_000, "cap-a").wait().expect("capture");
    assert_eq!(captured.status, AuthorizationStatus::Captured);
    assert_eq!(outcome(&h.issuer, &request("c", card, 3_000)), insufficient, "captured money still uses the line");
    let refund = h.issuer.refund(&first.id, 3_000, "rf-a").wait().expect("refund");
    assert_eq!(refund.status, RefundStatus::Pending);
    assert_eq!(outcome(&h.issuer, &request("d", card, 3_000)), insufficient, "a pending refund frees nothing");
    h.advance(3 * DAY);
    assert_eq!(h.issuer.refund_status(&refund.id).wait().expect("refund status").status, RefundStatus::Succeeded);
    assert_eq!(outcome(&h.issuer, &request("e", card, 3_000)), None, "the settled refund freed the line");
    assert_eq!(outcome(&h.issuer, &request("f", card, 3_000)), insufficient, "and only that much");
}

#[test]
fn a_void_or_an_expiry_frees_the_credit_line() {
    let h = Harness::new("credit-release");
    let card = "4000000000000333";
    let insufficient = Some(Refusal::Declined(DeclineCode::InsufficientFunds));
    let held = h.issuer.authorize(&request("a", card, 4_000)).wait().expect("authorize 40.00");
    assert!(held.is_approved());
    assert_eq!(outcome(&h.issuer, &request("b", card, 2_000)), insufficient);
    h.issuer.void(&held.id, "void-a").wait().expect("void");
    let again = h.issuer.authorize(&request("c", card, 4_000)).wait().expect("authorize 40.00 again");
    assert!(again.is_approved(), "the void freed the line: {again:?}");
    h.advance(7 * DAY);
    assert_eq!(outcome(&h.issuer, &request("d", card, 4_000)), None, "the expired hold freed the line");
}

#[test]
fn limits_hold_across_a_reopen_of_the_issuer_database() {
    let h = Harness::new("reopen");
    let first = h.issuer.authorize(&request("daily-a", "4000000000000226", 6_000)).wait().expect("authorize");
    assert!(first.is_approved());
    assert_eq!(outcome(&h.issuer, &request("credit-a", "4000000000000333", 3_000)), None);
    for day in 0..3 {
        let key = format!("monthly-{day}");
        assert_eq!(outcome(&h.issuer, &request(&key, "4000000000000234", 10_000)), None);
        h.advance(DAY / 24);
    }

    let reopened = h.reopen();
    let velocity = Some(Refusal::Declined(DeclineCode::CardVelocityExceeded));
    assert_eq!(outcome(&reopened, &request("daily-b", "4000000000000226", 6_000)), velocity, "daily");
    assert_eq!(outcome(&reopened, &request("monthly-b", "4000000000000234", 1_000)), velocity, "monthly");
    let insufficient = Some(Refusal::Declined(DeclineCode::InsufficientFunds));
    assert_eq!(outcome(&reopened, &request("credit-b", "4000000000000333", 3_000)), insufficient, "credit");
    // The idempotency record survived too.
    let replay = reopened.authorize(&request("daily-a", "4000000000000226", 6_000)).wait().expect("replay");
    assert_eq!(replay.id, first.id);

    drop(reopened);
    let third = h.reopen();
    assert_eq!(outcome(&third, &request("daily-c", "4000000000000226", 6_000)), velocity, "after a second re-open");
}

#[test]
fn an_authorization_is_valid_for_seven_days() {
    let h = Harness::new("expiry-7");
    let card = "4242424242424242";
    let early = h.issuer.authorize(&request("early", card, 1_000)).wait().expect("authorize");
    let late = h.issuer.authorize(&request("late", card, 1_000)).wait().expect("authorize");
    assert_eq!(late.expires_at, START + 7 * DAY);
    h.advance(7 * DAY - 1);
    assert_eq!(h.issuer.authorization(&late.id).wait().expect("read").status, AuthorizationStatus::Authorized);
    let captured = h.issuer.capture(&early.id, 1_000, "cap-early").wait().expect("capture on the last second");
    assert_eq!((captured.status, captured.captured_minor), (AuthorizationStatus::Captured, 1_000));
    h.advance(1);
    assert_eq!(h.issuer.capture(&late.id, 1_000, "cap-late").wait(), Err(IssuerError::AuthorizationExpired));
    assert_eq!(h.issuer.authorization(&late.id).wait().expect("read").status, AuthorizationStatus::Expired);
    // An expired authorization can still be voided (released), and then reads voided.
    assert_eq!(h.issuer.void(&late.id, "void-late").wait().expect("void").status, AuthorizationStatus::Voided);
}

#[test]
fn card_0242_authorizations_expire_after_one_day() {
    let h = Harness::new("expiry-1");
    let card = "4000000000000242";
    let early = h.issuer.authorize(&request("early", card, 1_000)).wait().expect("authorize");
    let late = h.issuer.authorize(&request("late", card, 1_000)).wait().expect("authorize");
    assert_eq!(late.expires_at, START + DAY);
    h.advance(DAY - 60);
    h.issuer.capture(&early.id, 1_000, "cap-early").wait().expect("capture within the day");
    h.advance(60);
    assert_eq!(h.issuer.capture(&late.id, 1_000, "cap-late").wait(), Err(IssuerError::AuthorizationExpired));
}

#[test]
fn captures_are_partial_at_most_and_voids_are_final() {
    let h = Harness::new("capture");
    let card = "4242424242424242";
    let a = h.issuer.authorize(&request("a", card, 1_000)).wait().expect("authorize");
    assert_eq!(h.issuer.capture(&a.id, 1_001, "cap-a-too-much").wait(), Err(IssuerError::AmountTooLarge));
    assert_eq!(h.issuer.capture(&a.id, 0, "cap-a-zero").wait(), Err(IssuerError::AmountTooLarge));
    let partial = h.issuer.capture(&a.id, 400, "cap-a").wait().expect("partial capture");
    assert_eq!(
        (partial.status, partial.captured_minor, partial.amount_minor),
        (AuthorizationStatus::Captured, 400, 1_000)
    );
    assert!(
        matches!(h.issuer.capture(&a.id, 400, "cap-a-again").wait(), Err(IssuerError::InvalidState(_))),
        "captured once"
    );
    assert!(
        matches!(h.issuer.void(&a.id, "void-a").wait(), Err(IssuerError::InvalidState(_))),
        "a capture cannot be voided"
    );
    // Refunds are bounded by what was captured.
    assert_eq!(h.issuer.refund(&a.id, 401, "rf-a-too-much").wait(), Err(IssuerError::AmountTooLarge));

    let b = h.issuer.authorize(&request("b", card, 1_000)).wait().expect("authorize");
    assert_eq!(h.issuer.void(&b.id, "void-b").wait().expect("void").status, AuthorizationStatus::Voided);
    assert!(matches!(h.issuer.capture(&b.id, 1_000, "cap-b").wait(), Err(IssuerError::InvalidState(_))));
    assert!(matches!(h.issuer.refund(&b.id, 1_000, "rf-b").wait(), Err(IssuerError::InvalidState(_))));

    let refused = h.issuer.authorize(&request("c", "4000000000000002", 1_000)).wait().expect("authorize");
    assert!(matches!(h.issuer.capture(&refused.id, 1_000, "cap-c").wait(), Err(IssuerError::InvalidState(_))));
    assert_eq!(h.issuer.capture("auth_nonexistent", 1_000, "cap-d").wait(), Err(IssuerError::NotFound));
}

#[test]
fn one_authorization_pays_several_orders_by_partial_captures_and_releases() {
    let h = Harness::new("parts");
    let card = "4242424242424242";
    let a = h.issuer.authorize(&request("cart", card, 9_000)).wait().expect("authorize");
    // Seller A ships (3,000), seller B cancels (2,000), seller C ships (4,000).
    let after_a = h.issuer.capture_part(&a.id, 3_000, "a:capture").wait().expect("capture A");
    assert_eq!((after_a.status, after_a.captured_minor), (AuthorizationStatus::Authorized, 3_000));
    assert_eq!(h.issuer.capture_part(&a.id, 3_000, "a:capture").wait().expect("replayed"), after_a, "idempotent");
    let after_b = h.issuer.release_part(&a.id, 2_000, "b:release").wait().expect("release B");
    assert_eq!((after_b.status, after_b.released_minor), (AuthorizationStatus::Authorized, 2_000));
    assert_eq!(
        h.issuer.capture_part(&a.id, 4_001, "c:too-much").wait(),
        Err(IssuerError::AmountTooLarge),
        "never more than what is left"
    );
    // Refunds of what was captured work while the rest is still authorized.
    let early = h.issuer.refund(&a.id, 1_000, "a:refund").wait().expect("refund part of A");
    assert_eq!(early.amount_minor, 1_000);
    let last = h.issuer.capture_part(&a.id, 4_000, "c:capture").wait().expect("capture C");
    assert_eq!(
        (last.status, last.captured_minor, last.released_minor, last.refunded_minor),
        (AuthorizationStatus::Captured, 7_000, 2_000, 1_000),
        "final once everything is captured or released"
    );
    assert!(matches!(h.issuer.release_part(&a.id, 1, "late").wait(), Err(IssuerError::InvalidState(_))));
    // Everything released: the authorization is voided.
    let b = h.issuer.authorize(&request("cart-2", card, 500)).wait().expect("authorize");
    h.issuer.release_part(&b.id, 200, "b1").wait().expect("release");
    let voided = h.issuer.release_part(&b.id, 300, "b2").wait().expect("release the rest");
    assert_eq!(voided.status, AuthorizationStatus::Voided);
}

#[test]
fn authorize_is_idempotent_by_key_and_counts_once_against_limits() {
    let h = Harness::new("idempotent-authorize");
    let card = "4000000000000226";
    let first = h.issuer.authorize(&request("k1", card, 6_000)).wait().expect("authorize");
    h.advance(60);
    let second = h.issuer.authorize(&request("k1", card, 6_000)).wait().expect("authorize again");
    assert_eq!(second, first, "the same key gives the same authorization");
    assert_eq!(h.issuer.authorize(&request("k1", card, 6_001)).wait(), Err(IssuerError::KeyReused));
    let mut other_currency = request("k1", card, 6_000);
    other_currency.currency = "EUR".to_owned();
    assert_eq!(h.issuer.authorize(&other_currency).wait(), Err(IssuerError::KeyReused));
    // 60.00 counted once: 40.00 more reaches the 100.00 daily limit exactly; one cent more is over it.
    assert_eq!(outcome(&h.issuer, &request("k2", card, 4_000)), None);
    assert_eq!(outcome(&h.issuer, &request("k3", card, 1)), Some(Refusal::Declined(DeclineCode::CardVelocityExceeded)));
    // A refusal is replayed too, even after the limit has reset.
    h.advance(DAY);
    assert_eq!(outcome(&h.issuer, &request("k3", card, 1)), Some(Refusal::Declined(DeclineCode::CardVelocityExceeded)));
}

#[test]
fn capture_void_and_refund_are_idempotent_by_key() {
    let h = Harness::new("idempotent-ops");
    let card = "4242424242424242";
    let a = h.issuer.authorize(&request("a", card, 1_000)).wait().expect("authorize");
    let captured = h.issuer.capture(&a.id, 600, "cap").wait().expect("capture");
    assert_eq!(h.issuer.capture(&a.id, 600, "cap").wait().expect("capture again"), captured);
    assert_eq!(h.issuer.capture(&a.id, 500, "cap").wait(), Err(IssuerError::KeyReused), "the key with another amount");

    let refund = h.issuer.refund(&a.id, 200, "rf").wait().expect("refund");
    assert_eq!(h.issuer.refund(&a.id, 200, "rf").wait().expect("refund again"), refund);
    assert_eq!(h.issuer.authorization(&a.id).wait().expect("read").refunded_minor, 200, "refunded once");
    let rest = h.issuer.refund(&a.id, 400, "rf-2").wait().expect("refund the rest");
    assert_ne!(rest.id, refund.id);
    assert_eq!(h.issuer.refund(&a.id, 1, "rf-3").wait(), Err(IssuerError::AmountTooLarge), "all of it was refunded");
    assert_eq!(h.issuer.void(&a.id, "rf").wait(), Err(IssuerError::KeyReused), "a refund key cannot void");

    let b = h.issuer.authorize(&request("b", card, 1_000)).wait().expect("authorize");
    let voided = h.issuer.void(&b.id, "void").wait().expect("void");
    assert_eq!(voided.status, AuthorizationStatus::Voided);
    assert_eq!(h.issuer.void(&b.id, "void").wait().expect("void again"), voided);
    assert_eq!(h.issuer.capture(&b.id, 1_000, "void").wait(), Err(IssuerError::KeyReused), "a void key cannot capture");
}

#[test]
fn refunds_settle_after_their_days_or_fail() {
    let h = Harness::new("refunds");
    let refund_of = |number: &str, key: &str| {
        let a = h.issuer.authorize(&request(key, number, 1_000)).wait().expect("authorize");
        h.issuer.capture(&a.id, 1_000, &format!("cap-{key}")).wait().expect("capture");
        h.issuer.refund(&a.id, 1_000, &format!("rf-{key}")).wait().expect("refund")
    };
    let status = |id: &str| h.issuer.refund_status(id).wait().expect("refund status").status;
    let normal = refund_of("4242424242424242", "normal");
    let slow = refund_of("4000000000007726", "slow");
    let failing = refund_of("4000000000000325", "failing");
    assert_eq!((normal.status, normal.settles_at), (RefundStatus::Pending, START + 3 * DAY));
    assert_eq!((slow.status, slow.settles_at), (RefundStatus::Pending, START + 10 * DAY));
    assert_eq!(failing.status, RefundStatus::Failed);
    // A failed refund returned nothing to the card.
    assert_eq!(h.issuer.authorization(&failing.authorization_id).wait().expect("read").refunded_minor, 0);

    h.advance(3 * DAY - 1);
    assert_eq!(
        (status(&normal.id), status(&slow.id), status(&failing.id)),
        (RefundStatus::Pending, RefundStatus::Pending, RefundStatus::Failed)
    );
    h.advance(1);
    assert_eq!(status(&normal.id), RefundStatus::Succeeded, "after 3 days");
    assert_eq!(status(&slow.id), RefundStatus::Pending, "4000000000007726 takes 10 days");
    h.advance(7 * DAY);
    assert_eq!(status(&slow.id), RefundStatus::Succeeded, "after 10 days");
    assert_eq!(status(&failing.id), RefundStatus::Failed, "a failed refund stays failed");
    assert_eq!(status(&normal.id), RefundStatus::Succeeded);
    assert_eq!(h.issuer.refund_status("rf_nonexistent").wait(), Err(IssuerError::NotFound));
}

#[tokio::test]
async fn in_process_a_timeout_is_resolved_by_the_lookup_which_blocks_the_key() {
    let h = Harness::new("resolving");
    let issuer = Arc::new(h.reopen());
    let connector = Connector::InProcess(Arc::clone(&issuer));
    let silent = request("silent", "4000000000000911", 1_000);
    assert_eq!(connector.authorize(&silent).await, Err(IssuerError::Timeout));
    assert_eq!(connector.authorize_resolving(&silent).await, Ok(Resolved::NoAnswer));
    // The abandoned key can never authorize, whatever arrives under it later.
    assert_eq!(issuer.authorize(&request("silent", "4242424242424242", 1_000)).await, Err(IssuerError::KeyBlocked));
    assert_eq!(issuer.lookup_or_block("silent").await, Ok(None));
    // An answered attempt is found by its key, and looking it up blocks nothing.
    let Ok(Resolved::Answered(a)) = connector.authorize_resolving(&request("heard", "4242424242424242", 1_000)).await
    else {
        panic!("an ordinary card is answered");
    };
    assert!(a.is_approved(), "{a:?}");
    assert_eq!(issuer.lookup_or_block("heard").await.expect("lookup").map(|found| found.id), Some(a.id.clone()));
    assert_eq!(issuer.authorize(&request("heard", "4242424242424242", 1_000)).await.map(|again| again.id), Ok(a.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_are_committed_in_batches_and_a_failing_call_rolls_back_alone() {
    let h = Harness::new("batches");
    let issuer = Arc::new(h.reopen());
    for i in 0..100 {
        issuer.authorize(&request(&format!("old{i}"), "4242424242424242", 100)).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let mut tasks = Vec::new();
    for i in 0..400 {
        let issuer = Arc::clone(&issuer);
        tasks.push(tokio::spawn(async move {
            // Every fourth call reuses an earlier key with another amount: refused, nothing written.
            let (key, amount) = if i % 4 == 3 { (format!("old{}", i / 4), 999) } else { (format!("k{i}"), 100 + i) };
            (i, issuer.authorize(&request(&key, "4242424242424242", amount)).await)
        }));
    }
    let mut approved = 0;
    for t in tasks {
        let (i, answer) = t.await.unwrap_or_else(|e| panic!("{e}"));
        if i % 4 == 3 {
            assert_eq!(answer, Err(IssuerError::KeyReused), "call {i}");
        } else {
            assert!(answer.as_ref().is_ok_and(|a| a.is_approved()), "call {i}: {answer:?}");
            approved += 1;
        }
    }
    assert_eq!(approved, 300);
    // Answered means durable: another issuer on the same file finds every approved call, and the
    // refused ones changed nothing.
    drop(issuer);
    let reopened = h.reopen();
    for i in (0..400).filter(|i| i % 4 != 3) {
        let found = reopened.lookup_or_block(&format!("k{i}")).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.map(|a| a.amount_minor), Some(100 + i));
    }
    for i in 0..100 {
        let found = reopened.lookup_or_block(&format!("old{i}")).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.map(|a| a.amount_minor), Some(100));
    }
}
