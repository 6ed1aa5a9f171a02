//! HTTP rules that hold for every route, derived from the OpenAPI paths so they cannot
//! drift from them: HEAD wherever GET exists, 405 with `Allow` for a known path with an
//! unsupported method, and control characters refused in query strings.

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::platform::error::ApiError;
use crate::platform::http::extract::control_char_error;

/// Documented path templates (`/api/v1/contacts/{id}`), their methods, and which of those
/// methods take query parameters.
pub struct RouteTable {
    routes: Vec<Route>,
}

pub struct Route {
    segments: Vec<Segment>,
    methods: Vec<&'static str>,
    with_query: Vec<&'static str>,
    access: Vec<(&'static str, Access)>,
}

/// Who may call an operation that needs a person's or an integration's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// A user's token, or an API key holding this scope (`""`: any live key).
    Key(String),
    /// An API key holding this scope only (`POST /leads`, `whoami`).
    KeyOnly(String),
    /// A user's token only.
    PeopleOnly,
}

/// One documented path as the spec lists it.
pub struct RouteSpec {
    /// `/api/v1/contacts/{id}`
    pub template: String,
    pub methods: Vec<&'static str>,
    /// The methods that take query parameters.
    pub with_query: Vec<&'static str>,
    /// The methods that need a user's token or an API key, and which keys may call them.
    /// Public methods and those taking other credentials (site key, visitor) are absent.
    pub access: Vec<(&'static str, Access)>,
}

enum Segment {
    Literal(String),
    Param,
}

impl RouteTable {
    /// From the paths as `openapi::routes` lists them.
    pub fn new(paths: Vec<RouteSpec>) -> RouteTable {
        let routes = paths
            .into_iter()
            .map(|RouteSpec { template, methods, with_query, access }| Route {
                segments: template
                    .trim_start_matches('/')
                    .split('/')
                    .map(|s| if s.starts_with('{') { Segment::Param } else { Segment::Literal(s.to_string()) })
                    .collect(),
                methods,
                with_query,
                access,
            })
            .collect();
        RouteTable { routes }
    }

    /// The documented path `path` matches, preferring the template with the most literal
    /// segments (`/contacts/export.csv` over `/contacts/{id}`).
    pub fn route_for(&self, path: &str) -> Option<&Route> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.routes
            .iter()
            .filter(|route| {
                route.segments.len() == parts.len()
                    && route.segments.iter().zip(&parts).all(|(seg, part)| match seg {
                        Segment::Literal(lit) => lit == part,
                        Segment::Param => !part.is_empty(),
                    })
            })
            .max_by_key(|route| route.segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count())
    }

    pub fn methods_for(&self, path: &str) -> Option<&[&'static str]> {
        self.route_for(path).map(|route| route.methods.as_slice())
    }

    /// Who may call `method` on `path` (HEAD as GET), when it needs a token or a key.
    pub fn access_for(&self, method: &str, path: &str) -> Option<Access> {
        let method = if method == "HEAD" { "GET" } else { method };
        let route = self.route_for(path)?;
        route.access.iter().find(|(m, _)| *m == method).map(|(_, access)| access.clone())
    }
}

pub fn route_table(req: &HttpRequest) -> Option<&RouteTable> {
    req.app_data::<web::Data<Arc<RouteTable>>>().map(|table| table.as_ref().as_ref())
}

/// Routes HEAD as GET where the path has a GET (actix-http then sends the headers only),
/// refuses control characters in the query of an operation that reads one, and gives
/// actix's own bare 405s the `Allow` header and problem body.
pub async fn http_rules_middleware<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let route = route_table(req.request()).and_then(|table| table.route_for(req.path()));
    let method = req.method().as_str().to_owned();
    let reads_query =
        route.is_some_and(|r| r.with_query.iter().any(|m| *m == method || (*m == "GET" && method == "HEAD")));
    if reads_query {
        if let Some(field) = query_control_char_field(req.query_string()) {
            let res = control_char_error(field).error_response();
            return Ok(req.into_response(res));
        }
    }
    if let Some(route) = route {
        // Before routing: `PATCH /contacts/export.csv` would otherwise reach `PATCH /contacts/{id}`.
        if !route.methods.iter().any(|m| *m == method) {
            let res = ApiError::MethodNotAllowed(route.methods.join(", ")).error_response();
            return Ok(req.into_response(res));
        }
    }
    let head = req.method() == Method::HEAD && route.is_some();
    if head {
        req.head_mut().method = Method::GET;
    }
    let res = next.call(req).await?.map_into_boxed_body();
    if head && matches!(res.response().body().size(), actix_web::body::BodySize::Stream) {
        // A streamed body (CSV export) would be produced only to be thrown away.
        return Ok(res.map_body(|_, _| BoxBody::new(())));
    }
    Ok(res)
}

