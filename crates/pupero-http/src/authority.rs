//! Authority checked at the moment of use (DESIGN §2).
//!
//! A token says who the caller is; whether the account may still act (not disabled, not
//! deleted) and with which role is decided from the account's current standing when the
//! action happens. The login service owns accounts: it reads its own database, every other
//! service asks login's `/internal/users/{id}`. That is one loopback call per staff action
//! or write, never per plain read, and a login outage makes those actions answer 503: the
//! check fails closed.
//!
//! Sanctions (the moderation service's word, kept by login) ride on the same standing:
//! a suspension or ban refuses the account like a disable does, and [`AccountAuthority::permit`]
//! refuses one privilege (chat, trading, withdrawing) while a sanction that forbids it is
//! in force. Expiry needs no job: a restriction is compared with the clock each time.
//!
//! Ending every session of an account (password change, sign-out everywhere, an admin's
//! force-logout or disable) stamps its standing with `tokens_valid_after_ms`; the checks
//! here then refuse an access token issued before it. Plain reads stay stateless (no call
//! per read), so such a token can still read until it expires.
//!
//! Login's answer comes with a lease (`lease_ms`): the standing may be kept that long,
//! counted from when the request was sent, because login holds back every change to it
//! until the lease has run out (pupero-login's `standing_leases`). So a trader's steps in
//! quick succession ask login once, and a change is still seen by the first step after
//! login answered it.

use crate::ErrorCode;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use pupero_api::internal::login::{AccountFacts, Restriction};
use pupero_core::{Privilege, Role, SanctionKind};

use crate::auth::AuthUser;
use crate::{ApiError, ApiResult, InternalClient};

/// An account as it is now, whatever its tokens say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    pub disabled: bool,
    pub deleted: bool,
    pub totp_enabled: bool,
    /// Access tokens issued (`iat`, whole seconds) before this instant (epoch ms, stored
    /// at a whole second) belong to ended sessions. `None`: never ended.
    pub tokens_valid_after_ms: Option<i64>,
    /// Sanctions on the account (some may have expired since login answered).
    pub restrictions: Vec<Restriction>,
}

impl Standing {
    /// The sanction in force at `now_ms` that takes `privilege` away, if any (the one
    /// ending last, so the answer names when the account may act again).
    pub fn restriction(&self, privilege: Privilege, now_ms: i64) -> Option<&Restriction> {
        self.restrictions
            .iter()
            .filter(|r| r.in_force(now_ms) && r.kind.forbids(privilege))
            .max_by_key(|r| {
                (
                    r.kind == SanctionKind::Ban,
                    r.expires_at_ms.unwrap_or(i64::MAX),
                )
            })
    }
}

impl From<AccountFacts> for Standing {
    fn from(facts: AccountFacts) -> Self {
        Standing {
            role: facts.role,
            disabled: facts.disabled,
            deleted: facts.deleted,
            totp_enabled: facts.totp_enabled,
            tokens_valid_after_ms: facts.tokens_valid_after_ms,
            restrictions: facts.restrictions,
        }
    }
}

pub type StandingFuture<'a> =
    Pin<Box<dyn Future<Output = ApiResult<Option<Standing>>> + Send + 'a>>;

/// Where the current standing of an account comes from (`None`: no such account).
pub trait StandingSource: Send + Sync + 'static {
    fn standing(&self, user_id: i64) -> StandingFuture<'_>;
}

/// Asks the login service, which owns accounts, and keeps each answer for its lease.
struct LoginDirectory {
    client: InternalClient,
    leased: Mutex<HashMap<i64, Leased>>,
}

#[derive(Clone)]
struct Leased {
    standing: Standing,
    until: Instant,
}

/// Bounds the memory of kept answers; past it, expired ones are dropped (and if all are
/// current, all are: the next steps simply ask again).
const MAX_LEASED: usize = 100_000;

impl LoginDirectory {
    fn kept(&self, user_id: i64) -> Option<Standing> {
        let leased = self.leased.lock().unwrap_or_else(PoisonError::into_inner);
        leased
            .get(&user_id)
            .filter(|l| Instant::now() < l.until)
            .map(|l| l.standing.clone())
    }

    fn keep(&self, user_id: i64, standing: Standing, until: Instant) {
        let mut leased = self.leased.lock().unwrap_or_else(PoisonError::into_inner);
        if leased.len() >= MAX_LEASED {
            let now = Instant::now();
            leased.retain(|_, l| now < l.until);
            if leased.len() >= MAX_LEASED {
                leased.clear();
            }
        }
        leased.insert(user_id, Leased { standing, until });
    }
}

impl StandingSource for LoginDirectory {
    fn standing(&self, user_id: i64) -> StandingFuture<'_> {
        Box::pin(async move {
            if let Some(standing) = self.kept(user_id) {
                return Ok(Some(standing));
            }
            // The lease counts from before the request left, so it ends no later than
            // login's record of it.
            let asked_at = Instant::now();
            match self
                .client
                .get::<AccountFacts>(&format!("/internal/users/{user_id}"))
                .await
            {
                Ok(facts) => {
                    let lease = facts.lease_ms.map(Duration::from_millis);
                    let standing = Standing::from(facts);
                    if let Some(until) = lease.and_then(|l| asked_at.checked_add(l)) {
                        self.keep(user_id, standing.clone(), until);
                    }
                    Ok(Some(standing))
                }
                Err(e) if e.status == StatusCode::NOT_FOUND => Ok(None),
                Err(e) => Err(e),
            }
        })
    }
}

