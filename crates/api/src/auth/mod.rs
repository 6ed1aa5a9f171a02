//! Sign-up, login, token refresh, logout, password reset and the caller's profile.
//!
//! `routes`: the login, refresh, logout and profile handlers and the session's response;
//! `signup` and `password_reset`: those flows' handlers; `sessions` and `login_limits`: their
//! SQL, on a connection; `password`: hashing, off the async threads.

pub mod login_limits;
pub mod password;
pub mod password_reset;
mod routes;
pub mod sessions;
pub mod signup;

pub(crate) use routes::{remember_lang, routes, session_response};
pub(crate) use sessions::create_user_from_link;
