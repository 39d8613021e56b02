//! What may still go back to a buyer after a capture: refunds (by the seller, an operator or a
//! claim) and the reimbursement of a payment reported as unauthorized share one cap — together they
//! never return more than was captured. A reimbursement returns everything left at once, so after it
//! nothing more may be refunded. Within a refund, the Pocket-paid part comes back first.

/// What has been returned of a captured payment so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Returned {
    /// Captured, in the payment's minor units.
    pub captured_minor: i64,
    /// Refunded so far (every refund, whatever its destination).
    pub refunded_minor: i64,
    /// The payment was reported as unauthorized and reimbursed (everything left, at once).
    pub reimbursed: bool,
}

/// Why a refund cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error("The amount must be positive.")]
    AmountNotPositive,
    #[error("This payment was reimbursed as unauthorized: nothing is left to refund.")]
    AlreadyReimbursed,
    #[error("At most {left_minor} (minor units) of this payment is left to refund.")]
    ExceedsCaptured { left_minor: i64 },
}

impl RefundError {
    /// The API's error code.
    pub fn code(&self) -> &'static str {
        match self {
            RefundError::AmountNotPositive => "amount_invalid",
            RefundError::AlreadyReimbursed | RefundError::ExceedsCaptured { .. } => "refund_exceeds_captured",
        }
    }
}

impl Returned {
    /// What may still be returned (never negative).
    pub fn left_minor(&self) -> i64 {
        if self.reimbursed {
            return 0;
        }
        (self.captured_minor - self.refunded_minor).max(0)
    }

    /// The amount a refund of `requested_minor` (everything left when `None`) takes, or why it may not.
    pub fn check_refund(&self, requested_minor: Option<i64>) -> Result<i64, RefundError> {
        if requested_minor.is_some_and(|a| a <= 0) {
            return Err(RefundError::AmountNotPositive);
        }
        if self.reimbursed {
            return Err(RefundError::AlreadyReimbursed);
        }
        let left_minor = self.left_minor();
        let amount = requested_minor.unwrap_or(left_minor);
        if amount <= 0 || amount > left_minor {
            return Err(RefundError::ExceedsCaptured { left_minor });
        }
        Ok(amount)
    }

    /// What a reimbursement of an unauthorized payment pays: everything left, or `None` once one was made.
    pub fn reimbursement_minor(&self) -> Option<i64> {
        (!self.reimbursed).then(|| self.left_minor())
    }

    /// The same, after a refund of `amount_minor`. Checked: a refund never passes the cap.
    pub fn after_refund(&self, amount_minor: i64) -> Result<Returned, RefundError> {
        self.check_refund(Some(amount_minor))?;
        Ok(Returned { refunded_minor: self.refunded_minor + amount_minor, ..*self })
    }
}

/// How a refund of `amount_minor` splits between the Pocket and the card: the Pocket-paid part
/// comes back first, up to what the Pocket paid and was not yet refunded. Returns (pocket, card).
pub fn pocket_first_split(amount_minor: i64, pocket_paid_minor: i64, pocket_refunded_minor: i64) -> (i64, i64) {
    let pocket = amount_minor.min(pocket_paid_minor - pocket_refunded_minor).max(0);
    (pocket, amount_minor - pocket)
}

// --------------------------------------------------------------------------------------- lifecycle

/// Where a refund is. The Pocket part (and a card part sent to the Pocket) is paid at once, so such a
/// refund is made `Succeeded`. A card part is made `Processing` until the issuer answers; it is then
/// `Pending` while the card network carries it, or `Succeeded`. A card refund the issuer refuses is
/// paid into the buyer's Pocket instead ([`RefundStatus::reroute_to_pocket`]): refunds never fail.
///
/// ```text
///  processing ──► pending ──► succeeded
///       └──────────────────────▲   (issuer settled at once, or rerouted to the Pocket)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundStatus {
    /// Waiting for the issuer's answer (asked again if it never comes).
    Processing,
    /// Accepted by the issuer, on its way to the card.
    Pending,
    /// The money is back with the buyer.
    Succeeded,
}

/// Why a refund may not take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum RefundRefusal {
    #[error("This refund has already succeeded.")]
    AlreadySucceeded,
    #[error("This refund is already with the card network.")]
    AlreadyAccepted,
}

impl RefundStatus {
    /// Every status.
    pub const ALL: [RefundStatus; 3] = [RefundStatus::Processing, RefundStatus::Pending, RefundStatus::Succeeded];

