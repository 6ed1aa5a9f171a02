//! Per-account slots: a cap on how many of one kind of work an account runs at once here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

/// Concurrent runs of one kind of work per account on this instance (the CSV export):
/// what one tenant can hold at once.
pub struct AccountSlots {
    per_account: usize,
    running: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// One running piece of work; its slot is given back when it is dropped (the work ended,
/// failed, or its client went away).
pub struct AccountSlot {
    running: Arc<Mutex<HashMap<Uuid, usize>>>,
    account_id: Uuid,
}

impl AccountSlots {
    pub fn new(per_account: usize) -> AccountSlots {
        AccountSlots { per_account, running: Arc::default() }
    }

    pub fn take(&self, account_id: Uuid) -> Option<AccountSlot> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let count = running.entry(account_id).or_default();
        if *count >= self.per_account {
            return None;
        }
        *count += 1;
        Some(AccountSlot { running: self.running.clone(), account_id })
    }
}

impl Drop for AccountSlot {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = running.get_mut(&self.account_id) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.account_id);
            }
        }
    }
}
