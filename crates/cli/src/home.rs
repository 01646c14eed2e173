//! The data directory and its config file: the only place breachwatch
//! reads its environment.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// The data directory: `$BREACHWATCH_HOME`, else the platform data dir
/// (`~/.local/share/breachwatch` on Linux).
pub fn data_dir() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("BREACHWATCH_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    let base = dirs::data_dir().context("no data directory: set BREACHWATCH_HOME to choose one")?;
    Ok(base.join("breachwatch"))
}

/// `config.toml` in the data directory. Every command-line flag can be set
/// here, under the section of its command; flags win over the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub scan: ScanConfig,
    #[serde(default)]
    pub incident: IncidentConfig,
    #[serde(default)]
    pub registry: RegistryConfig,
    #[serde(default)]
    pub scope: ScopeConfig,
    #[serde(default)]
    pub notify: NotifyConfig,
}

/// `[registry]`: where the registry and its key live, and import defaults.
/// Every command that opens the registry (`registry`, `scope`, `incident
/// add-evidence`, …) uses `dir` and `key-file`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RegistryConfig {
    /// Registry directory; default `registry/` in the data directory.
    pub dir: Option<PathBuf>,
    /// Key file; default `keys/registry.key` in the data directory.
    pub key_file: Option<PathBuf>,
    /// Default `--map` for CSV imports (`email=E-Mail,region=`).
    pub map: Option<String>,
    pub case_sensitive_local: Option<bool>,
    pub max_warnings: Option<usize>,
}

/// `[scope]`: defaults for `breachwatch scope`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScopeConfig {
    /// human, jsonl or csv.
    pub format: Option<String>,
    pub threads: Option<usize>,
    pub reveal: Option<bool>,
    pub phone_regions: Option<Vec<String>>,
    pub max_evidence: Option<usize>,
}

/// `[incident]`: where the incident store lives and who is recorded as
/// making changes.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentConfig {
    /// `postgres://…` or `sqlite://PATH`; default: SQLite in the data dir.
    pub database: Option<String>,
    pub actor: Option<String>,
}

/// `[notify]`: the mail server, pacing, templates and the campaign texts
/// every notice carries (company name, contact, measures, advice, likely
/// consequences). Regulator and credit-bureau contacts are not campaign
/// texts: each notice takes its own jurisdictions' from the rules data.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NotifyConfig {
    pub smtp_url: Option<String>,
    pub from: Option<String>,
    pub concurrency: Option<usize>,
    pub rate: Option<f64>,
    pub max_attempts: Option<u32>,
    pub retry_base_secs: Option<f64>,
    pub templates: Option<PathBuf>,
    pub company_name: Option<String>,
    pub contact: Option<String>,
    pub measures: Option<String>,
    pub advice: Option<String>,
    pub consequences: Option<String>,
    /// The offer of identity-theft services, printed where a law ties it
    /// to the data exposed (California: SSN, licence or ID number).
    pub identity_protection: Option<String>,
    /// Rejected rather than ignored, so nobody believes their text is in
    /// the notices.
    #[serde(
        default,
        rename = "regulator-contacts",
        deserialize_with = "no_regulator_contacts"
    )]
    _regulator_contacts: Option<std::convert::Infallible>,
    #[serde(default, rename = "cra-contacts", deserialize_with = "no_cra_contacts")]
    _cra_contacts: Option<std::convert::Infallible>,
}

fn no_regulator_contacts<'de, D: serde::Deserializer<'de>>(
    _: D,
) -> Result<Option<std::convert::Infallible>, D::Error> {
    Err(contacts_moved("regulator-contacts"))
}

fn no_cra_contacts<'de, D: serde::Deserializer<'de>>(
    _: D,
) -> Result<Option<std::convert::Infallible>, D::Error> {
    Err(contacts_moved("cra-contacts"))
}

fn contacts_moved<E: serde::de::Error>(key: &str) -> E {
    E::custom(format!(
        "[notify] {key} is no longer read: regulator and credit-bureau contacts now come \
         from the rules data, per jurisdiction of each notice; remove the key"
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanConfig {
    pub format: Option<String>,
    pub kinds: Option<Vec<String>>,
    pub min_score: Option<f32>,
    pub all: Option<bool>,
    pub threads: Option<usize>,
    pub reveal: Option<bool>,
    pub max_filesize: Option<String>,
    pub binary: Option<bool>,
    pub follow: Option<bool>,
    pub quiet: Option<bool>,
}

impl Config {
    /// Loads `config.toml` from `dir`; a missing file is an empty config,
    /// a malformed one an error naming the file.
    pub fn load(dir: &Path) -> Result<Config> {
        let path = dir.join("config.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        toml::from_str(&text).with_context(|| format!("{}: invalid configuration", path.display()))
    }
}

/// Parses a size such as `10M`, `512K`, `2G` or `1000` (bytes).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let mult = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                _ => {
                    return Err(format!(
                        "invalid size {s:?}: unknown unit {c:?} (use K, M, G or T)"
                    ))
                }
            };
            (&s[..i], mult)
        }
        _ => (s, 1),
    };
    let n: u64 = num.parse().map_err(|_| {
        format!("invalid size {s:?}: expected a number with an optional K/M/G/T suffix")
    })?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("invalid size {s:?}: too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("10Q").unwrap_err().contains("unknown unit"));
        assert!(parse_size("ten").is_err());
    }

    #[test]
    fn config_rejects_unknown_keys_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("config.toml"), "[scan]\nthreds = 3\n").expect("write");
        let err = Config::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("config.toml"));
        std::fs::write(
            dir.path().join("config.toml"),
            "[scan]\nthreads = 3\nkinds = [\"email\"]\n",
        )
        .expect("write");
        let cfg = Config::load(dir.path()).expect("valid config");
        assert_eq!(cfg.scan.threads, Some(3));
    }

    #[test]
    fn contact_keys_under_notify_are_errors_naming_the_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        for key in ["regulator-contacts", "cra-contacts"] {
            std::fs::write(
                dir.path().join("config.toml"),
                format!("[notify]\ncompany-name = \"Shop\"\n{key} = \"FTC\"\n"),
            )
            .expect("write");
            let err = format!("{:#}", Config::load(dir.path()).unwrap_err());
            assert!(err.contains(key) && err.contains("rules data"), "{err}");
        }
        std::fs::write(
            dir.path().join("config.toml"),
            "[notify]\ncompany-name = \"Shop\"\n",
        )
        .expect("write");
        let cfg = Config::load(dir.path()).expect("valid config");
        assert_eq!(cfg.notify.company_name.as_deref(), Some("Shop"));
    }
}
