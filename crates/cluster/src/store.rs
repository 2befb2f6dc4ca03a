//! The in-memory API store: objects as JSON keyed by (kind, namespace, name), with the
//! metadata the API server maintains (uid, resourceVersion, generation, creationTimestamp).
//!
//! Besides the objects it keeps what watchers and controllers need without scanning everything:
//! an index from a controller's uid to the objects it owns, an index from uid to key, and a
//! bounded change feed (every create, change and deletion with its resourceVersion).

use crate::clock::{rfc3339, Millis};
use crate::limits::MAX_CHANGES;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// (kind, namespace, name); cluster-scoped objects have an empty namespace.
pub type Key = (String, String, String);

/// What happened to an object, as a watch reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeType {
    Added,
    Modified,
    Deleted,
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The resourceVersion the change was given.
    pub resource_version: u64,
    pub key: Key,
    pub change: ChangeType,
    /// The uid of the object's controller (ownerReferences with `controller: true`), if any:
    /// the object that has to look again when this one changed.
    pub controller_uid: Option<String>,
}

#[derive(Default)]
pub struct Store {
    objects: BTreeMap<Key, Value>,
    resource_version: u64,
    /// Controller uid -> keys of the objects it controls.
    owned: BTreeMap<String, BTreeSet<Key>>,
    /// uid -> key.
    uids: BTreeMap<String, Key>,
    /// key -> its controller's uid (the reverse of `owned`): the change feed names the
    /// controller of every change, and reading it from the object's JSON was the cost of a
    /// pod status publish.
    controller_of: BTreeMap<Key, String>,
    /// The most recent changes (at most [`MAX_CHANGES`]), oldest first.
    changes: VecDeque<Change>,
    /// The resourceVersion of the newest change dropped from the feed (0: none dropped).
    dropped_up_to: u64,
}

/// The uid of the object's controller, from its ownerReferences.
pub fn controller_uid(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)?
        .get("uid")?
        .as_str()
}

