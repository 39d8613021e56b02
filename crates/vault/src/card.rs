//! The two shapes of a card number the vault hands out: [`SealedCard`], which the store keeps, and
//! [`PlainCardNumber`], which only the issuer connector may read. A plaintext number must not be printed,
//! logged, serialized or copied anywhere else: `PlainCardNumber` has no `Display`, no `Clone`, a masked
//! `Debug`, and overwrites its digits when dropped.

use crate::key_ring::wipe;
use crate::VaultError;

/// The fewest digits a card number has (ISO/IEC 7812 primary account numbers in use: 12 to 19).
pub(crate) const CARD_DIGITS_MIN: usize = 12;
/// The most digits a card number has.
pub(crate) const CARD_DIGITS_MAX: usize = 19;

/// Whether `digits` is 12 to 19 ASCII digits. The vault does not re-check Luhn or the brand: `domain` has.
pub(crate) fn check_card_digits(digits: &str) -> Result<(), VaultError> {
    let length_ok = (CARD_DIGITS_MIN..=CARD_DIGITS_MAX).contains(&digits.len());
    if length_ok && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(VaultError::InvalidCardNumber)
    }
}

/// A card number encrypted under the vault key `key_id`: `ciphertext` is the 24-byte nonce followed by
/// the XChaCha20-Poly1305 output (digits and 16-byte tag). Safe to store and to log as a whole, though
/// `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedCard {
    pub key_id: u32,
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedCard {{ key_id: {}, ciphertext: <{} bytes> }}", self.key_id, self.ciphertext.len())
    }
}

/// A decrypted card number. `Debug` shows `PlainCardNumber(****1234)`; the digits are overwritten on drop.
pub struct PlainCardNumber {
    digits: String,
}

impl PlainCardNumber {
    /// Takes the decrypted bytes; wipes them and answers `Decrypt` if they are not a card number.
    pub(crate) fn from_decrypted(bytes: Vec<u8>) -> Result<Self, VaultError> {
        match String::from_utf8(bytes) {
            Ok(digits) => {
                let number = Self { digits };
                check_card_digits(&number.digits).map_err(|_| VaultError::Decrypt)?;
                Ok(number)
            }
            Err(e) => {
                wipe(&mut e.into_bytes());
                Err(VaultError::Decrypt)
            }
        }
    }

    /// The digits, for the issuer connector only: pass them to the card network and nowhere else
    /// (not to logs, errors, events, responses, or another variable that outlives this value).
    pub fn expose(&self) -> &str {
        &self.digits
    }

    /// The last four digits, which may be shown.
    pub fn last4(&self) -> &str {
        self.digits.get(self.digits.len().saturating_sub(4)..).unwrap_or_default()
    }
}

impl std::fmt::Debug for PlainCardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlainCardNumber(****{})", self.last4())
    }
}

impl Drop for PlainCardNumber {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.digits).into_bytes();
        wipe(&mut bytes);
    }
}
