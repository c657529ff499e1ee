//! A database of its own for each test, on SQLite, MariaDB or PostgreSQL, and its removal.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MariaDb,
    Postgres,
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

fn mariadb_server() -> String {
    std::env::var("PUPERO_TEST_MARIADB_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

fn postgres_server() -> String {
    std::env::var("PUPERO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database made for one test, and how to remove it.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    name: String,
    pub(crate) dir: PathBuf,
}

impl TestDb {
    pub async fn create(backend: Backend) -> Self {
        // Every test starts here; tests build HTTP clients, which need the TLS provider.
        pupero_http::tls::install_crypto_provider();
        let n = NEXT_DB.fetch_add(1, Ordering::Relaxed);
        let name = format!("pupero_t_{}_{}_{}", std::process::id(), n, rand_suffix());
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}/pupero.db?mode=rwc", dir.display()),
            Backend::MariaDb => {
                let admin = Database::connect(format!("{}/test", mariadb_server()))
                    .await
                    .expect("MariaDB must be running (scripts/test.sh starts it)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
                    .await
                    .unwrap();
                admin.close().await.ok();
                format!("{}/{name}", mariadb_server())
            }
            Backend::Postgres => {
                let admin = Database::connect(format!("{}/postgres", postgres_server()))
                    .await
                    .expect("PostgreSQL must be running (scripts/test.sh starts it)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap();
                admin.close().await.ok();
                format!("{}/{name}", postgres_server())
            }
        };
        Self {
            backend,
            url,
            name,
            dir,
        }
    }

    pub async fn drop_db(self) {
        match self.backend {
            Backend::Sqlite => {}
            Backend::MariaDb => {
                if let Ok(admin) = Database::connect(format!("{}/test", mariadb_server())).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{}`", self.name))
                        .await;
                    admin.close().await.ok();
                }
            }
            Backend::Postgres => {
                if let Ok(admin) =
                    Database::connect(format!("{}/postgres", postgres_server())).await
                {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                            self.name
                        ))
                        .await;
                    admin.close().await.ok();
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> String {
    format!("{:08x}", rand::random::<u32>())
}
