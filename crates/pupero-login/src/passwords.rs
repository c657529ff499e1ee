//! Argon2id hashing on a fixed set of worker threads, never on the async workers.
//!
//! Each hash works through ~19 MiB of memory and tens of milliseconds of CPU. The
//! workers are a fixed set (one per core) and each keeps its own memory arena from one
//! hash to the next: a burst of logins queues here (a bounded queue; callers wait their
//! turn as cheap async tasks) instead of exhausting memory or starving every other
//! request. Hashing on tokio's blocking pool instead left 400–700 MB resident after a
//! login burst: every new blocking thread got its own glibc malloc arena, and each arena
//! kept its freed 19 MiB block (see docs/BENCHMARKS.md).
//!
//! The hash itself is computed by `argon2-rust` (runtime-selected AVX2/AVX-512 code,
//! an mmap'd arena that `clear` unmaps): on this project's 2-core machines two workers
//! compute ~120 hashes/s with it against ~80 with the `argon2` crate (docs/BENCHMARKS.md,
//! issue 11). The `argon2` crate still reads and writes the PHC strings, and the tests
//! check every hash against it both ways, so the two implementations vouch for each
//! other.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Params, Version};
use tokio::sync::{Mutex as AsyncMutex, OnceCell, mpsc, oneshot};

use pupero_http::ApiError;

/// Jobs waiting for a worker; a full queue makes callers wait to enqueue.
const QUEUE: usize = 1024;

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

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
pub const IDLE_RELEASE: Duration = Duration::from_secs(10);

/// A hashing worker: takes jobs until the queue closes, computing in its own memory block
/// and dropping the block after `idle` without work.
///
/// The idle deadline covers waiting for the queue's lock as well as for a job: a worker
/// holding a block must not wait behind one that has none and waits for work with no
/// deadline, or its block would stay until the next job.
fn work(queue: &AsyncMutex<mpsc::Receiver<Job>>, held: Arc<AtomicUsize>, idle: Duration) {
    let Ok(waiter) = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    else {
        tracing::error!("a password hashing thread could not build its timer");
        return;
    };
    let mut memory = Memory { hasher: None, held };
    loop {
        let next_job = async { queue.lock().await.recv().await };
        let next = if memory.holds_nothing() {
            Some(waiter.block_on(next_job))
        } else {
            waiter
                .block_on(async { tokio::time::timeout(idle, next_job).await })
                .ok()
        };
        match next {
            Some(Some(job)) => job(&mut memory),
            Some(None) => return,
            None => memory.release(),
        }
    }
}

/// A worker's hasher, whose arena every hash it computes reuses, and the count of what
/// all workers hold.
struct Memory {
    hasher: Option<argon2_rust::Hasher>,
    held: Arc<AtomicUsize>,
}

/// Bytes per Argon2 block.
const BLOCK_BYTES: usize = 1024;

impl Memory {
    /// The tag of `password` and `salt` under `argon2`, into `out`. The arena grows to what
    /// the parameters need and is never shrunk here: the next hash needs the same.
    fn hash_into(
        &mut self,
        argon2: argon2_rust::Argon2,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), argon2_rust::Error> {
        let hasher = match &mut self.hasher {
            Some(hasher) => {
                hasher.set_argon2(argon2);
                hasher
            }
            None => self.hasher.insert(argon2.hasher()),
        };
        let before = hasher.reserved_blocks();
        let result = hasher.hash_into(password, salt, out);
        let grown = hasher.reserved_blocks().saturating_sub(before);
        self.held.fetch_add(grown * BLOCK_BYTES, Ordering::Relaxed);
        result
    }

    fn holds_nothing(&self) -> bool {
        self.hasher
            .as_ref()
            .is_none_or(|h| h.reserved_blocks() == 0)
    }

