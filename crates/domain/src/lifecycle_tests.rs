//! The transition tables of payments, attempts, refunds and claims, written out whole, and property
//! tests that walk random sequences of steps through them.

use proptest::prelude::*;

use crate::claims::{self, ClaimReason, ClaimRefusal, ClaimStatus, OpenRefusal, OrderFacts};
use crate::payments::{AttemptRefusal, AttemptStatus, PaymentRefusal, PaymentStatus};
use crate::refunds::{RefundDestination, RefundRefusal, RefundStatus};

// ---------------------------------------------------------------------------------------- payments

#[derive(Debug, Clone, Copy)]
enum PaymentStep {
    BeginAttempt,
    AwaitAction,
    ActionAnswered,
    Authorize,
    Fail,
    Capture,
    Cancel,
    Settle(i64),
}

fn pay(status: PaymentStatus, step: PaymentStep) -> Result<PaymentStatus, PaymentRefusal> {
    match step {
        PaymentStep::BeginAttempt => status.begin_attempt(),
        PaymentStep::AwaitAction => status.await_action(),
        PaymentStep::ActionAnswered => status.action_answered(),
        PaymentStep::Authorize => status.authorize(),
        PaymentStep::Fail => status.fail(),
        PaymentStep::Capture => status.capture(),
        PaymentStep::Cancel => status.cancel(),
        PaymentStep::Settle(captured) => status.settle(captured),
    }
}

#[test]
fn the_payment_table() {
    use PaymentRefusal::*;
    use PaymentStatus::*;
    use PaymentStep as S;
    // (from, step, to or refusal): every status against every step.
    let table: &[(PaymentStatus, PaymentStep, Result<PaymentStatus, PaymentRefusal>)] = &[
        (RequiresPaymentMethod, S::BeginAttempt, Ok(RequiresPaymentMethod)),
        (RequiresPaymentMethod, S::AwaitAction, Ok(RequiresAction)),
        (RequiresPaymentMethod, S::ActionAnswered, Err(NoActionAwaited)),
        (RequiresPaymentMethod, S::Authorize, Ok(RequiresCapture)),
        (RequiresPaymentMethod, S::Fail, Ok(RequiresPaymentMethod)),
        (RequiresPaymentMethod, S::Capture, Err(NotAuthorized)),
        (RequiresPaymentMethod, S::Cancel, Ok(Canceled)),
        (RequiresPaymentMethod, S::Settle(1), Err(NotAuthorized)),
        (RequiresAction, S::BeginAttempt, Ok(RequiresPaymentMethod)),
        (RequiresAction, S::AwaitAction, Ok(RequiresAction)),
        (RequiresAction, S::ActionAnswered, Ok(RequiresPaymentMethod)),
        (RequiresAction, S::Authorize, Ok(RequiresCapture)),
        (RequiresAction, S::Fail, Ok(RequiresPaymentMethod)),
        (RequiresAction, S::Capture, Err(NotAuthorized)),
        (RequiresAction, S::Cancel, Ok(Canceled)),
        (RequiresAction, S::Settle(1), Err(NotAuthorized)),
        (RequiresCapture, S::BeginAttempt, Err(NotPayable)),
        (RequiresCapture, S::AwaitAction, Err(NotPayable)),
        (RequiresCapture, S::ActionAnswered, Err(NoActionAwaited)),
        (RequiresCapture, S::Authorize, Err(NotPayable)),
        (RequiresCapture, S::Fail, Err(NotPayable)),
        (RequiresCapture, S::Capture, Ok(Succeeded)),
        (RequiresCapture, S::Cancel, Ok(Canceled)),
        (RequiresCapture, S::Settle(1), Ok(Succeeded)),
        (RequiresCapture, S::Settle(0), Ok(Canceled)),
        (Succeeded, S::BeginAttempt, Err(NotPayable)),
        (Succeeded, S::AwaitAction, Err(NotPayable)),
        (Succeeded, S::ActionAnswered, Err(NoActionAwaited)),
        (Succeeded, S::Authorize, Err(NotPayable)),
        (Succeeded, S::Fail, Err(NotPayable)),
        (Succeeded, S::Capture, Err(NotAuthorized)),
        (Succeeded, S::Cancel, Err(Final)),
        (Succeeded, S::Settle(1), Err(NotAuthorized)),
        (Canceled, S::BeginAttempt, Err(NotPayable)),
        (Canceled, S::AwaitAction, Err(NotPayable)),
        (Canceled, S::ActionAnswered, Err(NoActionAwaited)),
        (Canceled, S::Authorize, Err(NotPayable)),
        (Canceled, S::Fail, Err(NotPayable)),
        (Canceled, S::Capture, Err(NotAuthorized)),
        (Canceled, S::Cancel, Err(Final)),
        (Canceled, S::Settle(1), Err(NotAuthorized)),
    ];
    for &(from, step, expected) in table {
        assert_eq!(pay(from, step), expected, "{from:?} --{step:?}-->");
    }
    assert_eq!(table.len(), PaymentStatus::ALL.len() * 8 + 1);
}

