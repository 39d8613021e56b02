//! The vault through its public API: sealing and opening, tampering, fingerprints, rotation with reseal
//! and key removal, where keys come from (file, environment, generation in test mode only), key file
//! permissions, the key ring text format, and that no `Debug` output or error shows a key or a number.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use vault::{SealedCard, Vault, VaultConfig, VaultError};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CARD: &str = "4242424242424242";
const OTHER_CARD: &str = "5555555555554444";
const FINGERPRINT_KEY: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f";
const KEY_1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const KEY_2: &str = "2a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40414243444546474849";

/// A fresh directory under the system temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, std::io::Error> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let name = format!("vault-test-{}-{}-{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path)?;
        Ok(Self(path))
    }

    fn key_file(&self) -> PathBuf {
        self.0.join("keys").join("vault.keys")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn test_mode(key_file: &Path) -> VaultConfig {
    VaultConfig { key_file: key_file.to_path_buf(), env_value: None, generate_if_missing: true }
}

fn live_mode(key_file: &Path) -> VaultConfig {
    VaultConfig { key_file: key_file.to_path_buf(), env_value: None, generate_if_missing: false }
}

fn from_env(text: &str) -> VaultConfig {
    VaultConfig {
        key_file: PathBuf::from("/nonexistent/vault.keys"),
        env_value: Some(text.to_string()),
        generate_if_missing: true,
    }
}

fn two_key_ring() -> String {
    format!("# test ring\nfingerprint {FINGERPRINT_KEY}\nkey 1 {KEY_1}\nkey 2 {KEY_2} # newest\nactive 2\n")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[test]
fn seal_then_open_gives_the_number_back() -> TestResult {
    let dir = TempDir::new()?;
    let vault = Vault::open(&test_mode(&dir.key_file()))?;
    let sealed = vault.seal(CARD)?;
    assert_eq!(sealed.key_id, 1);
    assert_eq!(sealed.ciphertext.len(), 24 + CARD.len() + 16);
    let plain = vault.open_sealed(&sealed)?;
    assert_eq!(plain.expose(), CARD);
    assert_eq!(plain.last4(), "4242");
    // A fresh nonce every time: the same number never seals to the same bytes.
    assert_ne!(vault.seal(CARD)?.ciphertext, sealed.ciphertext);
    Ok(())
}

#[test]
fn the_ciphertext_holds_no_run_of_the_digits() -> TestResult {
    let vault = Vault::open(&from_env(&two_key_ring()))?;
    for _ in 0..50 {
        let sealed = vault.seal(CARD)?;
        assert!(!contains(&sealed.ciphertext, CARD.as_bytes()));
        for run in CARD.as_bytes().windows(6) {
            assert!(!contains(&sealed.ciphertext, run), "a run of the digits in the ciphertext");
        }
    }
    Ok(())
}

#[test]
fn altering_any_byte_or_the_length_fails_to_decrypt() -> TestResult {
    let vault = Vault::open(&from_env(&two_key_ring()))?;
    let sealed = vault.seal(CARD)?;
    for index in 0..sealed.ciphertext.len() {
        let mut altered = sealed.clone();
        altered.ciphertext[index] ^= 0x01;
        assert!(matches!(vault.open_sealed(&altered), Err(VaultError::Decrypt)), "byte {index}");
    }
    let mut truncated = sealed.clone();
    truncated.ciphertext.pop();
    assert!(matches!(vault.open_sealed(&truncated), Err(VaultError::Decrypt)));
    let empty = SealedCard { key_id: sealed.key_id, ciphertext: Vec::new() };
    assert!(matches!(vault.open_sealed(&empty), Err(VaultError::Decrypt)));
    let mut longer = sealed.clone();
    longer.ciphertext.push(0);
    assert!(matches!(vault.open_sealed(&longer), Err(VaultError::Decrypt)));
    Ok(())
}

#[test]
fn the_key_id_is_bound_to_the_sealed_value() -> TestResult {
    let vault = Vault::open(&from_env(&two_key_ring()))?;
    let sealed = vault.seal(CARD)?;
    assert_eq!(sealed.key_id, 2);
    let relabelled = SealedCard { key_id: 1, ciphertext: sealed.ciphertext.clone() };
    assert!(matches!(vault.open_sealed(&relabelled), Err(VaultError::Decrypt)));
    let unknown = SealedCard { key_id: 7, ciphertext: sealed.ciphertext.clone() };
    assert!(matches!(vault.open_sealed(&unknown), Err(VaultError::UnknownKey(7))));
    Ok(())
}

#[test]
fn only_card_digits_are_sealed() -> TestResult {
    let vault = Vault::open(&from_env(&two_key_ring()))?;
    for bad in
        ["", "4242", "4242 4242 4242 4242", "42424242424242424242", "424242424242424x", "４２４２４２４２４２４２"]
    {
        let error = vault.seal(bad).err().ok_or("sealed a non-number")?;
        assert!(matches!(error, VaultError::InvalidCardNumber));
        assert!(!error.to_string().contains("4242"));
    }
    assert_eq!(vault.open_sealed(&vault.seal("123456789012")?)?.expose(), "123456789012");
    assert_eq!(vault.open_sealed(&vault.seal("1234567890123456789")?)?.expose(), "1234567890123456789");
    Ok(())
}

#[test]
fn fingerprints_are_stable_across_rotation_and_restarts() -> TestResult {
    let dir = TempDir::new()?;
    let config = test_mode(&dir.key_file());
    let mut vault = Vault::open(&config)?;
    let fingerprint = vault.fingerprint(CARD);
    assert!(fingerprint.starts_with("fp_"));
    assert_eq!(fingerprint.len(), 3 + 32);
    assert!(fingerprint[3..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert!(!fingerprint.contains("4242"));
    assert_eq!(vault.fingerprint(CARD), fingerprint);
    assert_ne!(vault.fingerprint(OTHER_CARD), fingerprint);

    vault.rotate()?;
    assert_eq!(vault.fingerprint(CARD), fingerprint);
    let reopened = Vault::open(&config)?;
    assert_eq!(reopened.fingerprint(CARD), fingerprint);
    assert_eq!(reopened.active_key_id(), 2);

    // Another ring, another fingerprint key: fingerprints are keyed, not plain hashes.
    let other_dir = TempDir::new()?;
    assert_ne!(Vault::open(&test_mode(&other_dir.key_file()))?.fingerprint(CARD), fingerprint);
    Ok(())
}

#[test]
fn rotation_reseal_and_key_removal() -> TestResult {
    let dir = TempDir::new()?;
    let config = test_mode(&dir.key_file());
    let mut vault = Vault::open(&config)?;
    assert_eq!((vault.key_ids(), vault.active_key_id()), (vec![1], 1));
    let resealed_later = vault.seal(CARD)?;
    let left_behind = vault.seal(OTHER_CARD)?;

    assert_eq!(vault.rotate()?, 2);
    assert_eq!((vault.key_ids(), vault.active_key_id()), (vec![1, 2], 2));
    assert_eq!(vault.seal(CARD)?.key_id, 2);
    assert_eq!(vault.open_sealed(&resealed_later)?.expose(), CARD);
    assert_eq!(vault.open_sealed(&left_behind)?.expose(), OTHER_CARD);

    let resealed = vault.reseal(&resealed_later)?.ok_or("a value under key 1 was not resealed")?;
    assert_eq!(resealed.key_id, 2);
    assert_eq!(vault.open_sealed(&resealed)?.expose(), CARD);
    assert_eq!(vault.reseal(&resealed)?, None);

    assert!(matches!(vault.remove_key(2), Err(VaultError::ActiveKeyRemoval(2))));
    assert!(matches!(vault.remove_key(9), Err(VaultError::UnknownKey(9))));
    vault.remove_key(1)?;
    assert_eq!((vault.key_ids(), vault.active_key_id()), (vec![2], 2));
    assert_eq!(vault.open_sealed(&resealed)?.expose(), CARD);
    assert!(matches!(vault.open_sealed(&left_behind), Err(VaultError::UnknownKey(1))));
    assert!(matches!(vault.reseal(&left_behind), Err(VaultError::UnknownKey(1))));

    // The removal was persisted: a restart sees the same ring.
    let reopened = Vault::open(&config)?;
    assert_eq!((reopened.key_ids(), reopened.active_key_id()), (vec![2], 2));
    assert_eq!(reopened.open_sealed(&resealed)?.expose(), CARD);

    // Ids keep increasing after a removal.
    assert_eq!(vault.rotate()?, 3);
    Ok(())
}

#[test]
fn rotation_refuses_to_overwrite_a_key_file_another_process_changed() -> TestResult {
    let dir = TempDir::new()?;
    let config = test_mode(&dir.key_file());
    let mut first = Vault::open(&config)?;
    let mut second = Vault::open(&config)?;
    assert_eq!(first.rotate()?, 2);
    assert!(matches!(second.rotate(), Err(VaultError::KeyFileChanged { .. })));
    assert_eq!((second.key_ids(), second.active_key_id()), (vec![1], 1));
    let mut third = Vault::open(&config)?;
    assert_eq!(first.rotate()?, 3);
    assert!(matches!(third.remove_key(1), Err(VaultError::KeyFileChanged { .. })));
    assert_eq!(third.key_ids(), vec![1, 2]);
    assert_eq!(Vault::open(&config)?.key_ids(), vec![1, 2, 3]);
    Ok(())
}

#[cfg(unix)]
fn mode_of(path: &Path) -> Result<u32, std::io::Error> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(unix)]
#[test]
fn the_generated_key_file_is_private_and_stays_private_after_rotation() -> TestResult {
    let dir = TempDir::new()?;
    let key_file = dir.key_file();
    let mut vault = Vault::open(&test_mode(&key_file))?;
    assert_eq!(mode_of(&key_file)?, 0o600);
    let text = std::fs::read_to_string(&key_file)?;
    assert!(text.lines().any(|line| line.starts_with("fingerprint ")));
    assert!(text.lines().any(|line| line.starts_with("key 1 ")));
    assert!(text.lines().any(|line| line == "active 1"));

    vault.rotate()?;
    assert_eq!(mode_of(&key_file)?, 0o600);
    let parent = key_file.parent().ok_or("no parent")?;
    let names: Vec<_> = std::fs::read_dir(parent)?.map(|e| e.map(|e| e.file_name())).collect::<Result<_, _>>()?;
    assert_eq!(names, vec![std::ffi::OsString::from("vault.keys")], "no temporary file is left behind");
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_key_file_readable_by_group_or_others_is_refused() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new()?;
    let key_file = dir.key_file();
    Vault::open(&test_mode(&key_file))?;
    for mode in [0o640, 0o604, 0o644, 0o660] {
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(mode))?;
        let error = Vault::open(&test_mode(&key_file)).err().ok_or("opened an insecure key file")?;
        assert!(matches!(error, VaultError::InsecureKeyFile { .. }), "{error}");
        assert!(error.to_string().contains("chmod 600"), "{error}");
    }
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o400))?;
    Vault::open(&live_mode(&key_file))?;
    Ok(())
}

