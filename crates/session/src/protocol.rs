//! What the page asks of its engine side and what it gets back.
//!
//! In the browser, requests and replies cross a Web Worker boundary as JSON text in an
//! [`Envelope`] whose id pairs a reply with its request; natively, tests call
//! [`Session::handle`] directly. The session keeps the live simulation between requests;
//! rendering is a pure function of the workspace it is sent.

use crate::live::{LiveCommand, LiveSession, LiveSnapshot};
use crate::render::{self, Rendered};
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};

/// A request from the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Render the workspace's target. The page sends it without its commits: rendering
    /// never reads them, and they can be large.
    Render(Box<Workspace>),
    Live(LiveCommand),
}

/// The engine side's answer to one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    Rendered {
        rendered: Rendered,
        took_ms: f64,
    },
    Live(LiveSnapshot),
    /// The request could not be read: the two sides disagree, which is a bug worth saying.
    Invalid(String),
}

/// A message with the id that pairs a reply with its request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub id: u64,
    pub body: T,
}

/// The engine side of one page.
#[derive(Default)]
pub struct Session {
    live: LiveSession,
}

impl Session {
    /// Answers a request; `clock` reads milliseconds (the worker's `performance.now()`),
    /// so the render time the page shows is the engine's own.
    pub fn handle(&mut self, request: Request, clock: &dyn Fn() -> f64) -> Reply {
        match request {
            Request::Render(ws) => {
                let start = clock();
                let rendered = render::render(&ws);
                Reply::Rendered {
                    rendered,
                    took_ms: clock() - start,
                }
            }
            Request::Live(command) => Reply::Live(self.live.handle(command)),
        }
    }

    /// The worker's entry: an envelope of a request in, the envelope of its reply out.
    pub fn handle_json(&mut self, text: &str, clock: &dyn Fn() -> f64) -> String {
        let reply = match serde_json::from_str::<Envelope<Request>>(text) {
            Ok(Envelope { id, body }) => Envelope {
                id,
                body: self.handle(body, clock),
            },
            Err(e) => Envelope {
                id: envelope_id(text),
                body: Reply::Invalid(format!("unreadable request: {e}")),
            },
        };
        serde_json::to_string(&reply).unwrap_or_else(|e| {
            // Only a non-finite float could fail here; say so instead of going silent.
            format!(
                r#"{{"id":{},"body":{{"Invalid":"unwritable reply: {}"}}}}"#,
                reply.id,
                e.to_string().replace('"', "'")
            )
        })
    }
}

/// The id of a request whose body could not be read, so its sender still hears back.
fn envelope_id(text: &str) -> u64 {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64))
        .unwrap_or(0)
}

/// The JSON envelope of a request, as the page sends it.
pub fn request_json(id: u64, request: &Request) -> String {
    serde_json::to_string(&Envelope { id, body: request })
        .expect("requests hold strings, maps and integers only")
}

/// Reads a reply envelope, as the page receives it.
pub fn reply_from_json(text: &str) -> Result<Envelope<Reply>, String> {
    serde_json::from_str(text).map_err(|e| format!("unreadable reply from the engine: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;

    fn clock() -> f64 {
        0.0
    }

    #[test]
    fn a_render_round_trips_through_json() {
        let mut session = Session::default();
        let mut ws = examples::KUSTOMIZE.workspace();
        ws.history.clear();
        let text = session.handle_json(&request_json(7, &Request::Render(Box::new(ws))), &clock);
        let reply = reply_from_json(&text).unwrap();
        assert_eq!(reply.id, 7);
        match reply.body {
            Reply::Rendered {
                rendered: Rendered::Output(out),
                ..
            } => assert!(out.text.contains("image: new-nginx:1.23.1"), "{}", out.text),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unreadable_request_is_answered_with_its_id() {
        let mut session = Session::default();
        let text = session.handle_json(r#"{"id":3,"body":{"Bogus":1}}"#, &clock);
        let reply = reply_from_json(&text).unwrap();
        assert_eq!(reply.id, 3);
        assert!(
            matches!(&reply.body, Reply::Invalid(m) if m.contains("unreadable request")),
            "{reply:?}"
        );
        let text = session.handle_json("not json", &clock);
        assert!(matches!(
            reply_from_json(&text).unwrap().body,
            Reply::Invalid(_)
        ));
    }
}
