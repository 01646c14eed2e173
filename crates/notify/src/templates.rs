//! Notice templates: built-in ones, overridden by files in a directory,
//! chosen per jurisdiction and language, rendered, and linted against the
//! content each jurisdiction's law requires.
//!
//! A template is a pair `KEY.txt` (required; its first line is
//! `Subject: …`) and `KEY.html` (optional), where KEY is, most specific
//! first: `JURISDICTION.LANG`, `JURISDICTION`, `default.LANG`, `default`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use bw_law::{ContentElement, NoticeContent};
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use sha2::{Digest, Sha256};

use crate::vars::{config_key, marker, NoticeTexts, NoticeVars};
use crate::NotifyError;

const BUILTIN: &[(&str, &str)] = &[
    ("default.txt", include_str!("../templates/default.txt")),
    ("default.html", include_str!("../templates/default.html")),
    (
        "default.fr.txt",
        include_str!("../templates/default.fr.txt"),
    ),
    (
        "default.fr.html",
        include_str!("../templates/default.fr.html"),
    ),
    (
        "default.de.txt",
        include_str!("../templates/default.de.txt"),
    ),
    (
        "default.de.html",
        include_str!("../templates/default.de.html"),
    ),
    (
        "default.pt.txt",
        include_str!("../templates/default.pt.txt"),
    ),
    (
        "default.pt.html",
        include_str!("../templates/default.pt.html"),
    ),
    ("US-CA.txt", include_str!("../templates/US-CA.txt")),
    ("US-CA.html", include_str!("../templates/US-CA.html")),
];

/// Every variable path a notice template may use.
const KNOWN_VARIABLES: &[&str] = &[
    "customer",
    "customer.name",
    "customer.first_name",
    "customer.last_name",
    "exposed",
    "incident",
    "incident.id",
    "incident.title",
    "incident.description",
    "incident.breach_date",
    "company",
    "company.name",
    "company.contact",
    "notice_date",
    "measures",
    "advice",
    "consequences",
    "regulator_contacts",
    "cra_contacts",
    "identity_protection",
    "jurisdiction",
    "language",
];

/// Something wrong with a template, located as precisely as known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    /// File name (`US-CA.txt`) or `config` for campaign texts.
    pub template: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.template, l, self.message),
            None => write!(f, "{}: {}", self.template, self.message),
        }
    }
}

/// A rendered notice.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// `KEY@` + the first 12 hex digits of the SHA-256 of the sources used.
    pub template: String,
}

/// The loaded template set.
pub struct Templates {
    env: Environment<'static>,
    /// Names of the templates that compiled.
    origin: BTreeSet<String>,
    /// File name → SHA-256 of its source.
    digests: BTreeMap<String, String>,
    /// Templates that did not compile.
    broken: Vec<TemplateProblem>,
    /// Built-in templates no file in the directory replaced: in English
    /// unless their name gives a language.
    builtin: BTreeSet<String>,
}

