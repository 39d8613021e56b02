//! The lifecycles of a payment ([`PaymentStatus`]) and of each attempt to pay it ([`AttemptStatus`]):
//! closed enums whose transitions are the only way from one status to the next, each refused with a
//! reason that names itself ([`PaymentRefusal`], [`AttemptRefusal`]). Handlers and jobs ask here and
//! store what they are given; they never write a status of their own.
//!
//! ```text
//!                      await_code                 verified / authorize
//!  requires_payment_method ──────► requires_action ───────────────┐
//!        ▲      │  ▲                    │ fail (wrong codes, abandoned)
//!        │      │  └────────────────────┘                         ▼
//!        │      └──────────── authorize ─────────────────► requires_capture ── capture ──► succeeded
//!        └── fail (declined: pay again)                           │
//!   cancel from any status before capture ─────────────────────────┴──────────────────────► canceled
//! ```
//!
//! A checkout's payment (several sellers) is captured and released in parts; it ends with
//! [`PaymentStatus::settle`] once no part is held: `succeeded` if anything was captured, else `canceled`.

/// Where a payment is, as the API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Nothing authorized yet, or the last attempt failed.
    RequiresPaymentMethod,
    /// A one-time code was sent (or a document asked for); the buyer must answer.
    RequiresAction,
    /// Authorized, not yet charged.
    RequiresCapture,
    /// Captured.
    Succeeded,
    /// Canceled (the authorization was voided).
    Canceled,
}

/// Why a payment may not take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PaymentRefusal {
    /// Authorizing (or starting an attempt on) a payment that is authorized, captured or canceled.
    #[error("This payment is already authorized, captured or canceled.")]
    NotPayable,
    /// Answering a code or a document for a payment that does not wait for one.
    #[error("This payment is not waiting for a code.")]
    NoActionAwaited,
    /// Capturing (or settling) a payment that is not authorized.
    #[error("This payment is not authorized.")]
    NotAuthorized,
    /// Canceling a payment already captured or canceled.
    #[error("This payment is already captured or canceled.")]
    Final,
}

impl PaymentRefusal {
    /// The API `code` the refusal is answered with when a handler has no more precise one.
    pub fn code(&self) -> &'static str {
        match self {
            PaymentRefusal::NotPayable => "order_not_payable",
            PaymentRefusal::NoActionAwaited => "payment_not_awaiting_code",
            PaymentRefusal::NotAuthorized => "order_not_paid",
            PaymentRefusal::Final => "order_not_cancelable",
        }
    }
}

impl PaymentStatus {
    /// Every status.
    pub const ALL: [PaymentStatus; 5] = [
        PaymentStatus::RequiresPaymentMethod,
        PaymentStatus::RequiresAction,
        PaymentStatus::RequiresCapture,
        PaymentStatus::Succeeded,
        PaymentStatus::Canceled,
    ];

    /// Stable snake_case name, the API's `status`, e.g. `"requires_capture"`.
    pub fn name(self) -> &'static str {
        match self {
            PaymentStatus::RequiresPaymentMethod => "requires_payment_method",
            PaymentStatus::RequiresAction => "requires_action",
            PaymentStatus::RequiresCapture => "requires_capture",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Canceled => "canceled",
        }
    }

    /// Parses a name exactly as [`PaymentStatus::name`] writes it.
    pub fn parse(name: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL.into_iter().find(|status| status.name() == name)
    }

    /// Whether nothing can happen to it any more (captured or canceled).
    pub fn is_final(self) -> bool {
        matches!(self, PaymentStatus::Succeeded | PaymentStatus::Canceled)
    }

    /// Whether money is authorized or charged: what counts towards the buyer's spending limits.
    pub fn holds_money(self) -> bool {
        matches!(self, PaymentStatus::RequiresCapture | PaymentStatus::Succeeded)
    }

    /// A new attempt starts (after any waiting one was answered or abandoned): nothing is authorized.
    pub fn begin_attempt(self) -> Result<PaymentStatus, PaymentRefusal> {
        match self {
            PaymentStatus::RequiresPaymentMethod | PaymentStatus::RequiresAction => {
                Ok(PaymentStatus::RequiresPaymentMethod)
            }
            _ => Err(PaymentRefusal::NotPayable),
        }
    }

    /// An attempt needs the buyer's answer (a one-time code, a document) before the issuer is asked.
    pub fn await_action(self) -> Result<PaymentStatus, PaymentRefusal> {
        match self {
            PaymentStatus::RequiresPaymentMethod | PaymentStatus::RequiresAction => Ok(PaymentStatus::RequiresAction),
            _ => Err(PaymentRefusal::NotPayable),
        }
    }

    /// The buyer answered (the code was right, the document approved): a new attempt goes to the issuer.
    pub fn action_answered(self) -> Result<PaymentStatus, PaymentRefusal> {
        match self {
            PaymentStatus::RequiresAction => Ok(PaymentStatus::RequiresPaymentMethod),
            _ => Err(PaymentRefusal::NoActionAwaited),
        }
    }

    /// The issuer (and the Pocket) approved: the money is held.
    pub fn authorize(self) -> Result<PaymentStatus, PaymentRefusal> {
        match self {
            PaymentStatus::RequiresPaymentMethod | PaymentStatus::RequiresAction => Ok(PaymentStatus::RequiresCapture),
            _ => Err(PaymentRefusal::NotPayable),
        }
    }

    /// An attempt failed (declined, too many wrong codes, abandoned): the buyer may pay again.
    pub fn fail(self) -> Result<PaymentStatus, PaymentRefusal> {
        match self {
            PaymentStatus::RequiresPaymentMethod | PaymentStatus::RequiresAction => {
                Ok(PaymentStatus::RequiresPaymentMethod)
            }
            _ => Err(PaymentRefusal::NotPayable),
        }
    }

    /// The seller shipped: the held money is charged.
    pub fn capture(self) -> Result<PaymentStatus, PaymentRefusal> {
        match self {
            PaymentStatus::RequiresCapture => Ok(PaymentStatus::Succeeded),
            _ => Err(PaymentRefusal::NotAuthorized),
        }
    }

    /// The order was canceled before shipping: whatever is held is released.
    pub fn cancel(self) -> Result<PaymentStatus, PaymentRefusal> {
        match self {
            PaymentStatus::RequiresPaymentMethod | PaymentStatus::RequiresAction | PaymentStatus::RequiresCapture => {
                Ok(PaymentStatus::Canceled)
            }
            PaymentStatus::Succeeded | PaymentStatus::Canceled => Err(PaymentRefusal::Final),
        }
    }

    /// A payment captured and released in parts, once no part is held any more: `succeeded` if any
    /// part was captured, else `canceled`.
    pub fn settle(self, captured_minor: i64) -> Result<PaymentStatus, PaymentRefusal> {
        match self {
            PaymentStatus::RequiresCapture if captured_minor > 0 => Ok(PaymentStatus::Succeeded),
            PaymentStatus::RequiresCapture => Ok(PaymentStatus::Canceled),
            _ => Err(PaymentRefusal::NotAuthorized),
        }
    }
}

