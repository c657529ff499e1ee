//! Choosing the language of the site: kept in a cookie for this browser and, for a
//! signed-in user, with the account (in the frontend's own table), so signing in on
//! another device brings it back.

use axum::extract::State;
use axum::response::Response;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};
use serde::Deserialize;

use super::{PageError, Visit, redirect_with, safe_next};
use crate::FrontendState;
use crate::csrf::Form;
use crate::entity::user_language;
use crate::flash::Flash;
use crate::i18n::{self, Locale};
use crate::layers::push_cookie;
use crate::session;

/// A language choice is kept a year.
const COOKIE_MAX_AGE_SECS: i64 = 365 * 24 * 3600;

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    next: Option<String>,
}

pub async fn choose(
    State(state): State<FrontendState>,
    visit: Visit,
    Form(form): Form<LanguageForm>,
) -> Result<Response, PageError> {
    let locale = Locale::parse(&form.lang)
        .filter(|l| l.tag() == form.lang.trim().to_ascii_lowercase())
        .ok_or_else(|| {
            PageError::BadForm(format!(
                "lang must be one of {}",
                Locale::ALL.map(Locale::tag).join(", ")
            ))
        })?;
    if let Some(s) = &visit.session {
        remember(&state.db, s.user_id, locale).await.map_err(|e| {
            tracing::warn!(error = %e, "cannot store a language choice");
            PageError::Unavailable
        })?;
    }
    let next = safe_next(form.next.as_deref());
    // The confirmation speaks the language just chosen.
    let saved = i18n::scope(locale, async { i18n::t("language-saved") }).await;
    let mut response = redirect_with(&state, &next, Flash::success(saved));
    push_cookie(&mut response, &cookie(&state, locale));
    Ok(response)
}

fn cookie(state: &FrontendState, locale: Locale) -> String {
    session::set_cookie(
        &state.cookies,
        i18n::COOKIE,
        locale.tag(),
        Some(COOKIE_MAX_AGE_SECS),
    )
}

async fn remember(db: &DatabaseConnection, user_id: i64, locale: Locale) -> Result<(), DbErr> {
    user_language::Entity::insert(user_language::ActiveModel {
        user_id: Set(user_id),
        lang: Set(locale.tag().to_owned()),
        updated_at_ms: Set(pupero_db::now_ms()),
    })
    .on_conflict(
        OnConflict::column(user_language::Column::UserId)
            .update_columns([
                user_language::Column::Lang,
                user_language::Column::UpdatedAtMs,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// At sign-in: the account's stored language, if it chose one, for this browser too.
pub async fn restore(state: &FrontendState, user_id: i64, response: &mut Response) {
    match user_language::Entity::find_by_id(user_id)
        .one(&state.db)
        .await
    {
        Ok(Some(row)) => {
            if let Some(locale) = Locale::parse(&row.lang) {
                push_cookie(response, &cookie(state, locale));
            }
        }
        Ok(None) => {}
        // The sign-in itself worked; the page is only in the browser's language.
        Err(e) => tracing::warn!(error = %e, "cannot read the account's language"),
    }
}
