//! The OpenAPI document: paths come from the handlers' `#[utoipa::path]`, collected by
//! `utoipa_actix_web` as routes are registered, so a route cannot be missing from it.

use actix_web::App;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Prospecta API",
        version = "1.0.0",
        description = "CRM for leads from chatbots, live chat, forms and integrations.\n\n\
            Users authenticate with `POST /api/v1/auth/login` and send the access token as \
            `Authorization: Bearer …`. Integrations send an API key as `X-Api-Key`. Errors are \
            `application/problem+json` (RFC 9457) with per-field `errors`.",
        license(name = "MIT")
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Sign-up, login, tokens"),
        (name = "users", description = "Users of an account"),
        (name = "sites", description = "Websites and their public keys"),
        (name = "api-keys", description = "Integration API keys"),
        (name = "contacts", description = "The lead CRM: clients, notes, change log, merges"),
        (name = "notifications", description = "In-app notifications"),
        (name = "integration", description = "Endpoints for integrations (API key or site key)"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components
            .add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))));
    }
}

/// The spec exactly as the server serves it at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(crate::configure_api).split_for_parts();
    api
}

/// Pretty JSON with a trailing newline: the form committed as `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = openapi().to_pretty_json().expect("the OpenAPI document serialises");
    json.push('\n');
    json
}
