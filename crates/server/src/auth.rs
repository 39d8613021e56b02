//! Who is calling: session tokens (buyers and operators) and secret API keys (sellers), resolved
//! from `Authorization: Bearer …`, and the role checks handlers ask for.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::accounts::Role;
use store::{MerchantRecord, UserRecord};

use crate::error::ApiError;
use crate::secrets::token_hash;
use crate::AppState;

/// Prefix of session tokens.
pub const SESSION_TOKEN_PREFIX: &str = "pps";

/// The authenticated caller.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A buyer or operator with a session.
    User { user: UserRecord, role: Role, token_hash: Vec<u8> },
    /// A seller with a secret API key.
    Merchant { merchant: MerchantRecord },
}

impl Caller {
    /// A buyer's session, or 403.
    pub fn buyer(self) -> Result<(UserRecord, Vec<u8>), ApiError> {
        match self {
            Caller::User { user, role: Role::Buyer, token_hash } => Ok((user, token_hash)),
            _ => Err(ApiError::forbidden(crate::msg!("err-auth-buyers-only"))),
        }
    }

    /// An operator's session, or 403.
    pub fn operator(self) -> Result<UserRecord, ApiError> {
        match self {
            Caller::User { user, role: Role::Operator, .. } => Ok(user),
            _ => Err(ApiError::forbidden(crate::msg!("err-auth-operators-only"))),
        }
    }

    /// A seller's API key, or 403.
    pub fn merchant(self) -> Result<MerchantRecord, ApiError> {
        match self {
            Caller::Merchant { merchant } => Ok(merchant),
            _ => Err(ApiError::forbidden(crate::msg!("err-auth-sellers-api-key"))),
        }
    }

    /// Any person with a session (buyer or operator), or 403.
    pub fn person(self) -> Result<(UserRecord, Role, Vec<u8>), ApiError> {
        match self {
            Caller::User { user, role, token_hash } => Ok((user, role, token_hash)),
            Caller::Merchant { .. } => Err(ApiError::forbidden(crate::msg!("err-auth-session-needed"))),
        }
    }
}

/// How often a key's "last used" time is written: at most once a minute per key.
const KEY_USE_RECORDED_EVERY_S: i64 = 60;

/// Set only by the web pages, on a request they hand to the API in process, after checking that the
/// signed-in user owns this merchant. Extensions never come from the wire, so no client can set it.
#[derive(Debug, Clone)]
pub struct ActingMerchant(pub MerchantRecord);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(ActingMerchant(merchant)) = parts.extensions.get::<ActingMerchant>() {
            return Ok(Caller::Merchant { merchant: merchant.clone() });
        }
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthenticated)?;
        let token = header.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty() && t.len() <= 200);
        let token = token.ok_or_else(ApiError::unauthenticated)?.to_owned();
        let hash = token_hash(&token);
        let now = state.clock.now();
        if token.starts_with("sk_test_") || token.starts_with("sk_live_") {
            let live_key = token.starts_with("sk_live_");
            if live_key != state.config.live_mode() {
                return Err(ApiError::unauthenticated());
            }
            if matches!(
                parts.extensions.get::<crate::openapi::RouteAccess>(),
                Some(crate::openapi::RouteAccess(crate::openapi::Access::Operator))
            ) {
                return Err(ApiError::forbidden(crate::msg!("err-auth-operators-only")));
            }
            let found = state.store.read(move |tx| tx.merchant_by_key(&hash, now)).await?;
            let (merchant, key) = found.ok_or_else(ApiError::unauthenticated)?;
            if key.last_used_at.is_none_or(|t| t + KEY_USE_RECORDED_EVERY_S <= now) {
                // Recorded off the request's path: a lost update only makes "last used" a minute older.
                let store = state.store.clone();
                tokio::spawn(async move { store.write(move |tx| tx.touch_api_key(&key.id, now)).await });
            }
            return Ok(Caller::Merchant { merchant });
        }
        let lookup = hash.clone();
        let found = state
            .store
            .read(move |tx| {
                let Some(session) = tx.session(&lookup)? else { return Ok(None) };
                if session.revoked_at.is_some() || session.expires_at <= now {
                    return Ok(None);
                }
                tx.user(&session.user_id)
            })
            .await?;
        let user = found.filter(|u| u.status.may_sign_in()).ok_or_else(ApiError::unauthenticated)?;
        // A saved language beats the request's header.
        let locale = user.locale.as_deref().and_then(crate::i18n::Locale::parse).unwrap_or_else(crate::i18n::current);
        crate::i18n::set_current(locale, &user.time_zone);
        let role = Role::parse(&user.role).ok_or_else(ApiError::unauthenticated)?;
        // Sellers' and operators' endpoints refuse another role here, before the body is read.
        match parts.extensions.get::<crate::openapi::RouteAccess>().map(|a| a.0) {
            Some(crate::openapi::Access::Operator) if role != Role::Operator => {
                return Err(ApiError::forbidden(crate::msg!("err-auth-operators-only")))
            }
            Some(crate::openapi::Access::Seller) if role == Role::Buyer => {
                return Err(ApiError::forbidden(crate::msg!("err-auth-sellers-only")))
            }
            _ => {}
        }
        Ok(Caller::User { user, role, token_hash: hash })
    }
}