fn uid_of(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/uid").and_then(Value::as_str)
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

    /// Objects of a kind, by namespace then name (a range of the map, not a scan).
    pub fn list<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        let start: Key = (kind.to_string(), String::new(), String::new());
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.0 == kind)
    }

    /// Objects of a kind in one namespace, by name.
    pub fn list_in<'a>(
        &'a self,
        kind: &'a str,
        namespace: &'a str,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        let start: Key = (kind.to_string(), namespace.to_string(), String::new());
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.0 == kind && k.1 == namespace)
    }

    /// Keys of the objects of `kind` whose controller has uid `owner_uid`, by key.
    pub fn owned_by<'a>(
        &'a self,
        owner_uid: &str,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a Key> + 'a {
        self.owned
            .get(owner_uid)
            .into_iter()
            .flatten()
            .filter(move |k| k.0 == kind)
    }

    /// The key of the object with this uid, if it is stored.
    pub fn key_of_uid(&self, uid: &str) -> Option<&Key> {
        self.uids.get(uid)
    }

    fn bump(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    fn index(&mut self, key: &Key) {
        let Some(obj) = self.objects.get(key) else {
            return;
        };
        if let Some(uid) = uid_of(obj) {
            self.uids.insert(uid.to_string(), key.clone());
        }
        if let Some(owner) = controller_uid(obj) {
            self.owned
                .entry(owner.to_string())
                .or_default()
                .insert(key.clone());
            self.controller_of.insert(key.clone(), owner.to_string());
        }
    }

    fn unindex(&mut self, key: &Key, obj: &Value) {
        if let Some(uid) = uid_of(obj) {
            if self.uids.get(uid) == Some(key) {
                self.uids.remove(uid);
            }
        }
        if let Some(owner) = controller_uid(obj) {
            if let Some(set) = self.owned.get_mut(owner) {
                set.remove(key);
                if set.is_empty() {
                    self.owned.remove(owner);
                }
            }
            if self.controller_of.get(key).is_some_and(|o| o == owner) {
                self.controller_of.remove(key);
            }
        }
    }

    /// Appends to the change feed (bounded: the oldest entries go first).
    fn record(&mut self, key: &Key, change: ChangeType, controller: Option<String>) {
        if self.changes.len() >= MAX_CHANGES {
            if let Some(c) = self.changes.pop_front() {
                self.dropped_up_to = c.resource_version;
            }
        }
        self.changes.push_back(Change {
            resource_version: self.resource_version,
            key: key.clone(),
            change,
            controller_uid: controller,
        });
    }

    fn record_current(&mut self, key: &Key, change: ChangeType) {
        let controller = self.controller_of.get(key).cloned();
        self.record(key, change, controller);
    }

    /// Changes with a resourceVersion above `resource_version`, oldest first; None when the
    /// feed no longer reaches back that far (the caller must list again, like a watch that
    /// gets "410 Gone").
    pub fn changes_since(&self, resource_version: u64) -> Option<impl Iterator<Item = &Change>> {
        if resource_version < self.dropped_up_to {
            return None;
        }
        let from = self
            .changes
            .partition_point(|c| c.resource_version <= resource_version);
        Some(self.changes.range(from..))
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
        if let Some(old) = self.objects.insert(key.clone(), ordered(obj)) {
            self.unindex(&key, &old);
        }
        self.index(&key);
        self.record_current(&key, ChangeType::Added);
        &self.objects[&key]
    }

    /// Replaces an object's spec (and top-level data fields); bumps generation when it changed.
    pub fn update(&mut self, key: &Key, new: &Value) -> bool {
        let Some((mut merged, changed)) = self.merged(key, new) else {
            return false;
        };
        if changed {
            let rv = self.bump();
            if let Some(meta) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
                let generation = meta.get("generation").and_then(Value::as_i64).unwrap_or(1);
                meta.insert("generation".into(), json!(generation + 1));
                meta.insert("resourceVersion".into(), json!(rv));
            }
            self.objects.insert(key.clone(), ordered(merged));
            self.record_current(key, ChangeType::Modified);
        }
        changed
    }

    /// Whether [`Store::update`] with `new` would change the object (false when absent).
    pub fn would_change(&self, key: &Key, new: &Value) -> bool {
        self.merged(key, new).is_some_and(|(_, changed)| changed)
    }

    /// The object `update` would store, and whether that differs from the stored one.
    fn merged(&self, key: &Key, new: &Value) -> Option<(Value, bool)> {
        let old = self.objects.get(key)?;
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
        Some((merged, changed))
    }

    /// Writes `status` (the status subresource); bumps resourceVersion.
    pub fn set_status(&mut self, key: &Key, status: Value) {
        let rv = self.bump();
        if let Some(obj) = self.objects.get_mut(key).and_then(Value::as_object_mut) {
            obj.insert("status".into(), status);
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("resourceVersion".into(), json!(rv));
            }
            self.record_current(key, ChangeType::Modified);
        }
    }

    /// Takes a resourceVersion for a change kept outside the store (pod status).
    pub fn next_resource_version(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    /// Takes a resourceVersion for a change of `key` kept outside the store (pod status) and
    /// puts it on the change feed.
    pub fn touch(&mut self, key: &Key) -> u64 {
        self.resource_version += 1;
        if self.objects.contains_key(key) {
            self.record_current(key, ChangeType::Modified);
        }
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
            if field == "ownerReferences" || field == "uid" {
                // Reindex: the controller (or uid) may have changed.
                self.unindex_all(key);
                self.index(key);
            }
            self.record_current(key, ChangeType::Modified);
        }
    }

    /// Removes a metadata field (finalizers emptied); bumps resourceVersion.
    pub fn unset_metadata(&mut self, key: &Key, field: &str) {
        let rv = self.bump();
        if let Some(meta) = self
            .objects
            .get_mut(key)
            .and_then(|o| o.get_mut("metadata"))
            .and_then(Value::as_object_mut)
        {
            meta.shift_remove(field);
            meta.insert("resourceVersion".into(), json!(rv));
            self.record_current(key, ChangeType::Modified);
        }
    }

    /// Drops every index entry pointing at `key` (its indexed fields are unknown).
    fn unindex_all(&mut self, key: &Key) {
        self.uids.retain(|_, k| k != key);
        self.owned.retain(|_, set| {
            set.remove(key);
            !set.is_empty()
        });
        self.controller_of.remove(key);
    }

    /// Stores an object maintained by a controller as a whole (EndpointSlices).
    pub fn put(&mut self, key: Key, mut obj: Value) {
        let rv = self.bump();
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), json!(rv));
        }
        let change = match self.objects.insert(key.clone(), ordered(obj)) {
            Some(old) => {
                self.unindex(&key, &old);
                ChangeType::Modified
            }
            None => ChangeType::Added,
        };
        self.index(&key);
        self.record_current(&key, change);
    }

    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        let removed = self.objects.remove(key);
        if let Some(old) = &removed {
            // A deletion is a change too: watchers of the counter see it move.
            self.resource_version += 1;
            self.unindex(key, old);
            let controller = controller_uid(old).map(str::to_string);
            self.record(key, ChangeType::Deleted, controller);
        }
        removed
    }

    /// The latest resourceVersion handed out (moves on every create, update, status write
    /// and deletion).
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// The kinds that have at least one object, sorted (one range query per kind).
    pub fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        let mut next = self.objects.keys().next();
        while let Some(k) = next {
            kinds.push(k.0.clone());
            // The first key of the next kind: past every (kind, ...) key.
            let past = (format!("{}\u{0}", k.0), String::new(), String::new());
            next = self.objects.range(past..).next().map(|(k, _)| k);
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
