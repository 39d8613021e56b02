//! The catalogue's words for the domain's errors met when paying (the same English as their
//! `Display`, in the reader's language).

use domain::checkout::SplitError;

use crate::i18n::Msg;

/// Why a split between the Pocket and the card was refused.
pub(super) fn split_error(e: SplitError) -> Msg {
    match e {
        SplitError::TotalNotPositive => crate::msg!("err-pay-total-not-positive"),
        SplitError::PocketAmountNotPositive => crate::msg!("err-pay-pocket-not-positive"),
        SplitError::PocketAmountAboveTotal { .. } => crate::msg!("err-pay-pocket-above-total"),
        SplitError::PocketAmountInvalid => crate::msg!("err-pay-pocket-covers-all"),
        SplitError::PocketAmountMismatch { .. } => crate::msg!("err-pay-pocket-must-cover-all"),
    }
}
