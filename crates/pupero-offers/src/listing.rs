//! What makes the public listing cheap: the offers service's own view of whether sellers
//! can fund their offers, and finished listing answers kept as bytes.
//!
//! Both are invalidated by the writes that change them: every offer write and owner
//! visibility change here, and, for balances, the ledger telling us whose available
//! balance changed (`POST /internal/balances-changed`, sent after its write committed and
//! before that write is answered). Any of these bumps one generation number; an answer or
//! a balance is only kept if the generation did not move while it was computed, and only
//! served while the generation is still the one it was computed under. So the very next
//! read after a write's answer is computed afresh.
//!
//! A sanction's bar on an owner ends by itself at a set time, with no write to announce
//! it: the listing keeps the earliest such end (`horizon_ms`), and the first read at or
//! after it drops every kept answer and looks up the next one.
//!
//! An answer missing (never computed, or dropped by a change) is computed once: readers
//! asking for the same query meanwhile, under the same generation, wait for that
//! computation instead of each running it ([`Listing::lookup`]). Without this, 64
//! connections reading a query that was just invalidated all computed it at once, and
//! the listing's p99 went from 6 to 23–61 ms (docs/BENCHMARKS.md, 2026-12-05 later).
//!
//! `SAFETY_REFRESH` is only the net under a lost notice (the offers service was
//! unreachable when the ledger told it): nothing is kept longer than that.
//!
//! One offers process holds this view. Several offers replicas behind one URL would each
//! need the notices; the ledger tells the one `OFFERS_URL` names.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::sync::watch;

/// The most any kept answer or balance is served without a refresh.
const SAFETY_REFRESH: Duration = Duration::from_secs(60);
/// Bytes of listing answers kept at once (distinct filter/page combinations, a page of
/// 100 offers is ~50 KB); more clears them, so odd queries cannot grow memory.
const MAX_ANSWER_BYTES: usize = 8 << 20;
/// Sellers whose balance is kept at once; more clears them.
const MAX_SELLERS: usize = 100_000;

#[derive(Default)]
pub struct Listing {
    /// Answers being computed, per query.
    flights: Mutex<HashMap<String, Flight>>,
    /// Tells flights apart, so a finished one removes only itself.
    flight_ids: AtomicU64,
    /// Bumped when anything a kept answer shows changed.
    generation: AtomicU64,
    /// Bumped by every balance notice, known seller or not: a fetch in flight for that
    /// seller may have read the old balance.
    notices: AtomicU64,
    answers: Mutex<Answers>,
    /// Seller → available piconero. An entry leaves only with a generation bump, so a
    /// balance notice for anyone absent here can have no answer to invalidate.
    balances: Mutex<HashMap<i64, Kept<i64>>>,
    /// Epoch ms when the next sanction bar ends (0: not looked up yet).
    horizon_ms: AtomicI64,
}

#[derive(Default)]
struct Answers {
    by_query: HashMap<String, Kept<Bytes>>,
    bytes: usize,
}

struct Kept<T> {
    value: T,
    generation: u64,
    at: Instant,
    /// When what it shows goes out of date by the clock alone (a market price turning
    /// stale hides margin offers without any write).
    until: Option<Instant>,
}

impl<T: Clone> Kept<T> {
    fn fresh(&self, generation: u64) -> Option<T> {
        (self.generation == generation
            && self.at.elapsed() < SAFETY_REFRESH
            && self.until.is_none_or(|u| Instant::now() < u))
        .then(|| self.value.clone())
    }
}

/// One answer being computed, and the generation it was started under.
struct Flight {
    id: u64,
    started: Generation,
    answer: watch::Receiver<Option<Bytes>>,
}

/// What a reader of a query is to do: answer with these bytes, or compute the answer.
pub enum Lookup<'a> {
    Answer(Bytes),
    Compute(Computing<'a>),
}

/// The right and the duty to compute one query's answer for everyone asking meanwhile:
/// [`Computing::done`] hands them the answer; dropped without it (an error, a request
/// gone), they compute it themselves.
pub struct Computing<'a> {
    listing: &'a Listing,
    query: String,
    id: u64,
    started: Generation,
    answer: watch::Sender<Option<Bytes>>,
}

impl Computing<'_> {
    /// The generation the answer is computed under (see [`Listing::keep_answer`]).
    pub fn started(&self) -> Generation {
        self.started
    }

    /// The answer, for the readers waiting on it.
    pub fn done(self, body: Bytes) {
        let _ = self.answer.send(Some(body));
    }
}

impl Drop for Computing<'_> {
    fn drop(&mut self) {
        if let Ok(mut flights) = self.listing.flights.lock()
            && flights.get(&self.query).is_some_and(|f| f.id == self.id)
        {
            flights.remove(&self.query);
        }
    }
}

/// When a computation started; what it keeps is tagged with it, and kept only if
/// neither number moved meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation {
    shown: u64,
    notices: u64,
}

