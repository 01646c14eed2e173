//! URL and path redaction. Evidence locations and database URLs can carry
//! credentials, query tokens, people's names or internal host names; the
//! store keeps or shows only what a reader of the record needs.

/// `scheme://user:pass@host/path?q#f` → `scheme://host/path`; plain paths
/// are kept as they are (`?` and `#` are legal in file names). A database
/// URL keeps a `#schema.table` fragment: it is how a table read as a
/// source is named (`postgres://host/shop#public.customers`), never a
/// token.
pub fn sanitize_source(source: &str) -> String {
    let Some((scheme, rest)) = source.split_once("://") else {
        return source.to_string();
    };
    let database = matches!(
        scheme.to_ascii_lowercase().as_str(),
        "postgres" | "postgresql" | "mysql" | "mariadb" | "sqlite"
    );
    let table = rest
        .rsplit_once('#')
        .map(|(_, t)| t)
        .filter(|t| database && !t.is_empty() && !t.contains(['=', '&', '/', '?', '@']));
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match table {
        Some(t) => format!("{scheme}://{host}{path}#{t}"),
        None => format!("{scheme}://{host}{path}"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_queries_go_a_database_table_stays() {
        assert_eq!(
            sanitize_source("s3://key:secret@bucket/leak.csv?X-Amz-Signature=abc#frag"),
            "s3://bucket/leak.csv"
        );
        assert_eq!(
            sanitize_source("postgres://bw:pw@db:5432/shop?sslmode=require#public.customers"),
            "postgres://db:5432/shop#public.customers"
        );
        assert_eq!(
            sanitize_source("https://host/page#access_token=abc"),
            "https://host/page"
        );
        assert_eq!(
            sanitize_source("mysql://u:p@h/shop#token=abc"),
            "mysql://h/shop",
            "a fragment that is no table name goes"
        );
        assert_eq!(sanitize_source("leak #1.csv"), "leak #1.csv");
    }
}
