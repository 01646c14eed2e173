//! What an argument names: a store (S3, GCS, Azure, HTTP), a bucket or
//! container in it, and a key prefix — or not an object URL at all.

use std::fmt;

/// The store family of an argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    S3,
    Gcs,
    Azure,
    /// One object at a plain `https://` (or `http://`) URL.
    Http,
}

/// A parsed object-store argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub scheme: Scheme,
    /// The scheme as written (`s3`, `gs`, `az`, `azure`, `https`, `http`),
    /// kept in the URLs findings carry.
    pub written: String,
    /// Bucket or container; for [`Scheme::Http`], `scheme://host[:port]`.
    pub bucket: String,
    /// Key prefix without leading or trailing `/` (empty: the whole
    /// bucket); for [`Scheme::Http`], the object's path.
    pub prefix: String,
}

impl Target {
    /// `None` when `arg` is not an object-store URL; an error when it is
    /// one but names no bucket.
    pub fn parse(arg: &str) -> Option<Result<Target, String>> {
        let (written, rest) = arg.split_once("://")?;
        let scheme = match written.to_ascii_lowercase().as_str() {
            "s3" | "s3a" => Scheme::S3,
            "gs" => Scheme::Gcs,
            "az" | "azure" => Scheme::Azure,
            "https" | "http" => Scheme::Http,
            _ => return None,
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Some(Err(format!(
                "no {} in the URL: expected {written}://NAME/PREFIX",
                if scheme == Scheme::Http {
                    "host"
                } else {
                    "bucket"
                }
            )));
        }
        if bucket.contains('@') {
            // Credentials belong in the environment or profile files,
            // where they do not end up in findings, logs and evidence.
            return Some(Err(
                "credentials in the URL are not accepted: use the environment or profile files"
                    .into(),
            ));
        }
        let prefix = prefix.trim_matches('/').to_string();
        if scheme == Scheme::Http && prefix.is_empty() {
            return Some(Err(
                "an https:// source names one object: give its path".into()
            ));
        }
        let bucket = match scheme {
            Scheme::Http => format!("{written}://{bucket}"),
            _ => bucket.to_string(),
        };
        Some(Ok(Target {
            scheme,
            written: written.to_string(),
            bucket,
            prefix,
        }))
    }

    /// The URL of the object with key `key`, as findings carry it.
    pub fn url_of(&self, key: &str) -> String {
        match self.scheme {
            Scheme::Http => format!("{}/{key}", self.bucket),
            _ => format!("{}://{}/{key}", self.written, self.bucket),
        }
    }
}

impl fmt::Display for Target {
    /// The source as one URL: `s3://bucket/prefix`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.scheme, self.prefix.is_empty()) {
            (Scheme::Http, _) => write!(f, "{}/{}", self.bucket, self.prefix),
            (_, true) => write!(f, "{}://{}", self.written, self.bucket),
            (_, false) => write!(f, "{}://{}/{}", self.written, self.bucket, self.prefix),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arg: &str) -> Target {
        Target::parse(arg).expect("claimed").expect("valid")
    }

    #[test]
    fn buckets_prefixes_and_single_objects() {
        let t = parse("s3://leaks/exports/2026/");
        assert_eq!((t.scheme, t.bucket.as_str()), (Scheme::S3, "leaks"));
        assert_eq!(t.prefix, "exports/2026");
        assert_eq!(t.to_string(), "s3://leaks/exports/2026");
        assert_eq!(
            t.url_of("exports/2026/a.csv"),
            "s3://leaks/exports/2026/a.csv"
        );
        assert_eq!(parse("gs://b").to_string(), "gs://b");
        assert_eq!(parse("azure://c/x").url_of("x/y"), "azure://c/x/y");
        let h = parse("https://files.example:8443/dump/users.csv");
        assert_eq!(h.bucket, "https://files.example:8443");
        assert_eq!(
            h.url_of(&h.prefix),
            "https://files.example:8443/dump/users.csv"
        );
    }

    #[test]
    fn local_paths_are_not_claimed_and_bad_urls_are_errors() {
        for arg in ["leak.csv", "/tmp/s3://x", "ftp://host/file", "-"] {
            assert!(Target::parse(arg).is_none(), "{arg}");
        }
        for arg in [
            "s3://",
            "s3:///key",
            "https://host/",
            "s3://key:secret@bucket/x",
        ] {
            assert!(
                matches!(Target::parse(arg), Some(Err(_))),
                "{arg} should be refused"
            );
        }
    }
}
