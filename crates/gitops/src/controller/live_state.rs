//! The live objects one app tracks, kept up to date from the cluster's change feed as Argo
//! CD's cluster cache is kept from watches: a comparison reads them instead of listing the
//! cluster, and each object is normalised once per change (its resourceVersion).

use super::compare::is_tracked_by;
use super::AppObjects;
use crate::app::IgnoreDifference;
use crate::diff::PreparedLive;
use crate::tree::ResourceKey;
use kubeplay_cluster::Cluster;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Where Applications kept by the controller (not the cluster) sort: after every kind.
const APP_OBJECTS: usize = usize::MAX;

/// One live object with its normalised form.
#[derive(Debug, Clone)]
pub struct LiveEntry {
    /// uid/resourceVersion; None for objects without one (prepared again every time).
    pub version: Option<String>,
    pub obj: Arc<Value>,
    pub prepared: Arc<PreparedLive>,
}

#[derive(Debug, Clone, Default)]
pub struct LiveState {
    /// The cluster resourceVersion the entries reflect (None: list everything next time).
    seen: Option<u64>,
    /// The kinds listed, in listing order.
    kinds: Vec<String>,
    entries: HashMap<ResourceKey, LiveEntry>,
    /// Listing order, as the cluster lists: (kind's place in `kinds`, namespace, name).
    order: BTreeMap<(usize, String, String), ResourceKey>,
}

impl LiveState {
    pub fn get(&self, key: &ResourceKey) -> Option<&LiveEntry> {
        self.entries.get(key)
    }

    /// Every tracked object, in the order a listing of `kinds` gives them.
    pub fn ordered(&self) -> impl Iterator<Item = (&ResourceKey, &LiveEntry)> {
        self.order
            .values()
            .filter_map(|k| self.entries.get(k).map(|e| (k, e)))
    }

    /// Brings the entries up to date: only what the change feed names since the last update
    /// is read again; everything is listed when the kinds changed or the feed no longer
    /// reaches back (a watch's "410 Gone").
    pub fn update(
        &mut self,
        cluster: &Cluster,
        apps: &AppObjects,
        app: &str,
        kinds: Vec<String>,
        ignore: &[IgnoreDifference],
    ) {
        let now = cluster.resource_version();
        let changes = match self.seen {
            Some(seen) if self.kinds == kinds && seen == now => Some(Vec::new()),
            Some(seen) if self.kinds == kinds => cluster.changes_since(seen),
            _ => None,
        };
        // Entries taken out to be read again; reused below when their version is the same.
        let mut old = HashMap::new();
        let mut app_objects = self
            .order
            .split_off(&(APP_OBJECTS, String::new(), String::new()));
        for key in std::mem::take(&mut app_objects).into_values() {
            if let Some(e) = self.entries.remove(&key) {
                old.insert(key, e);
            }
        }
        match changes {
            Some(changes) => {
                let touched: HashSet<(&str, &str, &str)> = changes
                    .iter()
                    .map(|c| (c.key.0.as_str(), c.key.1.as_str(), c.key.2.as_str()))
                    .collect();
                for (kind, namespace, name) in touched {
                    let Some(place) = kinds.iter().position(|k| k == kind) else {
                        continue;
                    };
                    let at = (place, namespace.to_string(), name.to_string());
                    if let Some(key) = self.order.remove(&at) {
                        if let Some(e) = self.entries.remove(&key) {
                            old.insert(key, e);
                        }
                    }
                    if let Some(obj) = cluster
                        .get(kind, namespace, name)
                        .filter(|o| is_tracked_by(o, app))
                    {
                        self.insert(place, obj, &mut old, ignore);
                    }
                }
            }
            None => {
                old.extend(std::mem::take(&mut self.entries));
                self.order.clear();
                for (place, kind) in kinds.iter().enumerate() {
                    // Filtered on the stored metadata: only tracked pods get their status built.
                    for obj in cluster.list_filtered(kind, |o| is_tracked_by(o, app)) {
                        self.insert(place, obj, &mut old, ignore);
                    }
                }
            }
        }
        // Applications the controller keeps have no resourceVersion: read every time.
        for obj in apps.objects.values().filter(|o| is_tracked_by(o, app)) {
            self.insert(APP_OBJECTS, obj.clone(), &mut old, ignore);
        }
        self.seen = Some(now);
        self.kinds = kinds;
    }

    /// Adds one listed object, reusing its entry from `old` when its version is the same.
    fn insert(
        &mut self,
        place: usize,
        obj: Value,
        old: &mut HashMap<ResourceKey, LiveEntry>,
        ignore: &[IgnoreDifference],
    ) {
        let key = ResourceKey::of(&obj);
        let version = version(&obj);
        let entry = match old.remove(&key) {
            Some(e) if version.is_some() && e.version == version => e,
            _ => LiveEntry {
                prepared: Arc::new(PreparedLive::new(&obj, &key, ignore)),
                obj: Arc::new(obj),
                version,
            },
        };
        self.order.insert(
            (place, key.namespace.clone(), key.name.clone()),
            key.clone(),
        );
        self.entries.insert(key, entry);
    }
}

/// uid/resourceVersion, or None when the object has no resourceVersion.
fn version(obj: &Value) -> Option<String> {
    let m = |f: &str| obj.pointer(f).and_then(Value::as_str).unwrap_or("");
    let rv = m("/metadata/resourceVersion");
    (!rv.is_empty()).then(|| format!("{}/{rv}", m("/metadata/uid")))
}
