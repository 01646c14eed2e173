//! The OpenAPI document, generated from the handlers' `#[utoipa::path]`
//! attributes. Each operation's security scope names the least role it
//! needs; a test checks this against the route table the router is built
//! from.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dashboard::pages as dash;
use crate::routes::{admin, affected, audit, incidents, notices, scans, session, system};

#[derive(OpenApi)]
#[openapi(
    info(title = "breachwatch", description = "Breach room API: incidents, evidence, affected customers, obligations, notices, audit, scans and jobs. Every operation but /healthz and the login needs a bearer token or a session cookie (plus X-CSRF-Token on state changes); its security scope is the least role it needs."),
    paths(
        system::healthz, system::metrics, system::openapi, system::registry_stats,
        session::login, session::logout, session::whoami,
        incidents::list, incidents::create, incidents::show, incidents::set_status,
        incidents::upload_evidence,
        affected::page, affected::obligations, affected::compute_obligations,
        notices::lint, notices::plan, notices::status, notices::proof, notices::send,
        audit::incident_log, audit::incident_verify, audit::system_log, audit::system_verify,
        scans::start, scans::findings, scans::scope, scans::jobs, scans::job, scans::cancel,
        scans::rerun,
        admin::tokens, admin::create_token, admin::revoke_token, admin::users,
        admin::add_user, admin::disable_user,
        dash::home, dash::login_form, dash::login_submit, dash::incidents, dash::incident,
        dash::incident_live, dash::scans, dash::scan, dash::audit, dash::css, dash::js,
    ),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}
