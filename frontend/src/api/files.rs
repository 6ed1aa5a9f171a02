//! A list of files behind one path: a card's attachments, a board's base card's, a client's.
//! The attachments widget (`components::attachments`) shows any of them.

use uuid::Uuid;

use super::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub struct FilesAt(String);

impl FilesAt {
    /// `path` lists the files (GET), takes a new one (POST `?filename=`), and is followed by
    /// `/{id}` for one file (GET to download, DELETE).
    pub fn new(path: String) -> FilesAt {
        FilesAt(path)
    }

    pub async fn list<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        super::get(&self.0).await
    }

    pub async fn upload(&self, file: &web_sys::File) -> Result<serde_json::Value, ApiError> {
        super::upload(&format!("{}?filename={}", self.0, super::encode(&file.name())), file).await
    }

    pub async fn download(&self, id: Uuid, filename: &str) -> Result<(), ApiError> {
        super::download(&format!("{}/{id}", self.0), filename).await
    }

    pub async fn delete(&self, id: Uuid) -> Result<(), ApiError> {
        super::delete(&format!("{}/{id}", self.0)).await
    }
}
