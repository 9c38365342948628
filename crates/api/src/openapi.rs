//! The OpenAPI document, generated from the handlers' annotations, and the docs page.

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "guildhall API",
        description = "Guilds, users, members and moderation records of a Discord community. \
            Exchange an API key at POST /api/auth/token, then send Authorization: Bearer <token>. \
            Snowflakes are strings; references between records (guild_id, user_id, mod_id) are internal ids. \
            Lists page with ?cursor= and ?limit= and return next_cursor."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Tokens and API keys"),
        (name = "guilds"), (name = "users"), (name = "members"), (name = "notes"),
        (name = "warnings"), (name = "moderation-cases"), (name = "persistent-roles"),
        (name = "temporary-roles"), (name = "channel-locks"), (name = "bump-stats"),
        (name = "command-usage"), (name = "presences"), (name = "staff", description = "The bot's status and the staff roster")
    )
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The browsable docs page at `/api/docs`, from the swagger-ui assets packaged in the
/// `swagger-ui-dist` crate (nothing is fetched at build or run time).
pub(crate) fn docs_router() -> Router {
    swagger_ui_dist::generate_routes(swagger_ui_dist::ApiDefinition {
        uri_prefix: "/api/docs",
        api_definition: swagger_ui_dist::OpenApiSource::Uri("/api/openapi.json"),
        title: Some("guildhall API"),
    })
}
