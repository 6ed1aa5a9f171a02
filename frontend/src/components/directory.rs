//! The account's sites and users, loaded once per screen, to show names instead of ids.

use domain::{SiteList, UserList};
use leptos::prelude::*;

use crate::api::{self, ApiError};

/// Sites and users of the account, to show names instead of ids.
#[derive(Clone, Copy)]
pub struct Directory {
    pub sites: LocalResource<Result<SiteList, ApiError>>,
    pub users: LocalResource<Result<UserList, ApiError>>,
}

impl Directory {
    pub fn new() -> Directory {
        Directory { sites: crate::busy::load(api::sites::list), users: LocalResource::new(api::users::list) }
    }

    /// A site's name; empty while loading or for no site. Reads the list in place: every
    /// table cell calls this, so it must not copy the list.
    pub fn site_name(&self, id: Option<uuid::Uuid>) -> String {
        match (id, &*self.sites.read()) {
            (Some(id), Some(Ok(list))) => name_of(list.items.iter().map(|s| (s.id, &s.name)), id),
            _ => String::new(),
        }
    }

    /// Every site as an `<option>` (value: its id), for a select.
    pub fn site_options(&self) -> impl IntoView {
        let sites = self.sites;
        move || {
            sites.get().and_then(Result::ok).map(|l| {
                l.items.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()
            })
        }
    }

    /// Every user as an `<option>` (value: their id), for a filter's select.
    pub fn user_options(&self) -> impl IntoView {
        user_options(self.users)
    }

    /// A user's name, like [`Directory::site_name`].
    pub fn user_name(&self, id: Option<uuid::Uuid>) -> String {
        match (id, &*self.users.read()) {
            (Some(id), Some(Ok(list))) => name_of(list.items.iter().map(|u| (u.id, &u.name)), id),
            _ => String::new(),
        }
    }
}

/// Every user of a loaded list as an `<option>` (value: their id), for a filter's select.
pub fn user_options(users: LocalResource<Result<UserList, ApiError>>) -> impl IntoView {
    move || {
        users.get().and_then(Result::ok).map(|l| {
            l.items.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name}</option> }).collect_view()
        })
    }
}

fn name_of<'a>(mut entries: impl Iterator<Item = (uuid::Uuid, &'a String)>, id: uuid::Uuid) -> String {
    entries.find(|(entry, _)| *entry == id).map(|(_, name)| name.clone()).unwrap_or_default()
}
