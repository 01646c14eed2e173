//! The dashboard: server-rendered HTML pages for the breach room, served
//! by the binary itself (MiniJinja templates, a stylesheet and a small
//! vanilla script, all compiled in; no Node.js or CDN at run time).
//!
//! Every page is a row of the route table (`routes::table`), behind the
//! same role gate as the API: viewer for reading, and the forms a page
//! shows (plan, send, scan, logout) post to the API routes themselves,
//! with the session's CSRF token in a hidden field that the script sends
//! as `X-CSRF-Token`. The pages never hold a personal value: customers
//! appear as counts, findings as the redacted excerpts the scan stored.
//!
//! Only the login form and the two static files are public. The login
//! form carries its own double-submit token (a SameSite=Strict cookie
//! set with the form), so another site cannot sign a browser in.

pub mod pages;
pub mod view;

use std::sync::OnceLock;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;
use serde_json::json;

use crate::error::ApiError;

const TEMPLATES: [(&str, &str); 10] = [
    ("macros.html", include_str!("templates/macros.html")),
    ("base.html", include_str!("templates/base.html")),
    ("login.html", include_str!("templates/login.html")),
    ("message.html", include_str!("templates/message.html")),
    ("incidents.html", include_str!("templates/incidents.html")),
    ("incident.html", include_str!("templates/incident.html")),
    ("live.html", include_str!("templates/live.html")),
    ("scans.html", include_str!("templates/scans.html")),
    ("scan.html", include_str!("templates/scan.html")),
    ("audit.html", include_str!("templates/audit.html")),
];

pub const CSS: &str = include_str!("static/app.css");
pub const JS: &str = include_str!("static/app.js");

/// What a page may load: its own stylesheet and script, nothing inline,
/// nothing from elsewhere, and no framing.
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Templates are compiled in and parsed by the tests; names ending
        // in .html are auto-escaped.
        for (name, src) in TEMPLATES {
            if let Err(e) = env.add_template(name, src) {
                tracing::error!(template = name, error = %e, "dashboard template does not parse");
            }
        }
        env
    })
}

/// Renders `name` with `ctx`.
pub(crate) fn render(name: &str, ctx: impl Serialize) -> Result<String, ApiError> {
    env()
        .get_template(name)
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(&ctx))))
        .map_err(|e| ApiError::internal(format!("rendering {name}: {e}")))
}

fn secure(res: &mut Response) {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// An HTML response with the dashboard's security headers.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    secure(&mut res);
    res
}

/// A static file (public: no data in it).
pub(crate) fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut res = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    secure(&mut res);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    res
}

/// A whole page saying one thing (errors, "sign in first").
fn message_page(status: StatusCode, title: &str, text: &str, login_next: Option<&str>) -> Response {
    let body = render(
        "message.html",
        json!({
            "title": title,
            "text": text,
            "status": status.as_u16(),
            "login_next": login_next,
            "me": null,
        }),
    )
    .unwrap_or_else(|_| format!("<!doctype html><title>{}</title>", status.as_u16()));
    html(status, body)
}

/// An error on a page: the API's error, answered as HTML.
pub struct PageError(pub ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let text = match &self.0 {
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "page failed");
                "Something went wrong on the server; the log has the cause.".to_string()
            }
            other => other.to_string(),
        };
        let title = status.canonical_reason().unwrap_or("Error");
        message_page(status, title, &text, None)
    }
}

pub type PageResult = Result<Response, PageError>;

/// A page path safe to come back to after signing in: absolute, no
/// scheme or host, plain characters only.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && p.len() <= 200
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b)) =>
        {
            p.to_string()
        }
        _ => "/incidents".to_string(),
    }
}

/// Wraps every page route outside the role gate: its 401 and 403 (JSON
/// from the gate) become pages, the 401 one sending the browser to the
/// login form with the page to come back to. The statuses stay.
pub(crate) async fn page_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    match res.status() {
        StatusCode::UNAUTHORIZED => message_page(
            StatusCode::UNAUTHORIZED,
            "Sign in required",
            "Sign in to see this page.",
            Some(&safe_next(Some(&path))),
        ),
        StatusCode::FORBIDDEN => message_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Your role may not see this page.",
            None,
        ),
        _ => res,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        let mut env = Environment::new();
        for (name, src) in TEMPLATES {
            env.add_template(name, src)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }

    #[test]
    fn only_plain_local_paths_are_returned_to() {
        assert_eq!(
            safe_next(Some("/incidents/INC-2026-0001")),
            "/incidents/INC-2026-0001"
        );
        for bad in [
            "//evil.example/x",
            "https://evil.example",
            "/a?b=c",
            "/a\"<",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/incidents", "{bad}");
        }
        assert_eq!(safe_next(None), "/incidents");
    }
}