impl Templates {
    /// The built-in templates, overridden and extended by `*.txt`/`*.html`
    /// files in `dir` when given. A template that does not compile is kept
    /// out and reported by [`Templates::broken`] and [`Templates::lint`].
    pub fn load(dir: Option<&Path>) -> Result<Templates, NotifyError> {
        let mut sources: BTreeMap<String, String> = BUILTIN
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let mut builtin: BTreeSet<String> = sources.keys().cloned().collect();
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir).map_err(|e| NotifyError::Io {
                context: format!("reading template directory {}", dir.display()),
                source: e,
            })?;
            for entry in entries {
                let entry = entry.map_err(|e| NotifyError::Io {
                    context: format!("reading template directory {}", dir.display()),
                    source: e,
                })?;
                let path = entry.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if !(name.ends_with(".txt") || name.ends_with(".html")) {
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(|e| NotifyError::Io {
                    context: format!("reading template {}", path.display()),
                    source: e,
                })?;
                builtin.remove(name);
                sources.insert(name.to_string(), text);
            }
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .keep_trailing_newline(true)
                .build()
                .map_err(|e| NotifyError::Invalid(format!("template syntax settings: {e}")))?,
        );
        let mut t = Templates {
            env,
            origin: BTreeSet::new(),
            digests: BTreeMap::new(),
            broken: Vec::new(),
            builtin,
        };
        for (name, src) in sources {
            t.digests
                .insert(name.clone(), bw_store::audit::sha256_hex(src.as_bytes()));
            match t.env.add_template_owned(name.clone(), src) {
                Ok(()) => {
                    t.origin.insert(name);
                }
                Err(e) => t.broken.push(TemplateProblem {
                    template: name,
                    line: e.line(),
                    message: format!("syntax error: {}", e.detail().unwrap_or("invalid template")),
                }),
            }
        }
        Ok(t)
    }

    /// Templates that failed to compile.
    pub fn broken(&self) -> &[TemplateProblem] {
        &self.broken
    }

    /// The template key for a customer covered by `jurisdictions` (most
    /// specific last) writing in `language`.
    pub fn select<S: AsRef<str>>(&self, jurisdictions: &[S], language: &str) -> Option<String> {
        let mut keys: Vec<String> = Vec::new();
        for j in jurisdictions.iter().rev() {
            keys.push(format!("{}.{language}", j.as_ref()));
            keys.push(j.as_ref().to_string());
        }
        keys.push(format!("default.{language}"));
        keys.push("default".to_string());
        keys.into_iter()
            .find(|k| self.origin.contains(&format!("{k}.txt")))
    }

    /// The language template `key` (as [`Templates::select`] gives it) is
    /// written in, for a customer written to in `language` by a campaign
    /// whose default texts are in `default_language`: the one its name
    /// gives (`default.fr`, `EU.de`); English for a built-in one without
    /// (`default`, `US-CA`), which an Italian customer gets while there is
    /// no Italian template; `default_language` for a custom `default`,
    /// everyone else's fallback, which the organisation writes in its own
    /// language, and for a jurisdiction whose country's language is not
    /// the reader's (`EU.txt` for an Italian reader); else `language`, as
    /// the author of a one-language jurisdiction's template without a
    /// language in its name (`FR.txt`) writes it for its readers. The campaign texts a notice prints are
    /// in this language, so that they read in the language of the words
    /// around them.
    pub fn written_in<'a>(
        &self,
        key: &'a str,
        language: &'a str,
        default_language: &'a str,
    ) -> &'a str {
        if let Some((_, lang)) = key.rsplit_once('.') {
            if crate::lang::LANGUAGES.contains(&lang) {
                return lang;
            }
        }
        if self.builtin.contains(&format!("{key}.txt")) {
            "en"
        } else if key == "default"
            || crate::lang::language_for(key.split('-').next().unwrap_or(key)) != language
        {
            // Everyone's fallback, or a jurisdiction whose readers do not
            // share one language (`EU.txt`, `CH.txt`): what the organisation
            // writes for several languages it writes in its own.
            default_language
        } else {
            language
        }
    }

    /// The content elements the template a customer of `jurisdictions`
    /// writing in `language` gets prints (in its text or HTML part), found
    /// by rendering it with every element as its lint marker. Empty when
    /// no template is selected or it does not render.
    pub fn elements_printed<S: AsRef<str>>(
        &self,
        jurisdictions: &[S],
        language: &str,
    ) -> BTreeSet<ContentElement> {
        let Some(key) = self.select(jurisdictions, language) else {
            return BTreeSet::new();
        };
        let primary = jurisdictions.last().map(AsRef::as_ref).unwrap_or("");
        let ctx = Value::from(Serde(NoticeVars::probe(primary, language)));
        let rendered: Vec<String> = ["txt", "html"]
            .iter()
            .map(|part| format!("{key}.{part}"))
            .filter(|name| self.origin.contains(name))
            .filter_map(|name| self.render_one(&name, &ctx).ok())
            .collect();
        ContentElement::ALL
            .into_iter()
            .filter(|e| rendered.iter().any(|r| r.contains(&marker(*e))))
            .collect()
    }

    /// Renders template `key` for one customer.
    pub fn render(&self, key: &str, vars: &NoticeVars) -> Result<Rendered, TemplateProblem> {
        let ctx = Value::from(Serde(vars));
        let txt_name = format!("{key}.txt");
        let text = self.render_one(&txt_name, &ctx)?;
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let subject = first
            .strip_prefix("Subject:")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| TemplateProblem {
                template: txt_name.clone(),
                line: Some(1),
                message: "the first line must be `Subject: …`".into(),
            })?;
        let html_name = format!("{key}.html");
        let html = if self.origin.contains(&html_name) {
            Some(self.render_one(&html_name, &ctx)?)
        } else {
            None
        };
        let mut h = Sha256::new();
        for n in [&txt_name, &html_name] {
            if let Some(d) = self.digests.get(n) {
                h.update(d.as_bytes());
            }
        }
        let digest = hex(&h.finalize());
        Ok(Rendered {
            subject,
            text: rest.trim_start_matches('\n').to_string(),
            html,
            template: format!("{key}@{}", &digest[..12]),
        })
    }

    fn render_one(&self, name: &str, ctx: &Value) -> Result<String, TemplateProblem> {
        let tmpl = self.env.get_template(name).map_err(|e| TemplateProblem {
            template: name.to_string(),
            line: None,
            message: e.to_string(),
        })?;
        tmpl.render(ctx).map_err(|e| {
            let unknown: Vec<String> = tmpl
                .undeclared_variables(true)
                .into_iter()
                .filter(|v| !KNOWN_VARIABLES.contains(&v.as_str()))
                .collect();
            let message = if unknown.is_empty() {
                e.detail().map_or_else(|| e.to_string(), str::to_string)
            } else {
                let mut unknown = unknown;
                unknown.sort();
                format!(
                    "unknown variable {} (known: {})",
                    unknown
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    KNOWN_VARIABLES.join(", ")
                )
            };
            TemplateProblem {
                template: name.to_string(),
                line: e.line(),
                message,
            }
        })
    }

    /// Checks every template compiles and renders with the known
    /// variables, and that the template each use (jurisdictions, language)
    /// selects carries every content element those jurisdictions require,
    /// in its text and its HTML part; and that the campaign texts behind
    /// required elements are not empty.
    pub fn lint(
        &self,
        content: &NoticeContent,
        uses: &BTreeSet<(Vec<String>, String)>,
        texts: &NoticeTexts,
    ) -> Vec<TemplateProblem> {
        let required = uses
            .iter()
            .map(|u| (u.clone(), content.required_for(&u.0)))
            .collect();
        self.lint_required(content, &required, texts)
    }

    /// [`Templates::lint`] with what each use requires given: its
    /// jurisdictions' standing content plus what their laws tie to the
    /// data exposed (see [`crate::lint::required_by_use`]).
    pub fn lint_required(
        &self,
        content: &NoticeContent,
        uses: &BTreeMap<(Vec<String>, String), BTreeSet<ContentElement>>,
        texts: &NoticeTexts,
    ) -> Vec<TemplateProblem> {
        let mut out = self.broken.clone();
        let probe_ctx = Value::from(Serde(NoticeVars::probe("PROBE", "en")));
        for name in &self.origin {
            if let Err(p) = self.render_one(name, &probe_ctx) {
                out.push(p);
            }
        }
        let mut text_missing: BTreeMap<ContentElement, BTreeSet<String>> = BTreeMap::new();
        for ((jurisdictions, language), required) in uses {
            let Some(key) = self.select(jurisdictions, language) else {
                out.push(TemplateProblem {
                    template: "default.txt".into(),
                    line: None,
                    message: format!(
                        "no template for {} in {language}, and no default",
                        jurisdictions.join("+")
                    ),
                });
                continue;
            };
            let primary = jurisdictions.last().map(String::as_str).unwrap_or("");
            let ctx = Value::from(Serde(NoticeVars::probe(primary, language)));
            for part in ["txt", "html"] {
                let name = format!("{key}.{part}");
                if !self.origin.contains(&name) {
                    continue;
                }
                let Ok(rendered) = self.render_one(&name, &ctx) else {
                    continue; // already reported above
                };
                for e in required {
                    if !rendered.contains(&marker(*e)) {
                        out.push(TemplateProblem {
                            template: name.clone(),
                            line: None,
                            message: format!(
                                "used for {} ({language}) but misses required content `{e}`: {} [{}]",
                                jurisdictions.join("+"),
                                content.describe(*e),
                                jurisdictions
                                    .iter()
                                    .map(|j| content.rule(j).citation.as_str())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            ),
                        });
                    }
                }
            }
            let written_in = self.written_in(&key, language, &texts.language);
            for e in required {
                if texts
                    .in_language(written_in, *e)
                    .is_some_and(|t| t.trim().is_empty())
                {
                    text_missing
                        .entry(*e)
                        .or_default()
                        .insert(written_in.to_string());
                }
            }
        }
        for (e, languages) in text_missing {
            let key = config_key(e).unwrap_or(e.as_str());
            out.push(TemplateProblem {
                template: "config".into(),
                line: None,
                message: format!(
                    "the campaign text for required content `{e}` ({}) is empty in notices in {}: \
                     set `{key}` under [notify] (or per language under [notify.texts.LANG])",
                    content.describe(e),
                    languages.into_iter().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        out.sort_by(|a, b| (&a.template, a.line).cmp(&(&b.template, b.line)));
        out.dedup();
        out
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bw_law::NoticeContent;

    fn uses(list: &[(&[&str], &str)]) -> BTreeSet<(Vec<String>, String)> {
        list.iter()
            .map(|(j, l)| (j.iter().map(|s| s.to_string()).collect(), l.to_string()))
            .collect()
    }

    fn texts() -> NoticeTexts {
        NoticeTexts {
            company_name: "Shop".into(),
            contact: "privacy@shop.example".into(),
            measures: "fixed".into(),
            advice: "be careful".into(),
            consequences: "phishing".into(),
            identity_protection:
                "12 months of identity protection, free: enrol at shop.example/protect".into(),
            ..NoticeTexts::default()
        }
    }

    #[test]
    fn selection_goes_from_most_specific_to_default() {
        let t = Templates::load(None).expect("built-in templates");
        assert_eq!(t.select(&["US-CA"], "en").as_deref(), Some("US-CA"));
        assert_eq!(t.select(&["EU"], "fr").as_deref(), Some("default.fr"));
        assert_eq!(t.select(&["JP"], "ja").as_deref(), Some("default"));
        // Quebec: the province's template would win over Canada's.
        assert_eq!(
            t.select(&["CA", "CA-QC"], "fr").as_deref(),
            Some("default.fr")
        );
    }

    #[test]
    fn built_in_templates_pass_lint_everywhere_and_render_a_subject() {
        let t = Templates::load(None).expect("built-in templates");
        let content = NoticeContent::embedded().expect("content rules");
        let all = uses(&[
            (&["US-CA"], "en"),
            (&["US-NY"], "en"),
            (&["US-MD"], "en"),
            (&["EU"], "fr"),
            (&["EU"], "de"),
            (&["GB"], "en"),
            (&["CA", "CA-QC"], "fr"),
            (&["BR"], "pt"),
            (&["JP"], "ja"),
        ]);
        assert_eq!(t.lint(&content, &all, &texts()), Vec::new());
        let r = t
            .render("US-CA", &NoticeVars::probe("US-CA", "en"))
            .expect("render");
        assert_eq!(r.subject, "Notice of Data Breach");
        assert!(r.template.starts_with("US-CA@"));
        assert!(r
            .html
            .as_deref()
            .is_some_and(|h| h.contains("<h1>Notice of Data Breach</h1>")));
    }

    #[test]
    fn html_parts_escape_values() {
        let t = Templates::load(None).expect("built-in templates");
        let mut vars = NoticeVars::probe("EU", "en");
        vars.customer.name = "<script>x</script>".into();
        let r = t.render("default", &vars).expect("render");
        let html = r.html.expect("html part");
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
        assert!(
            r.text.contains("<script>x</script>"),
            "plain text is not escaped"
        );
    }

    #[test]
    fn empty_campaign_texts_for_required_content_are_lint_errors() {
        let t = Templates::load(None).expect("built-in templates");
        let content = NoticeContent::embedded().expect("content rules");
        let mut tx = texts();
        tx.consequences.clear();
        let problems = t.lint(&content, &uses(&[(&["EU"], "en")]), &tx);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("likely_consequences"));
        // Not required in California: no problem there.
        assert!(t
            .lint(&content, &uses(&[(&["US-CA"], "en")]), &tx)
            .is_empty());
    }

    #[test]
    fn a_template_without_a_subject_line_fails_to_render() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("default.txt"),
            "Hello {{ customer.name }}\n",
        )
        .expect("write");
        let t = Templates::load(Some(dir.path())).expect("load");
        let err = t
            .render("default", &NoticeVars::probe("EU", "en"))
            .expect_err("no subject");
        assert_eq!((err.template.as_str(), err.line), ("default.txt", Some(1)));
    }
}
