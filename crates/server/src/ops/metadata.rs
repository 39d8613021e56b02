//! Merging an integrator's `metadata` update into what an object holds (the rules are
//! `domain::metadata`; reading an update from a request is the HTTP layer's, showing it is
//! `views::metadata`). The metadata routes and the paying operation merge through it.

use std::collections::BTreeMap;

use domain::metadata::{merge, Metadata, MetadataError, KEYS_MAX, KEY_CHARS_MAX, VALUE_CHARS_MAX};

use crate::error::ApiError;

/// A request's `metadata`: an object whose values are strings, or empty / `null` to remove the key.
pub(crate) type MetadataUpdate = BTreeMap<String, Option<String>>;

/// A key as an error's `param` names it (no control characters, not overlong).
pub(crate) fn shown_key(key: &str) -> String {
    key.chars().filter(|c| !c.is_control()).take(domain::metadata::KEY_CHARS_MAX + 10).collect()
}

/// The stored metadata of an object (a JSON object), as a map.
fn stored(text: &str) -> Metadata {
    serde_json::from_str(text).unwrap_or_default()
}

/// The metadata to store once `update` is applied to `current` (stored text).
pub(crate) fn merged(current: &str, update: &MetadataUpdate) -> Result<String, ApiError> {
    let next = merge(&stored(current), update).map_err(|e| {
        let param = match &e {
            MetadataError::TooManyKeys => "metadata".to_owned(),
            MetadataError::BadKey { key } | MetadataError::BadValue { key } => format!("metadata[{}]", shown_key(key)),
        };
        ApiError::invalid(param, metadata_refusal(&e))
    })?;
    Ok(serde_json::to_string(&next).unwrap_or_else(|_| "{}".to_owned()))
}

/// What a refused metadata update says: the rule of `domain::metadata` it breaks, as a sentence.
fn metadata_refusal(e: &MetadataError) -> crate::i18n::Msg {
    match e {
        MetadataError::TooManyKeys => crate::msg!("err-metadata-too-many-keys", max = KEYS_MAX),
        MetadataError::BadKey { .. } => crate::msg!("err-metadata-bad-key", max = KEY_CHARS_MAX),
        MetadataError::BadValue { .. } => crate::msg!("err-metadata-bad-value", max = VALUE_CHARS_MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue says in English what `domain::metadata` says, as a sentence.
    #[test]
    fn refusals_read_as_the_domain_words_them() {
        let key = String::from("k");
        for e in
            [MetadataError::TooManyKeys, MetadataError::BadKey { key: key.clone() }, MetadataError::BadValue { key }]
        {
            let domain = e.to_string();
            let sentence = format!("{}{}.", domain[..1].to_uppercase(), &domain[1..]);
            assert_eq!(metadata_refusal(&e).text_in(crate::i18n::Locale::En), sentence);
        }
    }
}
