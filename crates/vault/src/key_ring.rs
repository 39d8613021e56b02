//! The key ring: data-encryption keys by id with one active, and the fingerprint key; its text format and
//! its validation. This module holds key bytes but never prints them: every type here has a redacted
//! `Debug`, and parse errors name a line and a rule, never the text of the line.

use std::collections::BTreeMap;

use rand::rngs::OsRng;
use rand::RngCore;

use crate::VaultError;

/// The most data keys a ring may hold (old keys are removed once every card is resealed).
pub(crate) const DATA_KEY_COUNT_MAX: usize = 64;
/// The longest key ring text accepted, from the environment or the file.
pub(crate) const KEY_RING_TEXT_BYTES_MAX: usize = 16 * 1024;

/// Overwrites `bytes` with zeros, as far as safe Rust can keep the compiler from skipping the writes.
pub(crate) fn wipe(bytes: &mut [u8]) {
    bytes.fill(0);
    std::hint::black_box(bytes);
}

/// A 32-byte secret key. `Debug` prints `<redacted>`; the bytes are overwritten on drop.
#[derive(Clone)]
pub(crate) struct SecretKey([u8; 32]);

impl SecretKey {
    fn generate() -> Result<Self, VaultError> {
        let mut key = Self([0u8; 32]);
        OsRng.try_fill_bytes(&mut key.0).map_err(|_| VaultError::Random)?;
        Ok(key)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Compares in time independent of where the keys differ.
    fn same_as(&self, other: &SecretKey) -> bool {
        self.0.iter().zip(other.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Text that holds key material (the ring's text form): `Debug` prints `<redacted>`, wiped on drop.
pub(crate) struct SecretText(String);

impl SecretText {
    pub(crate) fn new(text: String) -> Self {
        Self(text)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for SecretText {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        wipe(&mut bytes);
    }
}

/// Data keys by id (exactly one active) and the fingerprint key, which rotation never changes.
#[derive(Clone)]
pub(crate) struct KeyRing {
    data_keys: BTreeMap<u32, SecretKey>,
    active_key_id: u32,
    fingerprint_key: SecretKey,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("key_ids", &self.key_ids())
            .field("active_key_id", &self.active_key_id)
            .field("data_keys", &format_args!("<redacted>"))
            .field("fingerprint_key", &self.fingerprint_key)
            .finish()
    }
}

impl KeyRing {
    /// A new ring for test mode: data key 1, active, and a fingerprint key.
    pub(crate) fn generate() -> Result<Self, VaultError> {
        let mut data_keys = BTreeMap::new();
        data_keys.insert(1, SecretKey::generate()?);
        Ok(Self { data_keys, active_key_id: 1, fingerprint_key: SecretKey::generate()? })
    }

    pub(crate) fn key_ids(&self) -> Vec<u32> {
        self.data_keys.keys().copied().collect()
    }

    pub(crate) fn active_key_id(&self) -> u32 {
        self.active_key_id
    }

    pub(crate) fn data_key(&self, key_id: u32) -> Option<&SecretKey> {
        self.data_keys.get(&key_id)
    }

    pub(crate) fn fingerprint_key(&self) -> &SecretKey {
        &self.fingerprint_key
    }

    /// A copy of this ring with a new random key, the next id, made active. Returns the copy and the id.
    pub(crate) fn with_new_active_key(&self) -> Result<(KeyRing, u32), VaultError> {
        let last_id = self.data_keys.keys().next_back().copied().unwrap_or(0);
        let new_id = last_id.checked_add(1).ok_or(VaultError::KeyRingFull(DATA_KEY_COUNT_MAX))?;
        if self.data_keys.len() >= DATA_KEY_COUNT_MAX {
            return Err(VaultError::KeyRingFull(DATA_KEY_COUNT_MAX));
        }
        let mut next = self.clone();
        next.data_keys.insert(new_id, SecretKey::generate()?);
        next.active_key_id = new_id;
        Ok((next, new_id))
    }

    /// A copy of this ring without `key_id`; refuses the active key and unknown ids.
    pub(crate) fn without_key(&self, key_id: u32) -> Result<KeyRing, VaultError> {
        if key_id == self.active_key_id {
            return Err(VaultError::ActiveKeyRemoval(key_id));
        }
        if !self.data_keys.contains_key(&key_id) {
            return Err(VaultError::UnknownKey(key_id));
        }
        let mut next = self.clone();
        next.data_keys.remove(&key_id);
        Ok(next)
    }

    /// Whether two rings hold the same ids, the same active id and the same key bytes.
    pub(crate) fn same_as(&self, other: &KeyRing) -> bool {
        self.active_key_id == other.active_key_id
            && self.fingerprint_key.same_as(&other.fingerprint_key)
            && self.data_keys.len() == other.data_keys.len()
            && self
                .data_keys
                .iter()
                .zip(other.data_keys.iter())
                .all(|((id_a, key_a), (id_b, key_b))| id_a == id_b && key_a.same_as(key_b))
    }

    /// The text form, as written to the key file.
    pub(crate) fn to_text(&self) -> SecretText {
        let mut text = String::with_capacity(160 + self.data_keys.len() * 80);
        text.push_str(
            "# Pocketpay vault key ring. Secret: keep this file at mode 0600; never commit, log or copy it.\n",
        );
        text.push_str("# Lines: `fingerprint <64 hex>` (never rotated), `key <id> <64 hex>`, `active <id>`.\n");
        push_key_line(&mut text, "fingerprint", None, &self.fingerprint_key);
        for (id, key) in &self.data_keys {
            push_key_line(&mut text, "key", Some(*id), key);
        }
        text.push_str("active ");
        text.push_str(&self.active_key_id.to_string());
        text.push('\n');
        SecretText::new(text)
    }

    /// Parses the text form. Items are separated by newlines or `;` (so the ring fits on one line of an
    /// environment variable); `#` starts a comment that runs to the end of the line.
    /// `origin` names where the text came from, for error messages.
    pub(crate) fn parse(text: &str, origin: &str) -> Result<KeyRing, VaultError> {
        let invalid = |reason: String| VaultError::InvalidKeyRing { origin: origin.to_string(), reason };
        if text.len() > KEY_RING_TEXT_BYTES_MAX {
            return Err(invalid(format!("longer than {KEY_RING_TEXT_BYTES_MAX} bytes")));
        }
        let mut fingerprint_key: Option<SecretKey> = None;
        let mut data_keys: BTreeMap<u32, SecretKey> = BTreeMap::new();
        let mut active_key_id: Option<u32> = None;
        for (line_index, line) in text.lines().enumerate() {
            let line_number = line_index + 1;
            let without_comment = line.split('#').next().unwrap_or_default();
            for item in without_comment.split(';') {
                let words: Vec<&str> = item.split_whitespace().collect();
                match words.as_slice() {
                    [] => {}
                    ["fingerprint", key_hex] => {
                        if fingerprint_key.is_some() {
                            return Err(invalid(format!("line {line_number}: a second `fingerprint` line")));
                        }
                        fingerprint_key = Some(parse_key(key_hex).ok_or_else(|| {
                            invalid(format!("line {line_number}: the fingerprint key is not 64 hexadecimal characters"))
                        })?);
                    }
                    ["key", id_text, key_hex] => {
                        let id = parse_key_id(id_text)
                            .ok_or_else(|| invalid(format!("line {line_number}: the key id is not a number")))?;
                        let key = parse_key(key_hex).ok_or_else(|| {
                            invalid(format!("line {line_number}: key {id} is not 64 hexadecimal characters"))
                        })?;
                        if data_keys.contains_key(&id) {
                            return Err(invalid(format!("line {line_number}: key id {id} appears twice")));
                        }
                        if data_keys.len() >= DATA_KEY_COUNT_MAX {
                            return Err(invalid(format!("more than {DATA_KEY_COUNT_MAX} keys")));
                        }
                        data_keys.insert(id, key);
                    }
                    ["active", id_text] => {
                        if active_key_id.is_some() {
                            return Err(invalid(format!("line {line_number}: a second `active` line")));
                        }
                        active_key_id = Some(parse_key_id(id_text).ok_or_else(|| {
                            invalid(format!("line {line_number}: the active key id is not a number"))
                        })?);
                    }
                    _ => {
                        return Err(invalid(format!(
                            "line {line_number}: expected `fingerprint <64 hex>`, `key <id> <64 hex>` or `active <id>`"
                        )))
                    }
                }
            }
        }
        let fingerprint_key = fingerprint_key.ok_or_else(|| invalid("no `fingerprint <64 hex>` line".to_string()))?;
        if data_keys.is_empty() {
            return Err(invalid("no `key <id> <64 hex>` line".to_string()));
        }
        let active_key_id = active_key_id.ok_or_else(|| invalid("no `active <id>` line".to_string()))?;
        if !data_keys.contains_key(&active_key_id) {
            return Err(invalid(format!(
                "`active {active_key_id}` names no key (there is no `key {active_key_id}` line)"
            )));
        }
        for (id, key) in &data_keys {
            if key.same_as(&fingerprint_key) {
                return Err(invalid(format!("key {id} repeats the fingerprint key: every key must be distinct")));
            }
            if let Some((other_id, _)) = data_keys.range(..id).find(|(_, other)| other.same_as(key)) {
                return Err(invalid(format!("key {id} repeats key {other_id}: every key must be distinct")));
            }
        }
        Ok(KeyRing { data_keys, active_key_id, fingerprint_key })
    }
}

fn push_key_line(text: &mut String, word: &str, id: Option<u32>, key: &SecretKey) {
    let mut key_hex = [0u8; 64];
    // Encoding 32 bytes into 64 hex characters cannot fail: the lengths match.
    if hex::encode_to_slice(key.bytes(), &mut key_hex).is_ok() {
        text.push_str(word);
        text.push(' ');
        if let Some(id) = id {
            text.push_str(&id.to_string());
            text.push(' ');
        }
        text.extend(key_hex.iter().map(|b| char::from(*b)));
        text.push('\n');
    }
    wipe(&mut key_hex);
}

fn parse_key(key_hex: &str) -> Option<SecretKey> {
    let mut key = SecretKey([0u8; 32]);
    if key_hex.len() != 64 || hex::decode_to_slice(key_hex, &mut key.0).is_err() {
        return None;
    }
    Some(key)
}

fn parse_key_id(id_text: &str) -> Option<u32> {
    if id_text.is_empty() || !id_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id_text.parse().ok()
}
