//! The page's link to its engine side ([`kubeplay_session`]): requests go out, replies come
//! back later through a callback, never in the same call. Components code against that
//! contract only, so the engines can run in a Web Worker without the views changing.

use kubeplay_session::live::{LiveCommand, LiveSession, LiveSnapshot};
use std::cell::RefCell;
use yew::Callback;

thread_local! {
    static LIVE: RefCell<LiveSession> = RefCell::new(LiveSession::default());
}

/// Sends a command to the live simulation; `reply` gets the snapshot after it.
pub fn live(command: LiveCommand, reply: Callback<LiveSnapshot>) {
    wasm_bindgen_futures::spawn_local(async move {
        let snapshot = LIVE.with(|s| s.borrow_mut().handle(command));
        reply.emit(snapshot);
    });
}