/// The query parameter whose decoded name or value holds a control character.
fn query_control_char_field(query: &str) -> Option<String> {
    if !query.contains('%') {
        return None; // raw control characters cannot be in a request line
    }
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(name);
        (domain::text::has_control(&name) || domain::text::has_control(&percent_decode(value))).then_some(name)
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The handler of last resort: 405 with `Allow` when the path is documented but not for
/// this method, else the problem+json 404.
pub async fn fallback(req: HttpRequest) -> HttpResponse {
    let methods = route_table(&req).and_then(|table| table.methods_for(req.path()));
    match methods {
        Some(methods) => ApiError::MethodNotAllowed(methods.join(", ")).error_response(),
        None => ApiError::NotFound.error_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        let spec = |template: &str, methods, with_query, access| RouteSpec {
            template: template.into(),
            methods,
            with_query,
            access,
        };
        let key = |scope: &str| Access::Key(scope.into());
        RouteTable::new(vec![
            spec(
                "/api/v1/contacts/{id}",
                vec!["GET", "HEAD", "PATCH"],
                vec![],
                vec![("GET", key("contacts:read")), ("PATCH", Access::PeopleOnly)],
            ),
            spec("/api/v1/contacts/export.csv", vec!["GET", "HEAD"], vec!["GET"], vec![]),
            spec("/api/v1/contacts", vec!["GET", "HEAD", "POST"], vec!["GET"], vec![("POST", key("contacts:write"))]),
        ])
    }

    #[test]
    fn the_most_literal_template_wins() {
        let t = table();
        assert_eq!(t.methods_for("/api/v1/contacts/export.csv"), Some(&["GET", "HEAD"][..]));
        assert_eq!(t.methods_for("/api/v1/contacts/abc"), Some(&["GET", "HEAD", "PATCH"][..]));
        assert_eq!(t.methods_for("/api/v1/contacts"), Some(&["GET", "HEAD", "POST"][..]));
        assert_eq!(t.methods_for("/api/v1/contacts/abc/zzz"), None);
        assert_eq!(t.methods_for("/api/v1/contacts/"), None);
    }

    #[test]
    fn a_key_needs_the_scope_its_operation_names() {
        let t = table();
        let key = |scope: &str| Some(Access::Key(scope.into()));
        assert_eq!(t.access_for("GET", "/api/v1/contacts/abc"), key("contacts:read"));
        assert_eq!(t.access_for("HEAD", "/api/v1/contacts/abc"), key("contacts:read"));
        assert_eq!(t.access_for("PATCH", "/api/v1/contacts/abc"), Some(Access::PeopleOnly));
        assert_eq!(t.access_for("GET", "/api/v1/contacts/export.csv"), None);
        assert_eq!(t.access_for("POST", "/api/v1/contacts"), key("contacts:write"));
        assert_eq!(t.access_for("GET", "/api/v1/nothing"), None);
    }

    #[test]
    fn control_characters_in_queries_are_found_by_name() {
        assert_eq!(query_control_char_field("q=ana&limit=5"), None);
        assert_eq!(query_control_char_field("q=S%C3%A3o+Paulo"), None);
        assert_eq!(query_control_char_field("limit=5&q=a%00b").as_deref(), Some("q"));
        assert_eq!(query_control_char_field("tag=%1B").as_deref(), Some("tag"));
        assert_eq!(query_control_char_field("q=%C2%85").as_deref(), Some("q"));
        assert_eq!(query_control_char_field("q=%").as_deref(), None);
    }
}