#[test]
fn live_mode_never_generates_keys() -> TestResult {
    let dir = TempDir::new()?;
    let key_file = dir.key_file();
    let error = Vault::open(&live_mode(&key_file)).err().ok_or("live mode opened without keys")?;
    assert!(matches!(error, VaultError::MissingKeys { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("POCKETPAY_VAULT_KEYS") && message.contains("vault.keys"), "{message}");
    assert!(!key_file.exists());
    Ok(())
}

#[test]
fn keys_from_the_environment_win_over_the_file_and_are_not_rotated_here() -> TestResult {
    let dir = TempDir::new()?;
    let key_file = dir.key_file();
    let config = VaultConfig { key_file: key_file.clone(), env_value: Some(two_key_ring()), generate_if_missing: true };
    let mut vault = Vault::open(&config)?;
    assert_eq!((vault.key_ids(), vault.active_key_id()), (vec![1, 2], 2));
    assert!(!key_file.exists(), "the file is ignored, not generated");
    assert!(matches!(vault.rotate(), Err(VaultError::KeysFromEnvironment)));
    assert!(matches!(vault.remove_key(1), Err(VaultError::KeysFromEnvironment)));
    assert_eq!((vault.key_ids(), vault.active_key_id()), (vec![1, 2], 2));

    // One line, items separated by `;`, as an environment variable is usually written; same keys, same results.
    let one_line = format!("fingerprint {FINGERPRINT_KEY}; key 1 {KEY_1}; key 2 {KEY_2}; active 2");
    let same = Vault::open(&from_env(&one_line))?;
    assert_eq!(same.fingerprint(CARD), vault.fingerprint(CARD));
    assert_eq!(same.open_sealed(&vault.seal(CARD)?)?.expose(), CARD);
    // Upper-case hex and key 1 active.
    let upper = format!("fingerprint {}\nkey 1 {KEY_1}\nactive 1", FINGERPRINT_KEY.to_uppercase());
    let older = Vault::open(&from_env(&upper))?;
    assert_eq!(older.fingerprint(CARD), vault.fingerprint(CARD));
    assert_eq!(vault.open_sealed(&older.seal(CARD)?)?.expose(), CARD);
    Ok(())
}

#[test]
fn malformed_key_rings_are_refused_without_echoing_keys() -> TestResult {
    let fp = format!("fingerprint {FINGERPRINT_KEY}");
    let k1 = format!("key 1 {KEY_1}");
    let k2 = format!("key 2 {KEY_2}");
    let bad_hex = format!("key 1 {}zz", &KEY_1[..62]);
    let short_hex = format!("key 1 {}", &KEY_1[..62]);
    let long_hex = format!("key 1 {KEY_1}11");
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "fingerprint"),
        ("bad hex", format!("{fp}\n{bad_hex}\nactive 1"), "line 2"),
        ("short hex", format!("{fp}\n{short_hex}\nactive 1"), "64 hexadecimal"),
        ("long hex", format!("{fp}\n{long_hex}\nactive 1"), "64 hexadecimal"),
        ("bad fingerprint hex", format!("fingerprint {}\n{k1}\nactive 1", &FINGERPRINT_KEY[..10]), "fingerprint"),
        ("missing active", format!("{fp}\n{k1}\n{k2}"), "active"),
        ("active pointing nowhere", format!("{fp}\n{k1}\nactive 3"), "active 3"),
        ("duplicate id", format!("{fp}\n{k1}\nkey 1 {KEY_2}\nactive 1"), "appears twice"),
        ("two active lines", format!("{fp}\n{k1}\n{k2}\nactive 1\nactive 2"), "second `active`"),
        ("no fingerprint", format!("{k1}\nactive 1"), "fingerprint"),
        ("two fingerprints", format!("{fp}\nfingerprint {KEY_2}\n{k1}\nactive 1"), "second `fingerprint`"),
        ("no key", format!("{fp}\nactive 1"), "no `key"),
        ("negative id", format!("{fp}\nkey -1 {KEY_1}\nactive 1"), "not a number"),
        ("id too large", format!("{fp}\nkey 4294967296 {KEY_1}\nactive 1"), "not a number"),
        ("unknown word", format!("{fp}\nsecret {KEY_1}\n{k1}\nactive 1"), "expected"),
        ("missing key bytes", format!("{fp}\nkey 1\nactive 1"), "expected"),
        ("fingerprint key reused", format!("fingerprint {KEY_1}\n{k1}\nactive 1"), "distinct"),
        ("data key reused", format!("{fp}\n{k1}\nkey 2 {KEY_1}\nactive 2"), "distinct"),
    ];
    for (name, text, expected) in cases {
        let error = Vault::open(&from_env(&text)).err().ok_or(format!("{name}: accepted"))?;
        assert!(matches!(error, VaultError::InvalidKeyRing { .. }), "{name}: {error}");
        let message = error.to_string();
        assert!(message.contains(expected), "{name}: {message}");
        for key in [KEY_1, KEY_2, FINGERPRINT_KEY] {
            assert!(!message.contains(&key[..16]), "{name}: the message shows key material: {message}");
        }
    }
    Ok(())
}

