//! Password hashing with argon2id.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::platform::error::ApiError;

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing password: {e}")))
}

/// Checks a password. With no stored hash (unknown e-mail) it still does the work of a
/// check, so response time does not reveal which e-mails exist.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    const DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zg6X1l1vUqQtNql7Q2y8b2bq3l8k3m3yJm3pXbJ9xkA";
    let parsed = match PasswordHash::new(stored.unwrap_or(DUMMY)) {
        Ok(p) => p,
        Err(_) => return false,
    };
    let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    ok && stored.is_some()
}

/// [`hash_password`] on the blocking pool: hashing takes tens of milliseconds of CPU.
pub async fn hash_password_off_thread(password: String) -> Result<String, ApiError> {
    actix_web::web::block(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing task failed: {e}")))?
}

/// [`verify_password`] on the blocking pool.
pub async fn verify_password_off_thread(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    actix_web::web::block(move || verify_password(&password, stored.as_deref()))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("verification task failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
    }
}
