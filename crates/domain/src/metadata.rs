//! Integrators' metadata on products, orders, payments and refunds: their own keys and values (an
//! order number in their warehouse system, a campaign), stored and shown back as given, never read
//! by Pocketpay. Up to 50 keys of at most 40 characters, each with a text value of at most 500.
//! An update merges: a key given an empty value is removed, keys not named are kept.

use std::collections::BTreeMap;

/// Keys an object may carry.
pub const KEYS_MAX: usize = 50;
/// Longest key, in characters.
pub const KEY_CHARS_MAX: usize = 40;
/// Longest value, in characters.
pub const VALUE_CHARS_MAX: usize = 500;

/// An object's metadata, in key order.
pub type Metadata = BTreeMap<String, String>;

/// Why metadata was refused; `key` names the entry at fault where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("metadata holds at most {KEYS_MAX} keys")]
    TooManyKeys,
    #[error("a metadata key is 1 to {KEY_CHARS_MAX} characters, without brackets or control characters")]
    BadKey { key: String },
    #[error("a metadata value is text of at most {VALUE_CHARS_MAX} characters, without control characters")]
    BadValue { key: String },
}

fn key_ok(key: &str) -> bool {
    let n = key.chars().count();
    (1..=KEY_CHARS_MAX).contains(&n) && !key.chars().any(|c| c.is_control() || c == '[' || c == ']')
}

fn value_ok(value: &str) -> bool {
    value.chars().count() <= VALUE_CHARS_MAX && !value.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// `update` applied to `current`: each key set to its value, or removed where the value is `None`
/// (an empty string or `null` in the request). The result must hold at most [`KEYS_MAX`] keys.
pub fn merge(current: &Metadata, update: &BTreeMap<String, Option<String>>) -> Result<Metadata, MetadataError> {
    let mut out = current.clone();
    for (key, value) in update {
        if !key_ok(key) {
            return Err(MetadataError::BadKey { key: key.clone() });
        }
        match value.as_deref() {
            None | Some("") => {
                out.remove(key);
            }
            Some(v) if value_ok(v) => {
                out.insert(key.clone(), v.to_owned());
            }
            Some(_) => return Err(MetadataError::BadValue { key: key.clone() }),
        }
    }
    if out.len() > KEYS_MAX {
        return Err(MetadataError::TooManyKeys);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(pairs: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned))).collect()
    }

    #[test]
    fn updates_merge_and_empty_values_remove() {
        let first = merge(&Metadata::new(), &update(&[("erp_id", Some("A-17")), ("campaign", Some("winter"))]));
        let first = first.unwrap_or_default();
        assert_eq!(first.len(), 2);
        let second = merge(&first, &update(&[("campaign", Some("")), ("gift", Some("yes"))])).unwrap_or_default();
        assert_eq!(second.get("erp_id").map(String::as_str), Some("A-17"));
        assert_eq!(second.get("gift").map(String::as_str), Some("yes"));
        assert!(!second.contains_key("campaign"));
        assert_eq!(merge(&second, &update(&[("erp_id", None)])).map(|m| m.len()), Ok(1));
    }

    #[test]
    fn limits_name_the_key_at_fault() {
        let long_key = "k".repeat(KEY_CHARS_MAX + 1);
        assert_eq!(
            merge(&Metadata::new(), &update(&[(long_key.as_str(), Some("v"))])),
            Err(MetadataError::BadKey { key: long_key.clone() })
        );
        assert!(matches!(merge(&Metadata::new(), &update(&[("a[b]", Some("v"))])), Err(MetadataError::BadKey { .. })));
        let long_value = "v".repeat(VALUE_CHARS_MAX + 1);
        assert_eq!(
            merge(&Metadata::new(), &update(&[("note", Some(long_value.as_str()))])),
            Err(MetadataError::BadValue { key: "note".into() })
        );
        assert!(merge(&Metadata::new(), &update(&[("bell", Some("\u{7}"))])).is_err());
        let full: Metadata = (0..KEYS_MAX).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        assert_eq!(merge(&full, &update(&[("one_more", Some("v"))])), Err(MetadataError::TooManyKeys));
        assert_eq!(merge(&full, &update(&[("k1", Some("w"))])).map(|m| m.len()), Ok(KEYS_MAX));
    }
}
