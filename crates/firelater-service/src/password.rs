//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes), on a blocking
//! thread so a flood of logins cannot stall the async runtime.
//!
//! Every hash and every verification goes through a [`Hasher`], which lets at most
//! `concurrency` of them run at once (each holds 19 MiB while it runs), keeps at most
//! `max_waiters` callers in a queue, and turns a caller away with
//! [`ErrorCode::ServerBusy`] (503 with `Retry-After`) when the queue is full or it has waited
//! `queue_timeout`. So memory under a sign-in flood is bounded by `concurrency × 19 MiB` and a
//! flood cannot pile up unbounded work (ADR 0012).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use firelater_core::{Error, ErrorCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many password hashes may run at once, and how many callers may wait and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashLimits {
    /// Hashes running at once; each holds 19 MiB until it ends.
    pub concurrency: usize,
    /// Callers waiting for a slot; one more is answered `server_busy` at once.
    pub max_waiters: usize,
    /// The longest a caller waits for a slot before it is answered `server_busy`.
    pub queue_timeout: Duration,
}

impl HashLimits {
    /// Waiters per slot by default: at about 40 ms a hash, a full queue drains in about
    /// 1.3 s, inside the default two-second deadline.
    pub const WAITERS_PER_SLOT: usize = 32;

    /// The default limits for `concurrency` slots.
    pub fn for_concurrency(concurrency: usize) -> Self {
        let concurrency = concurrency.max(1);
        Self {
            concurrency,
            max_waiters: concurrency.saturating_mul(Self::WAITERS_PER_SLOT),
            queue_timeout: Duration::from_millis(2000),
        }
    }
}

impl Default for HashLimits {
    /// One slot per core the process may use.
    fn default() -> Self {
        Self::for_concurrency(std::thread::available_parallelism().map_or(1, usize::from))
    }
}

/// The answer to a caller who found no slot in time.
fn busy() -> Error {
    Error::new(
        ErrorCode::ServerBusy,
        "the server is busy checking other passwords; try again in a moment",
    )
}

/// The right to run one hash; the slot is freed when it is dropped.
#[derive(Debug)]
pub struct HashPermit(#[expect(dead_code, reason = "held for its Drop, which frees the slot")] OwnedSemaphorePermit);

/// Runs Argon2id hashes and verifications, at most `concurrency` at once (see the module).
#[derive(Debug)]
pub struct Hasher {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    limits: HashLimits,
}

/// Keeps a caller's place in the count of waiters, and gives it up however the wait ends
/// (a slot, the deadline, or the caller's future being dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new(HashLimits::default())
    }
}

impl Hasher {
    /// A hasher with these limits (a concurrency of 0 counts as 1).
    pub fn new(limits: HashLimits) -> Self {
        let limits = HashLimits {
            concurrency: limits.concurrency.max(1),
            ..limits
        };
        Self {
            slots: Arc::new(Semaphore::new(limits.concurrency)),
            waiting: AtomicUsize::new(0),
            limits,
        }
    }

    /// The limits it runs with.
    pub fn limits(&self) -> HashLimits {
        self.limits
    }

    /// How many callers are waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Takes a slot: at once when one is free, else after waiting in the queue; `server_busy`
    /// when the queue is full or the deadline passes first.
    pub async fn acquire(&self) -> Result<HashPermit, Error> {
        // A free slot is never free while others wait: tokio hands released permits to the
        // queue first, so this does not jump it.
        if let Ok(permit) = Arc::clone(&self.slots).try_acquire_owned() {
            return Ok(HashPermit(permit));
        }
        let max = self.limits.max_waiters;
        if self
            .waiting
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < max).then_some(n + 1))
            .is_err()
        {
            return Err(busy());
        }
        let _place = Waiting(&self.waiting);
        match tokio::time::timeout(self.limits.queue_timeout, Arc::clone(&self.slots).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(HashPermit(permit)),
            Ok(Err(_)) => Err(Error::internal("the password hasher is closed")),
            Err(_) => Err(busy()),
        }
    }

    /// Runs `work` on a blocking thread once a slot is free. The slot moves into the thread,
    /// so it stays taken until the hash ends even when the caller gives up first.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let permit = self.acquire().await?;
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(|e| Error::internal(format!("hashing task: {e}")))?
    }

    /// Hashes `password` into a PHC string.
    pub async fn hash(&self, password: String) -> Result<String, Error> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| Error::internal(format!("argon2: {e}")))
        })
        .await
    }

    /// Whether `password` matches `hash`; with no hash, does the same work and answers `false`.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, Error> {
        self.run(move || {
            let (stored, real) = match &hash {
                Some(h) => (h.as_str(), true),
                None => (dummy_hash(), false),
            };
            let parsed = PasswordHash::new(stored).map_err(|e| Error::internal(format!("stored hash: {e}")))?;
            let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
            Ok(ok && real)
        })
        .await
    }
}

