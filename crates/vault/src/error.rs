//! The vault's one error type. No message ever carries key material or card digits: the only values
//! interpolated are file paths, key ids, file modes and operating-system errors.

/// Why a vault operation failed.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// Live mode, no `env_value` and no key file: the vault never invents keys outside test mode.
    #[error(
        "no vault keys: set POCKETPAY_VAULT_KEYS or create {path} with mode 0600 holding the lines \
         `fingerprint <64 hex>`, `key 1 <64 hex>` and `active 1` (`openssl rand -hex 32` makes one key); \
         live mode never generates keys"
    )]
    MissingKeys { path: String },
    /// The key file can be read by its group or by others.
    #[error("the vault key file {path} can be read by group or others (mode {mode:o}): run `chmod 600 {path}`")]
    InsecureKeyFile { path: String, mode: u32 },
    /// The key ring text is malformed or inconsistent. `reason` names a line and a rule, never a key.
    #[error("invalid vault key ring in {origin}: {reason}")]
    InvalidKeyRing { origin: String, reason: String },
    /// `rotate` or `remove_key` on a vault whose keys came from the environment.
    #[error(
        "the vault keys come from the environment, so the vault cannot rotate them: change POCKETPAY_VAULT_KEYS \
         (add a `key` line and restart, then point `active` at it and restart) instead"
    )]
    KeysFromEnvironment,
    /// The key file on disk no longer matches the ring in memory (another process changed it).
    #[error("the vault key file {path} changed since this process read it: reopen the vault, then retry")]
    KeyFileChanged { path: String },
    /// No key with this id is in the ring (it was removed, or the value was sealed elsewhere).
    #[error("no vault key with id {0}")]
    UnknownKey(u32),
    /// `remove_key` was asked to remove the key that seals new cards.
    #[error("vault key {0} is the active key and cannot be removed: rotate first")]
    ActiveKeyRemoval(u32),
    /// The ring already holds the most keys it may hold, or the key ids ran out.
    #[error("the vault key ring is full ({0} keys at most, ids up to 4294967295): remove retired keys first")]
    KeyRingFull(usize),
    /// What was given to `seal` is not a card number's digits.
    #[error("a card number to seal must be 12 to 19 digits (0-9) without spaces")]
    InvalidCardNumber,
    /// The sealed value does not open under its key: it was altered, truncated or its key id changed.
    #[error("the sealed card number could not be decrypted (altered data or wrong key id)")]
    Decrypt,
    /// The AEAD refused to encrypt (cannot happen for card-sized input).
    #[error("the card number could not be encrypted")]
    Encrypt,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random,
    /// Reading or writing the key file or its directory.
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
}
