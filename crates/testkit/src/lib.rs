//! `bw-testkit`: what the workspace's tests would otherwise each write
//! again — [`SplitMix64`], the seeded generator behind reproducible test
//! data and synthetic customers, [`postgres_url`], which decides
//! whether the PostgreSQL tests run, [`tool`] / [`run`], which the
//! tests that drive real tools (`sqlite3`, `pg_dump`, `python3`) share,
//! and [`s3`]: the S3 test server switch and a counting, fault-injecting
//! proxy for the object-store tests.
//!
//! What it must never do: depend on anything (it is the leaf every crate
//! may use); change the output of [`SplitMix64`] for a given seed (seeded
//! fixtures, benchmark truth files and recorded figures were made with it,
//! so a change would silently change them all); let a run that requires
//! PostgreSQL (`BW_REQUIRE_POSTGRES=1`) skip instead of failing; be used
//! where unpredictability matters (keys, salts, tokens): splitmix64 is
//! trivially predictable.

pub mod s3;

use std::env;
use std::io::Write as _;
use std::process::{Command, Stdio};

/// splitmix64 (Steele, Lea, Flood 2014): tiny, seedable, fast, and good
/// enough to spread test data. Every seed, including 0, gives a full
/// period-2^64 sequence.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n` by modulo (the bias is irrelevant for the small `n` of
    /// test data); `n = 0` is treated as 1 rather than dividing by zero.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// The PostgreSQL server the tests may use: `BW_TEST_POSTGRES_URL`, else
/// `DATABASE_URL` (what `scripts/pg.sh` prints), whichever first holds a
/// `postgres…` URL. `None` means "skip the PostgreSQL tests", except under
/// `BW_REQUIRE_POSTGRES=1` (CI), where a missing server must fail the run
/// rather than let it pass having tested less.
///
/// # Panics
/// With `BW_REQUIRE_POSTGRES=1` and no PostgreSQL URL in either variable.
pub fn postgres_url() -> Option<String> {
    let url = ["BW_TEST_POSTGRES_URL", "DATABASE_URL"]
        .iter()
        .filter_map(|v| env::var(v).ok())
        .find(|u| u.starts_with("postgres"));
    if url.is_none() && env::var("BW_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!("BW_REQUIRE_POSTGRES=1 but neither BW_TEST_POSTGRES_URL nor DATABASE_URL is set");
    }
    url
}

/// Whether the program `name` is installed: `name --version` runs and
/// succeeds. Tests that need it skip (or, under CI, fail) without it.
pub fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `cmd`, feeding it `stdin` if given, and returns its stdout.
///
/// # Panics
/// If the program does not start or exits unsuccessfully (with its
/// stderr in the message).
pub fn run(cmd: &mut Command, stdin: Option<&str>) -> Vec<u8> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the tool starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
            .expect("the tool reads its input");
    }
    let out = child.wait_with_output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // First outputs of the reference C implementation for seed 0 and
        // seed 1234567: seeded data across the workspace depends on them.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn below_stays_in_range_and_tolerates_zero() {
        let mut r = SplitMix64::new(7);
        assert!((0..1000).all(|_| r.below(10) < 10));
        assert_eq!(r.below(0), 0);
        assert_eq!(r.below(1), 0);
    }
}
