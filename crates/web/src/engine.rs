//! The page's link to its engine side ([`kubeplay_session`]): requests go out, replies come
//! back later through a callback, never in the same call. Components code against that
//! contract only.
//!
//! In the built site the session runs in a Web Worker (see [`crate::worker`]), so typing never
//! waits for Kustomize, Helm or the simulation, and the page's own wasm holds no engine. With
//! the `inline-engine` feature (the browser unit tests, which have no worker script to load)
//! the same JSON messages are answered in-process instead.

use crate::workspace::Workspace;
use kubeplay_session::live::{AppFileEdit, LiveCommand, LiveSnapshot};
use kubeplay_session::protocol::{reply_from_json, request_json, OriginsQuery, Reply, Request};
use kubeplay_session::provenance::Origin;
use kubeplay_session::render::Rendered;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use yew::Callback;

/// A finished render: what came out and how long the engine took (ms).
pub type RenderReply = (Rendered, f64);

type Pending = Box<dyn FnOnce(Reply)>;

#[derive(Default)]
struct Link {
    next_id: u64,
    pending: HashMap<u64, Pending>,
    /// Renders are coalesced: while one runs, only the newest workspace waits, so a burst
    /// of keystrokes costs two renders, not one per key.
    render_running: bool,
    render_waiting: Option<(Workspace, Callback<RenderReply>)>,
    on_failure: Option<Callback<String>>,
    transport: Option<transport::Transport>,
}

thread_local! {
    static LINK: RefCell<Link> = RefCell::new(Link::default());
}

/// Renders the workspace's target (`ws` without its commits: see
/// [`Workspace::without_history`]); `reply` gets the result. Requests made while a render runs
/// replace each other: only the newest is rendered next.
pub fn render(ws: Workspace, reply: Callback<RenderReply>) {
    let now = LINK.with(|l| {
        let mut l = l.borrow_mut();
        if l.render_running {
            l.render_waiting = Some((ws, reply));
            None
        } else {
            l.render_running = true;
            Some((ws, reply))
        }
    });
    if let Some((ws, reply)) = now {
        send_render(ws, reply);
    }
}

fn send_render(ws: Workspace, reply: Callback<RenderReply>) {
    send(
        Request::Render(Box::new(ws)),
        Box::new(move |r| {
            reply.emit(match r {
                Reply::Rendered { rendered, took_ms } => (rendered, took_ms),
                other => (Rendered::Idle(failure_text(other)), 0.0),
            });
            let next = LINK.with(|l| {
                let mut l = l.borrow_mut();
                let next = l.render_waiting.take();
                l.render_running = next.is_some();
                next
            });
            if let Some((ws, reply)) = next {
                send_render(ws, reply);
            }
        }),
    );
}

/// Asks where a rendered line came from; `reply` gets the origins, best first. A failure goes
/// to the [`on_failure`] callback instead (the line then shows no origins).
pub fn origins(query: OriginsQuery, reply: Callback<Vec<Origin>>) {
    send(
        Request::Origins(Box::new(query)),
        Box::new(move |r| match r {
            Reply::Origins(found) => reply.emit(found),
            other => report_failure(failure_text(other)),
        }),
    );
}

/// Writes a live view's rule into `text` (the Application file's text in the workspace);
/// `reply` gets the new text or why it cannot be written.
pub fn edit_file(edit: Box<AppFileEdit>, text: String, reply: Callback<Result<String, String>>) {
    send(
        Request::EditFile { edit, text },
        Box::new(move |r| match r {
            Reply::FileEdited(result) => reply.emit(result),
            other => reply.emit(Err(failure_text(other))),
        }),
    );
}

/// Sends a command to the live simulation; `reply` gets the snapshot after it. A failure
/// goes to the [`on_failure`] callback instead.
pub fn live(command: LiveCommand, reply: Callback<LiveSnapshot>) {
    send(
        Request::Live(command),
        Box::new(move |r| match r {
            Reply::Live(snapshot) => reply.emit(snapshot),
            other => report_failure(failure_text(other)),
        }),
    );
}

/// Where the page hears that the engine could not answer (a banner says it).
pub fn on_failure(callback: Callback<String>) {
    LINK.with(|l| l.borrow_mut().on_failure = Some(callback));
}

fn failure_text(reply: Reply) -> String {
    match reply {
        Reply::Invalid(why) => why,
        other => format!("the engine answered with the wrong reply: {other:?}"),
    }
}

fn report_failure(message: String) {
    web_sys::console::error_1(&message.clone().into());
    if let Some(cb) = LINK.with(|l| l.borrow().on_failure.clone()) {
        cb.emit(message);
    }
}

/// Starts the engine now, so its wasm loads while the page mounts rather than after.
pub fn start() {
    if let Err(why) = LINK.with(|l| ensure_transport(&mut l.borrow_mut()).map(|_| ())) {
        fail_all(why);
    }
}

fn ensure_transport(l: &mut Link) -> Result<&mut transport::Transport, String> {
    if l.transport.is_none() {
        l.transport = Some(transport::Transport::start(
            Rc::new(receive),
            Rc::new(fail_all),
        )?);
    }
    l.transport.as_mut().ok_or_else(|| "no engine".to_string())
}

