//! What the page asks of its engine side and what it gets back.
//!
//! In the browser, requests and replies cross a Web Worker boundary as JSON text in an
//! [`Envelope`] whose id pairs a reply with its request; natively, tests call
//! [`Session::handle`] directly. The session keeps the live simulation between requests;
//! rendering is a pure function of the workspace it is sent (the session only keeps parses
//! to make the next render faster).

use crate::live::{AppFileEdit, LiveCommand, LiveSession, LiveSnapshot};
use crate::provenance::{self, Origin};
use crate::render::{self, Rendered, Target};
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};

/// A request from the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Render the workspace's target. The page sends it without its commits: rendering
    /// never reads them, and they can be large.
    Render(Box<Workspace>),
    /// Where a line of a render came from (see [`provenance`]): asked on a hover or a click,
    /// so the page never parses YAML itself.
    Origins(Box<OriginsQuery>),
    /// A rule the live view writes into an Application file (see
    /// [`LiveSnapshot::file_edit`]), applied to the file's text in the page's workspace.
    EditFile {
        edit: Box<AppFileEdit>,
        text: String,
    },
    Live(LiveCommand),
}

/// A rendered line, with the render it belongs to: the workspace (without its commits) and
/// the target and text that were rendered from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OriginsQuery {
    pub workspace: Workspace,
    pub target: Target,
    pub rendered: String,
    /// 1-based.
    pub line: usize,
}

/// The engine side's answer to one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    Rendered {
        rendered: Rendered,
        took_ms: f64,
    },
    /// The origins of the asked line, best first; empty when the engine made the line.
    Origins(Vec<Origin>),
    /// The file's new text, or why the rule cannot be written into it.
    FileEdited(Result<String, String>),
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
    renders: render::RenderCache,
}

impl Session {
    /// Answers a request; `clock` reads milliseconds (the worker's `performance.now()`),
    /// so the render time the page shows is the engine's own.
    pub fn handle(&mut self, request: Request, clock: &dyn Fn() -> f64) -> Reply {
        match request {
            Request::Render(ws) => {
                let start = clock();
                let rendered = render::render_cached(&ws, &mut self.renders);
                Reply::Rendered {
                    rendered,
                    took_ms: clock() - start,
                }
            }
            Request::Origins(q) => Reply::Origins(provenance::origins(
                &q.workspace,
                &q.target,
                &q.rendered,
                q.line,
            )),
            Request::EditFile { edit, text } => Reply::FileEdited(edit.apply(&text)),
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
    use kubeplay_views::diff_view::IgnoreRule;

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

    /// The session keeps chart parses between renders; each render must still be what a
    /// fresh render of the same workspace gives, after an edit of a helper or a template.
    #[test]
    fn renders_in_a_session_match_fresh_renders_after_edits() {
        let mut session = Session::default();
        let mut ws = examples::HELM.workspace();
        ws.history.clear();
        let mut check = |ws: &Workspace| {
            let reply = session.handle(Request::Render(Box::new(ws.clone())), &clock);
            let Reply::Rendered { rendered, .. } = reply else {
                panic!("{reply:?}");
            };
            assert_eq!(rendered, render::render(ws));
            rendered
        };
        let Rendered::Output(first) = check(&ws) else {
            panic!("the example renders");
        };
        let helpers = "/mychart/templates/_helpers.tpl";
        let edited = ws.files[helpers].replace(".Chart.Name", "\"renamed\"");
        assert_ne!(edited, ws.files[helpers]);
        ws.files.insert(helpers.into(), edited);
        let Rendered::Output(second) = check(&ws) else {
            panic!("the edited chart renders");
        };
        assert_ne!(first.text, second.text);
        ws.files.insert(
            "/mychart/templates/service.yaml".into(),
            "{{ include \"nope\" . }}".into(),
        );
        assert!(
            matches!(check(&ws), Rendered::Failed(..)),
            "an error, not a stale render"
        );
    }

    #[test]
    fn origins_round_trip_through_json() {
        let mut session = Session::default();
        let mut ws = examples::KUSTOMIZE.workspace();
        ws.history.clear();
        let Rendered::Output(out) = render::render(&ws) else {
            panic!("the example renders");
        };
        let line = out
            .text
            .lines()
            .position(|l| l.contains("image: new-nginx"))
            .expect("the image line")
            + 1;
        let query = OriginsQuery {
            workspace: ws.clone(),
            target: out.target.clone(),
            rendered: out.text.clone(),
            line,
        };
        let text =
            session.handle_json(&request_json(9, &Request::Origins(Box::new(query))), &clock);
        let reply = reply_from_json(&text).unwrap();
        assert_eq!(reply.id, 9);
        let expected = provenance::origins(&ws, &out.target, &out.text, line);
        assert!(!expected.is_empty());
        assert_eq!(reply.body, Reply::Origins(expected));
    }

    #[test]
    fn a_file_edit_round_trips_through_json() {
        let mut session = Session::default();
        let edit = AppFileEdit {
            path: "/app.yaml".into(),
            app: "web".into(),
            rule: IgnoreRule {
                group: "apps".into(),
                kind: "Deployment".into(),
                name: "web".into(),
                namespace: String::new(),
                json_pointer: "/spec/replicas".into(),
            },
        };
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  project: default\n";
        let ask = |text: &str| Request::EditFile {
            edit: Box::new(edit.clone()),
            text: text.to_string(),
        };
        let reply = session.handle_json(&request_json(4, &ask(text)), &clock);
        let reply = reply_from_json(&reply).unwrap();
        assert_eq!(reply.id, 4);
        assert_eq!(reply.body, Reply::FileEdited(edit.apply(text)));
        assert!(matches!(&reply.body, Reply::FileEdited(Ok(t)) if t.contains("/spec/replicas")));
        // A file that no longer holds the app says so.
        let reply = session.handle_json(&request_json(5, &ask("kind: ConfigMap\n")), &clock);
        assert!(matches!(
            reply_from_json(&reply).unwrap().body,
            Reply::FileEdited(Err(why)) if why.contains("no Application named")
        ));
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
