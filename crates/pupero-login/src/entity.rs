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

pub mod audit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_audit")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub actor_id: i64,
        pub action: String,
        pub target: String,
        pub details: String,
        pub created_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
