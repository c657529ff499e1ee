//! Mail settings, address verification and password reset by mail, and the internal
//! route through which the transactions service has events mailed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use pupero_api::account_mail::{
    EmailToken, MailAccepted, MailSettingsUpdate, MailSettingsView, PasswordResetConfirm,
    PasswordResetRequest,
};
use pupero_api::internal::login::{MailNotice, MailNotices, MailOutcome, MailOutcomes};
use pupero_core::{Email, Password, Username};
use pupero_db::{now_ms, write_tx};
use pupero_http::{ApiError, ApiJson, ApiResult, AuthUser, ClientIp, ErrorCode, ServiceCaller};
use sea_orm::ActiveValue::Set;
use sea_orm::IntoActiveModel;

use super::{active_session, active_user};
use crate::entity::{mail_settings, user};
use crate::mail::store::{self as mail_store, NewToken, SettingsChange};
use crate::mail::{self, MailError, Outgoing, TokenPurpose};
use crate::state::LoginState;
use crate::store;

/// Links of one kind one account may be sent per hour.
const LINKS_PER_HOUR: u64 = 3;
const VERIFY_TTL_MS: i64 = 24 * 3600 * 1000;

fn is_verified(u: &user::Model, s: Option<&mail_settings::Model>) -> bool {
    match (
        u.email_normalized.as_deref(),
        s.and_then(|s| s.verified_email.as_deref()),
    ) {
        (Some(current), Some(verified)) => current == verified,
        _ => false,
    }
}

fn settings_view(
    state: &LoginState,
    u: &user::Model,
    s: Option<&mail_settings::Model>,
) -> MailSettingsView {
    MailSettingsView {
        email: u.email.clone(),
        email_verified: is_verified(u, s),
        anti_phishing_phrase: s.and_then(|s| s.anti_phishing_phrase.clone()),
        email_events: mail::parse_events(s.and_then(|s| s.email_events.as_deref())),
        mail_enabled: state.mailer.is_configured(),
    }
}

fn mail_unavailable(e: &MailError) -> ApiError {
    tracing::warn!(error = %e, "mail not sent");
    ApiError::unavailable("mail cannot be sent right now; try again later")
}

/// The caller's mail settings.
#[utoipa::path(get, path = "/mail-settings", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = MailSettingsView)))]
pub async fn get_settings(
    State(state): State<LoginState>,
    caller: AuthUser,
) -> ApiResult<Json<MailSettingsView>> {
    let u = active_user(&state, caller.id).await?;
    let s = mail_store::settings_of(&state.db, u.id).await?;
    Ok(Json(settings_view(&state, &u, s.as_ref())))
}

/// Change the anti-phishing phrase and which events are mailed.
#[utoipa::path(put, path = "/mail-settings", tag = "account", security(("bearer" = [])), request_body = MailSettingsUpdate,
    responses((status = 200, body = MailSettingsView), (status = 422, description = "invalid phrase or event")))]
pub async fn put_settings(
    State(state): State<LoginState>,
    caller: AuthUser,
    ApiJson(req): ApiJson<MailSettingsUpdate>,
) -> ApiResult<Json<MailSettingsView>> {
    let u = active_session(&state, caller).await?;
    let phrase = match req.anti_phishing_phrase.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(p) => {
            let length = p.chars().count();
            if !(4..=64).contains(&length) || p.chars().any(char::is_control) {
                return Err(ApiError::invalid(
                    "anti_phishing_phrase",
                    "an anti-phishing phrase is 4 to 64 printable characters",
                ));
            }
            Some(Some(p.to_owned()))
        }
    };
    let change = SettingsChange {
        anti_phishing_phrase: phrase,
        email_events: req
            .email_events
            .as_deref()
            .map(|events| Some(mail::events_text(events))),
        ..SettingsChange::default()
    };
    mail_store::save_settings(&state.db, u.id, change).await?;
    let s = mail_store::settings_of(&state.db, u.id).await?;
    Ok(Json(settings_view(&state, &u, s.as_ref())))
}

/// Mails a link that verifies the account's current address.
#[utoipa::path(post, path = "/email/verification", tag = "account", security(("bearer" = [])),
    responses((status = 202, body = MailAccepted), (status = 422, description = "no address to verify"),
              (status = 429, description = "too many links asked for"), (status = 503, description = "mail unavailable")))]
