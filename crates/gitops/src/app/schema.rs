//! The fields Argo CD's Application type accepts, checked on the YAML nodes so an error can
//! point at the line and column (Kubernetes rejects unknown fields with strict decoding:
//! `unknown field "spec.source.foo"`).

use kubeplay_yaml::{Node, Value as Y};

/// What a field may hold.
pub enum Shape {
    Any,
    Str,
    Bool,
    Int,
    StrList,
    StrMap,
    Map(&'static [(&'static str, Shape)]),
    List(&'static Shape),
}

use Shape::*;

const HELM_PARAM: Shape = Map(&[("name", Str), ("value", Str), ("forceString", Bool)]);
const HELM_FILE_PARAM: Shape = Map(&[("name", Str), ("path", Str)]);
const HELM: Shape = Map(&[
    ("valueFiles", StrList),
    ("values", Str),
    ("valuesObject", Any),
    ("parameters", List(&HELM_PARAM)),
    ("fileParameters", List(&HELM_FILE_PARAM)),
    ("releaseName", Str),
    ("passCredentials", Bool),
    ("ignoreMissingValueFiles", Bool),
    ("skipCrds", Bool),
    ("skipSchemaValidation", Bool),
    ("skipTests", Bool),
    ("version", Str),
    ("kubeVersion", Str),
    ("apiVersions", StrList),
    ("namespace", Str),
]);
const KUSTOMIZE: Shape = Map(&[
    ("namePrefix", Str),
    ("nameSuffix", Str),
    ("images", StrList),
    ("commonLabels", StrMap),
    ("commonAnnotations", StrMap),
    ("commonAnnotationsEnvsubst", Bool),
    ("forceCommonLabels", Bool),
    ("forceCommonAnnotations", Bool),
    ("labelWithoutSelector", Bool),
    ("labelIncludeTemplates", Bool),
    ("namespace", Str),
    ("version", Str),
    ("replicas", List(&Map(&[("name", Str), ("count", Any)]))),
    ("patches", List(&Any)),
    ("components", StrList),
    ("ignoreMissingComponents", Bool),
    ("kubeVersion", Str),
    ("apiVersions", StrList),
]);
const DIRECTORY: Shape = Map(&[
    ("recurse", Bool),
    ("include", Str),
    ("exclude", Str),
    ("jsonnet", Any),
]);
const SOURCE: Shape = Map(&[
    ("repoURL", Str),
    ("path", Str),
    ("targetRevision", Str),
    ("chart", Str),
    ("ref", Str),
    ("name", Str),
    ("helm", HELM),
    ("kustomize", KUSTOMIZE),
    ("directory", DIRECTORY),
    ("plugin", Any),
]);
const BACKOFF: Shape = Map(&[("duration", Str), ("factor", Int), ("maxDuration", Str)]);
const SYNC_POLICY: Shape = Map(&[
    (
        "automated",
        Map(&[
            ("prune", Bool),
            ("selfHeal", Bool),
            ("allowEmpty", Bool),
            ("enabled", Bool),
        ]),
    ),
    ("syncOptions", StrList),
    ("retry", Map(&[("limit", Int), ("backoff", BACKOFF)])),
    (
        "managedNamespaceMetadata",
        Map(&[("labels", StrMap), ("annotations", StrMap)]),
    ),
]);
const IGNORE: Shape = Map(&[
    ("group", Str),
    ("kind", Str),
    ("name", Str),
    ("namespace", Str),
    ("jsonPointers", StrList),
    ("jqPathExpressions", StrList),
    ("managedFieldsManagers", StrList),
]);
const SPEC: Shape = Map(&[
    ("project", Str),
    ("source", SOURCE),
    ("sources", List(&SOURCE)),
    (
        "destination",
        Map(&[("server", Str), ("namespace", Str), ("name", Str)]),
    ),
    ("syncPolicy", SYNC_POLICY),
    ("ignoreDifferences", List(&IGNORE)),
    ("info", List(&Map(&[("name", Str), ("value", Str)]))),
    ("revisionHistoryLimit", Int),
]);
pub const APPLICATION: Shape = Map(&[
    ("apiVersion", Str),
    ("kind", Str),
    ("metadata", Any),
    ("spec", SPEC),
    ("status", Any),
    ("operation", Any),
]);

/// A problem at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Every unknown field and wrongly typed value under `node`, in document order.
pub fn check(node: &Node, shape: &Shape, path: &str, out: &mut Vec<Located>) {
    let at = |message: String| Located {
        line: node.pos.line,
        column: node.pos.column,
        message,
    };
    let scalar = node.as_scalar();
    let null = node.is_null();
    match shape {
        Any => {}
        Str => {
            // YAML numbers and booleans are not strings to Go's decoder.
            if !null && scalar.is_none_or(|s| !is_string(s)) {
                out.push(at(format!("{path}: expected a string")));
            }
        }
        Bool => {
            if !null
                && scalar.is_none_or(|s| !matches!(s.resolved, kubeplay_yaml::Resolved::Bool(_)))
            {
                out.push(at(format!("{path}: expected a boolean (true or false)")));
            }
        }
        Int => {
            if !null
                && scalar.is_none_or(|s| !matches!(s.resolved, kubeplay_yaml::Resolved::Int(_)))
            {
                out.push(at(format!("{path}: expected an integer")));
            }
        }
        StrList => check(node, &List(&Str), path, out),
        StrMap => match &node.value {
            Y::Mapping(m) => {
                for (k, v) in &m.entries {
                    let key = k.as_str().unwrap_or("");
                    check(v, &Str, &format!("{path}.{key}"), out);
                }
            }
            _ if null => {}
            _ => out.push(at(format!("{path}: expected a mapping"))),
        },
        List(item) => match &node.value {
            Y::Sequence(s) => {
                for (i, n) in s.items.iter().enumerate() {
                    check(n, item, &format!("{path}[{i}]"), out);
                }
            }
            _ if null => {}
            _ => out.push(at(format!("{path}: expected a list"))),
        },
        Map(fields) => match &node.value {
            Y::Mapping(m) => {
                for (k, v) in &m.entries {
                    let key = k.as_str().unwrap_or("");
                    let child = if path.is_empty() {
                        key.to_string()
                    } else {
                        format!("{path}.{key}")
                    };
                    match fields.iter().find(|(name, _)| *name == key) {
                        Some((_, s)) => check(v, s, &child, out),
                        None => out.push(Located {
                            line: k.pos.line,
                            column: k.pos.column,
                            message: format!("unknown field \"{child}\""),
                        }),
                    }
                }
            }
            _ if null => {}
            _ => out.push(at(format!("{path}: expected a mapping"))),
        },
    }
}

fn is_string(s: &kubeplay_yaml::Scalar) -> bool {
    use kubeplay_yaml::Resolved;
    s.style.is_quoted() || matches!(s.resolved, Resolved::Str | Resolved::Timestamp)
}