// ---------------------------------------------------------------------------------------- attempts

/// Where one attempt to pay is. An attempt is made `Processing` (or `Reauthorized`, the record of a
/// re-authorization the platform made on its own) and ends exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptStatus {
    /// Sent, or about to be sent, to the Pocket and the issuer.
    Processing,
    /// Waiting for the buyer's one-time code or document.
    RequiresAction,
    /// The code was right: a new attempt carries the payment on.
    Verified,
    /// Authorized.
    Succeeded,
    /// Declined, refused, or too many wrong codes.
    Failed,
    /// Given up: the buyer paid again or the order was canceled while it waited.
    Abandoned,
    /// An authorization the platform renewed before it expired.
    Reauthorized,
}

/// Why an attempt may not take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AttemptRefusal {
    /// The attempt already ended.
    #[error("This payment attempt has already ended.")]
    Ended,
    /// Verifying or abandoning an attempt that waits for nothing.
    #[error("This payment attempt is not waiting for the buyer.")]
    NotWaiting,
}

impl AttemptStatus {
    /// Every status.
    pub const ALL: [AttemptStatus; 7] = [
        AttemptStatus::Processing,
        AttemptStatus::RequiresAction,
        AttemptStatus::Verified,
        AttemptStatus::Succeeded,
        AttemptStatus::Failed,
        AttemptStatus::Abandoned,
        AttemptStatus::Reauthorized,
    ];

    /// Stable snake_case name, as stored and shown.
    pub fn name(self) -> &'static str {
        match self {
            AttemptStatus::Processing => "processing",
            AttemptStatus::RequiresAction => "requires_action",
            AttemptStatus::Verified => "verified",
            AttemptStatus::Succeeded => "succeeded",
            AttemptStatus::Failed => "failed",
            AttemptStatus::Abandoned => "abandoned",
            AttemptStatus::Reauthorized => "reauthorized",
        }
    }

    /// Parses a name exactly as [`AttemptStatus::name`] writes it.
    pub fn parse(name: &str) -> Option<AttemptStatus> {
        AttemptStatus::ALL.into_iter().find(|status| status.name() == name)
    }

    /// Whether it has ended.
    pub fn is_final(self) -> bool {
        !matches!(self, AttemptStatus::Processing | AttemptStatus::RequiresAction)
    }

    /// The attempt needs the buyer's answer first.
    pub fn await_action(self) -> Result<AttemptStatus, AttemptRefusal> {
        match self {
            AttemptStatus::Processing => Ok(AttemptStatus::RequiresAction),
            _ => Err(AttemptRefusal::Ended),
        }
    }

    /// The issuer authorized it.
    pub fn succeed(self) -> Result<AttemptStatus, AttemptRefusal> {
        match self {
            AttemptStatus::Processing | AttemptStatus::RequiresAction => Ok(AttemptStatus::Succeeded),
            _ => Err(AttemptRefusal::Ended),
        }
    }

    /// It was declined or refused.
    pub fn fail(self) -> Result<AttemptStatus, AttemptRefusal> {
        match self {
            AttemptStatus::Processing | AttemptStatus::RequiresAction => Ok(AttemptStatus::Failed),
            _ => Err(AttemptRefusal::Ended),
        }
    }

    /// The buyer's code was right.
    pub fn verify(self) -> Result<AttemptStatus, AttemptRefusal> {
        match self {
            AttemptStatus::RequiresAction => Ok(AttemptStatus::Verified),
            AttemptStatus::Processing => Err(AttemptRefusal::NotWaiting),
            _ => Err(AttemptRefusal::Ended),
        }
    }

    /// The buyer went another way while it waited.
    pub fn abandon(self) -> Result<AttemptStatus, AttemptRefusal> {
        match self {
            AttemptStatus::RequiresAction => Ok(AttemptStatus::Abandoned),
            AttemptStatus::Processing => Err(AttemptRefusal::NotWaiting),
            _ => Err(AttemptRefusal::Ended),
        }
    }
}
