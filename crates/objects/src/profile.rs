//! AWS shared credentials and config files (`~/.aws/credentials`,
//! `~/.aws/config`): object_store reads the environment and instance
//! metadata but not these, which is where most people keep their keys.
//! Only static keys and the region are read; a profile that assumes a
//! role or runs a process is reported, not half-honoured.

use std::collections::HashMap;
use std::path::PathBuf;

/// Where the files are and which profile to use; the caller resolves the
/// defaults (`$AWS_SHARED_CREDENTIALS_FILE`, `$HOME/.aws/…`, `$AWS_PROFILE`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AwsFiles {
    pub credentials: Option<PathBuf>,
    pub config: Option<PathBuf>,
    /// `default` when empty.
    pub profile: String,
}

/// What a profile gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AwsProfile {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    pub region: Option<String>,
}

impl AwsFiles {
    /// The profile's keys and region; a missing file is no profile, an
    /// unreadable one or a profile that needs more than static keys an
    /// error naming the file.
    pub(crate) fn load(&self) -> Result<AwsProfile, String> {
        let name = if self.profile.is_empty() {
            "default"
        } else {
            self.profile.as_str()
        };
        let mut out = AwsProfile::default();
        if let Some(path) = &self.credentials {
            if let Some(section) = read_section(path, name)? {
                refuse_indirection(path, name, &section)?;
                out.access_key_id = section.get("aws_access_key_id").cloned();
                out.secret_access_key = section.get("aws_secret_access_key").cloned();
                out.session_token = section.get("aws_session_token").cloned();
            }
        }
        if let Some(path) = &self.config {
            // The config file names non-default profiles `[profile NAME]`.
            let header = if name == "default" {
                "default".to_string()
            } else {
                format!("profile {name}")
            };
            if let Some(section) = read_section(path, &header)? {
                if out.access_key_id.is_none() {
                    refuse_indirection(path, name, &section)?;
                    out.access_key_id = section.get("aws_access_key_id").cloned();
                    out.secret_access_key = section.get("aws_secret_access_key").cloned();
                    out.session_token = section.get("aws_session_token").cloned();
                }
                out.region = section.get("region").cloned();
            }
        }
        Ok(out)
    }
}

fn refuse_indirection(
    path: &std::path::Path,
    name: &str,
    section: &HashMap<String, String>,
) -> Result<(), String> {
    for key in [
        "role_arn",
        "credential_process",
        "sso_session",
        "sso_start_url",
    ] {
        if section.contains_key(key) && !section.contains_key("aws_access_key_id") {
            return Err(format!(
                "{}: profile {name} uses {key}, which breachwatch does not run; export \
                 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN instead (e.g. from \
                 `aws configure export-credentials --format env`)",
                path.display()
            ));
        }
    }
    Ok(())
}

/// The keys of section `[header]` (`None`: no file or no such section).
fn read_section(
    path: &std::path::Path,
    header: &str,
) -> Result<Option<HashMap<String, String>>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut current: Option<bool> = None;
    let mut found: Option<HashMap<String, String>> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let this = h.trim() == header;
            current = Some(this);
            if this {
                found.get_or_insert_with(HashMap::new);
            }
            continue;
        }
        if current != Some(true) {
            continue;
        }
        if let (Some((k, v)), Some(section)) = (line.split_once('='), found.as_mut()) {
            section.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_keys_and_region_come_from_their_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let creds = dir.path().join("credentials");
        let config = dir.path().join("config");
        std::fs::write(
            &creds,
            "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = s1\n\n\
             [audit]\n# read-only keys\naws_access_key_id=AKAUDIT\naws_secret_access_key=s2\n",
        )
        .expect("write");
        std::fs::write(
            &config,
            "[default]\nregion = us-east-1\n[profile audit]\nregion = eu-west-3\n\
             [profile sso]\nsso_session = corp\n",
        )
        .expect("write");
        let files = |profile: &str| AwsFiles {
            credentials: Some(creds.clone()),
            config: Some(config.clone()),
            profile: profile.into(),
        };
        let audit = files("audit").load().expect("profile");
        assert_eq!(audit.access_key_id.as_deref(), Some("AKAUDIT"));
        assert_eq!(audit.secret_access_key.as_deref(), Some("s2"));
        assert_eq!(audit.region.as_deref(), Some("eu-west-3"));
        let default = files("").load().expect("profile");
        assert_eq!(default.access_key_id.as_deref(), Some("AKDEFAULT"));
        assert_eq!(default.region.as_deref(), Some("us-east-1"));
        let err = files("sso").load().expect_err("sso is not run");
        assert!(err.contains("sso_session"), "{err}");
        assert_eq!(files("nobody").load(), Ok(AwsProfile::default()));
    }
}
