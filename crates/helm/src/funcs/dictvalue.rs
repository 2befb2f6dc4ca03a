//! Maps with Go's reference semantics.
//!
//! In Go a map is a reference: `{{ $_ := set $d "k" "v" }}` changes `$d` for everyone who
//! holds it, and charts rely on it (Bitnami's `common.labels.standard` adds the version label
//! that way). The template engine's maps are immutable values, so the maps that functions
//! create (`dict`, `fromYaml`, `merge`...) are host objects around a shared, locked map.
//!
//! The lock holds an `Arc<Map>`: reading one (`if`, `range`, `len`, `index`, every function
//! taking a map) takes a snapshot by cloning the `Arc`, not the entries, and a change copies
//! the entries only while such a snapshot is still alive (a `range` whose body changes the
//! map it walks keeps walking the map as it was).
//!
//! A big map that is read often (`.Values` of a chart with a long values file) gets a hash
//! index for its lookups ([`KeyIndex`]), dropped whenever the map changes.

use std::sync::{Arc, Mutex, MutexGuard};

use kubeplay_gotemplate::{ElemType, Map, Object, SortedMap, Value};

use super::keyindex::KeyIndex;

/// A `map[string]interface {}` (or Helm's `common.Values`) that functions can change in
/// place.
#[derive(Clone, Default)]
pub struct MutMap {
    map: Arc<Mutex<Shared>>,
    /// Helm's named `common.Values` type (`.Values`), for `%T` and `typeOf`.
    values_type: bool,
}

/// Maps with more entries than this get an index once they are looked up often.
const INDEX_MIN_LEN: usize = 8;
/// Lookups (since the last change) after which a big map builds its index: building costs
/// about as much as this many tree searches save.
const INDEX_AFTER_LOOKUPS: u8 = 8;

#[derive(Default)]
struct Shared {
    map: Arc<Map>,
    /// The index of `map` once built; `None` until then and after each change.
    index: Option<KeyIndex>,
    /// Lookups since the last change, counted until the index is built.
    lookups: u8,
}

impl Shared {
    fn new(map: Arc<Map>) -> Shared {
        Shared {
            map,
            index: None,
            lookups: 0,
        }
    }
}

fn plain_map(entries: SortedMap<Value>) -> Arc<Map> {
    Arc::new(Map {
        entries,
        elem: ElemType::Any,
        type_name: None,
    })
}

impl MutMap {
    pub fn new(entries: SortedMap<Value>) -> MutMap {
        MutMap {
            map: Arc::new(Mutex::new(Shared::new(plain_map(entries)))),
            values_type: false,
        }
    }

    /// A new map value.
    pub fn value(entries: SortedMap<Value>) -> Value {
        Value::object(MutMap::new(entries))
    }

    /// The same shared map, typed `common.Values` (what `.Values` is in Helm).
    pub fn as_values(&self) -> Value {
        Value::object(MutMap {
            map: self.map.clone(),
            values_type: true,
        })
    }

    fn guard(&self) -> MutexGuard<'_, Shared> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The entries as they are now (cheap: shares them until the map changes).
    pub fn snapshot(&self) -> Arc<Map> {
        self.guard().map.clone()
    }

    /// One entry.
    pub fn get(&self, key: &str) -> Option<Value> {
        let mut shared = self.guard();
        if let Some(ix) = &shared.index {
            return ix.get(key).cloned();
        }
        // Counting stops at the threshold: a map that could not be indexed is not tried again.
        if shared.map.entries.len() > INDEX_MIN_LEN && shared.lookups < INDEX_AFTER_LOOKUPS {
            shared.lookups += 1;
            if shared.lookups == INDEX_AFTER_LOOKUPS {
                shared.index = KeyIndex::new(&shared.map);
                if let Some(ix) = &shared.index {
                    return ix.get(key).cloned();
                }
            }
        }
        shared.map.get(key).cloned()
    }

    /// Changes the entries in place. The lock is not held while `change` runs, so a change
    /// that reaches this same map again (a map inside itself) sees it empty instead of
    /// waiting forever.
    pub fn update<R>(&self, change: impl FnOnce(&mut SortedMap<Value>) -> R) -> R {
        let mut current =
            std::mem::replace(&mut *self.guard(), Shared::new(plain_map(SortedMap::new()))).map;
        let r = change(&mut Arc::make_mut(&mut current).entries);
        *self.guard() = Shared::new(current);
        r
    }

    /// The shared map behind a value, if it is one of ours.
    pub fn of(v: &Value) -> Option<MutMap> {
        let Value::Object(o) = v else { return None };
        o.as_any()?.downcast_ref::<MutMap>().cloned()
    }

    /// The map's entries: a [`MutMap`] shared, any other map copied into a new one.
    pub fn of_any(v: &Value) -> Option<MutMap> {
        if let Some(m) = MutMap::of(v) {
            return Some(m);
        }
        match crate::funcs::data(v) {
            Value::Map(m) => Some(MutMap::new(m.entries.clone())),
            _ => None,
        }
    }

    /// This map as a template value (the same shared map).
    pub fn to_value(&self) -> Value {
        Value::object(self.clone())
    }
}

impl Object for MutMap {
    fn type_name(&self) -> String {
        if self.values_type {
            "common.Values".into()
        } else {
            "map[string]interface {}".into()
        }
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.get(name)
    }
    fn value(&self) -> Option<Value> {
        Some(Value::Map(self.snapshot()))
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

/// The entries of any map-like value, as they are now.
pub fn entries(v: &Value) -> Option<Arc<Map>> {
    if let Some(m) = MutMap::of(v) {
        return Some(m.snapshot());
    }
    match crate::funcs::data(v) {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big_map() -> MutMap {
        MutMap::new((0..40).map(|i| (format!("k{i}"), Value::Int(i))).collect())
    }

    fn int(v: Option<Value>) -> Option<i64> {
        match v {
            Some(Value::Int(i)) => Some(i),
            _ => None,
        }
    }

    #[test]
    fn lookups_see_every_change_before_and_after_the_index_is_built() {
        let m = big_map();
        for round in 0..3 {
            // Enough lookups to build the index in the first round.
            for i in 0..2 * INDEX_AFTER_LOOKUPS as i64 {
                assert_eq!(int(m.get(&format!("k{i}"))), Some(i));
            }
            assert!(m.guard().index.is_some(), "round {round}: index built");
            let k = format!("new{round}");
            assert_eq!(int(m.get(&k)), None);
            m.update(|e| e.insert(k.clone(), Value::Int(100 + round)));
            assert!(m.guard().index.is_none(), "a change drops the index");
            assert_eq!(int(m.get(&k)), Some(100 + round));
            m.update(|e| e.remove("k0"));
            assert_eq!(int(m.get("k0")), None);
            m.update(|e| e.insert("k0".into(), Value::Int(0)));
        }
    }

    #[test]
    fn small_maps_are_never_indexed() {
        let m = MutMap::new(
            (0..INDEX_MIN_LEN as i64)
                .map(|i| (format!("k{i}"), Value::Int(i)))
                .collect(),
        );
        for _ in 0..3 * INDEX_AFTER_LOOKUPS {
            assert_eq!(int(m.get("k1")), Some(1));
        }
        assert!(m.guard().index.is_none());
    }
}
