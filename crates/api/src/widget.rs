//! The chat widget's script (`/widget.js`) and a demo customer page (`/demo?site_key=…`),
//! both compiled into the binary so every deployment serves the widget its API speaks to.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

pub const WIDGET_JS: &str = include_str!("../../../widget/widget.js");
const DEMO_HTML: &str = include_str!("../../../widget/demo.html");

pub async fn widget_js() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/javascript; charset=utf-8"))
        // Short: a deploy reaches every customer page within minutes.
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        // Loaded by other sites' pages.
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        .body(WIDGET_JS)
}

#[derive(Deserialize)]
pub struct DemoQuery {
    site_key: Option<String>,
}

/// A fake customer page with the widget, for trying the desk alone (`make run` prints its
/// address with the demo site's key).
pub async fn demo_page(req: HttpRequest, query: web::Query<DemoQuery>) -> HttpResponse {
    let key = query.site_key.clone().unwrap_or_default();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || key.len() > 64 {
        return HttpResponse::BadRequest()
            .content_type("text/plain; charset=utf-8")
            .body("Open /demo?site_key=site_… with one of your sites' public keys (Settings → Sites).");
    }
    let origin = format!("{}://{}", req.connection_info().scheme(), req.connection_info().host());
    let page = DEMO_HTML.replace("__SITE_KEY__", &key).replace("__ORIGIN__", &html_escape(&origin));
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
