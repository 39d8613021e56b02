//! The smaller lifecycles, each a closed enum whose steps name their refusal ([`StateRefusal`]):
//! accounts ([`UserStatus`]), gift cards ([`GiftCardState`]) and their purchases ([`PurchaseStatus`]),
//! Pocket holds ([`HoldState`]), support tickets ([`TicketStatus`]), webhook endpoints
//! ([`EndpointStatus`]) and deliveries ([`DeliveryStatus`]), and sellers' bank accounts
//! ([`BankAccountStatus`]). Payments, attempts, refunds and claims have their own modules
//! ([`crate::payments`], [`crate::refunds`], [`crate::claims`]), as do payouts and document reviews.

/// Gives a closed enum its stored and shown names: `ALL`, `name()` and `parse()`.
macro_rules! named {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order of its lifecycle.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case name, as stored and shown.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value of a name exactly as [`Self::name`] writes it.
            pub fn parse(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|value| value.name() == name)
            }
        }
    };
}

/// Why a step is refused: what the thing is now does not allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("not possible while {current}")]
pub struct StateRefusal {
    /// The current name, e.g. `"redeemed"`.
    pub current: &'static str,
}

fn refuse<T>(current: &'static str) -> Result<T, StateRefusal> {
    Err(StateRefusal { current })
}

named! {
    /// An account: signed up, then active once its email is confirmed (or its password reset by email).
    UserStatus { Unverified => "unverified", Active => "active" }
}

impl UserStatus {
    /// The email was confirmed.
    pub fn confirm(self) -> Result<UserStatus, StateRefusal> {
        match self {
            UserStatus::Unverified => Ok(UserStatus::Active),
            UserStatus::Active => refuse(self.name()),
        }
    }

    /// Whether it may sign in and act.
    pub fn may_sign_in(self) -> bool {
        self == UserStatus::Active
    }
}

named! {
    /// A gift card. Bought for oneself it is loaded into the Pocket at once (`loaded`); bought as a
    /// code it is `active` until redeemed, blocked by an operator, or expired.
    GiftCardState {
        Loaded => "loaded",
        Active => "active",
        Blocked => "blocked",
        Redeemed => "redeemed",
        Expired => "expired",
    }
}

impl GiftCardState {
    /// A new card: `active` when it is a code to give, else `loaded`.
    pub fn new(as_code: bool) -> GiftCardState {
        if as_code {
            GiftCardState::Active
        } else {
            GiftCardState::Loaded
        }
    }

    /// Its code was redeemed into a Pocket.
    pub fn redeem(self) -> Result<GiftCardState, StateRefusal> {
        match self {
            GiftCardState::Active => Ok(GiftCardState::Redeemed),
            _ => refuse(self.name()),
        }
    }

    /// An operator blocks its code (suspected fraud).
    pub fn block(self) -> Result<GiftCardState, StateRefusal> {
        match self {
            GiftCardState::Active => Ok(GiftCardState::Blocked),
            _ => refuse(self.name()),
        }
    }

    /// An operator unblocks it.
    pub fn unblock(self) -> Result<GiftCardState, StateRefusal> {
        match self {
            GiftCardState::Blocked => Ok(GiftCardState::Active),
            _ => refuse(self.name()),
        }
    }

    /// Its three years passed with the code unredeemed.
    pub fn expire(self) -> Result<GiftCardState, StateRefusal> {
        match self {
            GiftCardState::Active | GiftCardState::Blocked => Ok(GiftCardState::Expired),
            _ => refuse(self.name()),
        }
    }
}

named! {
    /// A gift-card purchase: paid by card, three steps like every issuer call.
    PurchaseStatus { Processing => "processing", Succeeded => "succeeded", Failed => "failed" }
}

impl PurchaseStatus {
    /// The card was charged and the cards made.
    pub fn succeed(self) -> Result<PurchaseStatus, StateRefusal> {
        match self {
            PurchaseStatus::Processing => Ok(PurchaseStatus::Succeeded),
            _ => refuse(self.name()),
        }
    }

    /// The card was declined, or the purchase was abandoned.
    pub fn fail(self) -> Result<PurchaseStatus, StateRefusal> {
        match self {
            PurchaseStatus::Processing => Ok(PurchaseStatus::Failed),
            _ => refuse(self.name()),
        }
    }
}

named! {
    /// A hold on a Pocket: held until captured (in full or part) or released.
    HoldState { Held => "held", Captured => "captured", Released => "released" }
}

impl HoldState {
    /// The held money is charged.
    pub fn capture(self) -> Result<HoldState, StateRefusal> {
        match self {
            HoldState::Held => Ok(HoldState::Captured),
            _ => refuse(self.name()),
        }
    }

    /// The held money goes back to the Pocket.
    pub fn release(self) -> Result<HoldState, StateRefusal> {
        match self {
            HoldState::Held => Ok(HoldState::Released),
            _ => refuse(self.name()),
        }
    }
}

named! {
    /// A support ticket: `open` while the buyer waits for an answer, `answered` once an operator wrote last.
    TicketStatus { Open => "open", Answered => "answered" }
}

impl TicketStatus {
    /// The status after a new message: an operator's answers it, anyone else's reopens it.
    pub fn after_message(self, by_operator: bool) -> TicketStatus {
        if by_operator {
            TicketStatus::Answered
        } else {
            TicketStatus::Open
        }
    }
}

named! {
    /// A seller's webhook endpoint: enabled, or disabled by its seller or after failing for days.
    EndpointStatus { Enabled => "enabled", Disabled => "disabled" }
}

named! {
    /// One attempt to deliver an event to an endpoint: pending until it is sent, then succeeded (a 2xx)
    /// or failed; a failed one is followed by a new pending attempt while the retry window lasts.
    DeliveryStatus { Pending => "pending", Succeeded => "succeeded", Failed => "failed" }
}

impl DeliveryStatus {
    /// The endpoint answered (`success`: a 2xx in time), or could not be reached.
    pub fn answered(self, success: bool) -> Result<DeliveryStatus, StateRefusal> {
        match self {
            DeliveryStatus::Pending if success => Ok(DeliveryStatus::Succeeded),
            DeliveryStatus::Pending => Ok(DeliveryStatus::Failed),
            _ => refuse(self.name()),
        }
    }
}

impl EndpointStatus {
    /// Whether events are sent to it.
    pub fn receives(self) -> bool {
        self == EndpointStatus::Enabled
    }

    /// Disabled after failing for the whole retry window.
    pub fn disable(self) -> Result<EndpointStatus, StateRefusal> {
        match self {
            EndpointStatus::Enabled => Ok(EndpointStatus::Disabled),
            EndpointStatus::Disabled => refuse(self.name()),
        }
    }
}

named! {
    /// A seller's bank account for payouts: usable (`new`) until its bank refuses it, then disabled.
    BankAccountStatus { New => "new", Disabled => "disabled" }
}

impl BankAccountStatus {
    /// Whether payouts may go to it.
    pub fn usable(self) -> bool {
        self == BankAccountStatus::New
    }
}
