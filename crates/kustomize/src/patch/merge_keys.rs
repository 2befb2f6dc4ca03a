//! Loads `merge_keys.txt`: the strategic-merge schema of built-in kinds.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::resid::Gvk;

/// How a field's value is merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldSchema {
    /// An object of a named type.
    Object(String),
    /// A list merged by keys (empty: a set of scalars), with elements of an optional type.
    MergeList {
        keys: Vec<String>,
        elem: Option<String>,
    },
}

#[derive(Default)]
pub struct MergeSchema {
    roots: HashMap<(String, String), String>,
    fields: HashMap<(String, String), FieldSchema>,
}

/// Groups of the Kubernetes API itself (their kinds get ObjectMeta facts at least).
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "apiextensions.k8s.io",
    "admissionregistration.k8s.io",
    "apiregistration.k8s.io",
    "certificates.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "events.k8s.io",
];

impl MergeSchema {
    pub fn get() -> &'static MergeSchema {
        static S: OnceLock<MergeSchema> = OnceLock::new();
        S.get_or_init(|| parse(include_str!("merge_keys.txt")))
    }

    /// The type of a whole object, if the schema knows its kind.
    pub fn root(&self, gvk: &Gvk) -> Option<&str> {
        if let Some(t) = self.roots.get(&(gvk.api_version(), gvk.kind.clone())) {
            return Some(t);
        }
        let known_version = matches!(
            gvk.version.as_str(),
            "v1" | "v1beta1" | "v2" | "v2beta1" | "v2beta2"
        );
        if BUILTIN_GROUPS.contains(&gvk.group.as_str())
            && known_version
            && gvk.group != "extensions"
        {
            return Some("Object");
        }
        None
    }

    pub fn field(&self, ty: &str, field: &str) -> Option<&FieldSchema> {
        self.fields.get(&(ty.to_string(), field.to_string()))
    }
}

fn parse(text: &str) -> MergeSchema {
    let mut s = MergeSchema::default();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["root", av, kind, ty] => {
                s.roots
                    .insert((av.to_string(), kind.to_string()), ty.to_string());
            }
            ["field", path, ty] => {
                if let Some((t, f)) = path.split_once('.') {
                    s.fields
                        .insert((t.into(), f.into()), FieldSchema::Object(ty.to_string()));
                }
            }
            ["list", path, keys, rest @ ..] => {
                if let Some((t, f)) = path.split_once('.') {
                    let keys = if *keys == "-" {
                        Vec::new()
                    } else {
                        keys.split(',').map(str::to_string).collect()
                    };
                    s.fields.insert(
                        (t.into(), f.into()),
                        FieldSchema::MergeList {
                            keys,
                            elem: rest.first().map(|e| e.to_string()),
                        },
                    );
                }
            }
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_containers_merge_by_name() {
        let s = MergeSchema::get();
        let root = s.root(&Gvk::new("apps", "v1", "Deployment")).unwrap();
        let FieldSchema::Object(spec) = s.field(root, "spec").unwrap() else {
            panic!()
        };
        let FieldSchema::Object(tmpl) = s.field(spec, "template").unwrap() else {
            panic!()
        };
        let FieldSchema::Object(pod) = s.field(tmpl, "spec").unwrap() else {
            panic!()
        };
        assert_eq!(
            s.field(pod, "containers"),
            Some(&FieldSchema::MergeList {
                keys: vec!["name".into()],
                elem: Some("Container".into())
            })
        );
        assert!(s
            .root(&Gvk::new("extensions", "v1beta1", "Deployment"))
            .is_none());
    }
}