#[test]
fn a_malformed_key_file_is_refused_and_named() -> TestResult {
    let dir = TempDir::new()?;
    let key_file = dir.key_file();
    std::fs::create_dir_all(key_file.parent().ok_or("no parent")?)?;
    std::fs::write(&key_file, format!("fingerprint {FINGERPRINT_KEY}\nkey 1 {KEY_1}\n"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600))?;
    }
    let error = Vault::open(&test_mode(&key_file)).err().ok_or("accepted a ring without `active`")?;
    assert!(matches!(error, VaultError::InvalidKeyRing { .. }));
    assert!(error.to_string().contains("vault.keys"), "{error}");
    Ok(())
}

#[test]
fn debug_output_shows_no_key_and_no_digits() -> TestResult {
    let config = from_env(&two_key_ring());
    let vault = Vault::open(&config)?;
    let sealed = vault.seal(CARD)?;
    let plain = vault.open_sealed(&sealed)?;
    assert_eq!(format!("{plain:?}"), "PlainCardNumber(****4242)");
    let outputs = [
        format!("{vault:?}"),
        format!("{vault:#?}"),
        format!("{config:?}"),
        format!("{sealed:?}"),
        format!("{:?}", vault.open_sealed(&SealedCard { key_id: 2, ciphertext: vec![0; 40] }).err()),
    ];
    for output in &outputs {
        for key in [KEY_1, KEY_2, FINGERPRINT_KEY] {
            assert!(!output.contains(&key[..8]), "key material in {output}");
        }
        assert!(!output.contains("42424242"), "card digits in {output}");
    }
    assert!(outputs[0].contains("<redacted>") && outputs[0].contains("active_key_id: 2"), "{}", outputs[0]);
    assert!(outputs[2].contains("<redacted>"), "{}", outputs[2]);
    Ok(())
}

