//! Argon2id hashing on a fixed set of worker threads, never on the async workers.
//!
//! Each hash works through ~19 MiB of memory and tens of milliseconds of CPU. The
//! workers are a fixed set (one per core) and each keeps its own memory block from one
//! hash to the next: a burst of logins queues here (a bounded queue; callers wait their
//! turn as cheap async tasks) instead of exhausting memory or starving every other
//! request. Hashing on tokio's blocking pool instead left 400–700 MB resident after a
//! login burst: every new blocking thread got its own glibc malloc arena, and each arena
//! kept its freed 19 MiB block (see docs/BENCHMARKS.md).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OnceCell, mpsc, oneshot};

use pupero_http::ApiError;

/// Jobs waiting for a worker; a full queue makes callers wait to enqueue.
const QUEUE: usize = 1024;

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

#[derive(Clone)]
pub struct Passwords {
    jobs: mpsc::Sender<Job>,
    /// Verified against when the account does not exist, so "no such user" and
    /// "wrong password" take the same time.
    decoy: Arc<OnceCell<String>>,
    held: Arc<AtomicUsize>,
}

/// How long a worker keeps its memory block without work. A burst reuses the blocks;
/// an idle platform gives the ~19 MiB per worker back (docs/BENCHMARKS.md, issue 11).
const IDLE_RELEASE: Duration = Duration::from_secs(10);

/// Just above glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit targets.
const ALWAYS_MAPPED_BYTES: usize = 32 * 1024 * 1024 + 4096;

/// A hashing worker: takes jobs until the queue closes, computing in its own memory block
/// and dropping the block after `idle` without work.
///
/// One idle worker waits on the queue while the others wait for its lock, so only the
/// waiting one can notice idleness; it gives up the lock first, the next one then waits
/// its turn, and every idle worker's block goes within `workers × idle`.
fn work(queue: &Mutex<mpsc::Receiver<Job>>, held: &AtomicUsize, idle: Duration) {
    let Ok(waiter) = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    else {
        tracing::error!("a password hashing thread could not build its timer");
        return;
    };
    let mut blocks: Vec<Block> = Vec::new();
    loop {
        let next = {
            let Ok(mut q) = queue.lock() else { return };
            if blocks.is_empty() {
                Some(waiter.block_on(q.recv()))
            } else {
                waiter
                    .block_on(async { tokio::time::timeout(idle, q.recv()).await })
                    .ok()
            }
        };
        match next {
            Some(Some(job)) => {
                let before = size_of_val(blocks.as_slice());
                job(&mut blocks);
                let after = size_of_val(blocks.as_slice());
                held.fetch_add(after, Ordering::Relaxed);
                held.fetch_sub(before, Ordering::Relaxed);
            }
            Some(None) => return,
            None => {
                held.fetch_sub(size_of_val(blocks.as_slice()), Ordering::Relaxed);
                blocks = Vec::new();
            }
        }
    }
}

impl Passwords {
    /// Starts `workers` hashing threads; they stop when the last clone is dropped.
    pub fn new(workers: usize) -> Self {
        Self::with_idle_release(workers, IDLE_RELEASE)
    }

    /// As `new`, with a worker giving back its memory block after `idle` without work.
    pub fn with_idle_release(workers: usize, idle: Duration) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let held = Arc::new(AtomicUsize::new(0));
        for n in 0..workers.max(1) {
            let (queue, held) = (queue.clone(), held.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&queue, &held, idle));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a password hashing thread could not start");
            }
        }
        Self {
            jobs,
            decoy: Arc::new(OnceCell::new()),
            held,
        }
    }

    /// Bytes of hashing memory the workers hold right now.
    pub fn memory_held(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |blocks| hash_with(blocks, password.as_bytes()))
            .await?
    }

    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        self.run(move |blocks| verify_with(blocks, password.as_bytes(), &hash))
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
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |blocks| {
            let _ = tx.send(work(blocks));
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| ApiError::internal("the password hashing workers are gone"))?;
        rx.await
            .map_err(|_| ApiError::internal("a password hashing job was dropped"))
    }
}

/// The parameters new hashes get: Argon2id v19 at OWASP's minimum (m = 19 MiB, t = 2,
/// p = 1), the argon2 crate's defaults.
fn params() -> Params {
    Params::default()
}

