//! Who is calling: signed tokens, API keys and the cache of users' current role and state.
//! The screens and routes that sign people in are the `auth` feature.

pub(crate) mod keys;
pub(crate) mod principals;
pub(crate) mod tokens;
