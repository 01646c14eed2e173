//! `--tables` patterns: globs over `schema.table`, or over the table name
//! alone when the pattern has no dot; case-insensitive, as database
//! identifiers mostly are.

use globset::{GlobBuilder, GlobMatcher};

/// The tables to read; none given means every table.
#[derive(Clone, Debug, Default)]
pub(crate) struct Patterns {
    globs: Vec<(bool, GlobMatcher)>,
    given: Vec<String>,
}

impl Patterns {
    pub fn new(patterns: &[String]) -> Result<Patterns, String> {
        let mut globs = Vec::with_capacity(patterns.len());
        for p in patterns.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            globs.push((p.contains('.'), compile(p)?));
        }
        Ok(Patterns {
            globs,
            given: patterns.to_vec(),
        })
    }

    pub fn is_all(&self) -> bool {
        self.globs.is_empty()
    }

    pub fn matches(&self, schema: &str, table: &str) -> bool {
        if self.globs.is_empty() {
            return true;
        }
        let qualified = format!("{schema}.{table}");
        self.globs.iter().any(|(with_schema, g)| {
            g.is_match(if *with_schema {
                qualified.as_str()
            } else {
                table
            })
        })
    }

    /// The patterns as given, for messages.
    pub fn given(&self) -> String {
        self.given.join(",")
    }
}

/// One pattern, checked: the CLI rejects a bad one before connecting.
pub fn compile(pattern: &str) -> Result<GlobMatcher, String> {
    GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("--tables pattern {pattern:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(p: &[&str]) -> Patterns {
        Patterns::new(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("valid")
    }

    #[test]
    fn qualified_patterns_match_schema_and_table_bare_ones_the_table() {
        let p = patterns(&["public.cust*", "orders"]);
        assert!(p.matches("public", "customers"));
        assert!(p.matches("PUBLIC", "Customers"));
        assert!(!p.matches("sales", "customers"));
        assert!(p.matches("sales", "orders"));
        assert!(p.matches("public", "orders"));
        assert!(!p.matches("public", "orders_2024"));
        assert!(patterns(&[]).matches("any", "thing"));
        assert!(patterns(&["*.*"]).matches("a", "b"));
    }

    #[test]
    fn a_bad_glob_is_an_error_naming_it() {
        let e = compile("public.[cust").expect_err("unclosed class");
        assert!(e.contains("public.[cust"), "{e}");
    }
}