fn send(request: Request, on_reply: Pending) {
    let text = LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.next_id += 1;
        let id = l.next_id;
        l.pending.insert(id, on_reply);
        request_json(id, &request)
    });
    let sent = LINK.with(|l| ensure_transport(&mut l.borrow_mut())?.post(text));
    if let Err(why) = sent {
        fail_all(why);
    }
}

/// A reply arrived: hand it to whoever asked.
fn receive(text: String) {
    match reply_from_json(&text) {
        Ok(envelope) => {
            let waiting = LINK.with(|l| l.borrow_mut().pending.remove(&envelope.id));
            if let Some(f) = waiting {
                f(envelope.body);
            }
        }
        Err(why) => report_failure(why),
    }
}

/// The engine stopped (or never started): every open request hears why, and the next
/// request starts a fresh engine.
fn fail_all(why: String) {
    let pending: Vec<Pending> = LINK.with(|l| {
        let mut l = l.borrow_mut();
        if let Some(dead) = l.transport.take() {
            // Dropped after this turn: the error handler that brought us here belongs to it.
            wasm_bindgen_futures::spawn_local(async move { drop(dead) });
        }
        l.render_running = false;
        l.render_waiting = None;
        l.pending.drain().map(|(_, f)| f).collect()
    });
    let message = format!("The engine stopped: {why}");
    for f in pending {
        f(Reply::Invalid(message.clone()));
    }
    report_failure(message);
}

#[cfg(not(feature = "inline-engine"))]
mod transport {
    //! The session in a Web Worker, spoken to in JSON text.
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{ErrorEvent, MessageEvent, Worker};

    /// Trunk writes the worker's loader next to index.html (see index.html); relative, so the
    /// site works under any sub-path.
    const SCRIPT: &str = "./kubeplay-worker_loader.js";

    pub struct Transport {
        worker: Worker,
        /// Messages wait here until the worker's wasm says it is listening.
        queued: Option<Vec<String>>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(ErrorEvent)>,
    }

    impl Transport {
        pub fn start(
            receive: Rc<dyn Fn(String)>,
            fail: Rc<dyn Fn(String)>,
        ) -> Result<Transport, String> {
            let worker =
                Worker::new(SCRIPT).map_err(|e| format!("cannot start {SCRIPT}: {e:?}"))?;
            let garbled = fail.clone();
            let on_message =
                Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                    match e.data().as_string() {
                        Some(text) if text == super::READY => super::worker_ready(),
                        Some(text) => receive(text),
                        None => garbled("the engine sent something that is not text".into()),
                    }
                });
            let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                e.prevent_default();
                fail(format!("{} ({}:{})", e.message(), e.filename(), e.lineno()));
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            Ok(Transport {
                worker,
                queued: Some(Vec::new()),
                _on_message: on_message,
                _on_error: on_error,
            })
        }

        pub fn post(&mut self, text: String) -> Result<(), String> {
            match &mut self.queued {
                Some(queue) => {
                    queue.push(text);
                    Ok(())
                }
                None => self
                    .worker
                    .post_message(&JsValue::from_str(&text))
                    .map_err(|e| format!("cannot reach the engine: {e:?}")),
            }
        }

        pub fn ready(&mut self) -> Result<(), String> {
            for text in self.queued.take().unwrap_or_default() {
                self.post(text)?;
            }
            Ok(())
        }
    }

    impl Drop for Transport {
        fn drop(&mut self) {
            self.worker.terminate();
        }
    }
}

#[cfg(feature = "inline-engine")]
mod transport {
    //! The session in-process, still spoken to in JSON and answered later, so the page
    //! behaves exactly as with the worker.
    use kubeplay_session::protocol::Session;
    use std::cell::RefCell;
    use std::rc::Rc;

    pub struct Transport {
        session: Rc<RefCell<Session>>,
        receive: Rc<dyn Fn(String)>,
    }

    impl Transport {
        pub fn start(
            receive: Rc<dyn Fn(String)>,
            _fail: Rc<dyn Fn(String)>,
        ) -> Result<Transport, String> {
            Ok(Transport {
                session: Rc::new(RefCell::new(Session::default())),
                receive,
            })
        }

        pub fn post(&mut self, text: String) -> Result<(), String> {
            let (session, receive) = (self.session.clone(), self.receive.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let reply = session
                    .borrow_mut()
                    .handle_json(&text, &crate::browser::now_ms);
                receive(reply);
            });
            Ok(())
        }

        #[allow(dead_code)] // the worker's handshake; in-process there is nothing to wait for
        pub fn ready(&mut self) -> Result<(), String> {
            Ok(())
        }
    }
}

/// What the worker posts once its wasm listens (see [`crate::worker`]).
pub const READY: &str = "kubeplay-engine-ready";

#[cfg_attr(feature = "inline-engine", allow(dead_code))]
fn worker_ready() {
    let result = LINK.with(|l| l.borrow_mut().transport.as_mut().map(|t| t.ready()));
    if let Some(Err(why)) = result {
        fail_all(why);
    }
}