/// A hash of a random password, verified against when a user does not exist, so an unknown
/// email costs the same as a wrong password and answers in the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"firelater-dummy-password-never-matches", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// A strong random password (24 characters from a 62-letter alphabet, about 143 bits).
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..24)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = Hasher::default();
        let h = hasher.hash("correct horse battery".into()).await.expect("hashes");
        assert!(h.starts_with("$argon2id$"));
        assert!(
            hasher
                .verify("correct horse battery".into(), Some(h.clone()))
                .await
                .expect("verifies")
        );
        assert!(
            !hasher
                .verify("wrong horse battery".into(), Some(h))
                .await
                .expect("verifies")
        );
    }

    #[tokio::test]
    async fn a_missing_hash_never_verifies() {
        assert!(
            !Hasher::default()
                .verify("firelater-dummy-password-never-matches".into(), None)
                .await
                .expect("runs")
        );
    }

    fn limits(concurrency: usize, max_waiters: usize, queue_timeout: Duration) -> HashLimits {
        HashLimits {
            concurrency,
            max_waiters,
            queue_timeout,
        }
    }

    #[tokio::test]
    async fn with_every_slot_taken_and_no_queue_a_caller_is_turned_away_at_once() {
        let hasher = Hasher::new(limits(1, 0, Duration::from_secs(3600)));
        let held = hasher.acquire().await.expect("the only slot");
        let err = hasher.verify("pw".into(), None).await.expect_err("busy");
        assert_eq!(err.code, ErrorCode::ServerBusy);
        assert_eq!(hasher.waiting(), 0);
        drop(held);
        assert!(!hasher.verify("pw".into(), None).await.expect("a free slot"));
    }

    #[tokio::test]
    async fn a_caller_past_the_deadline_is_turned_away_and_leaves_the_queue() {
        let hasher = Hasher::new(limits(1, 4, Duration::ZERO));
        let _held = hasher.acquire().await.expect("the only slot");
        let err = hasher.hash("pw".into()).await.expect_err("busy");
        assert_eq!(err.code, ErrorCode::ServerBusy);
        assert_eq!(hasher.waiting(), 0, "the timed-out caller gave its place back");
    }

    #[tokio::test]
    async fn a_full_queue_turns_the_next_caller_away_and_the_waiter_runs_when_a_slot_frees() {
        let hasher = Arc::new(Hasher::new(limits(1, 1, Duration::from_secs(3600))));
        let held = hasher.acquire().await.expect("the only slot");
        let waiter = tokio::spawn({
            let hasher = Arc::clone(&hasher);
            async move { hasher.verify("pw".into(), None).await }
        });
        while hasher.waiting() < 1 {
            tokio::task::yield_now().await;
        }
        let err = hasher.verify("pw".into(), None).await.expect_err("queue full");
        assert_eq!(err.code, ErrorCode::ServerBusy);
        drop(held);
        let answer = waiter.await.expect("joins").expect("the waiter got the slot");
        assert!(!answer);
        assert_eq!(hasher.waiting(), 0);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_leaves_the_queue() {
        let hasher = Arc::new(Hasher::new(limits(1, 1, Duration::from_secs(3600))));
        let _held = hasher.acquire().await.expect("the only slot");
        let waiter = tokio::spawn({
            let hasher = Arc::clone(&hasher);
            async move { hasher.acquire().await.map(drop) }
        });
        while hasher.waiting() < 1 {
            tokio::task::yield_now().await;
        }
        waiter.abort();
        let _ = waiter.await;
        assert_eq!(hasher.waiting(), 0);
    }

    #[test]
    fn generated_passwords_are_long_and_distinct() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 24);
        assert_ne!(a, b);
    }
}
