//! Compare, as Argo CD does it: normalise both sides (spec 28-31), predict live after an
//! apply with a three-way merge (32-35), and call a resource modified when the prediction
//! differs from live. The result is data for the UI: per-path changes and a line diff of
//! the YAML renderings.

pub mod merge;
pub mod normalize;

use crate::app::IgnoreDifference;
use crate::textdiff::{self, Hunk};
use crate::tree::ResourceKey;
use normalize::{normalize, strip_server_fields, LAST_APPLIED};
use serde_json::Value;

/// How one value differs at a path (JSON pointer).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: String,
    /// None: absent on that side.
    pub live: Option<Value>,
    pub target: Option<Value>,
}

/// The comparison of one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    pub key: ResourceKey,
    pub modified: bool,
    /// Normalised live (None: not in the cluster).
    pub live: Option<Value>,
    /// Predicted live after sync (None: would be pruned / not desired).
    pub target: Option<Value>,
    pub changes: Vec<Change>,
}

impl ResourceDiff {
    /// The sigs.k8s.io/yaml renderings of live and target (how `kubectl get -o yaml`
    /// and `argocd app diff` print) and the unified-diff hunks between them.
    pub fn yaml_diff(&self) -> (String, String, Vec<Hunk>) {
        let show = |v: &Option<Value>| {
            v.as_ref()
                .map(|v| {
                    kubeplay_yaml::emit_json(v, &kubeplay_yaml::EmitOptions::sigs_yaml())
                        .unwrap_or_else(|e| e.to_string())
                })
                .unwrap_or_default()
        };
        let (live, target) = (show(&self.live), show(&self.target));
        let hunks = textdiff::hunks(&live, &target, 3);
        (live, target, hunks)
    }
}

/// A live object ready to compare: normalised, without server fields, and with the
/// configuration it was last applied with (normalised the same way) when it records one.
/// Depends only on the object and the ignore rules, so it is built once per change of the
/// object (its uid and resourceVersion), as Argo CD's cluster cache keeps live state.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedLive {
    pub normalized: Value,
    /// The last-applied configuration for the three-way merge (32).
    original: Option<Value>,
}

impl PreparedLive {
    pub fn new(live: &Value, key: &ResourceKey, ignore: &[IgnoreDifference]) -> PreparedLive {
        let mut normalized = live.clone();
        normalize(&mut normalized, key, ignore, Some(live));
        strip_server_fields(&mut normalized);
        let original = live
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(LAST_APPLIED))
            .and_then(Value::as_str)
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .map(|mut o| {
                normalize(&mut o, key, ignore, Some(live));
                drop_namespace_and_empty_annotations(&mut o);
                o
            });
        PreparedLive {
            normalized,
            original,
        }
    }
}

/// A desired object ready to compare: normalised and without server fields, plus the form
/// the three-way merge takes (no namespace, no empty annotations). Built once per render.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedDesired {
    pub normalized: Value,
    merge_form: Value,
}

impl PreparedDesired {
    /// `live` matters only for rules that ignore what managers own (see
    /// [`depends_on_live`]).
    pub fn new(
        desired: &Value,
        key: &ResourceKey,
        ignore: &[IgnoreDifference],
        live: Option<&Value>,
    ) -> PreparedDesired {
        let mut normalized = desired.clone();
        normalize(&mut normalized, key, ignore, live);
        strip_server_fields(&mut normalized);
        let mut merge_form = normalized.clone();
        drop_namespace_and_empty_annotations(&mut merge_form);
        PreparedDesired {
            normalized,
            merge_form,
        }
    }
}

/// Whether normalising a desired object of `key` reads the live object: a matching rule
/// with `managedFieldsManagers` removes what those managers own in live (31).
pub fn depends_on_live(key: &ResourceKey, ignore: &[IgnoreDifference]) -> bool {
    ignore.iter().any(|r| {
        !r.managed_fields_managers.is_empty()
            && r.matches(&key.group, &key.kind, &key.namespace, &key.name)
    })
}

/// Compares a desired object with its live counterpart (either may be absent).
pub fn diff(
    desired: Option<&Value>,
    live: Option<&Value>,
    ignore: &[IgnoreDifference],
) -> ResourceDiff {
    let key = ResourceKey::of(desired.or(live).unwrap_or(&Value::Null));
    let live_side = live.map(|l| PreparedLive::new(l, &key, ignore));
    let desired_side = desired.map(|d| PreparedDesired::new(d, &key, ignore, live));
    diff_prepared(key, desired_side.as_ref(), live_side.as_ref())
}