/// Decides, from an account's current standing, whether a token's holder may act.
#[derive(Clone)]
pub struct AccountAuthority {
    source: Arc<dyn StandingSource>,
    /// Production: a staff account without 2FA may not act as staff, since a stolen
    /// password alone would then be a stolen admin.
    staff_need_2fa: bool,
}

impl std::fmt::Debug for AccountAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountAuthority")
            .field("staff_need_2fa", &self.staff_need_2fa)
            .finish_non_exhaustive()
    }
}

impl AccountAuthority {
    pub fn new(source: impl StandingSource, staff_need_2fa: bool) -> Self {
        Self {
            source: Arc::new(source),
            staff_need_2fa,
        }
    }

    /// For every service but login: ask login (with `client`, a client for its internal
    /// routes).
    pub fn from_login(client: InternalClient, staff_need_2fa: bool) -> Self {
        Self::new(
            LoginDirectory {
                client,
                leased: Mutex::new(HashMap::new()),
            },
            staff_need_2fa,
        )
    }

    /// The account's standing as it is (`None`: no such account), without judging it.
    pub async fn lookup(&self, user_id: i64) -> ApiResult<Option<Standing>> {
        self.source.standing(user_id).await
    }

    /// The account's standing, refusing a deleted (401), disabled (403), suspended or
    /// banned (403) one.
    pub async fn current(&self, user_id: i64) -> ApiResult<Standing> {
        match self.source.standing(user_id).await? {
            Some(s) if s.deleted => Err(account_gone()),
            Some(s) if s.disabled => Err(account_disabled()),
            Some(s) => match s.restriction(Privilege::Act, pupero_db::now_ms()) {
                Some(r) => Err(restricted(r)),
                None => Ok(s),
            },
            None => Err(account_gone()),
        }
    }

    /// The caller, if their account may act now (as [`AccountAuthority::active`]) and no
    /// sanction in force takes `privilege` away (403 naming the sanction's reason and end).
    pub async fn permit(&self, caller: AuthUser, privilege: Privilege) -> ApiResult<AuthUser> {
        let standing = self.current_session(caller).await?;
        if let Some(r) = standing.restriction(privilege, pupero_db::now_ms()) {
            return Err(restricted(r));
        }
        Ok(AuthUser {
            role: standing.role,
            ..caller
        })
    }

    /// The caller's standing, refusing a deleted (401) or disabled (403) account and a
    /// token of a session that has since been ended (401).
    pub async fn current_session(&self, caller: AuthUser) -> ApiResult<Standing> {
        let standing = self.current(caller.id).await?;
        if let Some(after_ms) = standing.tokens_valid_after_ms
            && caller.issued_at.saturating_mul(1000) < after_ms
        {
            return Err(session_ended());
        }
        Ok(standing)
    }

    /// The caller, if their account may still act and their session was not ended, with
    /// its current role.
    pub async fn active(&self, caller: AuthUser) -> ApiResult<AuthUser> {
        let standing = self.current_session(caller).await?;
        Ok(AuthUser {
            role: standing.role,
            ..caller
        })
    }

    /// The caller, if their account holds at least `role` now (and, in production, has
    /// 2FA). The token's role must say so too, so a plain user's token costs no call and
    /// a promotion takes effect at the next refresh, as a demotion takes effect at once.
    pub async fn staff(&self, caller: AuthUser, role: Role) -> ApiResult<AuthUser> {
        caller.require(role)?;
        let standing = self.current_session(caller).await?;
        let current = AuthUser {
            role: standing.role,
            ..caller
        }
        .require(role)?;
        if self.staff_need_2fa && !standing.totp_enabled {
            return Err(staff_2fa_required());
        }
        Ok(current)
    }
}

fn account_gone() -> ApiError {
    ApiError::unauthorized(ErrorCode::InvalidToken, "the account no longer exists")
}

/// The refusal a sanction in force gives: its own code, its reason, and when it ends.
pub fn restricted(r: &Restriction) -> ApiError {
    let code = match r.kind {
        SanctionKind::Ban => ErrorCode::AccountBanned,
        SanctionKind::Suspend => ErrorCode::AccountSuspended,
        SanctionKind::Mute => ErrorCode::AccountMuted,
        SanctionKind::TradeBan => ErrorCode::TradeBanned,
        SanctionKind::WithdrawalHold => ErrorCode::WithdrawalHeld,
        // A warning forbids nothing, so it never gets here.
        SanctionKind::Warn => ErrorCode::Forbidden,
    };
    let what = match r.kind {
        SanctionKind::Ban => "this account is banned",
        SanctionKind::Suspend => "this account is suspended",
        SanctionKind::Mute => "this account is muted: no trade chat",
        SanctionKind::TradeBan => "this account may not open offers or trades",
        SanctionKind::WithdrawalHold => "withdrawals from this account are on hold",
        SanctionKind::Warn => "this account was warned",
    };
    let until = match r.expires_at_ms {
        Some(ms) => format!("until {}", crate::rfc3339(ms)),
        None => "until lifted".to_owned(),
    };
    let mut e = ApiError::new(
        StatusCode::FORBIDDEN,
        code,
        format!(
            "{what} ({until}): {}; see /moderation/sanctions/mine to appeal",
            r.reason
        ),
    );
    e = e.with_extra("sanction_id", r.sanction_id.to_string());
    if let Some(ms) = r.expires_at_ms {
        e = e.with_extra("until", crate::rfc3339(ms));
    }
    e
}

fn session_ended() -> ApiError {
    ApiError::unauthorized(ErrorCode::InvalidToken, "this session was ended")
}

fn account_disabled() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::AccountDisabled,
        "this account is disabled",
    )
}

fn staff_2fa_required() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::Staff2faRequired,
        "staff accounts must turn on two-factor authentication before acting as staff",
    )
}
