//! Email addresses.
//!
//! Exact form: trimmed, domain lower-cased (DNS is case-insensitive), local
//! part lower-cased too by default. RFC 5321 allows a case-sensitive local
//! part, but no mainstream provider uses that, and the same person types
//! `John.Smith@` on one form and `john.smith@` on the next; treating the two
//! as different would lose far more true matches than it could ever prevent
//! false ones. [`EmailOptions::case_sensitive_local`] turns it off, and the
//! choice is recorded in the registry so lookups follow it.
//!
//! Variant form: provider-aware folding for providers that document it —
//! Gmail ignores dots in the local part and `googlemail.com` is the same
//! service; several providers deliver `user+tag@` to `user@`.

use super::Forms;

/// Options recorded in the registry header at import; lookups use the
/// registry's value, never their own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmailOptions {
    /// Keep the local part's case (RFC 5321 strictness). Default: fold it.
    pub case_sensitive_local: bool,
}

/// Why an email could not be normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailProblem {
    Empty,
    Malformed,
}

/// Providers that deliver `local+tag@domain` to `local@domain`.
const PLUS_TAG_DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "fastmail.com",
    "protonmail.com",
    "proton.me",
];

/// Normalises one address. Returns `Err(Empty)` for blank input so import can
/// keep the row without an email fingerprint.
pub fn normalise(raw: &str, opts: EmailOptions) -> Result<Forms, EmailProblem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(EmailProblem::Empty);
    }
    let s = s.strip_prefix("mailto:").unwrap_or(s);
    let s = s
        .strip_prefix('<')
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or(s);
    let (local, domain) = s.rsplit_once('@').ok_or(EmailProblem::Malformed)?;
    let domain = domain.trim_end_matches('.');
    if local.is_empty()
        || domain.is_empty()
        || !domain.contains('.')
        || s.chars().any(|c| c.is_whitespace() || c.is_control())
        || domain.contains('@')
    {
        return Err(EmailProblem::Malformed);
    }
    // Built in one string (scope normalises millions of emails).
    let mut exact = String::with_capacity(local.len() + 1 + domain.len());
    if opts.case_sensitive_local {
        exact.push_str(local);
    } else {
        push_lower(&mut exact, local);
    }
    exact.push('@');
    let at = exact.len();
    push_lower(&mut exact, domain);
    let domain = &exact[at..];

    let canonical_domain = match domain {
        "googlemail.com" => "gmail.com",
        d => d,
    };
    let plus = PLUS_TAG_DOMAINS.contains(&canonical_domain);
    let gmail = canonical_domain == "gmail.com";
    if !plus && !gmail {
        return Ok(Forms {
            exact,
            variant: None,
        });
    }
    // These providers fold case themselves, so the variant does too even
    // when the exact form keeps it.
    let mut local_v = local.to_lowercase();
    if plus {
        // `+tag` only: an address that starts with '+' is left alone.
        if let Some(i) = local_v.find('+').filter(|&i| i > 0) {
            local_v.truncate(i);
        }
    }
    if gmail {
        local_v.retain(|c| c != '.');
    }
    let variant = if local_v.is_empty() {
        exact.clone()
    } else {
        format!("{local_v}@{canonical_domain}")
    };
    Ok(Forms::new(exact, variant))
}

/// Appends `s` lower-cased; ASCII by bytes, which gives what
/// `str::to_lowercase` gives, without its per-character mapping.
fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&s.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Result<Forms, EmailProblem> {
        normalise(s, EmailOptions::default())
    }

    #[test]
    fn trims_and_folds_case() {
        let f = n("  John.Smith@Example.COM ").ok();
        assert_eq!(
            f.map(|f| (f.exact, f.variant)),
            Some(("john.smith@example.com".into(), None))
        );
    }

    #[test]
    fn case_sensitive_local_keeps_local_case() {
        let f = normalise(
            "John@Example.com",
            EmailOptions {
                case_sensitive_local: true,
            },
        )
        .ok();
        assert_eq!(f.map(|f| f.exact), Some("John@example.com".to_string()));
    }

    #[test]
    fn gmail_dots_tags_and_googlemail() {
        let a = n("J.Smith+shop@googlemail.com").ok();
        assert_eq!(
            a.map(|f| (f.exact, f.variant)),
            Some((
                "j.smith+shop@googlemail.com".into(),
                Some("jsmith@gmail.com".into())
            ))
        );
        let b = n("jsmith@gmail.com").ok();
        assert_eq!(
            b.map(|f| (f.exact, f.variant)),
            Some(("jsmith@gmail.com".into(), None))
        );
    }

    #[test]
    fn dots_matter_outside_gmail_but_tags_fold_at_outlook() {
        assert_eq!(n("j.smith@example.com").ok().and_then(|f| f.variant), None);
        assert_eq!(
            n("j.smith+x@outlook.com").ok().and_then(|f| f.variant),
            Some("j.smith@outlook.com".into())
        );
        // Unknown providers may use '+' literally.
        assert_eq!(n("a+b@example.org").ok().and_then(|f| f.variant), None);
    }

    #[test]
    fn rejects_empty_and_malformed() {
        assert_eq!(n("   "), Err(EmailProblem::Empty));
        assert_eq!(n("no-at-sign"), Err(EmailProblem::Malformed));
        assert_eq!(n("@example.com"), Err(EmailProblem::Malformed));
        assert_eq!(n("a b@example.com"), Err(EmailProblem::Malformed));
        assert_eq!(n("a@localhost"), Err(EmailProblem::Malformed));
    }
}