/// [`diff`] over sides prepared beforehand: the merge prediction and the comparison, which
/// every refresh does again.
pub fn diff_prepared(
    key: ResourceKey,
    desired: Option<&PreparedDesired>,
    live: Option<&PreparedLive>,
) -> ResourceDiff {
    let target = desired.map(|d| match live {
        None => d.normalized.clone(),
        // Three-way when live records what was applied last, else two-way (32).
        Some(l) => {
            let original = l.original.as_ref().unwrap_or(&d.merge_form);
            merge::predict(original, &d.merge_form, &l.normalized)
        }
    });
    let (modified, changes) = match (&target, live) {
        (Some(t), Some(l)) => {
            let mut changes = Vec::new();
            changed_paths(&l.normalized, t, &mut String::new(), &mut changes);
            (!changes.is_empty(), changes)
        }
        // Desired only: must be created (35).
        (Some(t), None) => (
            true,
            vec![Change {
                path: String::new(),
                live: None,
                target: Some(t.clone()),
            }],
        ),
        // Live only: not "modified"; it is extraneous, which sync status handles (35, 37).
        _ => (false, Vec::new()),
    };
    ResourceDiff {
        key,
        modified,
        live: live.map(|l| l.normalized.clone()),
        target,
        changes,
    }
}

/// `metadata.namespace` and an empty annotations map are not compared (32).
fn drop_namespace_and_empty_annotations(v: &mut Value) {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("namespace");
        if meta
            .get("annotations")
            .and_then(Value::as_object)
            .is_some_and(|a| a.is_empty())
        {
            meta.remove("annotations");
        }
    }
}

fn escape(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

/// Leaf differences between live and target as JSON pointers.
fn changed_paths(live: &Value, target: &Value, path: &mut String, out: &mut Vec<Change>) {
    match (live, target) {
        (Value::Object(l), Value::Object(t)) => {
            for (k, tv) in t {
                let len = path.len();
                path.push('/');
                path.push_str(&escape(k));
                match l.get(k) {
                    Some(lv) => changed_paths(lv, tv, path, out),
                    None => out.push(Change {
                        path: path.clone(),
                        live: None,
                        target: Some(tv.clone()),
                    }),
                }
                path.truncate(len);
            }
            for (k, lv) in l {
                if !t.contains_key(k) {
                    out.push(Change {
                        path: format!("{path}/{}", escape(k)),
                        live: Some(lv.clone()),
                        target: None,
                    });
                }
            }
        }
        (Value::Array(l), Value::Array(t)) if l.len() == t.len() => {
            for (i, (lv, tv)) in l.iter().zip(t).enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                changed_paths(lv, tv, path, out);
                path.truncate(len);
            }
        }
        (l, t) => {
            if !numbers_equal(l, t) && l != t {
                out.push(Change {
                    path: path.clone(),
                    live: Some(l.clone()),
                    target: Some(t.clone()),
                });
            }
        }
    }
}

/// 1 and 1.0 are the same number once round-tripped through a typed struct (29).
fn numbers_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cm(data: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d"}, "data": data})
    }

    #[test]
    fn server_fields_and_status_never_make_a_diff() {
        let desired = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w", "namespace": "d"},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}});
        let mut live = desired.clone();
        live["metadata"]["uid"] = json!("u");
        live["metadata"]["resourceVersion"] = json!("7");
        live["metadata"]["creationTimestamp"] = json!("t");
        live["spec"]["strategy"] = json!({"type": "RollingUpdate"});
        live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!("Always");
        live["status"] = json!({"replicas": 2});
        let d = diff(Some(&desired), Some(&live), &[]);
        assert!(!d.modified, "{:?}", d.changes);
        live["spec"]["replicas"] = json!(5);
        let d = diff(Some(&desired), Some(&live), &[]);
        assert!(d.modified);
        assert_eq!(
            d.changes,
            vec![Change {
                path: "/spec/replicas".into(),
                live: Some(json!(5)),
                target: Some(json!(2))
            }]
        );
        let (_, _, hunks) = d.yaml_diff();
        assert_eq!(
            textdiff::render(&hunks)
                .lines()
                .filter(|l| l.starts_with(['+', '-']))
                .collect::<Vec<_>>(),
            ["-  replicas: 5", "+  replicas: 2"]
        );
    }

    #[test]
    fn last_applied_makes_removed_fields_a_diff() {
        let desired = cm(json!({"a": "1"}));
        let mut live = cm(json!({"a": "1", "b": "2"}));
        // Two-way: an extra live key is someone else's field, not a difference.
        assert!(!diff(Some(&desired), Some(&live), &[]).modified);
        // Three-way: we applied b before and dropped it since.
        live["metadata"]["annotations"] =
            json!({LAST_APPLIED: cm(json!({"a": "1", "b": "2"})).to_string()});
        let d = diff(Some(&desired), Some(&live), &[]);
        assert!(d.modified);
        assert_eq!(d.changes[0].path, "/data/b");
    }

    #[test]
    fn create_and_extraneous() {
        let c = cm(json!({}));
        assert!(diff(Some(&c), None, &[]).modified);
        let extra = diff(None, Some(&c), &[]);
        assert!(!extra.modified && extra.target.is_none());
    }
}
