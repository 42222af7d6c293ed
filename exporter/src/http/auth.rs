//! Basic authentication against the web configuration's bcrypt hashes,
//! affordable under a flood of wrong passwords.
//!
//! bcrypt is slow on purpose (tens of milliseconds per check). Run on the
//! async workers for every request, a few dozen wrong-password requests per
//! second would starve every scrape. So, as exporter-toolkit does:
//!
//! * results are cached per (user, hash, password), keyed by a keyed SHA-256
//!   digest (the cache never holds a password); a legitimate client pays
//!   bcrypt once, and so does a client repeating the same wrong password;
//!   successes and failures are cached apart, so failures can never evict a
//!   success;
//! * bcrypt runs on the blocking pool, one check at a time, with at most
//!   [`MAX_WAITING`] requests queued for it; more get "busy" (503) at once
//!   instead of piling up;
//! * an unknown user is checked against a dummy hash of the same cost, so
//!   timing does not reveal which users exist.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

/// Requests that may wait for a bcrypt check at once.
pub const MAX_WAITING: usize = 16;
/// Cached successful checks (distinct valid credentials).
const MAX_ALLOWED: usize = 256;
/// Cached failed checks.
const MAX_DENIED: usize = 4096;

/// The answer to an `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthOutcome {
    /// No users configured, or the credentials match.
    Allowed,
    /// Missing, malformed or wrong credentials (401).
    Denied,
    /// Too many checks already queued (503); nothing was decided.
    Busy,
}

type CacheKey = [u8; 32];

#[derive(Default)]
struct Cache {
    allowed: HashMap<CacheKey, ()>,
    denied: HashMap<CacheKey, ()>,
}

impl Cache {
    fn get(&self, k: &CacheKey) -> Option<bool> {
        if self.allowed.contains_key(k) {
            Some(true)
        } else if self.denied.contains_key(k) {
            Some(false)
        } else {
            None
        }
    }

    fn insert(&mut self, k: CacheKey, ok: bool) {
        let (map, max) = if ok {
            (&mut self.allowed, MAX_ALLOWED)
        } else {
            (&mut self.denied, MAX_DENIED)
        };
        if map.len() >= max {
            // Evict an arbitrary entry (HashMap order is randomised per process).
            if let Some(old) = map.keys().next().copied() {
                map.remove(&old);
            }
        }
        map.insert(k, ());
    }
}

/// Basic-auth users with a verification cache and a bounded bcrypt queue.
pub struct BasicAuth {
    users: BTreeMap<String, String>,
    /// Checked for unknown users, so that they cost as much as known ones.
    dummy_hash: String,
    /// Random per process: cache keys are useless outside it.
    key: [u8; 32],
    cache: Mutex<Cache>,
    /// One bcrypt check at a time.
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth")
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Default for BasicAuth {
    fn default() -> Self {
        Self::new(BTreeMap::new())
    }
}

/// The cost field of a bcrypt hash (`$2b$10$…` → 10).
fn bcrypt_cost(hash: &str) -> Option<u32> {
    hash.split('$').nth(2)?.parse().ok()
}

impl BasicAuth {
    /// Users (name → bcrypt hash). With none, every request is allowed.
    pub fn new(users: BTreeMap<String, String>) -> Self {
        let cost = users
            .values()
            .filter_map(|h| bcrypt_cost(h))
            .max()
            .unwrap_or(bcrypt::DEFAULT_COST)
            .clamp(4, 31);
        let dummy_hash = if users.is_empty() {
            String::new()
        } else {
            let random: [u8; 16] = rand::random();
            bcrypt::hash(random, cost).unwrap_or_default()
        };
        Self {
            users,
            dummy_hash,
            key: rand::random(),
            cache: Mutex::new(Cache::default()),
            running: Arc::new(Semaphore::new(1)),
            waiting: AtomicUsize::new(0),
        }
    }

    /// `true` when users are configured.
    pub fn enabled(&self) -> bool {
        !self.users.is_empty()
    }

    /// The configured user names.
    pub fn users(&self) -> impl Iterator<Item = &str> {
        self.users.keys().map(String::as_str)
    }

    fn cache_key(&self, user: &str, hash: &str, pass: &[u8]) -> CacheKey {
        let mut h = Sha256::new();
        h.update(self.key);
        for part in [user.as_bytes(), hash.as_bytes(), pass] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.finalize().into()
    }

