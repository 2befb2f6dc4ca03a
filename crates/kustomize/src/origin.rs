//! Build metadata (`buildMetadata`): where each resource came from
//! (`config.kubernetes.io/origin`) and which transformers touched it
//! (`alpha.config.kubernetes.io/transformations`).

use serde_json::Value as Json;

use crate::resource::Resource;

pub const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";
pub const TRANSFORMATIONS_ANNOTATION: &str = "alpha.config.kubernetes.io/transformations";

/// What the top kustomization's `buildMetadata` asks for; every kustomization of the build
/// uses the top one's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tracking {
    pub origins: bool,
    pub transformers: bool,
}

impl Tracking {
    pub fn from_build_metadata(list: &[String]) -> Tracking {
        Tracking {
            origins: list.iter().any(|b| b == "originAnnotations"),
            transformers: list.iter().any(|b| b == "transformerAnnotations"),
        }
    }
}

/// Go's `filepath.Join` for relative paths: joined, then cleaned lexically.
pub fn join(base: &str, rel: &str) -> String {
    let joined = if base.is_empty() {
        rel.to_string()
    } else {
        format!("{base}/{rel}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// The plugin that made or changed a resource: a builtin kind, or a config object.
#[derive(Debug, Clone)]
pub struct ConfiguredBy {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

impl ConfiguredBy {
    pub fn builtin(kind: &str) -> Self {
        ConfiguredBy {
            kind: kind.into(),
            name: String::new(),
            namespace: String::new(),
        }
    }

    pub fn from_config(cfg: &Json) -> Self {
        let meta = |k: &str| {
            cfg.get("metadata")
                .and_then(|m| m.get(k))
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string()
        };
        ConfiguredBy {
            kind: cfg
                .get("kind")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            name: meta("name"),
            namespace: meta("namespace"),
        }
    }

    /// The YAML kyaml writes for an origin with `configuredIn`/`configuredBy`, indented by
    /// `indent` spaces after the first line's key.
    fn yaml(&self, configured_in: &str, first: &str, indent: &str) -> String {
        let mut s = format!("{first}configuredIn: {configured_in}\n{indent}configuredBy:\n");
        s.push_str(&format!(
            "{indent}  apiVersion: builtin\n{indent}  kind: {}\n",
            self.kind
        ));
        if !self.name.is_empty() {
            s.push_str(&format!("{indent}  name: {}\n", self.name));
        }
        if !self.namespace.is_empty() {
            s.push_str(&format!("{indent}  namespace: {}\n", self.namespace));
        }
        s
    }
}

/// `path: ...` for a resource read from a file.
pub fn file_origin(path: &str) -> String {
    format!("path: {path}\n")
}

pub fn plugin_origin(configured_in: &str, by: &ConfiguredBy) -> String {
    by.yaml(configured_in, "", "")
}

pub fn transformation(configured_in: &str, by: &ConfiguredBy) -> String {
    by.yaml(configured_in, "- ", "  ")
}

/// The origin path recorded on a plugin config object (`path: x` in its origin annotation).
pub fn path_of(r: &Resource) -> Option<String> {
    let anno = r
        .annotations()
        .into_iter()
        .find(|(k, _)| k == ORIGIN_ANNOTATION)?
        .1;
    anno.lines()
        .find_map(|l| l.strip_prefix("path: "))
        .map(str::to_string)
}

pub fn has_origin(r: &Resource) -> bool {
    r.annotations().iter().any(|(k, _)| k == ORIGIN_ANNOTATION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_go() {
        assert_eq!(join("", "a.yaml"), "a.yaml");
        assert_eq!(join("../base", "x.yaml"), "../base/x.yaml");
        assert_eq!(join("a", "../b"), "b");
    }

    #[test]
    fn formats() {
        let by = ConfiguredBy::builtin("PrefixTransformer");
        assert_eq!(
            transformation("kustomization.yaml", &by),
            "- configuredIn: kustomization.yaml\n  configuredBy:\n    apiVersion: builtin\n    kind: PrefixTransformer\n"
        );
    }
}
