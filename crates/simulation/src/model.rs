//! The reference model: what the simulation expects of each buyer and order.

/// A buyer as the model sees them.
pub(crate) struct Buyer {
    pub(crate) email: String,
    pub(crate) token: String,
    pub(crate) good_card: String,
    pub(crate) declining_card: String,
    /// Pocket money available to spend.
    pub(crate) pocket: i64,
    /// Cards blocked for this buyer after an unauthorized report (by number).
    pub(crate) blocked: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderState {
    AwaitingPayment,
    /// A typed card waits for its code (sent at this simulated time; its index in the model's codes).
    AwaitingCode {
        sent_at: i64,
        tries_left: u32,
        card: &'static str,
        code: usize,
    },
    Paid,
    Shipped,
    Delivered,
    Canceled,
}

impl OrderState {
    pub(crate) fn api_name(self) -> &'static str {
        match self {
            OrderState::AwaitingPayment | OrderState::AwaitingCode { .. } => "awaiting_payment",
            OrderState::Paid => "paid",
            OrderState::Shipped => "shipped",
            OrderState::Delivered => "delivered",
            OrderState::Canceled => "canceled",
        }
    }

    pub(crate) fn captured(self) -> bool {
        matches!(self, OrderState::Shipped | OrderState::Delivered)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClaimState {
    AwaitingSeller,
    Rejected,
    UnderReview,
    Closed,
}

pub(crate) struct Claim {
    pub(crate) id: String,
    pub(crate) amount: i64,
    pub(crate) state: ClaimState,
}

pub(crate) struct Order {
    pub(crate) id: String,
    pub(crate) buyer: usize,
    pub(crate) seller: usize,
    pub(crate) amount: i64,
    pub(crate) state: OrderState,
    /// Paid from the Pocket, and of that refunded.
    pub(crate) pocket_paid: i64,
    pub(crate) pocket_refunded: i64,
    /// The saved card (or typed card) that paid the card part, if any.
    pub(crate) card: Option<&'static str>,
    pub(crate) refunded: i64,
    pub(crate) reimbursed: bool,
    pub(crate) claims: Vec<Claim>,
    /// One of a cart's orders: paid with its cart only.
    pub(crate) in_cart: bool,
}

impl Order {
    /// A new order awaiting payment.
    pub(crate) fn new(id: String, buyer: usize, seller: usize, amount: i64, in_cart: bool) -> Self {
        Order {
            id,
            buyer,
            seller,
            amount,
            state: OrderState::AwaitingPayment,
            pocket_paid: 0,
            pocket_refunded: 0,
            card: None,
            refunded: 0,
            reimbursed: false,
            claims: Vec::new(),
            in_cart,
        }
    }

    pub(crate) fn left(&self) -> i64 {
        if self.reimbursed || !self.state.captured() {
            0
        } else {
            self.amount - self.refunded
        }
    }

    pub(crate) fn open_claim(&mut self) -> Option<&mut Claim> {
        self.claims.iter_mut().find(|c| c.state != ClaimState::Closed)
    }
}