    /// Checks an `Authorization` header value.
    pub async fn check(&self, header: Option<&str>) -> AuthOutcome {
        if self.users.is_empty() {
            return AuthOutcome::Allowed;
        }
        let Some((user, pass)) = header.and_then(parse_basic) else {
            return AuthOutcome::Denied;
        };
        let (hash, known) = match self.users.get(&user) {
            Some(h) => (h.as_str(), true),
            None => (self.dummy_hash.as_str(), false),
        };
        let key = self.cache_key(&user, hash, &pass);
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key);
        if let Some(ok) = cached {
            return if ok && known {
                AuthOutcome::Allowed
            } else {
                AuthOutcome::Denied
            };
        }
        let Some(ok) = self.verify_queued(pass, hash.to_string()).await else {
            return AuthOutcome::Busy;
        };
        let ok = ok && known;
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, ok);
        if ok {
            AuthOutcome::Allowed
        } else {
            AuthOutcome::Denied
        }
    }

    /// Runs bcrypt on the blocking pool, one at a time; `None` when the
    /// queue is full.
    async fn verify_queued(&self, pass: Zeroizing<Vec<u8>>, hash: String) -> Option<bool> {
        struct Waiting<'a>(&'a AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        let waiting = Waiting(&self.waiting);
        let permit = Arc::clone(&self.running).acquire_owned().await.ok()?;
        drop(waiting);
        // The permit moves into the blocking task: a cancelled request
        // cannot start a second check while this one still runs.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            bcrypt::verify(&*pass, &hash).unwrap_or(false)
        })
        .await
        .ok()
    }
}

/// `Basic base64(user:pass)` → (user, pass).
fn parse_basic(header: &str) -> Option<(String, Zeroizing<Vec<u8>>)> {
    use base64::Engine;
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?,
    );
    let colon = decoded.iter().position(|b| *b == b':')?;
    let user = std::str::from_utf8(decoded.get(..colon)?).ok()?.to_string();
    let pass = Zeroizing::new(decoded.get(colon + 1..)?.to_vec());
    Some((user, pass))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> BasicAuth {
        let hash = bcrypt::hash("s3cret", 4).unwrap();
        BasicAuth::new(BTreeMap::from([("prom".to_string(), hash)]))
    }

    #[tokio::test]
    async fn checks_and_caches() {
        let a = auth();
        // "prom:s3cret", "prom:wrong", "nobody:s3cret"
        assert_eq!(
            a.check(Some("Basic cHJvbTpzM2NyZXQ=")).await,
            AuthOutcome::Allowed
        );
        assert_eq!(
            a.check(Some("basic cHJvbTpzM2NyZXQ=")).await,
            AuthOutcome::Allowed
        );
        assert_eq!(
            a.check(Some("Basic cHJvbTp3cm9uZw==")).await,
            AuthOutcome::Denied
        );
        assert_eq!(
            a.check(Some("Basic bm9ib2R5OnMzY3JldA==")).await,
            AuthOutcome::Denied
        );
        assert_eq!(a.check(None).await, AuthOutcome::Denied);
        assert_eq!(a.check(Some("Bearer x")).await, AuthOutcome::Denied);
        assert_eq!(a.check(Some("Basic !!!")).await, AuthOutcome::Denied);
        let c = a.cache.lock().unwrap();
        assert_eq!((c.allowed.len(), c.denied.len()), (1, 2));
        assert!(BasicAuth::default().enabled().eq(&false));
    }

    #[tokio::test]
    async fn no_users_allows_everything() {
        let a = BasicAuth::default();
        assert_eq!(a.check(None).await, AuthOutcome::Allowed);
    }

    #[test]
    fn failures_never_evict_successes() {
        let mut c = Cache::default();
        c.insert([1; 32], true);
        for i in 0..(MAX_DENIED + 100) {
            let mut k = [0u8; 32];
            k[..8].copy_from_slice(&(i as u64).to_be_bytes());
            k[31] = 2;
            c.insert(k, false);
        }
        assert_eq!(c.get(&[1; 32]), Some(true));
        assert_eq!(c.denied.len(), MAX_DENIED);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_bcrypt_queue_is_bounded() {
        use base64::Engine;
        let a = Arc::new(auth());
        // Hold the bcrypt slot so that checks queue up.
        let slot = Arc::clone(&a.running).acquire_owned().await.unwrap();
        let header = |i: usize| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("prom:wrong{i}"))
            )
        };
        let mut queued = Vec::new();
        for i in 0..MAX_WAITING {
            let (a, h) = (Arc::clone(&a), header(i));
            queued.push(tokio::spawn(async move { a.check(Some(&h)).await }));
        }
        while a.waiting.load(Ordering::Acquire) < MAX_WAITING {
            tokio::task::yield_now().await;
        }
        // The queue is full: the next distinct check is refused at once ...
        assert_eq!(a.check(Some(&header(999))).await, AuthOutcome::Busy);
        drop(slot);
        for t in queued {
            assert_eq!(t.await.unwrap(), AuthOutcome::Denied);
        }
        assert_eq!(a.waiting.load(Ordering::Acquire), 0);
        // ... and a cached answer never waits.
        assert_eq!(a.check(Some(&header(3))).await, AuthOutcome::Denied);
        assert_eq!(
            a.check(Some("Basic cHJvbTpzM2NyZXQ=")).await,
            AuthOutcome::Allowed
        );
    }

    #[test]
    fn cost_of_a_hash() {
        assert_eq!(bcrypt_cost("$2y$10$abc"), Some(10));
        assert_eq!(bcrypt_cost("plain"), None);
    }
}
