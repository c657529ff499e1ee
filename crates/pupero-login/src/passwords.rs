//! Argon2id hashing on the blocking thread pool, never on the async workers.
//!
//! Each hash costs ~19 MiB and tens of milliseconds of CPU, so a semaphore bounds how
//! many run at once: a burst of logins queues here instead of exhausting memory or
//! starving every other request.

use std::sync::Arc;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::{OnceCell, Semaphore};

use pupero_http::ApiError;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so "no such user" and
    /// "wrong password" take the same time.
    decoy: Arc<OnceCell<String>>,
}

impl Passwords {
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            decoy: Arc::new(OnceCell::new()),
        }
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| ApiError::internal(format!("argon2 hash: {e}")))
        })
        .await?
    }

    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        self.run(move || {
            Argon2::default()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
    }

    /// Burns the same work as a real verification, for accounts that do not exist.
    pub async fn verify_decoy(&self, password: String) -> Result<(), ApiError> {
        let decoy = self
            .decoy
            .get_or_try_init(|| self.hash("decoy password for timing".to_owned()))
            .await?
            .clone();
        self.verify(password, decoy).await.map(|_| ())
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::internal(format!("hash pool closed: {e}")))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ApiError::internal(format!("hash task failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// ASVS 2.4.1/2.4.2: a salted Argon2id hash at OWASP's parameters (m = 19 MiB, t = 2,
    /// p = 1), a fresh salt per hash, and the whole password counted (no truncation).
    #[tokio::test]
    async fn hashes_are_salted_argon2id_at_owasp_parameters() {
        let passwords = Passwords::new(1);
        let a = passwords
            .hash("correct horse battery".into())
            .await
            .unwrap();
        let b = passwords
            .hash("correct horse battery".into())
            .await
            .unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        let long = "x".repeat(128);
        let h = passwords.hash(long.clone()).await.unwrap();
        assert!(passwords.verify(long.clone(), h.clone()).await.unwrap());
        let mut shorter = long;
        shorter.pop();
        assert!(
            !passwords.verify(shorter, h).await.unwrap(),
            "no truncation"
        );
    }
}
