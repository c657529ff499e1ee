//! The frontend's own tables: web sessions, pending two-factor sign-ins, and the
//! language each user chose.

pub mod web_session {
    use sea_orm::entity::prelude::*;

    /// A signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so
    /// a copy of this table does not let anyone ride a session.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "web_sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub user_id: i64,
        pub username: String,
        pub role: String,
        pub access_token: String,
        pub access_expires_at_ms: i64,
        pub refresh_token: String,
        pub remember_me: bool,
        /// While one request refreshes the tokens, others keep the current access token.
        pub refreshing_until_ms: Option<i64>,
        pub expires_at_ms: i64,
        pub created_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod login_challenge {
    use sea_orm::entity::prelude::*;

    /// The password step of a two-factor sign-in passed: the login service's short-lived
    /// challenge waits here (never in the page) for the code.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "web_login_challenges")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub mfa_token: String,
        pub remember_me: bool,
        pub next: String,
        pub expires_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user_language {
    use sea_orm::entity::prelude::*;

    /// The language a user chose for the site, brought back at each sign-in.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "web_user_languages")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub lang: String,
        pub updated_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
