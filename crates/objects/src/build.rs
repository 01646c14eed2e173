//! A store client for a [`Target`], configured the way each cloud's own
//! tools would be: from the environment variables the caller passed,
//! AWS profile files, instance metadata (object_store's fallback when no
//! key is given), plus the options (endpoint, region, anonymous, retries).

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
use object_store::http::HttpBuilder;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};

use crate::target::{Scheme, Target};
use crate::Options;

/// A request that fails this often in a row (503 SlowDown, a reset
/// connection, a timeout) fails the object; object_store backs off
/// between tries and resumes a broken body with a ranged GET.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retry {
    pub max_retries: usize,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// No retry starts later than this after the first try.
    pub give_up_after: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            max_retries: 10,
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(15),
            give_up_after: Duration::from_secs(180),
        }
    }
}

impl Retry {
    fn config(&self) -> RetryConfig {
        RetryConfig {
            backoff: BackoffConfig {
                init_backoff: self.first_backoff,
                max_backoff: self.max_backoff,
                base: 2.0,
            },
            max_retries: self.max_retries,
            retry_timeout: self.give_up_after,
        }
    }
}

fn client_options(opts: &Options) -> ClientOptions {
    let plain_http = opts
        .endpoint
        .as_deref()
        .is_some_and(|e| e.starts_with("http://"));
    ClientOptions::new()
        // A body is read as fast as the scanner takes it: a 5 GB object
        // may take minutes, so no deadline on the whole request; a
        // connection that stops sending is caught by the read timeout
        // and resumed.
        .with_timeout_disabled()
        .with_connect_timeout(Duration::from_secs(10))
        .with_read_timeout(Duration::from_secs(60))
        .with_allow_http(plain_http)
}

/// `(key, value)` pairs whose key starts with `prefix`, keys lowercased
/// the way object_store's own `from_env` does.
fn vars<'a>(
    env: &'a [(String, String)],
    prefix: &'a str,
) -> impl Iterator<Item = (String, &'a str)> {
    env.iter()
        .filter(move |(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
}

fn env_has(env: &[(String, String)], key: &str) -> bool {
    env.iter().any(|(k, v)| k == key && !v.is_empty())
}

pub(crate) fn build(t: &Target, opts: &Options) -> Result<Arc<dyn ObjectStore>, String> {
    crate::bridge::tls();
    let retry = opts.retry.config();
    let client = client_options(opts);
    let built: object_store::Result<Arc<dyn ObjectStore>> = match t.scheme {
        Scheme::S3 => {
            let mut b = AmazonS3Builder::new();
            for (k, v) in vars(&opts.env, "AWS_") {
                if let Ok(key) = k.parse::<AmazonS3ConfigKey>() {
                    b = b.with_config(key, v);
                }
            }
            let mut region = opts.region.clone();
            if !env_has(&opts.env, "AWS_ACCESS_KEY_ID") && !opts.anonymous {
                if let Some(files) = &opts.aws_files {
                    let p = files.load()?;
                    if let (Some(id), Some(secret)) = (p.access_key_id, p.secret_access_key) {
                        b = b.with_access_key_id(id).with_secret_access_key(secret);
                        if let Some(token) = p.session_token {
                            b = b.with_token(token);
                        }
                    }
                    if !env_has(&opts.env, "AWS_REGION")
                        && !env_has(&opts.env, "AWS_DEFAULT_REGION")
                    {
                        region = region.or(p.region);
                    }
                }
            }
            if let Some(r) = region {
                b = b.with_region(r);
            }
            if let Some(e) = &opts.endpoint {
                // S3-compatible stores (MinIO, Ceph, moto...) are addressed
                // by path: their buckets are not DNS names.
                b = b
                    .with_endpoint(e.trim_end_matches('/'))
                    .with_virtual_hosted_style_request(false);
            }
            b.with_bucket_name(&t.bucket)
                .with_skip_signature(opts.anonymous)
                .with_retry(retry)
                .with_client_options(client)
                .build()
                .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        }
        Scheme::Gcs => {
            let mut b = GoogleCloudStorageBuilder::new();
            if let Some((_, path)) = opts.env.iter().find(|(k, _)| k == "SERVICE_ACCOUNT") {
                b = b.with_service_account_path(path);
            }
            for (k, v) in vars(&opts.env, "GOOGLE_") {
                if let Ok(key) = k.parse::<GoogleConfigKey>() {
                    b = b.with_config(key, v);
                }
            }
            if let Some(e) = &opts.endpoint {
                b = b.with_base_url(e.trim_end_matches('/'));
            }
            b.with_bucket_name(&t.bucket)
                .with_skip_signature(opts.anonymous)
                .with_retry(retry)
                .with_client_options(client)
                .build()
                .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        }
        Scheme::Azure => {
            let mut b = MicrosoftAzureBuilder::new();
            for (k, v) in vars(&opts.env, "AZURE_") {
                if let Ok(key) = k.parse::<AzureConfigKey>() {
                    b = b.with_config(key, v);
                }
            }
            if let Some(e) = &opts.endpoint {
                b = b
                    .with_endpoint(e.trim_end_matches('/').to_string())
                    .with_allow_http(e.starts_with("http://"));
            }
            b.with_container_name(&t.bucket)
                .with_skip_signature(opts.anonymous)
                .with_retry(retry)
                .with_client_options(client)
                .build()
                .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        }
        Scheme::Http => HttpBuilder::new()
            .with_url(&t.bucket)
            .with_retry(retry)
            .with_client_options(client.with_allow_http(t.bucket.starts_with("http://")))
            .build()
            .map(|s| Arc::new(s) as Arc<dyn ObjectStore>),
    };
    built.map_err(|e| format!("configuring the store client: {e}"))
}