#[test]
fn payment_names_round_trip_and_refusals_have_codes() {
    for status in PaymentStatus::ALL {
        assert_eq!(PaymentStatus::parse(status.name()), Some(status));
        assert_eq!(status.is_final(), matches!(status, PaymentStatus::Succeeded | PaymentStatus::Canceled));
    }
    assert_eq!(PaymentStatus::parse("paid"), None);
    assert_eq!(PaymentRefusal::NoActionAwaited.code(), "payment_not_awaiting_code");
    assert_eq!(PaymentRefusal::NotPayable.code(), "order_not_payable");
    // Only authorized or captured money counts towards spending limits.
    let holding: Vec<_> = PaymentStatus::ALL.into_iter().filter(|s| s.holds_money()).collect();
    assert_eq!(holding, [PaymentStatus::RequiresCapture, PaymentStatus::Succeeded]);
}

fn payment_step() -> impl Strategy<Value = PaymentStep> {
    prop_oneof![
        Just(PaymentStep::BeginAttempt),
        Just(PaymentStep::AwaitAction),
        Just(PaymentStep::ActionAnswered),
        Just(PaymentStep::Authorize),
        Just(PaymentStep::Fail),
        Just(PaymentStep::Capture),
        Just(PaymentStep::Cancel),
        (0i64..3).prop_map(PaymentStep::Settle),
    ]
}

