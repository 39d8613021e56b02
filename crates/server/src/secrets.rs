//! Secrets and the hashes that stand in for them: the server secret, random ids and tokens,
//! keyed hashes of short codes, sealing of stored responses, and Argon2id passwords.

use std::path::Path;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicI64, Ordering};

/// A 32-byte secret from which the server derives keyed hashes. `Debug` never shows it.
#[derive(Clone)]
pub struct ServerSecret([u8; 32]);

impl std::fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecret(<redacted>)")
    }
}

/// Why the secret could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("POCKETPAY_SECRET must be 64 hexadecimal characters")]
    Malformed,
    #[error("no server secret: set POCKETPAY_SECRET or create {0} (live mode never generates one)")]
    Missing(String),
    #[error("reading or writing the secret file: {0}")]
    Io(#[from] std::io::Error),
}

impl ServerSecret {
    /// From 64 hex characters.
    pub fn from_hex(hex_text: &str) -> Result<Self, SecretError> {
        let bytes = hex::decode(hex_text.trim()).map_err(|_| SecretError::Malformed)?;
        let array: [u8; 32] = bytes.try_into().map_err(|_| SecretError::Malformed)?;
        Ok(Self(array))
    }

    /// From the environment value if given, else from `file`; in test mode a missing file is
    /// created with a new random secret, readable by its owner only.
    pub fn load(env_value: Option<&str>, file: &Path, generate_if_missing: bool) -> Result<Self, SecretError> {
        if let Some(v) = env_value {
            return Self::from_hex(v);
        }
        match std::fs::read_to_string(file) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && generate_if_missing => {
                let mut bytes = [0u8; 32];
                OsRng.fill_bytes(&mut bytes);
                if let Some(dir) = file.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                write_private(file, &hex::encode(bytes))?;
                Ok(Self(bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SecretError::Missing(file.display().to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// A keyed hash (HMAC-SHA-256) of `data` under a purpose label.
    pub fn keyed_hash(&self, purpose: &str, data: &[u8]) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(unix)]
fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(file)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(file, text)
}

/// SHA-256 of a high-entropy token: how session tokens and API keys are stored.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

const ID_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz";

/// Characters of an id that tell its creation time (milliseconds, enough until the year 6000).
const ID_TIME_CHARS: usize = 8;
/// Random characters after them (~94 bits).
const ID_RANDOM_CHARS: usize = 16;

/// An id with a visible prefix, such as `pay_1Bq8xYz…` (24 characters): the creation time in
/// milliseconds, then 16 random characters (~94 bits) from the thread's cryptographically secure
/// generator (ChaCha, seeded and reseeded by the operating system). Ids made later sort later, so a
/// table's new rows land at the end of its index instead of on a random page of it: fewer pages
/// written per batch. Ids are not secrets; access to what they name is always checked.
pub fn random_id(prefix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + 1 + ID_TIME_CHARS + ID_RANDOM_CHARS);
    s.push_str(prefix);
    s.push('_');
    let mut ms = unix_millis();
    let mut time = [0u8; ID_TIME_CHARS];
    for c in time.iter_mut().rev() {
        *c = ID_ALPHABET[(ms % ID_ALPHABET.len() as u64) as usize];
        ms /= ID_ALPHABET.len() as u64;
    }
    s.extend(time.iter().map(|b| char::from(*b)));
    push_random_chars(&mut s, ID_RANDOM_CHARS, &mut rand::thread_rng());
    s
}

/// Milliseconds since 1970 by the system clock (0 if the clock is before 1970).
pub(crate) fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// This process's number among those sharing its database (0..1024; 0 on SQLite, where one
/// process writes), set at start from the store.
static NODE: AtomicI64 = AtomicI64::new(0);

/// Sets this process's number (see [`time_ordered_key`]).
pub fn set_node(node: i64) {
    NODE.store(node & 0x3FF, Ordering::Relaxed);
}

/// A positive 63-bit number for a new row's integer key: the time in milliseconds in the high 42 bits
/// (enough until the year 2109), then this process's number (10 bits: the keys of several processes
/// on one database never collide), then a sequence (11 bits); strictly greater than any this process
/// made before (so new rows append at the end of their table). Past 2,048 keys in one millisecond the
/// next keys borrow the following millisecond.
pub fn time_ordered_key() -> i64 {
    static LAST: AtomicI64 = AtomicI64::new(0);
    const SEQUENCE: i64 = (1 << 11) - 1;
    let node = NODE.load(Ordering::Relaxed) << 11;
    let ms = i64::try_from(unix_millis()).unwrap_or(0) & ((1 << 42) - 1);
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let mut next = (ms << 21) | node;
        if next <= last {
            let sequence = (last & SEQUENCE) + 1;
            next = if sequence <= SEQUENCE {
                ((last >> 21) << 21) | node | sequence
            } else {
                (((last >> 21) + 1) << 21) | node
            };
            if next <= last {
                next = (((last >> 21) + 1) << 21) | node;
            }
        }
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// A random secret token with a prefix, such as `pps_…` (43 characters, ~250 bits), straight from
/// the operating system.
pub fn random_token(prefix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + 44);
    s.push_str(prefix);
    s.push('_');
    push_random_chars(&mut s, 43, &mut OsRng);
    s
}

/// Appends `len` characters of [`ID_ALPHABET`], unbiased: bytes at or above the largest multiple of
/// the alphabet's size are drawn again. Bytes are drawn 64 at a time (one system call for `OsRng`).
fn push_random_chars(s: &mut String, len: usize, rng: &mut impl RngCore) {
    let limit = (256 / ID_ALPHABET.len() * ID_ALPHABET.len()) as u8;
    let mut bytes = [0u8; 64];
    let mut n = 0;
    while n < len {
        rng.fill_bytes(&mut bytes);
        for b in bytes.iter().filter(|b| **b < limit).take(len - n) {
            s.push(char::from(ID_ALPHABET[usize::from(*b) % ID_ALPHABET.len()]));
            n += 1;
        }
    }
}

/// A uniformly random u64 from the operating system.
pub fn random_u64() -> u64 {
    OsRng.next_u64()
}

/// Seals `plaintext` under a key used for this one message only (so a fixed nonce is safe).
pub fn seal_once(key: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    cipher.encrypt(Nonce::from_slice(&[0u8; 12]), plaintext).unwrap_or_default()
}

/// Opens what [`seal_once`] sealed; `None` if the key is wrong or the data was altered.
pub fn open_once(key: &[u8; 32], sealed: &[u8]) -> Option<Vec<u8>> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    cipher.decrypt(Nonce::from_slice(&[0u8; 12]), sealed).ok()
}

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Checks a password against its PHC hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so timing does not reveal which emails exist.
pub fn decoy_password_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy-password-never-used").unwrap_or_default())
}

/// Compares two byte strings in time independent of where they differ (`subtle`, the RustCrypto
/// crate the cipher and hash crates use for the same purpose; a length difference answers at once).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trip_and_tamper() {
        let key = [7u8; 32];
        let sealed = seal_once(&key, b"{\"token\":\"x\"}");
        assert_eq!(open_once(&key, &sealed).as_deref(), Some(&b"{\"token\":\"x\"}"[..]));
        assert_eq!(open_once(&[8u8; 32], &sealed), None);
        let mut bad = sealed.clone();
        bad[0] ^= 1;
        assert_eq!(open_once(&key, &bad), None);
    }

    #[test]
    fn ids_and_passwords() {
        let a = random_id("usr");
        assert!(a.starts_with("usr_") && a.len() == 28, "{a}");
        assert_ne!(a, random_id("usr"));
        let t = random_token("pps");
        assert!(t.starts_with("pps_") && t.len() == 47, "{t}");
        // Every character of the alphabet shows up, and nothing else (no bias towards a few).
        let mut seen = std::collections::BTreeMap::<char, u32>::new();
        for _ in 0..750 {
            for c in random_id("x")[2 + ID_TIME_CHARS..].chars() {
                *seen.entry(c).or_default() += 1;
            }
        }
        assert_eq!(seen.len(), ID_ALPHABET.len());
        assert!(seen.keys().all(|c| ID_ALPHABET.contains(&(*c as u8))));
        // 12,000 draws over 58 characters: about 207 each; a sound generator stays well inside 100..320.
        assert!(seen.values().all(|n| (100..320).contains(n)), "{seen:?}");
        // Later ids sort later; so do integer keys, strictly.
        let earlier = random_id("pay");
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(random_id("pay") > earlier);
        let keys: Vec<i64> = (0..10_000).map(|_| time_ordered_key()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]) && keys[0] > 0);
        let h = hash_password("correct horse battery").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
        let s = ServerSecret::from_hex(&"ab".repeat(32)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{s:?}"), "ServerSecret(<redacted>)");
        assert_ne!(s.keyed_hash("a", b"1"), s.keyed_hash("b", b"1"));
        assert!(ServerSecret::from_hex("zz").is_err());
        assert!(constant_time_eq(b"abc", b"abc") && !constant_time_eq(b"abc", b"abd"));
    }
}
