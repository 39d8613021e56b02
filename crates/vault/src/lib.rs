//! The card vault: the only place a plaintext card number is encrypted or decrypted. It owns the key ring
//! (data-encryption keys with ids, one active, and a fingerprint key), where the keys come from (the
//! environment, or a key file at mode 0600, generated only in test mode), sealing and opening card numbers
//! (XChaCha20-Poly1305 with a random 24-byte nonce and the key id as associated data), card fingerprints
//! (a keyed hash that recognises the same card twice), and key rotation without downtime.
//!
//! Architecture invariants: a decrypted number leaves this crate only as a [`PlainCardNumber`], which is
//! handed only to the issuer connector; no key and no digit ever appears in a `Debug` output, an error
//! message or a log line. The vault knows no SQL, HTTP or JSON: the store keeps [`SealedCard`]s and drives
//! re-encryption with [`Vault::reseal`]; the server passes the environment value and the key file path.
#![forbid(unsafe_code)]

mod card;
mod error;
mod key_file;
mod key_ring;

use std::path::PathBuf;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;

pub use card::{PlainCardNumber, SealedCard};
pub use error::VaultError;

use card::{check_card_digits, CARD_DIGITS_MAX};
use key_ring::{KeyRing, SecretKey};

const NONCE_BYTES: usize = 24;
const TAG_BYTES: usize = 16;
/// Associated data is this label followed by the key id (big-endian), so a sealed value cannot be
/// relabelled with another key id, nor mistaken for another kind of sealed data.
const ASSOCIATED_DATA_LABEL: &[u8] = b"pocketpay vault card number v1;key_id=";
/// Hex characters of the HMAC-SHA-256 kept in a fingerprint (128 bits).
const FINGERPRINT_HEX_CHARS: usize = 32;

/// Where the vault's keys come from.
#[derive(Clone)]
pub struct VaultConfig {
    /// The key file: read when `env_value` is `None`, rewritten by [`Vault::rotate`] and [`Vault::remove_key`].
    pub key_file: PathBuf,
    /// The key ring text from the environment (`POCKETPAY_VAULT_KEYS`); when present the file is ignored.
    pub env_value: Option<String>,
    /// Test mode: create a new key ring in `key_file` when it does not exist. Never set in live mode.
    pub generate_if_missing: bool,
}

impl std::fmt::Debug for VaultConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultConfig")
            .field("key_file", &self.key_file)
            .field("env_value", &self.env_value.as_ref().map(|_| "<redacted>"))
            .field("generate_if_missing", &self.generate_if_missing)
            .finish()
    }
}

#[derive(Debug)]
enum KeySource {
    Environment,
    File(PathBuf),
}

/// The open vault: a key ring and where it came from. `Debug` shows key ids, never keys.
pub struct Vault {
    ring: KeyRing,
    source: KeySource,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("source", &self.source).field("ring", &self.ring).finish()
    }
}

impl Vault {
    /// Loads the key ring: from `env_value` if given (the file is then ignored), else from `key_file`,
    /// which must be readable by its owner only. A missing file is generated (key 1 and a fingerprint key,
    /// mode 0600) only when `generate_if_missing`; otherwise the answer is [`VaultError::MissingKeys`].
    pub fn open(config: &VaultConfig) -> Result<Vault, VaultError> {
        if let Some(env_value) = &config.env_value {
            let ring = KeyRing::parse(env_value, "the environment value (POCKETPAY_VAULT_KEYS)")?;
            return Ok(Vault { ring, source: KeySource::Environment });
        }
        let path = &config.key_file;
        let origin = path.display().to_string();
        let ring = match key_file::read(path)? {
            Some(text) => KeyRing::parse(text.as_str(), &origin)?,
            None if config.generate_if_missing => {
                let ring = KeyRing::generate()?;
                if key_file::create(path, &ring.to_text())? {
                    ring
                } else {
                    // Another process created the file between our read and our create: use its keys.
                    let text = key_file::read(path)?.ok_or(VaultError::MissingKeys { path: origin.clone() })?;
                    KeyRing::parse(text.as_str(), &origin)?
                }
            }
            None => return Err(VaultError::MissingKeys { path: origin }),
        };
        Ok(Vault { ring, source: KeySource::File(path.clone()) })
    }

