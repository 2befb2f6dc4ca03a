//! The in-memory API store: objects as JSON keyed by (kind, namespace, name), with the
//! metadata the API server maintains (uid, resourceVersion, generation, creationTimestamp).

use crate::clock::{rfc3339, Millis};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// (kind, namespace, name); cluster-scoped objects have an empty namespace.
pub type Key = (String, String, String);

#[derive(Default)]
pub struct Store {
    objects: BTreeMap<Key, Value>,
    resource_version: u64,
}

/// Metadata fields in the order the API server prints them.
const META_ORDER: [&str; 11] = [
    "name",
    "generateName",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
];

fn ordered(obj: Value) -> Value {
    let Value::Object(mut m) = obj else {
        return obj;
    };
    let mut out = Map::new();
    for k in ["apiVersion", "kind", "metadata", "spec"] {
        if let Some(v) = m.remove(k) {
            out.insert(k.into(), v);
        }
    }
    let status = m.remove("status");
    for (k, v) in m {
        out.insert(k, v);
    }
    if let Some(s) = status {
        out.insert("status".into(), s);
    }
    if let Some(Value::Object(meta)) = out.get_mut("metadata") {
        let mut sorted = Map::new();
        for k in META_ORDER {
            if let Some(v) = meta.remove(k) {
                sorted.insert(k.into(), v);
            }
        }
        for (k, v) in std::mem::take(meta) {
            sorted.insert(k, v);
        }
        *meta = sorted;
    }
    Value::Object(out)
}

impl Store {
    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.objects.get(key)
    }

    pub fn contains(&self, key: &Key) -> bool {
        self.objects.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Objects of a kind, by namespace then name.
    pub fn list<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        self.objects.iter().filter(move |(k, _)| k.0 == kind)
    }

    fn bump(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    /// Stores a new object, filling in server-side metadata.
    pub fn create(&mut self, key: Key, mut obj: Value, uid: String, now: Millis) -> &Value {
        let rv = self.bump();
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("uid".into(), json!(uid));
            meta.insert("resourceVersion".into(), json!(rv));
            meta.insert("generation".into(), json!(1));
            meta.insert("creationTimestamp".into(), json!(rfc3339(now)));
        }
        self.objects.insert(key.clone(), ordered(obj));
        &self.objects[&key]
    }

    /// Replaces an object's spec (and top-level data fields); bumps generation when it changed.
    pub fn update(&mut self, key: &Key, new: &Value) -> bool {
        let Some(old) = self.objects.get(key) else {
            return false;
        };
        let mut merged = old.clone();
        let mut changed = false;
        if let (Some(m), Some(n)) = (merged.as_object_mut(), new.as_object()) {
            for (k, v) in n {
                if matches!(k.as_str(), "metadata" | "status" | "apiVersion" | "kind") {
                    continue;
                }
                if m.get(k) != Some(v) {
                    m.insert(k.clone(), v.clone());
                    changed = true;
                }
            }
            for field in ["labels", "annotations"] {
                let nv = new.pointer(&format!("/metadata/{field}")).cloned();
                let meta = m.get_mut("metadata").and_then(Value::as_object_mut);
                if let (Some(meta), Some(nv)) = (meta, nv) {
                    if meta.get(field) != Some(&nv) {
                        meta.insert(field.into(), nv);
                        changed = true;
                    }
                }
            }
        }
        if changed {
            let rv = self.bump();
            if let Some(meta) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
                let generation = meta.get("generation").and_then(Value::as_i64).unwrap_or(1);
                meta.insert("generation".into(), json!(generation + 1));
                meta.insert("resourceVersion".into(), json!(rv));
            }
            self.objects.insert(key.clone(), ordered(merged));
        }
        changed
    }

    /// Writes `status` (the status subresource); bumps resourceVersion.
    pub fn set_status(&mut self, key: &Key, status: Value) {
        let rv = self.bump();
        if let Some(obj) = self.objects.get_mut(key).and_then(Value::as_object_mut) {
            obj.insert("status".into(), status);
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("resourceVersion".into(), json!(rv));
            }
        }
    }

    /// Takes a resourceVersion for a change kept outside the store (pod status).
    pub fn next_resource_version(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    /// Sets metadata fields (deletionTimestamp ...); bumps resourceVersion.
    pub fn set_metadata(&mut self, key: &Key, field: &str, value: Value) {
        let rv = self.bump();
        if let Some(obj) = self.objects.get_mut(key) {
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert(field.into(), value);
                meta.insert("resourceVersion".into(), json!(rv));
            }
            *obj = ordered(std::mem::take(obj));
        }
    }

    /// Stores an object maintained by a controller as a whole (EndpointSlices).
    pub fn put(&mut self, key: Key, mut obj: Value) {
        let rv = self.bump();
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), json!(rv));
        }
        self.objects.insert(key, ordered(obj));
    }

    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        let removed = self.objects.remove(key);
        if removed.is_some() {
            // A deletion is a change too: watchers of the counter see it move.
            self.resource_version += 1;
        }
        removed
    }

    /// The latest resourceVersion handed out (moves on every create, update, status write
    /// and deletion).
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// The kinds that have at least one object, sorted.
    pub fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for (k, _) in self.objects.iter() {
            if kinds.last() != Some(&k.0) {
                kinds.push(k.0.clone());
            }
        }
        kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_update_status() {
        let mut s = Store::default();
        let key: Key = ("ConfigMap".into(), "default".into(), "c".into());
        let obj = json!({"data": {"a": "1"}, "kind": "ConfigMap", "apiVersion": "v1", "metadata": {"labels": {"x": "y"}, "name": "c"}});
        let stored = s.create(key.clone(), obj, "uid-1".into(), 7_000).clone();
        let keys: Vec<&String> = stored.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["apiVersion", "kind", "metadata", "data"]);
        assert_eq!(
            stored["metadata"]["creationTimestamp"],
            "2025-01-01T00:00:07Z"
        );
        assert_eq!(stored["metadata"]["resourceVersion"], "1");
        assert!(!s.update(&key, &json!({"data": {"a": "1"}})));
        assert!(s.update(&key, &json!({"data": {"a": "2"}})));
        assert_eq!(s.get(&key).unwrap()["metadata"]["generation"], 2);
        s.set_status(&key, json!({"x": 1}));
        assert_eq!(s.get(&key).unwrap()["metadata"]["resourceVersion"], "3");
    }
}
