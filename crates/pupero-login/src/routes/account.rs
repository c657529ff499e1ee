//! The caller's own account: read, change, delete.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pupero_api::accounts::{DeleteMe, UpdateMe};
use pupero_api::internal::offers::{OwnerVisibility, OwnerVisibilitySet};
use pupero_api::internal::transactions::TradingClosed;
use pupero_http::ErrorCode;
use sea_orm::ActiveValue::Set;
use sea_orm::IntoActiveModel;

use pupero_core::{Email, Password, Username};
use pupero_db::{is_unique_violation, write_tx};
use pupero_http::{ApiError, ApiJson, ApiResult, AuthUser, ClientIp};

use super::{
    MeView, active_session, active_user, client_key, me_view, required, verify_password,
    verify_totp,
};
use crate::state::LoginState;
use crate::store;

/// The signed-in user's account.
#[utoipa::path(get, path = "/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, description = "no valid access token")))]
pub async fn me(State(state): State<LoginState>, caller: AuthUser) -> ApiResult<Json<MeView>> {
    let user = active_user(&state, caller.id).await?;
    Ok(Json(me_view(&state, &user).await?))
}

pub(crate) fn wrong_current_password() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::WrongPassword,
        "the current password is wrong",
    )
    .with_field("current_password")
}

/// Change username, email or password. A new password ends every other session.
#[utoipa::path(put, path = "/me", tag = "account", security(("bearer" = [])), request_body = UpdateMe,
    responses((status = 200, body = MeView), (status = 403, description = "current password wrong"),
              (status = 409, description = "email or username taken"), (status = 422, description = "invalid field")))]
pub async fn update_me(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    caller: AuthUser,
    ApiJson(req): ApiJson<UpdateMe>,
) -> ApiResult<Json<MeView>> {
    let user = active_session(&state, caller).await?;
    if req.username.is_none() && req.email.is_none() && req.password.is_none() {
        return Err(ApiError::invalid(
            "username",
            "nothing to change: give username, email or password",
        ));
    }
    let username = match &req.username {
        Some(u) => Username::parse(u)?,
        None => Username::parse(&user.username)?,
    };
    let current_email = user.email.as_deref().unwrap_or_default();
    let email = match &req.email {
        Some(e) => Email::parse(e)?,
        None => Email::parse(current_email)?,
    };
    let new_password = match &req.password {
        Some(p) => Some(Password::parse_new(p, &username, &email)?),
        None => None,
    };
    let email_changes = email.normalized() != current_email.to_lowercase();
    if email_changes || new_password.is_some() {
        let current = required("current_password", &req.current_password)?;
        verify_password(
            &state,
            &user,
            &client_key(ip),
            current,
            wrong_current_password(),
        )
        .await?;
    }
    let username_changes = Some(username.normalized()) != user.username_normalized;
    if username_changes && store::username_taken(&state.db, &username).await? {
        return Err(
            ApiError::conflict(ErrorCode::UsernameTaken, "this username is taken")
                .with_field("username"),
        );
    }
    if email_changes && store::email_taken(&state.db, &email).await? {
        return Err(
            ApiError::conflict(ErrorCode::EmailTaken, "this email is already registered")
                .with_field("email"),
        );
    }
    let password_hash = match new_password {
        Some(p) => Some(state.passwords.hash(p.expose().to_owned()).await?),
        None => None,
    };

    let user_id = user.id;
    let mut row = user.into_active_model();
    row.username = Set(username.as_str().to_owned());
    row.username_normalized = Set(Some(username.normalized()));
    row.email = Set(Some(email.as_str().to_owned()));
    row.email_normalized = Set(Some(email.normalized()));
    let password_changed = password_hash.is_some();
    if let Some(hash) = password_hash {
        row.password_hash = Set(hash);
    }
    let tx = write_tx(&state.db).await?;
    let saved = match store::save_user(&tx, row).await {
        Ok(saved) => saved,
        Err(e) if is_unique_violation(&e) => {
            return Err(ApiError::conflict(
                ErrorCode::AlreadyRegistered,
                "email or username is already registered",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if password_changed {
        store::end_all_sessions(&tx, user_id).await?;
    }
    tx.commit().await?;
    if password_changed {
        crate::standing_leases::hold_until_released(&state.db, user_id).await?;
    }
    Ok(Json(me_view(&state, &saved).await?))
}

/// Delete the account: personal data is erased and every session ends.
#[utoipa::path(delete, path = "/me", tag = "account", security(("bearer" = [])), request_body = DeleteMe,
    responses((status = 204, description = "deleted"), (status = 403, description = "password or code wrong"),
              (status = 409, description = "the account holds funds or has open trades")))]
pub async fn delete_me(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    caller: AuthUser,
    ApiJson(req): ApiJson<DeleteMe>,
) -> ApiResult<StatusCode> {
    let user = active_session(&state, caller).await?;
    let client = client_key(ip);
    verify_password(
        &state,
        &user,
        &client,
        &req.current_password,
        wrong_current_password(),
    )
    .await?;
    verify_totp(
        &state,
        &user,
        &client,
        req.totp.as_deref(),
        StatusCode::FORBIDDEN,
    )
    .await?;
    // An account that holds money or is in a trade cannot vanish: its funds and its
    // counterparties would be stranded. The ledger decides that and closes the account for
    // trading in one step, atomic with any trade opening at the same moment (issue 9 item
    // 9); only then is it deleted here. (If the ledger cannot be asked, nothing is deleted.)
    let _: TradingClosed = state
        .transactions
        .post(
            &format!("/internal/users/{}/close", user.id),
            &serde_json::json!({}),
        )
        .await?;
    let deleted = async {
        set_offers_hidden(&state, user.id, true).await?;
        let tx = write_tx(&state.db).await?;
        store::tombstone_user(&tx, user.id).await?;
        crate::mail::store::forget(&tx, user.id).await?;
        tx.commit().await?;
        crate::standing_leases::hold_until_released(&state.db, user.id).await?;
        Ok::<(), ApiError>(())
    }
    .await;
    if let Err(e) = deleted {
        // Undo what was prepared, so the account keeps trading as before.
        let reopened: Result<TradingClosed, ApiError> = state
            .transactions
            .post(
                &format!("/internal/users/{}/reopen", user.id),
                &serde_json::json!({}),
            )
            .await;
        let shown = set_offers_hidden(&state, user.id, false).await;
        if reopened.is_err() || shown.is_err() {
            tracing::warn!(
                user_id = user.id,
                "a failed deletion could not be fully undone"
            );
        }
        return Err(e);
    }
    tracing::info!(user_id = user.id, "account deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Tells the offers service whether an account's offers are listed and takeable: hidden
/// while it is disabled or deleted (issue 9 item 10). The offers service keeps this fact
/// itself, so listing offers needs no call to login.
pub(crate) async fn set_offers_hidden(
    state: &LoginState,
    user_id: i64,
    hidden: bool,
) -> ApiResult<()> {
    let _: OwnerVisibilitySet = state
        .offers
        .post(
            &format!("/internal/owners/{user_id}"),
            &OwnerVisibility { hidden },
        )
        .await?;
    Ok(())
}