    /// Reads the key file again, for a process that shares it with others (one of them may have
    /// rotated the keys): answers whether the ring changed. Keys from the environment never change.
    pub fn reload(&mut self) -> Result<bool, VaultError> {
        let KeySource::File(path) = &self.source else { return Ok(false) };
        let origin = path.display().to_string();
        let Some(text) = key_file::read(path)? else { return Ok(false) };
        let ring = KeyRing::parse(text.as_str(), &origin)?;
        if ring.same_as(&self.ring) {
            return Ok(false);
        }
        self.ring = ring;
        Ok(true)
    }

    /// Encrypts a card number (12 to 19 ASCII digits, already validated by `domain`) under the active key.
    pub fn seal(&self, plaintext_digits: &str) -> Result<SealedCard, VaultError> {
        check_card_digits(plaintext_digits)?;
        let key_id = self.ring.active_key_id();
        let key = self.ring.data_key(key_id).ok_or(VaultError::UnknownKey(key_id))?;
        let ciphertext = seal_with(key, key_id, plaintext_digits.as_bytes())?;
        Ok(SealedCard { key_id, ciphertext })
    }

    /// Decrypts a sealed card number: [`VaultError::UnknownKey`] if its key is not in the ring,
    /// [`VaultError::Decrypt`] if the value or its key id was altered.
    pub fn open_sealed(&self, sealed: &SealedCard) -> Result<PlainCardNumber, VaultError> {
        let key = self.ring.data_key(sealed.key_id).ok_or(VaultError::UnknownKey(sealed.key_id))?;
        open_with(key, sealed.key_id, &sealed.ciphertext)
    }

    /// The card's fingerprint, `fp_` and 32 hex characters: HMAC-SHA-256 of `digits` under the fingerprint
    /// key, which rotation never changes, so the same number gives the same fingerprint for the life of the
    /// ring. Pass exactly the digits given to [`Vault::seal`] (no spaces): the hash does not normalise.
    pub fn fingerprint(&self, digits: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.ring.fingerprint_key().bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(digits.as_bytes());
        let tag = mac.finalize().into_bytes();
        let mut fingerprint = String::with_capacity(3 + FINGERPRINT_HEX_CHARS);
        fingerprint.push_str("fp_");
        fingerprint.push_str(&hex::encode(tag.get(..FINGERPRINT_HEX_CHARS / 2).unwrap_or_default()));
        fingerprint
    }

    /// Adds a new data key with the next id, makes it active for sealing, and persists the ring atomically
    /// to the key file; returns the new id. Values sealed under older keys still open; move them with
    /// [`Vault::reseal`]. Refused with [`VaultError::KeysFromEnvironment`] when the keys came from the
    /// environment, and with [`VaultError::KeyFileChanged`] when another process changed the file.
    /// On any error the vault in memory is unchanged.
    pub fn rotate(&mut self) -> Result<u32, VaultError> {
        let path = self.key_file_to_rewrite()?;
        let (next, new_key_id) = self.ring.with_new_active_key()?;
        self.persist(&path, next)?;
        Ok(new_key_id)
    }

    /// Re-encrypts under the active key a value sealed under another key (`Some`), or answers `None` when
    /// it is already under the active key.
    pub fn reseal(&self, sealed: &SealedCard) -> Result<Option<SealedCard>, VaultError> {
        if sealed.key_id == self.ring.active_key_id() {
            return Ok(None);
        }
        let plain = self.open_sealed(sealed)?;
        self.seal(plain.expose()).map(Some)
    }