    /// Gives the arena back (wiped and unmapped).
    fn release(&mut self) {
        if let Some(hasher) = &mut self.hasher {
            self.held
                .fetch_sub(hasher.reserved_blocks() * BLOCK_BYTES, Ordering::Relaxed);
            hasher.clear();
        }
    }
}

/// The `argon2-rust` configuration of a PHC string's algorithm, version and parameters.
fn configuration(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    tag_len: usize,
) -> Result<argon2_rust::Argon2, argon2_rust::Error> {
    use argon2_rust::params::{Memory as Kib, TagLen};
    let algorithm = match algorithm {
        Algorithm::Argon2d => argon2_rust::Algorithm::Argon2d,
        Algorithm::Argon2i => argon2_rust::Algorithm::Argon2i,
        Algorithm::Argon2id => argon2_rust::Algorithm::Argon2id,
    };
    let version = match version {
        Version::V0x10 => argon2_rust::Version::V0x10,
        Version::V0x13 => argon2_rust::Version::V0x13,
    };
    let params = argon2_rust::Params::builder()
        .memory(Kib::kib(u64::from(params.m_cost())))
        .passes(params.t_cost())
        .lanes(params.p_cost())
        .tag_len(TagLen::bytes(tag_len as u64))
        .build()?;
    Ok(argon2_rust::Argon2::new(algorithm, version, params))
}

impl Passwords {
    /// Starts `workers` hashing threads; they stop when the last clone is dropped.
    pub fn new(workers: usize) -> Self {
        Self::with_idle_release(workers, IDLE_RELEASE)
    }

    /// As `new`, with a worker giving back its memory block after `idle` without work.
    pub fn with_idle_release(workers: usize, idle: Duration) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>(QUEUE);
        let queue = Arc::new(AsyncMutex::new(queue));
        let held = Arc::new(AtomicUsize::new(0));
        for n in 0..workers.max(1) {
            let (queue, held) = (queue.clone(), held.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&queue, held, idle));
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
        self.run(move |memory| hash_with(memory, password.as_bytes()))
            .await?
    }

    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        self.run(move |memory| verify_with(memory, password.as_bytes(), &hash))
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
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = tx.send(work(memory));
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

fn hash_with(memory: &mut Memory, password: &[u8]) -> Result<String, ApiError> {
    let fail = |e: &dyn std::fmt::Display| ApiError::internal(format!("argon2 hash: {e}"));
    let params = params();
    let salt_bytes = argon2::password_hash::generate_salt();
    let salt = Salt::new(&salt_bytes).map_err(|e| fail(&e))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon2 = configuration(Algorithm::Argon2id, Version::V0x13, &params, out.len())
        .map_err(|e| fail(&e))?;
    memory
        .hash_into(argon2, password, &salt, &mut out)
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
fn verify_with(memory: &mut Memory, password: &[u8], stored: &str) -> bool {
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
    let Ok(argon2) = configuration(algorithm, version, &params, expected.len()) else {
        return false;
    };
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let Some(out) = buffer.get_mut(..expected.len()) else {
        return false;
    };
    if memory.hash_into(argon2, password, salt, out).is_err() {
        return false;
    }
    // Output's equality is constant-time.
    Output::new(out).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use argon2::{Argon2, Block, PasswordHasher, PasswordVerifier};

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
        let passwords = Passwords::with_idle_release(2, Duration::from_secs(2));
        let stored = passwords.hash("idle".into()).await.unwrap();
        let one_block = Params::default().block_count() * size_of::<Block>();
        // Enough at once that both workers take some and both hold a block.
        let mut rounds = 0;
        while passwords.memory_held() < 2 * one_block {
            rounds += 1;
            assert!(rounds <= 20, "the two workers never both worked");
            let checks: Vec<_> = (0..6)
                .map(|_| {
                    let (p, s) = (passwords.clone(), stored.clone());
                    tokio::spawn(async move { p.verify("idle".into(), s).await })
                })
                .collect();
            for check in checks {
                assert!(check.await.unwrap().unwrap());
            }
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
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
