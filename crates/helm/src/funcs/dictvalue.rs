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
//! Lookups go to the map itself: its sorted entries are binary searched by an integer
//! compare per step, which measured cheaper per render than the hash index big maps used
//! to get after a few lookups (built, then dropped at every change).

use std::sync::{Arc, Mutex, MutexGuard};

use kubeplay_gotemplate::{ElemType, Map, Object, SortedMap, Value};

/// A `map[string]interface {}` (or Helm's `common.Values`) that functions can change in
/// place.
#[derive(Clone, Default)]
pub struct MutMap {
    map: Arc<Mutex<Arc<Map>>>,
    /// Helm's named `common.Values` type (`.Values`), for `%T` and `typeOf`.
    values_type: bool,
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
            map: Arc::new(Mutex::new(plain_map(entries))),
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

    fn guard(&self) -> MutexGuard<'_, Arc<Map>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The entries as they are now (cheap: shares them until the map changes).
    pub fn snapshot(&self) -> Arc<Map> {
        self.guard().clone()
    }

    /// One entry.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.guard().get(key).cloned()
    }

    /// Changes the entries in place. The lock is not held while `change` runs, so a change
    /// that reaches this same map again (a map inside itself) sees it empty instead of
    /// waiting forever.
    pub fn update<R>(&self, change: impl FnOnce(&mut SortedMap<Value>) -> R) -> R {
        let mut current = std::mem::take(&mut *self.guard());
        let r = change(&mut Arc::make_mut(&mut current).entries);
        *self.guard() = current;
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
    fn fields_are_interfaces(&self) -> bool {
        true
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
    fn lookups_see_every_change() {
        let m = big_map();
        for round in 0..3 {
            for i in 0..40 {
                assert_eq!(int(m.get(&format!("k{i}"))), Some(i), "round {round}");
            }
            let k = format!("new{round}");
            assert_eq!(int(m.get(&k)), None);
            m.update(|e| e.insert(k.clone(), Value::Int(100 + round)));
            assert_eq!(int(m.get(&k)), Some(100 + round));
            m.update(|e| e.remove("k0"));
            assert_eq!(int(m.get("k0")), None);
            m.update(|e| e.insert("k0".into(), Value::Int(0)));
        }
    }

    #[test]
    fn a_snapshot_keeps_the_map_as_it_was() {
        let m = big_map();
        let before = m.snapshot();
        m.update(|e| e.insert("k1".into(), Value::Int(-1)));
        assert_eq!(int(before.get("k1").cloned()), Some(1));
        assert_eq!(int(m.get("k1")), Some(-1));
    }

    #[test]
    fn a_change_that_reads_its_own_map_sees_it_empty() {
        let m = big_map();
        let seen = m.update(|e| {
            e.insert("during".into(), Value::Int(1));
            (m.get("k1").is_none(), m.snapshot().entries.len())
        });
        assert_eq!(seen, (true, 0));
        assert_eq!(int(m.get("during")), Some(1));
        assert_eq!(int(m.get("k1")), Some(1));
        let empty = MutMap::default();
        assert!(empty.get("k").is_none() && empty.snapshot().entries.is_empty());
        empty.update(|e| e.insert("k".into(), Value::Int(2)));
        assert_eq!(int(empty.get("k")), Some(2));
    }

    /// A value read out of a dict is an `interface {}`, as Go's errors name it (message from
    /// the Helm 4.2.3 library; `.Values` maps are these dicts too).
    #[test]
    fn fields_read_from_a_dict_are_interfaces() {
        let e = crate::funcs::execute_text(r#"{{ $m := dict "k" "v" }}{{ $m.k.z }}"#).unwrap_err();
        assert!(
            e.ends_with("can't evaluate field z in type interface {}"),
            "{e}"
        );
    }
}
