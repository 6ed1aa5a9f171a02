//! A screen's async work behind a button: `Busy` runs futures and says whether any still
//! runs; `Task` is the same with the work written once and started with an input, as Leptos's
//! `Action` is. Leptos's `Action` is generic over its input, output and future, and each of
//! the app's seventy compiled its own copy of its machinery; these are compiled once (plus a
//! small `Task` per input type). `Action` stays where a screen reads the work's result
//! (`action.value()`). Measured in docs/STYLE.md, "Weight".

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;

type Work = Pin<Box<dyn Future<Output = ()>>>;

/// Work in flight: started by [`Busy::run`], counted until it ends.
#[derive(Clone, Copy)]
pub struct Busy {
    running: RwSignal<u32>,
    pending: Memo<bool>,
    /// The component that made it: the work runs under it, so it reaches the component's
    /// context (toasts, the router…) after an `await`, as an `Action`'s does.
    owner: StoredValue<Option<Owner>, LocalStorage>,
}

impl Busy {
    pub fn new() -> Busy {
        let running = RwSignal::new(0u32);
        Busy {
            running,
            pending: Memo::new(move |_| running.get() > 0),
            owner: StoredValue::new_local(Owner::current()),
        }
    }

    /// Whether some work runs: reactive, for `disabled=`.
    pub fn pending(self) -> Memo<bool> {
        self.pending
    }

    /// Runs `work` (beside any already running, as an `Action` would).
    pub fn run(self, work: impl Future<Output = ()> + 'static) {
        self.start(Box::pin(work))
    }

    fn start(self, work: Work) {
        self.running.update(|n| *n += 1);
        let owner = self.owner.try_get_value().flatten().unwrap_or_default();
        let work = ScopedFuture { owner, observer: None, fut: work };
        leptos::task::spawn_local(async move {
            work.await;
            // The screen may be gone by the time the work ends.
            let _ = self.running.try_update(|n| *n -= 1);
        });
    }
}

/// Work written once and started with an input: `Task::new(|input: &I| async move {…})`,
/// then `task.dispatch(input)`.
pub struct Task<I: 'static> {
    busy: Busy,
    work: StoredValue<Box<dyn Fn(I) -> Work>, LocalStorage>,
}

impl<I: 'static> Clone for Task<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for Task<I> {}

impl<I: 'static> Task<I> {
    pub fn new<F, Fut>(work: F) -> Task<I>
    where
        F: Fn(&I) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let work: Box<dyn Fn(I) -> Work> = Box::new(move |input: I| Box::pin(work(&input)));
        Task { busy: Busy::new(), work: StoredValue::new_local(work) }
    }

    pub fn dispatch(&self, input: I) {
        if let Some(work) = self.work.try_with_value(|work| work(input)) {
            self.busy.start(work);
        }
    }

    /// Whether a dispatched run is still going: reactive.
    pub fn pending(&self) -> Memo<bool> {
        self.busy.pending
    }
}

type Fetch<T> = Box<dyn Fn() -> Pin<Box<dyn Future<Output = T>>>>;

/// `LocalResource::new`, compiled once per value type rather than once per call site:
/// Leptos builds a resource's whole loading machinery (about 2 KB of wasm) for each fetcher
/// type, and every closure is a type of its own. Behind a box, the fetchers of one value type
/// share it. Signals read by `fetch` before its first `await` are tracked as before.
pub fn load<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> LocalResource<T>
where
    T: 'static,
    Fut: Future<Output = T> + 'static,
{
    load_boxed(Box::new(move || Box::pin(fetch())))
}

fn load_boxed<T: 'static>(fetch: Fetch<T>) -> LocalResource<T> {
    LocalResource::new(fetch)
}
