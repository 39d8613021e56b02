//! Buyer claims: when one may be opened ([`may_open`], with the windows as constants), and its
//! lifecycle ([`ClaimStatus`]) as a closed enum whose transitions name their refusal ([`ClaimRefusal`]).
//!
//! ```text
//!  awaiting_seller ── seller rejects ──► rejected ── buyer escalates ──► under_review
//!        │  decide for the buyer (seller accepts, or did not answer in time)    │  decide for the buyer
//!        ▼                                                                     ▼  (an operator)
//!    refunding ◄────────────────────────────────────────────────────────────────┘
//!        │ the refund is made ──► resolved (buyer)     the refund is refused ──► back where it came from
//!  under_review ── an operator decides for the seller ──► resolved (seller)
//! ```
//!
//! `refunding` is the step that makes a decision safe: the claim is marked before the refund is
//! asked for, so two decisions cannot both refund, and a refund interrupted by a crash is finished.

/// A claim may be opened until this long after delivery (seconds).
pub const CLAIM_WINDOW_S: i64 = 20 * 86_400;
/// Buyers are protected this long after payment.
pub const PROTECTION_S: i64 = 90 * 86_400;
/// A parcel not delivered this long after shipping may be reported missing.
pub const DELIVERY_PROMISE_S: i64 = 14 * 86_400;
/// The seller answers a claim within this time, or loses it.
pub const SELLER_RESPONSE_S: i64 = 3 * 86_400;

/// What a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimReason {
    NotReceived,
    NotAsDescribed,
    Damaged,
    Other,
}

impl ClaimReason {
    /// Every reason.
    pub const ALL: [ClaimReason; 4] =
        [ClaimReason::NotReceived, ClaimReason::NotAsDescribed, ClaimReason::Damaged, ClaimReason::Other];

    /// The API name.
    pub fn name(self) -> &'static str {
        match self {
            ClaimReason::NotReceived => "not_received",
            ClaimReason::NotAsDescribed => "not_as_described",
            ClaimReason::Damaged => "damaged",
            ClaimReason::Other => "other",
        }
    }

    /// The reason of an API name.
    pub fn parse(name: &str) -> Option<ClaimReason> {
        ClaimReason::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// What the order is like when a claim is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderFacts {
    pub paid_at: Option<i64>,
    pub shipped_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub canceled: bool,
}

/// Why a claim may not be opened now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenRefusal {
    #[error("A claim can be opened once the order has shipped.")]
    NotShipped,
    #[error("This order was canceled.")]
    OrderCanceled,
    #[error("Buyer protection ended 90 days after payment.")]
    ProtectionExpired,
    #[error("Claims can be opened until 20 days after delivery.")]
    WindowClosed,
    /// A parcel still within its delivery promise cannot be reported missing before `from`.
    #[error("The parcel may still arrive; it can be reported missing from {from}.")]
    ParcelInTransit { from: i64 },
}

impl OpenRefusal {
    /// The API `code`.
    pub fn code(&self) -> &'static str {
        match self {
            OpenRefusal::ProtectionExpired => "protection_expired",
            _ => "claim_window_closed",
        }
    }
}

/// Whether a claim for `reason` may be opened at `now`. Returns the time by which the seller must answer.
pub fn may_open(order: OrderFacts, reason: ClaimReason, now: i64) -> Result<i64, OpenRefusal> {
    let (Some(shipped_at), Some(paid_at)) = (order.shipped_at, order.paid_at) else {
        return Err(OpenRefusal::NotShipped);
    };
    if order.canceled {
        return Err(OpenRefusal::OrderCanceled);
    }
    if now > paid_at.saturating_add(PROTECTION_S) {
        return Err(OpenRefusal::ProtectionExpired);
    }
    match order.delivered_at {
        Some(delivered_at) if now > delivered_at.saturating_add(CLAIM_WINDOW_S) => {
            return Err(OpenRefusal::WindowClosed);
        }
        None if reason == ClaimReason::NotReceived && now < shipped_at.saturating_add(DELIVERY_PROMISE_S) => {
            return Err(OpenRefusal::ParcelInTransit { from: shipped_at.saturating_add(DELIVERY_PROMISE_S) });
        }
        _ => {}
    }
    Ok(now.saturating_add(SELLER_RESPONSE_S))
}

/// Where a claim is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimStatus {
    /// Opened; the seller has [`SELLER_RESPONSE_S`] to accept or reject it.
    AwaitingSeller,
    /// The seller rejected it; the buyer may escalate.
    Rejected,
    /// Escalated (or sent back by a refused refund): an operator decides.
    UnderReview,
    /// Decided for the buyer; the refund is being made.
    Refunding,
    /// Decided, and for the buyer refunded.
    Resolved,
}