pub async fn request_verification(
    State(state): State<LoginState>,
    caller: AuthUser,
) -> ApiResult<(StatusCode, Json<MailAccepted>)> {
    let u = active_session(&state, caller).await?;
    let (Some(address), Some(normalized)) = (u.email.clone(), u.email_normalized.clone()) else {
        return Err(ApiError::invalid(
            "email",
            "the account has no email address",
        ));
    };
    if !state.mailer.is_configured() {
        return Err(mail_unavailable(&MailError::NotConfigured));
    }
    let since = now_ms() - 3600 * 1000;
    if mail_store::tokens_since(&state.db, u.id, TokenPurpose::VerifyEmail, since).await?
        >= LINKS_PER_HOUR
    {
        return Err(ApiError::too_many_requests(3600));
    }
    let (token, hash) = mail::new_token();
    mail_store::insert_token(
        &state.db,
        NewToken {
            user_id: u.id,
            purpose: TokenPurpose::VerifyEmail,
            token_hash: &hash,
            email: &normalized,
            expires_at_ms: now_ms() + VERIFY_TTL_MS,
        },
    )
    .await?;
    let settings = mail_store::settings_of(&state.db, u.id).await?;
    let link = state.mailer.link(&format!("/verify-email?token={token}"));
    let body = format!(
        "Hello {},\n\nto confirm that this address is yours and receive notifications here, open:\n\n{link}\n\n\
         The link works once, for 24 hours. If you did not ask for it, ignore this mail.",
        u.username
    );
    state
        .mailer
        .send(Outgoing {
            to: &address,
            subject: "Confirm your email address",
            body: &body,
            anti_phishing_phrase: settings
                .as_ref()
                .and_then(|s| s.anti_phishing_phrase.as_deref()),
        })
        .await
        .map_err(|e| mail_unavailable(&e))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(MailAccepted {
            message: format!("a link was sent to {address}"),
        }),
    ))
}

fn invalid_link() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidEmailToken,
        "this link is wrong, already used or expired; ask for a new one",
    )
    .with_field("token")
}

/// Verify an address with the token of the mailed link (no session needed: the link is
/// the proof).
#[utoipa::path(post, path = "/email/verify", tag = "account", request_body = EmailToken,
    responses((status = 200, body = MailAccepted), (status = 400, description = "wrong, used or expired link")))]
pub async fn verify_email(
    State(state): State<LoginState>,
    ApiJson(req): ApiJson<EmailToken>,
) -> ApiResult<Json<MailAccepted>> {
    let hash = mail::token_hash(&req.token);
    let t = mail_store::live_token(&state.db, &hash, TokenPurpose::VerifyEmail)
        .await?
        .ok_or_else(invalid_link)?;
    let u = store::find_user(&state.db, t.user_id)
        .await?
        .filter(user::Model::is_active)
        // A link for an address the account no longer has verifies nothing.
        .filter(|u| u.email_normalized.as_deref() == Some(t.email.as_str()))
        .ok_or_else(invalid_link)?;
    let tx = write_tx(&state.db).await?;
    if !mail_store::spend_token(&tx, t.id).await? {
        return Err(invalid_link());
    }
    let change = SettingsChange {
        verified_email: Some(Some(t.email.clone())),
        ..SettingsChange::default()
    };
    mail_store::save_settings(&tx, u.id, change).await?;
    tx.commit().await?;
    Ok(Json(MailAccepted {
        message: "your email address is verified".into(),
    }))
}

const RESET_ANSWER: &str =
    "if an account has this address, a link to choose a new password was sent to it";

/// Ask for a password-reset link. The answer is the same whether an account has this
/// address or not, and comes before the mail is sent, so neither its words nor its timing
/// tell who is registered.
#[utoipa::path(post, path = "/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses((status = 202, body = MailAccepted), (status = 422, description = "not an email address"),
              (status = 429, description = "too many requests from this address"), (status = 503, description = "mail unavailable")))]
pub async fn request_reset(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<PasswordResetRequest>,
) -> ApiResult<(StatusCode, Json<MailAccepted>)> {
    let email = Email::parse(&req.email)?;
    state.limits.check_reset(ip).await?;
    if !state.mailer.is_configured() {
        return Err(mail_unavailable(&MailError::NotConfigured));
    }
    let accepted = (
        StatusCode::ACCEPTED,
        Json(MailAccepted {
            message: RESET_ANSWER.into(),
        }),
    );
    let Some(u) = store::find_by_login(&state.db, &email.normalized())
        .await?
        .filter(user::Model::is_active)
    else {
        return Ok(accepted);
    };
    let since = now_ms() - 3600 * 1000;
    if mail_store::tokens_since(&state.db, u.id, TokenPurpose::PasswordReset, since).await?
        >= LINKS_PER_HOUR
    {
        tracing::info!(
            user_id = u.id,
            "password reset: hourly link limit reached; no mail sent"
        );
        return Ok(accepted);
    }
    let (token, hash) = mail::new_token();
    mail_store::insert_token(
        &state.db,
        NewToken {
            user_id: u.id,
            purpose: TokenPurpose::PasswordReset,
            token_hash: &hash,
            email: &email.normalized(),
            expires_at_ms: now_ms() + state.reset_ttl_ms,
        },
    )
    .await?;
    let settings = mail_store::settings_of(&state.db, u.id).await?;
    let link = state.mailer.link(&format!("/reset-password?token={token}"));
    let minutes = state.reset_ttl_ms / 60_000;
    let body = format!(
        "Hello {},\n\nsomeone (we hope you) asked to choose a new password for your account. Open:\n\n{link}\n\n\
         The link works once, for {minutes} minutes, and signs you out everywhere else. \
         If you did not ask for it, ignore this mail: your password stays as it is.",
        u.username
    );
    let phrase = settings.and_then(|s| s.anti_phishing_phrase);
    let mailer = state.mailer.clone();
    let to = u.email.clone().unwrap_or_default();
    let user_id = u.id;
    tokio::spawn(async move {
        let sent = mailer
            .send(Outgoing {
                to: &to,
                subject: "Choose a new password",
                body: &body,
                anti_phishing_phrase: phrase.as_deref(),
            })
            .await;
        if let Err(e) = sent {
            tracing::warn!(user_id, error = %e, "password-reset mail not sent");
        }
    });
    Ok(accepted)
}

