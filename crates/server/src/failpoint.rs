//! Named steps of the multi-step operations, where a test can stop the process as a crash would
//! (`POCKETPAY_FAILPOINTS=refund.reserved,…`, test mode only): right after a step's effect is durable
//! and before the next step begins. The kill-at-every-step test (`crates/pocketpay/tests/kill_steps.rs`)
//! stops a real server at each of them and checks that the restart, the healers and the client's
//! retry with its key leave exactly one effect.

/// Every step a failpoint can name: `operation.step`, in the order an operation passes them.
pub const STEPS: &[&str] = &[
    // Paying: the attempt claimed (and the Pocket part held), then the issuer's answer not yet recorded;
    // a payment the Pocket pays alone is complete before its answer is recorded.
    "pay.claimed",
    "pay.authorized",
    "pay.answered",
    // A one-time code accepted (a new attempt claimed), before the issuer is asked.
    "verify.checked",
    // A document review approved (a new attempt claimed), before the issuer is asked.
    "review.decided",
    // Shipping: the payment claimed for the capture, then the issuer captured, before booking.
    "capture.claimed",
    "capture.captured",
    // Cancelling: the payment claimed, then the authorization voided, before the cancellation is booked.
    "cancel.claimed",
    "cancel.voided",
    // Refunding: the amount reserved and the Pocket part paid, then the issuer answered the card part.
    "refund.reserved",
    "refund.sent",
    // A claim decided for the buyer, before its refund.
    "claim.decided",
    // Buying gift cards: the purchase recorded, then the card charged, before the codes are booked.
    "gift_card.recorded",
    "gift_card.charged",
    // Paying a seller out: the attempt recorded, then the bank answered, before its answer is recorded.
    "payout.recorded",
    "payout.sent",
];

/// The failpoints a server was started with; empty in live mode and by default.
#[derive(Debug, Clone, Default)]
pub struct Failpoints(Vec<String>);

/// A failpoint list names a step that does not exist.
#[derive(Debug, thiserror::Error)]
#[error("POCKETPAY_FAILPOINTS: no step is named {0:?}; the steps are {steps}", steps = STEPS.join(", "))]
pub struct UnknownStep(pub String);

impl Failpoints {
    /// Parses a comma-separated list of step names.
    pub fn parse(list: &str) -> Result<Self, UnknownStep> {
        let mut names = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !STEPS.contains(&name) {
                return Err(UnknownStep(name.to_owned()));
            }
            names.push(name.to_owned());
        }
        Ok(Self(names))
    }

    /// True when no failpoint is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Stops the process at once, as a crash would (no destructor runs, nothing more is answered),
    /// when `step` is one of the failpoints.
    pub fn hit(&self, step: &'static str) {
        debug_assert!(STEPS.contains(&step), "undeclared step {step}");
        if self.0.iter().any(|s| s == step) {
            eprintln!("failpoint {step}: stopping the process");
            std::process::abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_steps_and_names_an_unknown_one() {
        let f = Failpoints::parse(" pay.claimed, refund.sent ,").unwrap_or_default();
        assert_eq!(f.0, vec!["pay.claimed".to_owned(), "refund.sent".to_owned()]);
        assert!(Failpoints::parse("").is_ok_and(|f| f.is_empty()));
        let e = Failpoints::parse("pay.claimed,pay.nowhere").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("pay.nowhere") && e.contains("refund.reserved"), "{e}");
        // A step not set never stops the process.
        f.hit("capture.claimed");
    }
}