/// For whom a claim was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimOutcome {
    Buyer,
    Seller,
}

impl ClaimOutcome {
    /// The API name.
    pub fn name(self) -> &'static str {
        match self {
            ClaimOutcome::Buyer => "buyer",
            ClaimOutcome::Seller => "seller",
        }
    }

    /// The outcome of an API name.
    pub fn parse(name: &str) -> Option<ClaimOutcome> {
        [ClaimOutcome::Buyer, ClaimOutcome::Seller].into_iter().find(|o| o.name() == name)
    }
}

/// Why a claim may not take a step. All are answered 409 `claim_not_open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ClaimRefusal {
    #[error("This claim is not waiting for the seller.")]
    NotAwaitingSeller,
    #[error("Only a claim the seller rejected can be escalated.")]
    NotRejected,
    #[error("This claim is not under review.")]
    NotUnderReview,
    #[error("This claim is not awaiting a decision.")]
    NotAwaitingDecision,
    #[error("This claim has no refund in progress.")]
    NotRefunding,
}

impl ClaimRefusal {
    /// The API `code`.
    pub fn code(&self) -> &'static str {
        "claim_not_open"
    }
}

impl ClaimStatus {
    /// Every status.
    pub const ALL: [ClaimStatus; 5] = [
        ClaimStatus::AwaitingSeller,
        ClaimStatus::Rejected,
        ClaimStatus::UnderReview,
        ClaimStatus::Refunding,
        ClaimStatus::Resolved,
    ];

    /// The statuses in which a claim is open: it reserves its amount of the seller's balance, and
    /// no second claim may be opened on the order.
    pub const OPEN: [ClaimStatus; 3] = [ClaimStatus::AwaitingSeller, ClaimStatus::UnderReview, ClaimStatus::Refunding];

    /// The API name.
    pub fn name(self) -> &'static str {
        match self {
            ClaimStatus::AwaitingSeller => "awaiting_seller",
            ClaimStatus::Rejected => "rejected",
            ClaimStatus::UnderReview => "under_review",
            ClaimStatus::Refunding => "refunding",
            ClaimStatus::Resolved => "resolved",
        }
    }

    /// The status of an API name.
    pub fn parse(name: &str) -> Option<ClaimStatus> {
        ClaimStatus::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The seller rejects it.
    pub fn reject(self) -> Result<ClaimStatus, ClaimRefusal> {
        match self {
            ClaimStatus::AwaitingSeller => Ok(ClaimStatus::Rejected),
            _ => Err(ClaimRefusal::NotAwaitingSeller),
        }
    }

    /// The buyer asks an operator to decide.
    pub fn escalate(self) -> Result<ClaimStatus, ClaimRefusal> {
        match self {
            ClaimStatus::Rejected => Ok(ClaimStatus::UnderReview),
            _ => Err(ClaimRefusal::NotRejected),
        }
    }

    /// Decided for the buyer, by the seller (accepting), by the clock (the seller did not answer), or
    /// by an operator; the refund follows.
    pub fn decide_for_buyer(self) -> Result<ClaimStatus, ClaimRefusal> {
        match self {
            ClaimStatus::AwaitingSeller | ClaimStatus::UnderReview => Ok(ClaimStatus::Refunding),
            _ => Err(ClaimRefusal::NotAwaitingDecision),
        }
    }

    /// An operator decides for the seller.
    pub fn decide_for_seller(self) -> Result<ClaimStatus, ClaimRefusal> {
        match self {
            ClaimStatus::UnderReview => Ok(ClaimStatus::Resolved),
            _ => Err(ClaimRefusal::NotUnderReview),
        }
    }

    /// The claim's refund was made.
    pub fn refunded(self) -> Result<ClaimStatus, ClaimRefusal> {
        match self {
            ClaimStatus::Refunding => Ok(ClaimStatus::Resolved),
            _ => Err(ClaimRefusal::NotRefunding),
        }
    }

    /// The claim's refund was refused: back to where the decision was taken (`awaiting_seller` or
    /// `under_review`).
    pub fn refund_refused(self, back_to: ClaimStatus) -> Result<ClaimStatus, ClaimRefusal> {
        match (self, back_to) {
            (ClaimStatus::Refunding, ClaimStatus::AwaitingSeller | ClaimStatus::UnderReview) => Ok(back_to),
            _ => Err(ClaimRefusal::NotRefunding),
        }
    }
}