    /// Removes a retired key from the ring and persists the ring. Every value sealed under it must have
    /// been resealed first: afterwards they answer [`VaultError::UnknownKey`] for ever. Refuses the active
    /// key ([`VaultError::ActiveKeyRemoval`]) and keys from the environment.
    pub fn remove_key(&mut self, key_id: u32) -> Result<(), VaultError> {
        let path = self.key_file_to_rewrite()?;
        let next = self.ring.without_key(key_id)?;
        self.persist(&path, next)
    }

    /// The ids of the data keys in the ring, ascending.
    pub fn key_ids(&self) -> Vec<u32> {
        self.ring.key_ids()
    }

    /// The id of the key that seals new values.
    pub fn active_key_id(&self) -> u32 {
        self.ring.active_key_id()
    }

    fn key_file_to_rewrite(&self) -> Result<PathBuf, VaultError> {
        match &self.source {
            KeySource::Environment => Err(VaultError::KeysFromEnvironment),
            KeySource::File(path) => Ok(path.clone()),
        }
    }

    /// Writes `next` over the key file, if the file still holds the ring this vault loaded, then adopts it.
    fn persist(&mut self, path: &std::path::Path, next: KeyRing) -> Result<(), VaultError> {
        let origin = path.display().to_string();
        let on_disk = match key_file::read(path)? {
            Some(text) => KeyRing::parse(text.as_str(), &origin).ok(),
            None => None,
        };
        if !on_disk.is_some_and(|ring| ring.same_as(&self.ring)) {
            return Err(VaultError::KeyFileChanged { path: origin });
        }
        key_file::replace(path, &next.to_text())?;
        self.ring = next;
        Ok(())
    }
}

fn associated_data(key_id: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity(ASSOCIATED_DATA_LABEL.len() + 4);
    data.extend_from_slice(ASSOCIATED_DATA_LABEL);
    data.extend_from_slice(&key_id.to_be_bytes());
    data
}

/// What a sealed checkout card is bound to: it never opens as a card number, nor the reverse.
const CHECKOUT_CARD_LABEL: &[u8] = b"pocketpay vault checkout card v1;key_id=";
/// The largest checkout card sealed (its JSON: number, expiry, code, holder, billing address).
pub const CHECKOUT_CARD_BYTES_MAX: usize = 4096;

fn checkout_associated_data(key_id: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity(CHECKOUT_CARD_LABEL.len() + 4);
    data.extend_from_slice(CHECKOUT_CARD_LABEL);
    data.extend_from_slice(&key_id.to_be_bytes());
    data
}

impl Vault {
    /// Seals a card typed at checkout while its payment waits for the buyer's one-time code (PCI DSS
    /// 3.3.2 allows sensitive authentication data before authorization only encrypted); the caller
    /// erases it on authorization, failure or expiry.
    pub fn seal_checkout_card(&self, plaintext: &[u8]) -> Result<SealedCard, VaultError> {
        if plaintext.len() > CHECKOUT_CARD_BYTES_MAX {
            return Err(VaultError::Encrypt);
        }
        let key_id = self.ring.active_key_id();
        let key = self.ring.data_key(key_id).ok_or(VaultError::UnknownKey(key_id))?;
        let ciphertext = seal_with_aad(key, &checkout_associated_data(key_id), plaintext)?;
        Ok(SealedCard { key_id, ciphertext })
    }

    /// Opens a checkout card sealed by [`Vault::seal_checkout_card`].
    pub fn open_checkout_card(&self, sealed: &SealedCard) -> Result<Vec<u8>, VaultError> {
        let key = self.ring.data_key(sealed.key_id).ok_or(VaultError::UnknownKey(sealed.key_id))?;
        let ciphertext = &sealed.ciphertext;
        let length_ok =
            (NONCE_BYTES + TAG_BYTES..=NONCE_BYTES + TAG_BYTES + CHECKOUT_CARD_BYTES_MAX).contains(&ciphertext.len());
        if !length_ok {
            return Err(VaultError::Decrypt);
        }
        let (nonce, encrypted) = ciphertext.split_at(NONCE_BYTES);
        let cipher = XChaCha20Poly1305::new(key.bytes().into());
        let aad = checkout_associated_data(sealed.key_id);
        cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: encrypted, aad: &aad })
            .map_err(|_| VaultError::Decrypt)
    }
}

