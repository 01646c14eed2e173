//! The text, Markdown and HTML reports: MiniJinja templates compiled into
//! the binary, all three over the serialised [`Report`], so a figure added
//! to the report is one field and one line per template, and the numbers
//! are formatted by the same filters everywhere.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, Error, UndefinedBehavior, Value};

use super::{pct, Report};

/// Name (its extension picks the escaping) and source.
const TEMPLATES: [(&str, &str); 3] = [
    ("report.txt", include_str!("templates/report.txt.j2")),
    ("report.md", include_str!("templates/report.md.j2")),
    ("report.html", include_str!("templates/report.html.j2")),
];

/// Renders `report` with the template `name` (`report.txt`, `report.md`
/// or `report.html`).
pub(super) fn render(report: &Report, name: &str) -> Result<String, Error> {
    // Built per call: three small templates compile in microseconds, and a
    // drill renders three times.
    environment()?
        .get_template(name)?
        .render(Value::from(Serde(report)))
}

fn environment() -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    // Block tags on lines of their own leave no blank lines behind, and
    // the HTML keeps the newline it ends with.
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()?,
    );
    // A misspelt field must fail the golden tests, not render as nothing.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    // MiniJinja's HTML escaping also rewrites `'` and `/`: harmless, but
    // every path in a miss would change from the reports already written.
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(s) if *state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            Ok(out.write_str(&esc(s))?)
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_filter("pct", pct);
    env.add_filter("rate", rate);
    env.add_filter("md", md);
    env.add_filter("fixed", |x: f64, digits: usize| format!("{x:.digits$}"));
    // MiniJinja prints a whole float as `146.0`; the SVG always had `146`.
    env.add_filter("num", |x: f64| x.to_string());
    // By characters, as `format!` pads, not by display width.
    env.add_filter("ljust", |v: Value, width: usize| {
        format!("{:<width$}", v.to_string())
    });
    env.add_filter("rjust", |v: Value, width: usize| {
        format!("{:>width$}", v.to_string())
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// A stage's throughput as `12.3k rows/s`; `-` when it took no measurable
/// time.
fn rate(throughput: Option<f64>, unit: &str) -> String {
    throughput.map_or_else(|| "-".into(), |t| format!("{} {unit}/s", human(t)))
}

/// `12.3k`, `4.56M`: rates at a glance.
fn human(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2}G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.1}")
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Pipes would split a Markdown table cell.
fn md(s: &str) -> String {
    s.replace('|', "\\|")
}