/// The worker's block memory, grown to what `params` needs (never shrunk: the next hash
/// needs the same).
fn memory_for<'a>(blocks: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    let count = params.block_count();
    if blocks.len() < count {
        // One allocation above glibc's largest dynamic mmap threshold (32 MiB), so it is
        // always its own mapping and `free` unmaps it: a smaller block would, from the
        // second allocation on, come from the thread's arena, which keeps it after the
        // idle release. Only the `count` blocks written become resident.
        let reserve = count.max(ALWAYS_MAPPED_BYTES.div_ceil(size_of::<Block>()));
        blocks.reserve_exact(reserve.saturating_sub(blocks.len()));
        blocks.resize(count, Block::new());
    }
    blocks.get_mut(..count).unwrap_or_default()
}

fn hash_with(blocks: &mut Vec<Block>, password: &[u8]) -> Result<String, ApiError> {
    let fail = |e: &dyn std::fmt::Display| ApiError::internal(format!("argon2 hash: {e}"));
    let params = params();
    let salt_bytes = argon2::password_hash::generate_salt();
    let salt = Salt::new(&salt_bytes).map_err(|e| fail(&e))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, memory_for(blocks, &params))
        .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Verifies `password` against a stored PHC string with whatever parameters it names
/// (older or stronger ones too), in the worker's memory. A string that does not parse
/// verifies nothing.
fn verify_with(blocks: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = phc
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let Some(out) = buffer.get_mut(..expected.len()) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    if argon2
        .hash_password_into_with_memory(password, salt, out, memory_for(blocks, &params))
        .is_err()
    {
        return false;
    }
    // Output's equality is constant-time.
    Output::new(out).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use argon2::{PasswordHasher, PasswordVerifier};

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

    /// The worker's own hashing agrees with the argon2 crate's both ways, and a hash
    /// with other (stronger) parameters verifies in the same reused memory.
    #[tokio::test]
    async fn reused_memory_hashes_agree_with_the_argon2_crate() {
        let passwords = Passwords::new(1);
        let ours = passwords.hash("a long passphrase".into()).await.unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"a long passphrase", ours.as_str())
                .is_ok()
        );
        let stronger = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(32 * 1024, 3, 1, None).unwrap(),
        )
        .hash_password(b"a long passphrase")
        .unwrap()
        .to_string();
        let theirs = Argon2::default()
            .hash_password(b"a long passphrase")
            .unwrap()
            .to_string();
        for stored in [stronger, theirs, ours] {
            assert!(
                passwords
                    .verify("a long passphrase".into(), stored.clone())
                    .await
                    .unwrap(),
                "{stored}"
            );
            assert!(
                !passwords
                    .verify("a long passphrasf".into(), stored.clone())
                    .await
                    .unwrap(),
                "{stored}"
            );
        }
        for broken in ["", "$argon2id$v=19$m=19456,t=2,p=1$", "not a hash"] {
            assert!(!passwords.verify("x".into(), broken.into()).await.unwrap());
        }
    }

    /// An idle worker gives its memory block back, and hashes again when asked.
    #[tokio::test]
    async fn idle_workers_give_their_memory_back() {
        let passwords = Passwords::with_idle_release(2, Duration::from_millis(200));
        let stored = passwords.hash("idle".into()).await.unwrap();
        assert!(
            passwords
                .verify("idle".into(), stored.clone())
                .await
                .unwrap()
        );
        let one_block = Params::default().block_count() * size_of::<Block>();
        assert!(
            passwords.memory_held() >= one_block,
            "{}",
            passwords.memory_held()
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while passwords.memory_held() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "still held: {}",
                passwords.memory_held()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(passwords.verify("idle".into(), stored).await.unwrap());
        assert!(passwords.memory_held() >= one_block);
    }

    /// Many concurrent verifications queue on the fixed workers and all answer.
    #[tokio::test]
    async fn a_burst_queues_on_the_fixed_workers() {
        let passwords = Passwords::new(2);
        let stored = passwords.hash("burst".into()).await.unwrap();
        let checks: Vec<_> = (0..8)
            .map(|i| {
                let (p, s) = (passwords.clone(), stored.clone());
                let guess = if i % 2 == 0 { "burst" } else { "bust" };
                tokio::spawn(async move { p.verify(guess.into(), s).await })
            })
            .collect();
        for (i, check) in checks.into_iter().enumerate() {
            assert_eq!(check.await.unwrap().unwrap(), i % 2 == 0);
        }
    }
}