proptest! {
    /// Whatever happens, a final payment never moves again, money is only ever charged from an
    /// authorization, and a payment never goes back from held money to unpaid.
    #[test]
    fn payments_never_leave_a_final_status(steps in prop::collection::vec(payment_step(), 0..40)) {
        let mut status = PaymentStatus::RequiresPaymentMethod;
        for step in steps {
            if let Ok(next) = pay(status, step) {
                prop_assert!(!status.is_final(), "{status:?} moved to {next:?}");
                if next == PaymentStatus::Succeeded {
                    prop_assert_eq!(status, PaymentStatus::RequiresCapture);
                }
                if status.holds_money() {
                    prop_assert!(next.holds_money() || next == PaymentStatus::Canceled);
                }
                status = next;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------- attempts

#[test]
fn the_attempt_table() {
    use AttemptRefusal::*;
    use AttemptStatus::*;
    type Step = fn(AttemptStatus) -> Result<AttemptStatus, AttemptRefusal>;
    let steps: [(&str, Step); 5] = [
        ("await_action", AttemptStatus::await_action),
        ("succeed", AttemptStatus::succeed),
        ("fail", AttemptStatus::fail),
        ("verify", AttemptStatus::verify),
        ("abandon", AttemptStatus::abandon),
    ];
    // Rows: the status; columns: the steps above, in order.
    let table: [(AttemptStatus, [Result<AttemptStatus, AttemptRefusal>; 5]); 7] = [
        (Processing, [Ok(RequiresAction), Ok(Succeeded), Ok(Failed), Err(NotWaiting), Err(NotWaiting)]),
        (RequiresAction, [Err(Ended), Ok(Succeeded), Ok(Failed), Ok(Verified), Ok(Abandoned)]),
        (Verified, [Err(Ended); 5]),
        (Succeeded, [Err(Ended); 5]),
        (Failed, [Err(Ended); 5]),
        (Abandoned, [Err(Ended); 5]),
        (Reauthorized, [Err(Ended); 5]),
    ];
    for (from, row) in table {
        assert_eq!(AttemptStatus::parse(from.name()), Some(from));
        assert_eq!(from.is_final(), row.iter().all(|r| r == &Err(Ended)), "{from:?}");
        for ((name, step), expected) in steps.iter().zip(row) {
            assert_eq!(step(from), expected, "{from:?} --{name}-->");
        }
    }
    assert_eq!(AttemptStatus::ALL.len(), table.len());
}

// ----------------------------------------------------------------------------------------- refunds

#[test]
fn the_refund_table() {
    use RefundRefusal::*;
    use RefundStatus::*;
    assert_eq!(RefundStatus::new(0), Succeeded);
    assert_eq!(RefundStatus::new(1), Processing);
    let table: [(RefundStatus, [Result<RefundStatus, RefundRefusal>; 4]); 3] = [
        // accepted(settled), accepted(not settled), settled, reroute_to_pocket
        (Processing, [Ok(Succeeded), Ok(Pending), Ok(Succeeded), Ok(Succeeded)]),
        (Pending, [Err(AlreadyAccepted), Err(AlreadyAccepted), Ok(Succeeded), Ok(Succeeded)]),
        (Succeeded, [Err(AlreadySucceeded); 4]),
    ];
    for (from, [settled, accepted, done, rerouted]) in table {
        assert_eq!(RefundStatus::parse(from.name()), Some(from));
        assert_eq!(from.accepted(true), settled, "{from:?} accepted and settled");
        assert_eq!(from.accepted(false), accepted, "{from:?} accepted");
        assert_eq!(from.settled(), done, "{from:?} settled");
        assert_eq!(from.reroute_to_pocket(), rerouted, "{from:?} rerouted");
    }
    for destination in [RefundDestination::Original, RefundDestination::Pocket] {
        assert_eq!(RefundDestination::parse(destination.name()), Some(destination));
    }
}

proptest! {
    /// A refund only moves forward, and once succeeded nothing moves it.
    #[test]
    fn refunds_only_move_forward(card in 0i64..2, steps in prop::collection::vec(0u8..4, 0..12)) {
        let rank = |s: RefundStatus| RefundStatus::ALL.iter().position(|x| *x == s).unwrap_or(usize::MAX);
        let mut status = RefundStatus::new(card);
        for step in steps {
            let next = match step {
                0 => status.accepted(true),
                1 => status.accepted(false),
                2 => status.settled(),
                _ => status.reroute_to_pocket(),
            };
            if let Ok(next) = next {
                prop_assert!(rank(next) > rank(status), "{status:?} -> {next:?}");
                status = next;
            }
        }
    }
}

// ------------------------------------------------------------------------------------------ claims

#[test]
fn the_claim_table() {
    use ClaimRefusal::*;
    use ClaimStatus::*;
    type Step = fn(ClaimStatus) -> Result<ClaimStatus, ClaimRefusal>;
    let steps: [(&str, Step); 7] = [
        ("reject", ClaimStatus::reject),
        ("escalate", ClaimStatus::escalate),
        ("decide_for_buyer", ClaimStatus::decide_for_buyer),
        ("decide_for_seller", ClaimStatus::decide_for_seller),
        ("refunded", ClaimStatus::refunded),
        ("refund_refused back to awaiting_seller", |s| s.refund_refused(AwaitingSeller)),
        ("refund_refused back to under_review", |s| s.refund_refused(UnderReview)),
    ];
    let table: [(ClaimStatus, [Result<ClaimStatus, ClaimRefusal>; 7]); 5] = [
        (
            AwaitingSeller,
            [
                Ok(Rejected),
                Err(NotRejected),
                Ok(Refunding),
                Err(NotUnderReview),
                Err(NotRefunding),
                Err(NotRefunding),
                Err(NotRefunding),
            ],
        ),
        (
            Rejected,
            [
                Err(NotAwaitingSeller),
                Ok(UnderReview),
                Err(NotAwaitingDecision),
                Err(NotUnderReview),
                Err(NotRefunding),
                Err(NotRefunding),
                Err(NotRefunding),
            ],
        ),
        (
            UnderReview,
            [
                Err(NotAwaitingSeller),
                Err(NotRejected),
                Ok(Refunding),
                Ok(Resolved),
                Err(NotRefunding),
                Err(NotRefunding),
                Err(NotRefunding),
            ],
        ),
        (
            Refunding,
            [
                Err(NotAwaitingSeller),
                Err(NotRejected),
                Err(NotAwaitingDecision),
                Err(NotUnderReview),
                Ok(Resolved),
                Ok(AwaitingSeller),
                Ok(UnderReview),
            ],
        ),
        (
            Resolved,
            [
                Err(NotAwaitingSeller),
                Err(NotRejected),
                Err(NotAwaitingDecision),
                Err(NotUnderReview),
                Err(NotRefunding),
                Err(NotRefunding),
                Err(NotRefunding),
            ],
        ),
    ];
    for (from, row) in table {
        assert_eq!(ClaimStatus::parse(from.name()), Some(from));
        for ((name, step), expected) in steps.iter().zip(row) {
            assert_eq!(step(from), expected, "{from:?} --{name}-->");
        }
    }
    // A refused refund never sends a claim anywhere but where decisions are taken.
    assert_eq!(Refunding.refund_refused(Rejected), Err(NotRefunding));
    assert_eq!(Refunding.refund_refused(Resolved), Err(NotRefunding));
    assert_eq!(NotAwaitingDecision.code(), "claim_not_open");
    assert_eq!(ClaimStatus::OPEN, [AwaitingSeller, UnderReview, Refunding]);
}

proptest! {
    /// A resolved claim never moves; a claim is only resolved for the buyer through `refunding`.
    #[test]
    fn claims_are_resolved_once(steps in prop::collection::vec(0u8..7, 0..30)) {
        let mut status = ClaimStatus::AwaitingSeller;
        for step in steps {
            let next = match step {
                0 => status.reject(),
                1 => status.escalate(),
                2 => status.decide_for_buyer(),
                3 => status.decide_for_seller(),
                4 => status.refunded(),
                5 => status.refund_refused(ClaimStatus::AwaitingSeller),
                _ => status.refund_refused(ClaimStatus::UnderReview),
            };
            if let Ok(next) = next {
                prop_assert_ne!(status, ClaimStatus::Resolved);
                if next == ClaimStatus::Resolved {
                    prop_assert!(matches!(status, ClaimStatus::Refunding | ClaimStatus::UnderReview));
                }
                status = next;
            }
        }
    }
}

const DAY: i64 = 86_400;

fn shipped(paid_at: i64, shipped_at: i64, delivered_at: Option<i64>) -> OrderFacts {
    OrderFacts { paid_at: Some(paid_at), shipped_at: Some(shipped_at), delivered_at, canceled: false }
}

#[test]
fn when_a_claim_may_be_opened() {
    use ClaimReason::*;
    let t0 = 1_000 * DAY;
    let cases: &[(OrderFacts, ClaimReason, i64, Result<i64, OpenRefusal>)] = &[
        (
            OrderFacts { paid_at: Some(t0), shipped_at: None, delivered_at: None, canceled: false },
            Damaged,
            t0,
            Err(OpenRefusal::NotShipped),
        ),
        (OrderFacts { canceled: true, ..shipped(t0, t0, None) }, Damaged, t0 + DAY, Err(OpenRefusal::OrderCanceled)),
        (shipped(t0, t0, Some(t0 + DAY)), Damaged, t0 + 2 * DAY, Ok(t0 + 2 * DAY + claims::SELLER_RESPONSE_S)),
        // 20 days after delivery, to the second; then closed.
        (shipped(t0, t0, Some(t0 + DAY)), NotAsDescribed, t0 + 21 * DAY, Ok(t0 + 21 * DAY + 3 * DAY)),
        (shipped(t0, t0, Some(t0 + DAY)), NotAsDescribed, t0 + 21 * DAY + 1, Err(OpenRefusal::WindowClosed)),
        // Not delivered: "not received" waits for the 14-day promise; other reasons do not.
        (shipped(t0, t0, None), NotReceived, t0 + 13 * DAY, Err(OpenRefusal::ParcelInTransit { from: t0 + 14 * DAY })),
        (shipped(t0, t0, None), NotReceived, t0 + 14 * DAY, Ok(t0 + 17 * DAY)),
        (shipped(t0, t0, None), Other, t0 + DAY, Ok(t0 + 4 * DAY)),
        // 90 days of protection from payment, whatever the delivery.
        (
            shipped(t0, t0 + 80 * DAY, Some(t0 + 85 * DAY)),
            Damaged,
            t0 + 90 * DAY + 1,
            Err(OpenRefusal::ProtectionExpired),
        ),
    ];
    for &(order, reason, now, expected) in cases {
        assert_eq!(claims::may_open(order, reason, now), expected, "{order:?} {reason:?} at {now}");
    }
    assert_eq!(OpenRefusal::ProtectionExpired.code(), "protection_expired");
    assert_eq!(OpenRefusal::WindowClosed.code(), "claim_window_closed");
    for reason in ClaimReason::ALL {
        assert_eq!(ClaimReason::parse(reason.name()), Some(reason));
    }
}

proptest! {
    /// Whenever a claim may be opened, it is within 90 days of payment and 20 days of delivery, and
    /// the seller's deadline is three days on.
    #[test]
    fn open_claims_respect_every_window(
        paid in 0i64..1_000 * DAY,
        ship_after in 0i64..100 * DAY,
        deliver_after in prop::option::of(0i64..30 * DAY),
        now_after in 0i64..150 * DAY,
        reason in 0usize..4,
    ) {
        let shipped_at = paid + ship_after;
        let delivered_at = deliver_after.map(|d| shipped_at + d);
        let now = paid + now_after;
        if let Ok(respond_by) = claims::may_open(shipped(paid, shipped_at, delivered_at), ClaimReason::ALL[reason], now) {
            prop_assert!(now <= paid + claims::PROTECTION_S);
            if let Some(d) = delivered_at {
                prop_assert!(now <= d + claims::CLAIM_WINDOW_S);
            }
            prop_assert_eq!(respond_by, now + claims::SELLER_RESPONSE_S);
        }
    }
}

// ------------------------------------------------------------------------------ smaller lifecycles

#[test]
fn the_smaller_tables() {
    use crate::states::*;
    type Gift = fn(GiftCardState) -> Result<GiftCardState, StateRefusal>;
    let steps: [(&str, Gift); 4] = [
        ("redeem", GiftCardState::redeem),
        ("block", GiftCardState::block),
        ("unblock", GiftCardState::unblock),
        ("expire", GiftCardState::expire),
    ];
    use GiftCardState::*;
    let refused = |s: GiftCardState| Err(StateRefusal { current: s.name() });
    let table: [(GiftCardState, [Result<GiftCardState, StateRefusal>; 4]); 5] = [
        (Loaded, [refused(Loaded), refused(Loaded), refused(Loaded), refused(Loaded)]),
        (Active, [Ok(Redeemed), Ok(Blocked), refused(Active), Ok(Expired)]),
        (Blocked, [refused(Blocked), refused(Blocked), Ok(Active), Ok(Expired)]),
        (Redeemed, [refused(Redeemed), refused(Redeemed), refused(Redeemed), refused(Redeemed)]),
        (Expired, [refused(Expired), refused(Expired), refused(Expired), refused(Expired)]),
    ];
    for (from, row) in table {
        assert_eq!(GiftCardState::parse(from.name()), Some(from));
        for ((name, step), expected) in steps.iter().zip(row) {
            assert_eq!(step(from), expected, "{from:?} --{name}-->");
        }
    }
    assert_eq!(GiftCardState::ALL.len(), table.len());
    assert_eq!(GiftCardState::new(true), Active);
    assert_eq!(GiftCardState::new(false), Loaded);

    assert_eq!(PurchaseStatus::Processing.succeed(), Ok(PurchaseStatus::Succeeded));
    assert_eq!(PurchaseStatus::Processing.fail(), Ok(PurchaseStatus::Failed));
    for done in [PurchaseStatus::Succeeded, PurchaseStatus::Failed] {
        assert_eq!(done.succeed(), Err(StateRefusal { current: done.name() }));
        assert_eq!(done.fail(), Err(StateRefusal { current: done.name() }));
    }

    assert_eq!(HoldState::Held.capture(), Ok(HoldState::Captured));
    assert_eq!(HoldState::Held.release(), Ok(HoldState::Released));
    for done in [HoldState::Captured, HoldState::Released] {
        assert!(done.capture().is_err() && done.release().is_err(), "{done:?} is final");
    }

    assert_eq!(UserStatus::Unverified.confirm(), Ok(UserStatus::Active));
    assert!(UserStatus::Active.confirm().is_err());
    assert!(UserStatus::Active.may_sign_in() && !UserStatus::Unverified.may_sign_in());

    for from in TicketStatus::ALL.iter().copied() {
        assert_eq!(from.after_message(true), TicketStatus::Answered);
        assert_eq!(from.after_message(false), TicketStatus::Open);
    }

    assert_eq!(DeliveryStatus::Pending.answered(true), Ok(DeliveryStatus::Succeeded));
    assert_eq!(DeliveryStatus::Pending.answered(false), Ok(DeliveryStatus::Failed));
    assert!(DeliveryStatus::Succeeded.answered(true).is_err() && DeliveryStatus::Failed.answered(true).is_err());
    assert_eq!(EndpointStatus::Enabled.disable(), Ok(EndpointStatus::Disabled));
    assert!(EndpointStatus::Disabled.disable().is_err());
    assert!(EndpointStatus::Enabled.receives() && !EndpointStatus::Disabled.receives());
    assert!(BankAccountStatus::New.usable() && !BankAccountStatus::Disabled.usable());

    // Every name parses back to its value, in every one of these lifecycles.
    macro_rules! round_trips {
        ($($t:ty),+) => {$(
            for value in <$t>::ALL.iter().copied() {
                assert_eq!(<$t>::parse(value.name()), Some(value));
            }
        )+};
    }
    round_trips!(
        UserStatus,
        PurchaseStatus,
        HoldState,
        TicketStatus,
        EndpointStatus,
        DeliveryStatus,
        BankAccountStatus
    );
    assert_eq!(UserStatus::parse("blocked"), None);
}
