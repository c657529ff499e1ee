//! Rows of the login service's tables.

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub email: Option<String>,
        pub email_normalized: Option<String>,
        pub username: String,
        pub username_normalized: Option<String>,
        pub password_hash: String,
        pub role: String,
        pub disabled: bool,
        pub totp_secret: Option<String>,
        pub totp_pending_secret: Option<String>,
        pub totp_last_step: Option<i64>,
        pub failed_logins: i32,
        pub locked_until_ms: Option<i64>,
        pub created_at_ms: i64,
        pub updated_at_ms: i64,
        pub deleted_at_ms: Option<i64>,
        /// Access tokens issued (`iat`) before this instant (epoch ms) may no longer write
        /// or act as staff: set when every session of the account is ended.
        pub tokens_valid_after_ms: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        pub fn role(&self) -> pupero_core::Role {
            // The column only ever holds values written from `Role::as_str`.
            self.role.parse().unwrap_or(pupero_core::Role::User)
        }

        pub fn is_active(&self) -> bool {
            !self.disabled && self.deleted_at_ms.is_none()
        }
    }
}

pub mod refresh_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "refresh_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub jti: String,
        pub user_id: i64,
        pub remember_me: bool,
        pub expires_at_ms: i64,
        pub created_at_ms: i64,
        pub used_at_ms: Option<i64>,
        pub revoked_at_ms: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod login_failure {
    use sea_orm::entity::prelude::*;

    /// Failed attempts on one account from one client (an IP address, or `internal` for
    /// codes checked on another service's behalf).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_failures")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub client: String,
        pub failures: i32,
        pub locked_until_ms: Option<i64>,
        pub updated_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod used_mfa_token {
    use sea_orm::entity::prelude::*;

    /// A two-factor sign-in challenge that has made its session.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "used_mfa_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub jti: String,
        pub expires_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod recovery_code {
    use sea_orm::entity::prelude::*;

    /// One single-use recovery code, kept only as its SHA-256.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recovery_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub code_hash: String,
        pub used_at_ms: Option<i64>,
        pub created_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod mail_settings {
    use sea_orm::entity::prelude::*;

    /// An account's mail choices; no row means the defaults and nothing verified.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub verified_email: Option<String>,
        pub verified_at_ms: Option<i64>,
        pub anti_phishing_phrase: Option<String>,
        pub email_events: Option<String>,
        pub updated_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod email_token {
    use sea_orm::entity::prelude::*;

    /// A single-use link mailed to an account, kept only as its SHA-256.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub purpose: crate::mail::TokenPurpose,
        pub token_hash: String,
        /// The normalized address the link was sent to.
        pub email: String,
        pub created_at_ms: i64,
        pub expires_at_ms: i64,
        pub used_at_ms: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A sanction in force on an account, as the moderation service reported it: login keeps
/// it so signing in and every service's standing check see it without asking moderation.
pub mod restriction {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_restrictions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub sanction_id: i64,
        pub user_id: i64,
        pub kind: pupero_core::SanctionKind,
        pub reason: String,
        pub expires_at_ms: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod standing_lease {
    use sea_orm::entity::prelude::*;

    /// Until when (epoch ms) other services may keep this account's standing.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "standing_leases")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub until_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_key {
    use sea_orm::entity::prelude::*;

    /// A personal API key: its hash (for `Authorization: ApiKey`) and its sealed signing
    /// secret (for signed calls), never the key itself.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_keys")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub prefix: String,
        pub name: Option<String>,
        pub scopes: String,
        pub allowed_ips: Option<String>,
        pub key_hash: String,
        pub signing_secret: String,
        pub expires_at_ms: Option<i64>,
        pub created_at_ms: i64,
        pub last_used_at_ms: Option<i64>,
        pub revoked_at_ms: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_key_nonce {
    use sea_orm::entity::prelude::*;

    /// A nonce a signed call used, kept until its timestamp is out of the window.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_key_nonces")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub nonce: String,
        pub expires_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// When an account was last seen, and the last of it told to the offers service (see
/// `presence`).
pub mod presence {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_presence")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub seen_at_ms: i64,
        pub told_seen_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
