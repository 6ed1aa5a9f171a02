//! Serves the built SPA; unknown non-API paths get `index.html` so client routes deep-link.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};

pub fn files(dir: PathBuf) -> Files {
    let index = dir.join("index.html");
    Files::new("/", dir).index_file("index.html").default_handler(fn_service(move |req: ServiceRequest| {
        let index = index.clone();
        async move {
            let (req, _) = req.into_parts();
            let file = NamedFile::open_async(index).await?;
            let res = file.into_response(&req);
            Ok(ServiceResponse::new(req, res))
        }
    }))
}