/// Associated data of a sealed bank account number (or IBAN): bound to its purpose and key id, so a
/// sealed card can never be passed off as a bank account or the other way round.
const BANK_ACCOUNT_LABEL: &[u8] = b"pocketpay vault bank account v1;key_id=";
/// The longest bank account number or IBAN sealed.
pub const BANK_ACCOUNT_BYTES_MAX: usize = 64;

fn bank_account_associated_data(key_id: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity(BANK_ACCOUNT_LABEL.len() + 4);
    data.extend_from_slice(BANK_ACCOUNT_LABEL);
    data.extend_from_slice(&key_id.to_be_bytes());
    data
}

impl Vault {
    /// Seals a seller's bank account number or IBAN (already validated by `domain::payouts`) under
    /// the active key, as card numbers are sealed.
    pub fn seal_bank_account(&self, number: &str) -> Result<SealedCard, VaultError> {
        if number.is_empty()
            || number.len() > BANK_ACCOUNT_BYTES_MAX
            || !number.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(VaultError::Encrypt);
        }
        let key_id = self.ring.active_key_id();
        let key = self.ring.data_key(key_id).ok_or(VaultError::UnknownKey(key_id))?;
        let ciphertext = seal_with_aad(key, &bank_account_associated_data(key_id), number.as_bytes())?;
        Ok(SealedCard { key_id, ciphertext })
    }

    /// Opens a bank account number sealed by [`Vault::seal_bank_account`]. Hand it only to the bank rail.
    pub fn open_bank_account(&self, sealed: &SealedCard) -> Result<String, VaultError> {
        let key = self.ring.data_key(sealed.key_id).ok_or(VaultError::UnknownKey(sealed.key_id))?;
        if sealed.ciphertext.len() < NONCE_BYTES + TAG_BYTES
            || sealed.ciphertext.len() > NONCE_BYTES + TAG_BYTES + BANK_ACCOUNT_BYTES_MAX
        {
            return Err(VaultError::Decrypt);
        }
        let (nonce, encrypted) = sealed.ciphertext.split_at(NONCE_BYTES);
        let cipher = XChaCha20Poly1305::new(key.bytes().into());
        let aad = bank_account_associated_data(sealed.key_id);
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: encrypted, aad: &aad })
            .map_err(|_| VaultError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| VaultError::Decrypt)
    }

    /// Re-seals a bank account number under the active key; `None` when it already is.
    pub fn reseal_bank_account(&self, sealed: &SealedCard) -> Result<Option<SealedCard>, VaultError> {
        if sealed.key_id == self.ring.active_key_id() {
            return Ok(None);
        }
        let number = self.open_bank_account(sealed)?;
        self.seal_bank_account(&number).map(Some)
    }
}

/// Associated data of a sealed identity document: bound to its purpose, its key id and the review it
/// was uploaded for, so a document never opens as another review's (or as a card).
const DOCUMENT_LABEL: &[u8] = b"pocketpay vault identity document v1;key_id=";
/// The largest document sealed (the upload limit).
pub const DOCUMENT_BYTES_MAX: usize = 5 * 1024 * 1024;

fn document_associated_data(key_id: u32, review_id: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(DOCUMENT_LABEL.len() + 5 + review_id.len());
    data.extend_from_slice(DOCUMENT_LABEL);
    data.extend_from_slice(&key_id.to_be_bytes());
    data.push(b';');
    data.extend_from_slice(review_id.as_bytes());
    data
}

