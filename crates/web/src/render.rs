//! What the output pane shows for a file: pure, so it is tested natively.
//!
//! Plain manifests render to their documents, re-emitted the way `kubectl kustomize` prints
//! YAML (keys sorted, go-yaml's quoting), plus a one-line summary per object. The kustomize and helm engines plug in here as
//! they land, keyed on what the selected path is.

use kubeplay_yaml::{emit_json_documents, to_json, EmitOptions, Node, Value};

/// A located problem, for the problems panel and the editor gutter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based; 0 when the problem has no position.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One rendered object, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSummary {
    pub kind: String,
    pub name: String,
    /// Where the document starts in the source.
    pub line: usize,
}

/// The result of rendering: either output or the errors that stopped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    Output {
        engine: &'static str,
        text: String,
        objects: Vec<ObjectSummary>,
    },
    Failed(Vec<Diagnostic>),
}

/// Renders one plain-manifest file.
pub fn render_manifests(file: &str, text: &str) -> Rendered {
    // Through JSON, like kustomize: that is what sorts keys and normalises scalars.
    let rendered = kubeplay_yaml::parse_documents(text, file).and_then(|docs| {
        let docs: Vec<Node> = docs.into_iter().filter(|d| !is_null(d)).collect();
        let objects = docs.iter().map(to_json).collect::<Result<Vec<_>, _>>()?;
        let text = emit_json_documents(&objects, &EmitOptions::sigs_yaml())?;
        Ok((docs, text))
    });
    match rendered {
        Ok((docs, text)) => Rendered::Output {
            engine: "plain manifests",
            text,
            objects: docs.iter().map(summarise).collect(),
        },
        Err(mut err) => {
            // Conversion errors do not know their file; this function does.
            if err.file.is_empty() {
                err.file = file.to_string();
            }
            Rendered::Failed(vec![Diagnostic::from(err)])
        }
    }
}

impl From<kubeplay_yaml::Error> for Diagnostic {
    fn from(err: kubeplay_yaml::Error) -> Self {
        Diagnostic {
            file: err.file,
            line: err.line,
            column: err.column,
            message: err.message,
        }
    }
}

fn is_null(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar(s) if s.value.is_empty() || s.value == "null" || s.value == "~")
}

fn summarise(doc: &Node) -> ObjectSummary {
    let field = |path: &[&str]| {
        let mut node = doc;
        for key in path {
            node = node.get(key)?;
        }
        node.as_str().map(str::to_string)
    };
    ObjectSummary {
        kind: field(&["kind"]).unwrap_or_else(|| "(no kind)".into()),
        name: field(&["metadata", "name"]).unwrap_or_else(|| "(no name)".into()),
        line: doc.pos.line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_documents_and_summaries() {
        let text = "kind: Pod\nmetadata:\n  name: a\n---\nkind: Service\nmetadata:\n  name: b\n";
        match render_manifests("/x.yaml", text) {
            Rendered::Output { text, objects, .. } => {
                assert_eq!(
                    text,
                    "kind: Pod\nmetadata:\n  name: a\n---\nkind: Service\nmetadata:\n  name: b\n"
                );
                assert_eq!(objects.len(), 2);
                assert_eq!(
                    (
                        objects[1].kind.as_str(),
                        objects[1].name.as_str(),
                        objects[1].line
                    ),
                    ("Service", "b", 5)
                );
            }
            other => panic!("expected output, got {other:?}"),
        }
    }

    #[test]
    fn a_syntax_error_is_located() {
        let text = "kind: Pod\nmetadata:\n  name: a\n bad: [\n";
        match render_manifests("/x.yaml", text) {
            Rendered::Failed(diags) => {
                assert_eq!(diags.len(), 1);
                assert_eq!(diags[0].file, "/x.yaml");
                assert!(diags[0].line >= 3, "{diags:?}");
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }
}
