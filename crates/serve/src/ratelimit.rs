//! Login attempts per client address and per user name: after
//! [`MAX_FAILURES`] failures within [`WINDOW`], further attempts on that
//! key are refused (429) until the window ends, before any password is
//! checked, so guessing costs the attacker time and the server no Argon2
//! work. In memory: a restart forgets, which only gives an attacker one
//! more window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: u32 = 10;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept at most; the oldest windows go first past it, so a flood of
/// addresses cannot grow the map without bound.
const MAX_KEYS: usize = 100_000;

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    /// Seconds until `keys` may try again, if any of them is blocked.
    pub fn blocked(&self, keys: &[String]) -> Option<u64> {
        let now = Instant::now();
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| map.get(k))
            .filter(|(start, n)| *n >= MAX_FAILURES && now.duration_since(*start) < WINDOW)
            .map(|(start, _)| (WINDOW - now.duration_since(*start)).as_secs().max(1))
            .max()
    }

    pub fn failed(&self, keys: &[String]) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        for k in keys {
            let e = map.entry(k.clone()).or_insert((now, 0));
            if now.duration_since(e.0) >= WINDOW {
                *e = (now, 0);
            }
            e.1 += 1;
        }
    }

    /// A success clears the user's count (not the address's: one account
    /// known to an attacker must not reset their guessing at others).
    pub fn succeeded(&self, user_key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(user_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_per_key() {
        let l = LoginLimiter::default();
        let keys = vec!["ip:1".to_string(), "user:a".to_string()];
        for _ in 0..MAX_FAILURES - 1 {
            l.failed(&keys);
        }
        assert!(l.blocked(&keys).is_none());
        l.failed(&keys);
        assert!(l.blocked(&keys).is_some());
        assert!(l.blocked(&["user:a".to_string()]).is_some());
        assert!(l.blocked(&["ip:2".to_string()]).is_none());
        l.succeeded("user:a");
        assert!(l.blocked(&["user:a".to_string()]).is_none());
        assert!(l.blocked(&["ip:1".to_string()]).is_some());
    }
}
