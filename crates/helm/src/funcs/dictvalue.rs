//! Maps with Go's reference semantics.
//!
//! In Go a map is a reference: `{{ $_ := set $d "k" "v" }}` changes `$d` for everyone who
//! holds it, and charts rely on it (Bitnami's `common.labels.standard` adds the version label
//! that way). The template engine's maps are immutable values, so the maps that functions
//! create (`dict`, `fromYaml`, `merge`...) are host objects around a shared, locked map;
//! reading one yields a snapshot, so a `range` over a map that its body changes stays sound.
//! See NEEDS-FROM-GOTEMPLATE.md.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use kubeplay_gotemplate::{ArgType, Func, Object, Value};

/// A method name no template can spell: marks objects that are [`MutMap`]s.
const MARKER: &str = "\u{0}kubeplay-helm-mutmap";

/// A `map[string]interface {}` (or Helm's `common.Values`) that functions can change in
/// place.
#[derive(Clone, Default)]
pub struct MutMap {
    map: Arc<Mutex<BTreeMap<String, Value>>>,
    /// Helm's named `common.Values` type (`.Values`), for `%T` and `typeOf`.
    values_type: bool,
}

impl MutMap {
    fn new(entries: BTreeMap<String, Value>) -> MutMap {
        MutMap {
            map: Arc::new(Mutex::new(entries)),
            values_type: false,
        }
    }

    /// A new map value.
    pub fn value(entries: BTreeMap<String, Value>) -> Value {
        Value::object(MutMap::new(entries))
    }

    /// The same shared map, typed `common.Values` (what `.Values` is in Helm).
    pub fn as_values(&self) -> Value {
        Value::object(MutMap {
            map: self.map.clone(),
            values_type: true,
        })
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Value>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The shared map behind a value, if it is one of ours.
    pub fn of(v: &Value) -> Option<MutMap> {
        let Value::Object(o) = v else { return None };
        let t = o.type_name();
        if (t != "map[string]interface {}" && t != "common.Values") || o.method(MARKER).is_none() {
            return None;
        }
        // SAFETY: only `MutMap` answers the marker method (its name holds a NUL byte, which
        // no template identifier can contain, and no other `Object` in this crate or in the
        // template engine defines it), so the object behind the pointer is a `MutMap`.
        let m = unsafe { &*(Arc::as_ptr(o) as *const MutMap) };
        Some(m.clone())
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
        self.lock().get(name).cloned()
    }
    fn method(&self, name: &str) -> Option<Func> {
        (name == MARKER).then(|| Func::new(MARKER, &[], Some(ArgType::Any), |_, _| Ok(Value::Nil)))
    }
    fn value(&self) -> Option<Value> {
        Some(Value::from(self.lock().clone()))
    }
}

/// Entries of any map-like value (snapshot).
pub fn entries(v: &Value) -> Option<BTreeMap<String, Value>> {
    if let Some(m) = MutMap::of(v) {
        return Some(m.lock().clone());
    }
    match crate::funcs::data(v) {
        Value::Map(m) => Some(m.entries.clone()),
        _ => None,
    }
}
