//! `/metrics` in Prometheus text format: bytes scanned, findings by kind,
//! request latency (a histogram per route template), and, read from the
//! store at scrape time, jobs by kind and state and notices by status.
//! Labels are route templates, kinds and states: never an id or a value.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    pub bytes_scanned: AtomicU64,
    findings: Mutex<BTreeMap<String, u64>>,
    /// (method, route, status class) → latency histogram.
    requests: Mutex<BTreeMap<(String, String, u16), Histogram>>,
}

impl Metrics {
    pub fn add_findings(&self, by_kind: &BTreeMap<String, u64>) {
        let mut m = self.findings.lock().unwrap_or_else(|p| p.into_inner());
        for (k, n) in by_kind {
            *m.entry(k.clone()).or_default() += n;
        }
    }

    pub fn add_bytes(&self, n: u64) {
        self.bytes_scanned.fetch_add(n, Ordering::Relaxed);
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        let mut m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        let h = m
            .entry((method.to_string(), route.to_string(), status / 100 * 100))
            .or_default();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// The text exposition, with the store's counts passed in.
    pub fn render(
        &self,
        jobs: &[(String, String, i64)],
        notices: &BTreeMap<String, u64>,
    ) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP breachwatch_scan_bytes_total Bytes read by scan jobs."
        );
        let _ = writeln!(out, "# TYPE breachwatch_scan_bytes_total counter");
        let _ = writeln!(
            out,
            "breachwatch_scan_bytes_total {}",
            self.bytes_scanned.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP breachwatch_findings_total Findings of scan jobs by kind."
        );
        let _ = writeln!(out, "# TYPE breachwatch_findings_total counter");
        for (k, n) in self
            .findings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(out, "breachwatch_findings_total{{kind=\"{k}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP breachwatch_jobs Background jobs by kind and state."
        );
        let _ = writeln!(out, "# TYPE breachwatch_jobs gauge");
        for (kind, state, n) in jobs {
            let _ = writeln!(
                out,
                "breachwatch_jobs{{kind=\"{kind}\",state=\"{state}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP breachwatch_notices Notices in the outbox by status."
        );
        let _ = writeln!(out, "# TYPE breachwatch_notices gauge");
        for (status, n) in notices {
            let _ = writeln!(out, "breachwatch_notices{{status=\"{status}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP breachwatch_http_request_duration_seconds Request latency."
        );
        let _ = writeln!(
            out,
            "# TYPE breachwatch_http_request_duration_seconds histogram"
        );
        for ((method, route, class), h) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let labels = format!(
                "method=\"{method}\",route=\"{route}\",status=\"{}xx\"",
                class / 100
            );
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "breachwatch_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "breachwatch_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "breachwatch_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "breachwatch_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        out
    }
}