impl Vault {
    /// Seals an identity document a buyer uploaded for review `review_id`, under the active key.
    pub fn seal_document(&self, review_id: &str, document: &[u8]) -> Result<SealedCard, VaultError> {
        if document.is_empty() || document.len() > DOCUMENT_BYTES_MAX {
            return Err(VaultError::Encrypt);
        }
        let key_id = self.ring.active_key_id();
        let key = self.ring.data_key(key_id).ok_or(VaultError::UnknownKey(key_id))?;
        let ciphertext = seal_with_aad(key, &document_associated_data(key_id, review_id), document)?;
        Ok(SealedCard { key_id, ciphertext })
    }

    /// Opens a document sealed by [`Vault::seal_document`] for the same review. Show it only to operators.
    pub fn open_document(&self, review_id: &str, sealed: &SealedCard) -> Result<Vec<u8>, VaultError> {
        let key = self.ring.data_key(sealed.key_id).ok_or(VaultError::UnknownKey(sealed.key_id))?;
        if sealed.ciphertext.len() < NONCE_BYTES + TAG_BYTES
            || sealed.ciphertext.len() > NONCE_BYTES + TAG_BYTES + DOCUMENT_BYTES_MAX
        {
            return Err(VaultError::Decrypt);
        }
        let (nonce, encrypted) = sealed.ciphertext.split_at(NONCE_BYTES);
        let cipher = XChaCha20Poly1305::new(key.bytes().into());
        let aad = document_associated_data(sealed.key_id, review_id);
        cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: encrypted, aad: &aad })
            .map_err(|_| VaultError::Decrypt)
    }

    /// A document sealed under an older key, sealed again under the active one (`None` if it already is).
    pub fn reseal_document(&self, review_id: &str, sealed: &SealedCard) -> Result<Option<SealedCard>, VaultError> {
        if sealed.key_id == self.ring.active_key_id() {
            return Ok(None);
        }
        let document = self.open_document(review_id, sealed)?;
        self.seal_document(review_id, &document).map(Some)
    }
}

fn seal_with(key: &SecretKey, key_id: u32, plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
    seal_with_aad(key, &associated_data(key_id), plaintext)
}

fn seal_with_aad(key: &SecretKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
    let mut nonce = [0u8; NONCE_BYTES];
    OsRng.try_fill_bytes(&mut nonce).map_err(|_| VaultError::Random)?;
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let encrypted =
        cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad }).map_err(|_| VaultError::Encrypt)?;
    let mut ciphertext = Vec::with_capacity(NONCE_BYTES + encrypted.len());
    ciphertext.extend_from_slice(&nonce);
    ciphertext.extend_from_slice(&encrypted);
    Ok(ciphertext)
}

fn open_with(key: &SecretKey, key_id: u32, ciphertext: &[u8]) -> Result<PlainCardNumber, VaultError> {
    let length_ok = (NONCE_BYTES + TAG_BYTES..=NONCE_BYTES + TAG_BYTES + CARD_DIGITS_MAX).contains(&ciphertext.len());
    if !length_ok {
        return Err(VaultError::Decrypt);
    }
    let (nonce, encrypted) = ciphertext.split_at(NONCE_BYTES);
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let aad = associated_data(key_id);
    let plaintext = cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: encrypted, aad: &aad })
        .map_err(|_| VaultError::Decrypt)?;
    PlainCardNumber::from_decrypted(plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key id is authenticated: the same key, asked to open under another key id, refuses.
    #[test]
    fn key_id_is_associated_data() -> Result<(), VaultError> {
        let ring = KeyRing::generate()?;
        let key = ring.data_key(1).ok_or(VaultError::UnknownKey(1))?;
        let sealed = seal_with(key, 1, b"4000056655665556")?;
        assert_eq!(open_with(key, 1, &sealed)?.expose(), "4000056655665556");
        assert!(matches!(open_with(key, 2, &sealed), Err(VaultError::Decrypt)));
        Ok(())
    }
}
