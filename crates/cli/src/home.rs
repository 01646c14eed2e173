//! The data directory and its config file: the only place breachwatch
//! reads its environment.

use std::collections::BTreeMap;
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
/// consequences), in `texts-language`, and again per notice language
/// under `[notify.texts.LANG]`. Regulator and credit-bureau contacts are
/// not campaign texts: each notice takes its own jurisdictions' from the
/// rules data.
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
    /// The language the texts above are written in [default: en].
    #[serde(default, deserialize_with = "language_code")]
    pub texts_language: Option<String>,
    /// `[notify.texts.LANG]`: the texts again for notices in LANG (a code
    /// `bw_notify::lang::LANGUAGES` lists: the language of the customer's
    /// country); what one leaves out, notices in LANG take from above.
    #[serde(default, deserialize_with = "texts_by_language")]
    pub texts: BTreeMap<String, LanguageTextsConfig>,
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

/// `[notify.texts.LANG]`: any of the campaign texts in one language.
/// No `company-name`: a name is not translated.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LanguageTextsConfig {
    pub contact: Option<String>,
    pub measures: Option<String>,
    pub advice: Option<String>,
    pub consequences: Option<String>,
    pub identity_protection: Option<String>,
}

impl NotifyConfig {
    /// The default texts' language.
    pub fn texts_language(&self) -> &str {
        self.texts_language.as_deref().unwrap_or("en")
    }

    /// What one key cannot say alone: a `[notify.texts.LANG]` for the
    /// language the default texts are already in would never be read.
    fn check(&self) -> Result<()> {
        let default = self.texts_language();
        if self.texts.contains_key(default) {
            anyhow::bail!(
                "[notify.texts.{default}] gives texts in {default}, the language of the texts \
                 under [notify] (texts-language = \"{default}\"), so it would never be read: move \
                 them under [notify], or set texts-language to the language [notify]'s texts \
                 are in"
            );
        }
        Ok(())
    }
}

fn unknown_language<E: serde::de::Error>(code: &str, key: &str) -> E {
    E::custom(format!(
        "{key}: unknown language code {code:?}: notices are written in {} (the language of \
         each customer's country)",
        bw_notify::lang::LANGUAGES.join(", ")
    ))
}

fn language_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let code = String::deserialize(d)?;
    if !bw_notify::lang::LANGUAGES.contains(&code.as_str()) {
        return Err(unknown_language(&code, "[notify] texts-language"));
    }
    Ok(Some(code))
}

fn texts_by_language<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, LanguageTextsConfig>, D::Error> {
    let map = BTreeMap::<String, LanguageTextsConfig>::deserialize(d)?;
    if let Some(code) = map
        .keys()
        .find(|c| !bw_notify::lang::LANGUAGES.contains(&c.as_str()))
    {
        return Err(unknown_language(code, &format!("[notify.texts.{code}]")));
    }
    Ok(map)
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
        let cfg: Config = toml::from_str(&text)
            .with_context(|| format!("{}: invalid configuration", path.display()))?;
        cfg.notify
            .check()
            .with_context(|| format!("{}: invalid configuration", path.display()))?;
        Ok(cfg)
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

    fn load_notify(dir: &Path, toml: &str) -> Result<Config> {
        std::fs::write(dir.join("config.toml"), toml).expect("write");
        Config::load(dir)
    }

    #[test]
    fn texts_per_language_parse_beside_the_default_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = load_notify(
            dir.path(),
            "[notify]\nmeasures = \"We fixed it.\"\n\
             [notify.texts.fr]\nmeasures = \"Nous l'avons corrigé.\"\nidentity-protection = \"Offre\"\n\
             [notify.texts.de]\nadvice = \"Vorsicht.\"\n",
        )
        .expect("valid config");
        assert_eq!(cfg.notify.texts_language(), "en");
        let fr = &cfg.notify.texts["fr"];
        assert_eq!(fr.measures.as_deref(), Some("Nous l'avons corrigé."));
        assert_eq!(fr.identity_protection.as_deref(), Some("Offre"));
        assert_eq!(fr.advice, None);
        assert_eq!(cfg.notify.texts["de"].advice.as_deref(), Some("Vorsicht."));
        let texts = crate::notify::texts(&cfg.notify);
        assert_eq!(texts.language, "en");
        assert_eq!(
            texts.in_language("fr", bw_law::ContentElement::WhatWeAreDoing),
            Some("Nous l'avons corrigé.")
        );
        assert_eq!(
            texts.in_language("de", bw_law::ContentElement::WhatWeAreDoing),
            Some("We fixed it.")
        );
        // Default texts in French, English given apart.
        let cfg = load_notify(
            dir.path(),
            "[notify]\ntexts-language = \"fr\"\n[notify.texts.en]\nadvice = \"Beware.\"\n",
        )
        .expect("valid config");
        assert_eq!(cfg.notify.texts_language(), "fr");
    }

    #[test]
    fn a_bad_language_or_key_under_notify_texts_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = |toml: &str| format!("{:#}", load_notify(dir.path(), toml).unwrap_err());
        // A country code, not a language code.
        let e = err("[notify.texts.xx]\nmeasures = \"…\"\n");
        assert!(
            e.contains("[notify.texts.xx]")
                && e.contains("unknown language code")
                && e.contains("fr, de"),
            "{e}"
        );
        let e = err("[notify]\ntexts-language = \"english\"\n");
        assert!(
            e.contains("texts-language") && e.contains("\"english\""),
            "{e}"
        );
        // A misspelt key, and one that is not per language.
        for key in ["mesures", "company-name"] {
            let e = err(&format!("[notify.texts.fr]\n{key} = \"…\"\n"));
            assert!(e.contains(&format!("unknown field `{key}`")), "{e}");
            assert!(e.contains("config.toml"), "{e}");
        }
        // The default texts' own language again: it would never be read.
        let e = err("[notify]\nmeasures = \"x\"\n[notify.texts.en]\nmeasures = \"y\"\n");
        assert!(
            e.contains("[notify.texts.en]") && e.contains("never be read"),
            "{e}"
        );
        // The contact keys that moved are still refused with their reason.
        let e = err("[notify]\nregulator-contacts = \"FTC\"\n[notify.texts.fr]\nadvice = \"…\"\n");
        assert!(
            e.contains("regulator-contacts") && e.contains("rules data"),
            "{e}"
        );
    }
}
