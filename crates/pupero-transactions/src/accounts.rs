//! Facts about accounts, asked from the login service (which owns them).

use pupero_api::internal::login::{TotpCheck, TotpChecked};
use pupero_http::{ApiError, AuthUser, Standing};

use crate::TransactionsState;

/// Another service's answer (login's `totp_required`, offers' 404, a dependency down),
/// carried through the domain and given to the caller unchanged: this service neither
/// builds nor reinterprets it.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Upstream(pub ApiError);

impl From<ApiError> for Upstream {
    fn from(e: ApiError) -> Self {
        Upstream(e)
    }
}

pub type UpstreamResult<T> = Result<T, Upstream>;

/// The account as it is now (`None`: no such account), without judging it.
pub async fn facts(state: &TransactionsState, user_id: i64) -> UpstreamResult<Option<Standing>> {
    Ok(state.authority.lookup(user_id).await?)
}

/// Money moves on a user's word only while the account is active and the token's session
/// was not ended: an access token outlives a disable, a delete, a password change or a
/// sign-out everywhere by up to ACCESS_TOKEN_MINUTES, so the routes that move money ask
/// the login service (through the same [`pupero_http::AccountAuthority`] the staff
/// extractors use) instead of trusting the token alone.
pub async fn ensure_active(
    state: &TransactionsState,
    caller: AuthUser,
) -> UpstreamResult<Standing> {
    Ok(state.authority.current_session(caller).await?)
}

/// Like [`ensure_active`], and no sanction in force (a mute, a trade ban, a withdrawal
/// hold) takes `privilege` away from the account now.
pub async fn ensure_permitted(
    state: &TransactionsState,
    caller: AuthUser,
    privilege: pupero_core::Privilege,
) -> UpstreamResult<()> {
    state.authority.permit(caller, privilege).await?;
    Ok(())
}

/// Asks login for a fresh second factor of `user_id` (a TOTP code, or a recovery code
/// where login accepts one) before money moves on their word. Login answers 200 when the
/// account has no 2FA, and otherwise checks the code and spends it, so it cannot be
/// replayed; its refusal (`totp_required`, `invalid_totp`, `totp_replayed`, 403) passes
/// through unchanged. Callers validate the rest of the request first, so a request that
/// would be refused anyway does not use up the code.
pub async fn second_factor(
    state: &TransactionsState,
    user_id: i64,
    code: Option<&str>,
) -> UpstreamResult<()> {
    let check = TotpCheck {
        user_id,
        code: code.map(str::to_owned),
    };
    let _: TotpChecked = state.login.post("/internal/totp/verify", &check).await?;
    Ok(())
}

/// [`second_factor`] for an account whose current standing was just checked: without 2FA
/// login would answer yes without checking or spending anything, so it is not asked.
/// (A standing kept under login's lease is as current as a fresh answer: turning 2FA on
/// is answered only after every kept copy has expired.)
pub async fn second_factor_for(
    state: &TransactionsState,
    user_id: i64,
    standing: &Standing,
    code: Option<&str>,
) -> UpstreamResult<()> {
    if !standing.totp_enabled {
        return Ok(());
    }
    second_factor(state, user_id, code).await
}
