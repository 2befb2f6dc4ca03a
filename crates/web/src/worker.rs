//! The engine side's home in the browser: a dedicated Web Worker running
//! [`kubeplay_session`]. It answers each JSON request from the page with one JSON reply, in
//! order; the page's [`crate::engine`] pairs them by id.

use crate::engine::READY;
use kubeplay_session::protocol::Session;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Starts listening; called by the worker binary's `main` once its wasm is instantiated.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let session = RefCell::new(Session::default());
    let replies = scope.clone();
    let clock = {
        let perf = scope.performance();
        move || perf.as_ref().map_or(0.0, |p| p.now())
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let reply = match e.data().as_string() {
            Some(text) => session.borrow_mut().handle_json(&text, &clock),
            None => session
                .borrow_mut()
                .handle_json("a message that is not text", &clock),
        };
        let _ = replies.post_message(&JsValue::from_str(&reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handler must too.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}
