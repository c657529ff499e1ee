//! Operator commands.

use anyhow::{Context, bail};
use sea_orm::DatabaseConnection;

use pupero_core::{Email, Password, Role, Username};

/// Creates an account with any role: how the first admin comes to exist.
pub async fn create_user(
    db: &DatabaseConnection,
    email: &str,
    username: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<i64> {
    let email = Email::parse(email)?;
    let username = Username::parse(username)?;
    let password = Password::parse_new(password, &username, &email)?;
    if pupero_login::store::email_taken(db, &email).await? {
        bail!("the email {email} is already registered");
    }
    if pupero_login::store::username_taken(db, &username).await? {
        bail!("the username {username} is taken");
    }
    let password_hash = pupero_login::Passwords::new(1)
        .hash(password.expose().to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let id = pupero_login::store::insert_user(
        db,
        pupero_login::store::NewUser {
            email: &email,
            username: &username,
            password_hash,
            role,
        },
    )
    .await
    .context("could not create the user")?;
    Ok(id)
}
