//! Who is signed in, shared through context.

use domain::{Role, UserView};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    /// `None` while the first refresh is in flight, then `Some(None)` when signed out.
    pub user: RwSignal<Option<Option<UserView>>>,
}

impl Session {
    pub fn is_admin(&self) -> bool {
        self.user.with(|u| matches!(u, Some(Some(user)) if user.role == Role::Admin))
    }

    pub fn current(&self) -> Option<UserView> {
        self.user.get().flatten()
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