#[test]
fn documents_open_only_for_their_review_and_reseal_under_the_new_key() -> TestResult {
    let dir = TempDir::new()?;
    let mut vault = Vault::open(&test_mode(&dir.key_file()))?;
    let document = b"%PDF-1.7 a passport scan".to_vec();
    let sealed = vault.seal_document("rev_1", &document)?;
    assert!(!sealed.ciphertext.windows(8).any(|w| w == b"passport"), "the document is not in the clear");
    assert_eq!(vault.open_document("rev_1", &sealed)?, document);
    assert!(matches!(vault.open_document("rev_2", &sealed), Err(VaultError::Decrypt)), "bound to its review");
    assert!(vault.open_checkout_card(&sealed).is_err(), "never opens as a card");
    assert!(vault.seal_document("rev_1", b"").is_err());
    assert!(vault.seal_document("rev_1", &vec![0u8; vault::DOCUMENT_BYTES_MAX + 1]).is_err());
    assert!(vault.reseal_document("rev_1", &sealed)?.is_none(), "already under the active key");
    vault.rotate()?;
    let resealed = vault.reseal_document("rev_1", &sealed)?.ok_or("a reseal under the new key")?;
    assert_ne!(resealed.key_id, sealed.key_id);
    assert_eq!(vault.open_document("rev_1", &resealed)?, document);
    Ok(())
}
