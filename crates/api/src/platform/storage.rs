//! Where uploaded files live: the `object_store` crate over the local filesystem (the default:
//! `DATA_DIR/attachments`) or any S3-compatible store (`STORAGE_URL=s3://bucket`, settings from
//! the `AWS_*` environment: endpoint, region, keys, `AWS_ALLOW_HTTP`).
//!
//! Keys are made by the server (`<account>/<uuid>`), never from a file name, so no upload can
//! reach outside its own object. An object is never rewritten, so rows may share one (a base
//! card's file and every card made from it): an object goes only once no row names it
//! ([`Storage::release`]).

use std::sync::Arc;

use actix_web::web::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

use diesel::dsl::exists;
use diesel::prelude::*;

use crate::platform::config::Config;
use crate::platform::db::schema::{board_base_attachments, card_attachments, contact_files};
use crate::platform::db::Db;
use crate::platform::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

fn failed(err: object_store::Error) -> ApiError {
    match err {
        object_store::Error::NotFound { .. } => ApiError::NotFound,
        other => ApiError::Unavailable(format!("file storage: {other}")),
    }
}

impl Storage {
    pub fn from_config(config: &Config) -> anyhow::Result<Storage> {
        let store: Arc<dyn ObjectStore> = match &config.storage_url {
            Some(url) => {
                let url = url::Url::parse(url).map_err(|e| anyhow::anyhow!("STORAGE_URL: {e}"))?;
                let (store, prefix) = object_store::parse_url_opts(&url, config.storage_options.clone())?;
                if !prefix.as_ref().is_empty() {
                    anyhow::bail!("STORAGE_URL names a bucket only (s3://bucket), not a path inside it");
                }
                Arc::from(store)
            }
            None => {
                let dir = config.data_dir.join("attachments");
                std::fs::create_dir_all(&dir)?;
                Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?)
            }
        };
        Ok(Storage { store })
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> ApiResult<()> {
        self.store.put(&Path::from(key), PutPayload::from_bytes(bytes)).await.map_err(failed)?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> ApiResult<Bytes> {
        let object = self.store.get(&Path::from(key)).await.map_err(failed)?;
        object.bytes().await.map_err(failed)
    }

    /// Best effort: a file left behind costs space, not correctness.
    pub async fn delete(&self, key: &str) {
        if let Err(err) = self.store.delete(&Path::from(key)).await {
            tracing::warn!(error = %err, key, "could not delete a stored file");
        }
    }

    /// After the rows naming `keys` were deleted and committed: deletes the objects no row
    /// names any more. Best effort, like [`Storage::delete`].
    pub async fn release(&self, db: &Db, keys: Vec<String>) {
        if keys.is_empty() {
            return;
        }
        let unused = db
            .run(move |conn| {
                let mut unused = Vec::new();
                for key in keys {
                    let on_cards = exists(card_attachments::table.filter(card_attachments::storage_key.eq(&key)));
                    let on_bases =
                        exists(board_base_attachments::table.filter(board_base_attachments::storage_key.eq(&key)));
                    let on_clients = exists(contact_files::table.filter(contact_files::storage_key.eq(&key)));
                    if !diesel::select(on_cards.or(on_bases).or(on_clients)).get_result::<bool>(conn)? {
                        unused.push(key);
                    }
                }
                Ok(unused)
            })
            .await;
        match unused {
            Ok(keys) => {
                for key in keys {
                    self.delete(&key).await;
                }
            }
            Err(err) => tracing::warn!(error = %err, "could not tell which stored files are unused"),
        }
    }
}