/// Set a new password with the token of a reset link. The link works once; every
/// session of the account ends, and the other reset links mailed before stop working.
#[utoipa::path(post, path = "/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirm,
    responses((status = 200, body = MailAccepted), (status = 400, description = "wrong, used or expired link"),
              (status = 422, description = "the password breaks a rule")))]
pub async fn confirm_reset(
    State(state): State<LoginState>,
    ApiJson(req): ApiJson<PasswordResetConfirm>,
) -> ApiResult<Json<MailAccepted>> {
    let hash = mail::token_hash(&req.token);
    let t = mail_store::live_token(&state.db, &hash, TokenPurpose::PasswordReset)
        .await?
        .ok_or_else(invalid_link)?;
    let u = store::find_user(&state.db, t.user_id)
        .await?
        .filter(user::Model::is_active)
        .ok_or_else(invalid_link)?;
    let username = Username::parse(&u.username)?;
    let email = Email::parse(u.email.as_deref().unwrap_or_default())?;
    let password = Password::parse_new(&req.password, &username, &email)?;
    let password_hash = state.passwords.hash(password.expose().to_owned()).await?;
    let user_id = u.id;
    let tx = write_tx(&state.db).await?;
    if !mail_store::spend_token(&tx, t.id).await? {
        return Err(invalid_link());
    }
    let mut row = u.into_active_model();
    row.password_hash = Set(password_hash);
    store::save_user(&tx, row).await?;
    mail_store::void_tokens(&tx, user_id, TokenPurpose::PasswordReset).await?;
    store::end_all_sessions(&tx, user_id).await?;
    tx.commit().await?;
    tracing::info!(user_id, "password reset by mailed link");
    Ok(Json(MailAccepted {
        message: "your password was changed; sign in with it".into(),
    }))
}

/// For the transactions service: mail events to users, each if its user wants it and has
/// a verified address. A notice the SMTP server refuses is answered `unavailable`, so the
/// caller tries that one again; the others are not held up by it.
pub async fn internal_mail(
    State(state): State<LoginState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<MailNotices>,
) -> ApiResult<Json<MailOutcomes>> {
    if req.notices.len() > MailNotices::MAX {
        return Err(ApiError::invalid(
            "notices",
            format!("at most {} notices at once", MailNotices::MAX),
        ));
    }
    let mut outcomes = Vec::with_capacity(req.notices.len());
    for notice in &req.notices {
        outcomes.push(if state.mailer.is_configured() {
            mail_one(&state, notice).await?
        } else {
            MailOutcome::NotWanted
        });
    }
    Ok(Json(MailOutcomes { outcomes }))
}

async fn mail_one(state: &LoginState, notice: &MailNotice) -> ApiResult<MailOutcome> {
    let id = notice.user_id;
    let Some(u) = store::find_user(&state.db, id)
        .await?
        .filter(user::Model::is_active)
    else {
        return Ok(MailOutcome::NotWanted);
    };
    let settings = mail_store::settings_of(&state.db, id).await?;
    let wanted = mail::parse_events(settings.as_ref().and_then(|s| s.email_events.as_deref()))
        .contains(&notice.kind);
    let (true, true, Some(address)) = (
        wanted,
        is_verified(&u, settings.as_ref()),
        u.email.as_deref(),
    ) else {
        return Ok(MailOutcome::NotWanted);
    };
    let link = state.mailer.link(&notice.path);
    let body = format!(
        "Hello {},\n\n{}\n\nSee it on Pupero: {link}\n\n\
         You get this mail because mail for this event is on in your settings ({}).",
        u.username,
        notice.text,
        state.mailer.link("/settings")
    );
    let sent = state
        .mailer
        .send(Outgoing {
            to: address,
            subject: mail::subject(notice.kind),
            body: &body,
            anti_phishing_phrase: settings
                .as_ref()
                .and_then(|s| s.anti_phishing_phrase.as_deref()),
        })
        .await;
    Ok(match sent {
        Ok(()) => MailOutcome::Sent,
        Err(e) => {
            tracing::warn!(user_id = id, error = %e, "event mail not sent; transactions will try again");
            MailOutcome::Unavailable
        }
    })
}