impl Listing {
    pub fn generation(&self) -> Generation {
        Generation {
            shown: self.generation.load(Ordering::Acquire),
            notices: self.notices.load(Ordering::Acquire),
        }
    }

    /// Something the listing shows changed (an offer, an owner's visibility).
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// When the earliest bar ends (0: never looked up, so look it up).
    pub fn horizon(&self) -> i64 {
        self.horizon_ms.load(Ordering::Acquire)
    }

    /// A read at or after the horizon found the next one (`i64::MAX`: none): what was
    /// kept may show an owner whose bar has ended, so it is dropped. `seen` is the
    /// horizon the reader found passed; if a bar was set meanwhile, that one stands.
    pub fn passed_horizon(&self, seen: i64, next: i64) {
        let _ = self
            .horizon_ms
            .compare_exchange(seen, next, Ordering::AcqRel, Ordering::Acquire);
        self.changed();
    }

    /// A bar ending at `until_ms` was set (after the bar was stored).
    pub fn bar_ends_at(&self, until_ms: i64) {
        self.horizon_ms.fetch_min(until_ms, Ordering::AcqRel);
        self.changed();
    }

    /// The answer to `query`: a kept one if still current; else the one being computed
    /// under the current generation, waited for; else the duty to compute it.
    pub async fn lookup(&self, query: &str) -> Lookup<'_> {
        if let Some(body) = self.answer(query) {
            return Lookup::Answer(body);
        }
        let mut waiting = {
            let Ok(mut flights) = self.flights.lock() else {
                return Lookup::Compute(self.computing(query));
            };
            let now = self.generation();
            match flights.get(query) {
                // Started before the latest change: its answer may not show it.
                Some(f) if f.started == now => f.answer.clone(),
                _ => {
                    let computing = self.computing(query);
                    flights.insert(
                        query.to_owned(),
                        Flight {
                            id: computing.id,
                            started: computing.started,
                            answer: computing.answer.subscribe(),
                        },
                    );
                    return Lookup::Compute(computing);
                }
            }
        };
        if let Ok(body) = waiting.wait_for(Option::is_some).await
            && let Some(body) = body.clone()
        {
            return Lookup::Answer(body);
        }
        // The one computing it gave up: compute it here (not as everyone's).
        Lookup::Compute(self.computing(query))
    }

    fn computing(&self, query: &str) -> Computing<'_> {
        Computing {
            listing: self,
            query: query.to_owned(),
            id: self.flight_ids.fetch_add(1, Ordering::Relaxed),
            started: self.generation(),
            answer: watch::channel(None).0,
        }
    }

    /// A kept answer for this exact query, if still current.
    pub fn answer(&self, query: &str) -> Option<Bytes> {
        let now = self.generation();
        let answers = self.answers.lock().ok()?;
        answers.by_query.get(query)?.fresh(now.shown)
    }

    /// Keeps an answer computed under `started`, unless something changed meanwhile, at
    /// most until `until`.
    pub fn keep_answer(
        &self,
        query: &str,
        started: Generation,
        body: Bytes,
        until: Option<Instant>,
    ) {
        let Ok(mut answers) = self.answers.lock() else {
            return;
        };
        if self.generation() != started {
            return;
        }
        let size = body.len() + query.len();
        if answers.bytes + size > MAX_ANSWER_BYTES {
            answers.by_query.clear();
            answers.bytes = 0;
        }
        let kept = Kept {
            value: body,
            generation: started.shown,
            at: Instant::now(),
            until,
        };
        if let Some(old) = answers.by_query.insert(query.to_owned(), kept) {
            answers.bytes = answers.bytes.saturating_sub(old.value.len() + query.len());
        }
        answers.bytes += size;
    }

    /// Kept balances of `sellers`; the ones missing (or stale) must be asked for.
    pub fn balances(&self, sellers: &[i64]) -> (HashMap<i64, i64>, Vec<i64>) {
        let mut known = HashMap::with_capacity(sellers.len());
        let mut missing = Vec::new();
        let Ok(balances) = self.balances.lock() else {
            return (known, sellers.to_vec());
        };
        for &seller in sellers {
            // A balance stays valid across generations: only a notice about this seller
            // (which removes it) makes it stale.
            match balances.get(&seller) {
                Some(k) if k.at.elapsed() < SAFETY_REFRESH => {
                    known.insert(seller, k.value);
                }
                _ => missing.push(seller),
            }
        }
        (known, missing)
    }

    /// Keeps balances asked for under `started`, unless a notice came meanwhile.
    pub fn keep_balances(&self, started: Generation, fetched: &HashMap<i64, i64>) {
        let Ok(mut balances) = self.balances.lock() else {
            return;
        };
        if self.generation() != started {
            return;
        }
        if balances.len() + fetched.len() > MAX_SELLERS {
            balances.clear();
            self.changed();
            return;
        }
        let at = Instant::now();
        for (&seller, &available) in fetched {
            balances.insert(
                seller,
                Kept {
                    value: available,
                    generation: started.shown,
                    at,
                    until: None,
                },
            );
        }
    }

    /// The ledger says these users' available balances changed. Returns how many were
    /// sellers with a kept balance (and so, possibly, in a kept answer).
    pub fn balances_changed(&self, users: &[i64]) -> usize {
        self.notices.fetch_add(1, Ordering::AcqRel);
        let Ok(mut balances) = self.balances.lock() else {
            self.changed();
            return 0;
        };
        let removed = users
            .iter()
            .filter(|u| balances.remove(u).is_some())
            .count();
        if removed > 0 {
            self.changed();
        }
        removed
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn an_answer_computed_across_a_change_is_not_kept() {
        let listing = Listing::default();
        let started = listing.generation();
        listing.changed();
        listing.keep_answer("limit=100", started, Bytes::from_static(b"old"), None);
        assert_eq!(listing.answer("limit=100"), None);
        let started = listing.generation();
        listing.keep_answer("limit=100", started, Bytes::from_static(b"new"), None);
        assert_eq!(listing.answer("limit=100").unwrap(), "new");
        listing.changed();
        assert_eq!(
            listing.answer("limit=100"),
            None,
            "a change drops kept answers"
        );
    }

    fn computing<'a>(lookup: Lookup<'a>) -> Computing<'a> {
        match lookup {
            Lookup::Compute(c) => c,
            Lookup::Answer(b) => panic!("expected to compute, got {b:?}"),
        }
    }

    /// What a reader of "q" gets when it arrives just before `then` runs.
    async fn read_before<'a>(listing: &'a Listing, then: impl FnOnce()) -> Lookup<'a> {
        let (read, ()) = tokio::join!(listing.lookup("q"), async {
            tokio::task::yield_now().await;
            then();
        });
        read
    }

    #[tokio::test]
    async fn readers_meanwhile_wait_for_the_one_computing() {
        let listing = Listing::default();
        let first = computing(listing.lookup("q").await);
        let second = read_before(&listing, || first.done(Bytes::from_static(b"one"))).await;
        match second {
            Lookup::Answer(body) => assert_eq!(body, "one"),
            Lookup::Compute(_) => panic!("a second reader computed the same answer"),
        }
        assert!(
            listing.flights.lock().unwrap().is_empty(),
            "the flight ended"
        );
    }

    #[tokio::test]
    async fn a_reader_after_a_change_does_not_take_an_answer_started_before_it() {
        let listing = Listing::default();
        let before = computing(listing.lookup("q").await);
        listing.changed();
        let after = computing(listing.lookup("q").await);
        assert_ne!(before.started(), after.started());
        // The one started before ends; the newer flight stays for its own readers.
        drop(before);
        let third = read_before(&listing, || after.done(Bytes::from_static(b"new"))).await;
        assert!(matches!(third, Lookup::Answer(body) if body == "new"));
    }

    #[tokio::test]
    async fn readers_compute_themselves_when_the_one_computing_gives_up() {
        let listing = Listing::default();
        let first = computing(listing.lookup("q").await);
        let second = read_before(&listing, || drop(first)).await;
        assert!(matches!(second, Lookup::Compute(_)));
    }

    #[test]
    fn an_answer_is_not_served_past_its_deadline() {
        let listing = Listing::default();
        let started = listing.generation();
        let past = Instant::now();
        listing.keep_answer("q", started, Bytes::from_static(b"x"), Some(past));
        assert_eq!(listing.answer("q"), None);
    }

    #[test]
    fn a_balance_notice_drops_the_seller_and_the_answers() {
        let listing = Listing::default();
        let started = listing.generation();
        listing.keep_balances(started, &HashMap::from([(7, 5), (8, 0)]));
        listing.keep_answer("q", started, Bytes::from_static(b"x"), None);
        assert_eq!(listing.balances(&[7, 9]).1, vec![9]);
        assert_eq!(listing.balances_changed(&[42]), 0, "not a known seller");
        assert!(listing.answer("q").is_some(), "nothing shown changed");
        assert_eq!(listing.balances_changed(&[7]), 1);
        assert_eq!(listing.answer("q"), None);
        assert_eq!(listing.balances(&[7, 8]).1, vec![7]);
    }

    #[test]
    fn a_balance_fetched_across_a_notice_is_not_kept() {
        let listing = Listing::default();
        // The seller is not known yet: the notice finds nothing to drop, but the fetch
        // that was in flight may have read the old balance.
        let fetch_started = listing.generation();
        listing.balances_changed(&[7]);
        listing.keep_balances(fetch_started, &HashMap::from([(7, 5)]));
        listing.keep_answer("q", fetch_started, Bytes::from_static(b"x"), None);
        assert_eq!(listing.balances(&[7]).1, vec![7]);
        assert_eq!(listing.answer("q"), None);
    }
}
