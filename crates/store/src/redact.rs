//! URL and path redaction. Evidence locations and database URLs can carry
//! credentials, query tokens, people's names or internal host names; the
//! store keeps or shows only what a reader of the record needs.

/// `scheme://user:pass@host/path?q#f` → `scheme://host/path`; plain paths
/// are kept as they are (`?` and `#` are legal in file names).
pub fn sanitize_source(source: &str) -> String {
    let Some((scheme, rest)) = source.split_once("://") else {
        return source.to_string();
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}{path}")
}

/// Keeps only the last path segment: directories and hosts can name
/// people or internal systems that a regulator does not need to see.
pub(crate) fn redact_source(source: &str) -> String {
    let trimmed = source.trim_end_matches('/');
    let last = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    format!("[redacted]/{last}")
}

/// Error messages end up in terminals and logs, so a database URL loses
/// its password and query before it is shown.
pub(crate) fn redact_url_for_error(url: &str) -> String {
    sanitize_source(url)
}