    /// The API name.
    pub fn name(self) -> &'static str {
        match self {
            RefundStatus::Processing => "processing",
            RefundStatus::Pending => "pending",
            RefundStatus::Succeeded => "succeeded",
        }
    }

    /// The status of an API name.
    pub fn parse(name: &str) -> Option<RefundStatus> {
        RefundStatus::ALL.into_iter().find(|s| s.name() == name)
    }

    /// A new refund: `Succeeded` when nothing goes to a card, else `Processing`.
    pub fn new(to_card_minor: i64) -> RefundStatus {
        if to_card_minor > 0 {
            RefundStatus::Processing
        } else {
            RefundStatus::Succeeded
        }
    }

    /// The issuer accepted the card refund; `settled` when it says the money is already there.
    pub fn accepted(self, settled: bool) -> Result<RefundStatus, RefundRefusal> {
        match self {
            RefundStatus::Processing if settled => Ok(RefundStatus::Succeeded),
            RefundStatus::Processing => Ok(RefundStatus::Pending),
            RefundStatus::Pending => Err(RefundRefusal::AlreadyAccepted),
            RefundStatus::Succeeded => Err(RefundRefusal::AlreadySucceeded),
        }
    }

    /// The card network delivered it.
    pub fn settled(self) -> Result<RefundStatus, RefundRefusal> {
        match self {
            RefundStatus::Processing | RefundStatus::Pending => Ok(RefundStatus::Succeeded),
            RefundStatus::Succeeded => Err(RefundRefusal::AlreadySucceeded),
        }
    }

    /// The issuer refused it (at once, or after accepting it): it is paid into the Pocket instead.
    pub fn reroute_to_pocket(self) -> Result<RefundStatus, RefundRefusal> {
        self.settled()
    }
}

/// Where a refund's money goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundDestination {
    /// Back the way it came: the Pocket part to the Pocket, the card part to the card.
    Original,
    /// Everything to the buyer's Pocket.
    Pocket,
}

impl RefundDestination {
    /// The API name.
    pub fn name(self) -> &'static str {
        match self {
            RefundDestination::Original => "original",
            RefundDestination::Pocket => "pocket",
        }
    }

    /// The destination of an API name.
    pub fn parse(name: &str) -> Option<RefundDestination> {
        [RefundDestination::Original, RefundDestination::Pocket].into_iter().find(|d| d.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn returned(captured: i64, refunded: i64, reimbursed: bool) -> Returned {
        Returned { captured_minor: captured, refunded_minor: refunded, reimbursed }
    }

    #[test]
    fn refund_caps() {
        use RefundError::*;
        let cases: &[(Returned, Option<i64>, Result<i64, RefundError>)] = &[
            (returned(2500, 0, false), None, Ok(2500)),
            (returned(2500, 0, false), Some(2500), Ok(2500)),
            (returned(2500, 0, false), Some(2501), Err(ExceedsCaptured { left_minor: 2500 })),
            (returned(2500, 1000, false), Some(1500), Ok(1500)),
            (returned(2500, 1000, false), Some(1501), Err(ExceedsCaptured { left_minor: 1500 })),
            (returned(2500, 2500, false), None, Err(ExceedsCaptured { left_minor: 0 })),
            (returned(2500, 0, true), Some(1), Err(AlreadyReimbursed)),
            (returned(2500, 0, true), None, Err(AlreadyReimbursed)),
            (returned(2500, 0, false), Some(0), Err(AmountNotPositive)),
            (returned(2500, 0, false), Some(-5), Err(AmountNotPositive)),
            (returned(0, 0, false), None, Err(ExceedsCaptured { left_minor: 0 })),
        ];
        for (state, requested, expected) in cases {
            assert_eq!(state.check_refund(*requested), *expected, "{state:?} {requested:?}");
        }
    }

    #[test]
    fn a_reimbursement_takes_what_is_left_once() {
        assert_eq!(returned(2500, 0, false).reimbursement_minor(), Some(2500));
        assert_eq!(returned(2500, 1000, false).reimbursement_minor(), Some(1500));
        assert_eq!(returned(2500, 2500, false).reimbursement_minor(), Some(0));
        assert_eq!(returned(2500, 0, true).reimbursement_minor(), None);
    }

    #[test]
    fn pocket_part_first() {
        let cases = [
            // (amount, pocket paid, pocket refunded) → (pocket, card)
            ((1000, 1000, 0), (1000, 0)),
            ((1500, 1000, 0), (1000, 500)),
            ((1500, 1000, 400), (600, 900)),
            ((500, 1000, 1000), (0, 500)),
            ((500, 0, 0), (0, 500)),
        ];
        for ((amount, paid, refunded), expected) in cases {
            assert_eq!(pocket_first_split(amount, paid, refunded), expected);
        }
    }

    proptest! {
        /// Whatever the order of refunds and a reimbursement, what goes back never exceeds the capture.
        #[test]
        fn never_more_than_captured(captured in 0i64..100_000, steps in proptest::collection::vec((any::<bool>(), 1i64..50_000), 0..20)) {
            let mut state = returned(captured, 0, false);
            let mut paid_back = 0i64;
            for (reimburse, amount) in steps {
                if reimburse {
                    if let Some(r) = state.reimbursement_minor() {
                        paid_back += r;
                        state.reimbursed = true;
                    }
                } else if let Ok(next) = state.after_refund(amount) {
                    paid_back += amount;
                    state = next;
                }
                prop_assert!(paid_back <= captured);
                prop_assert!(state.left_minor() >= 0);
                prop_assert_eq!(paid_back + state.left_minor(), if state.reimbursed { paid_back } else { captured });
            }
        }

        #[test]
        fn split_adds_up(amount in 0i64..100_000, paid in 0i64..100_000, refunded_share in 0u32..=100) {
            let refunded = paid * i64::from(refunded_share) / 100;
            let (pocket, card) = pocket_first_split(amount, paid, refunded);
            prop_assert_eq!(pocket + card, amount);
            prop_assert!(pocket >= 0 && pocket <= paid - refunded);
        }
    }
}
