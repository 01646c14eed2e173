//! The webhook alert: one JSON POST per new sighting, retried with
//! exponential backoff, every outcome recorded by the caller.
//!
//! Blocking `ureq` rather than `reqwest`: the alert is sent from the
//! sighting worker thread, which already blocks on the store; reqwest's
//! blocking client starts a runtime of its own and panics inside ours.

use std::time::Duration;

/// Where alerts go and how hard to try.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    pub url: String,
    /// Attempts in all (at least 1).
    pub attempts: u32,
    /// Wait before the second attempt; doubled for each next one.
    pub backoff: Duration,
    /// Per attempt.
    pub timeout: Duration,
}

impl WebhookConfig {
    pub fn new(url: impl Into<String>) -> WebhookConfig {
        WebhookConfig {
            url: url.into(),
            attempts: 5,
            backoff: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
        }
    }
}

/// How a delivery went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub delivered: bool,
    pub attempts: u32,
    /// The last failure (status or transport error), if any.
    pub last_error: Option<String>,
}

/// POSTs `body` until a 2xx or the attempts run out. A 4xx other than 408
/// and 429 is not retried: the receiver refuses this alert and asking
/// again will not change its mind.
pub fn deliver(cfg: &WebhookConfig, body: &serde_json::Value) -> Delivery {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(cfg.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let text = body.to_string();
    let mut wait = cfg.backoff;
    let mut last_error = None;
    let attempts = cfg.attempts.max(1);
    for attempt in 1..=attempts {
        let res = agent
            .post(&cfg.url)
            .header("content-type", "application/json")
            .header("user-agent", "breachwatch-canary")
            .send(text.as_str());
        let retry = match res {
            Ok(resp) => {
                let status = resp.status().as_u16();
                if (200..300).contains(&status) {
                    return Delivery {
                        delivered: true,
                        attempts: attempt,
                        last_error,
                    };
                }
                last_error = Some(format!("HTTP {status}"));
                status >= 500 || status == 408 || status == 429
            }
            Err(e) => {
                last_error = Some(e.to_string());
                true
            }
        };
        if !retry {
            return Delivery {
                delivered: false,
                attempts: attempt,
                last_error,
            };
        }
        if attempt < attempts {
            std::thread::sleep(wait);
            wait = wait.saturating_mul(2);
        }
    }
    Delivery {
        delivered: false,
        attempts,
        last_error,
    }
}
