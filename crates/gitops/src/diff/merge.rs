//! The three-way merge that predicts the live object after `kubectl apply` (spec 32-33):
//! fields the last applied configuration had but desired dropped are removed from live,
//! then desired is merged onto live. Lists of objects merge element by element on a merge
//! key (containers by name, ports by port...), as a strategic merge patch does, so the
//! defaults the API server adds inside list items do not show as differences.

use serde_json::{Map, Value};

/// Live as it would be after applying `desired` over it, given the previous `original`.
pub fn predict(original: &Value, desired: &Value, live: &Value) -> Value {
    let mut out = live.clone();
    remove_dropped(original, desired, &mut out);
    merge(&mut out, desired);
    out
}

/// The keys that identify list items, in the order they are tried.
const MERGE_KEYS: [&str; 6] = [
    "name",
    "containerPort",
    "port",
    "mountPath",
    "devicePath",
    "ip",
];

/// The merge key a list of objects uses: the first candidate every item has.
fn merge_key(items: &[Value]) -> Option<&'static str> {
    if items.is_empty() || !items.iter().all(Value::is_object) {
        return None;
    }
    MERGE_KEYS.into_iter().find(|k| {
        items
            .iter()
            .all(|i| i.get(*k).is_some_and(|v| !v.is_null()))
    })
}

fn find<'a>(items: &'a [Value], key: &str, id: &Value) -> Option<&'a Value> {
    items.iter().find(|i| i.get(key) == Some(id))
}

/// Removes from `live` what `original` set and `desired` no longer sets.
fn remove_dropped(original: &Value, desired: &Value, live: &mut Value) {
    match (original, live) {
        (Value::Object(o), Value::Object(l)) => {
            for (k, ov) in o {
                match desired.get(k) {
                    None => {
                        l.shift_remove(k);
                    }
                    Some(dv) => {
                        if let Some(lv) = l.get_mut(k) {
                            remove_dropped(ov, dv, lv);
                        }
                    }
                }
            }
        }
        (Value::Array(o), Value::Array(l)) => {
            let Some(d) = desired.as_array() else { return };
            let Some(key) = merge_key(o) else { return };
            l.retain(|item| {
                let Some(id) = item.get(key) else { return true };
                !(find(o, key, id).is_some() && find(d, key, id).is_none())
            });
            for item in l.iter_mut() {
                let Some(id) = item.get(key).cloned() else {
                    continue;
                };
                if let (Some(oi), Some(di)) = (find(o, key, &id), find(d, key, &id)) {
                    remove_dropped(oi, di, item);
                }
            }
        }
        _ => {}
    }
}

/// Merges `desired` onto `live`: maps recursively, keyed lists item by item (desired's
/// order, then live-only items), everything else replaced.
fn merge(live: &mut Value, desired: &Value) {
    match (live, desired) {
        (Value::Object(l), Value::Object(d)) => {
            for (k, dv) in d {
                match l.get_mut(k) {
                    Some(lv) => merge(lv, dv),
                    None => {
                        l.insert(k.clone(), dv.clone());
                    }
                }
            }
        }
        (Value::Array(live), Value::Array(d)) => {
            let Some(key) = merge_key(d) else {
                *live = d.clone();
                return;
            };
            if !live.iter().all(|i| i.get(key).is_some()) {
                *live = d.clone();
                return;
            }
            let mut l = std::mem::take(live);
            // With one desired item per key, each live item is moved into the result (taken
            // ones are left Null, which no key matches); repeated keys copy, as each repeat
            // starts from the same live item.
            let unique = d
                .iter()
                .enumerate()
                .all(|(i, di)| find(&d[..i], key, &di[key]).is_none());
            let mut out = Vec::with_capacity(d.len().max(l.len()));
            for di in d {
                let at = l.iter().position(|x| x.get(key) == Some(&di[key]));
                let mut item = match at {
                    Some(i) if unique => std::mem::take(&mut l[i]),
                    Some(i) => l[i].clone(),
                    None => Value::Object(Map::new()),
                };
                merge(&mut item, di);
                out.push(item);
            }
            for li in l {
                if !li.is_null() && find(d, key, &li[key]).is_none() {
                    out.push(li);
                }
            }
            *live = out;
        }
        (live, d) => *live = d.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_inside_list_items_survive() {
        let desired = json!({"spec": {"containers": [{"name": "web", "image": "nginx:2"}]}});
        let live = json!({"spec": {"containers": [{"name": "web", "image": "nginx:1", "imagePullPolicy": "IfNotPresent"}],
            "restartPolicy": "Always"}});
        let p = predict(&desired, &desired, &live);
        assert_eq!(
            p,
            json!({"spec": {"containers": [{"name": "web", "image": "nginx:2", "imagePullPolicy": "IfNotPresent"}],
            "restartPolicy": "Always"}})
        );
    }

    #[test]
    fn fields_dropped_from_desired_are_removed() {
        let original =
            json!({"data": {"a": "1", "b": "2"}, "spec": {"ports": [{"port": 80}, {"port": 81}]}});
        let desired = json!({"data": {"a": "1"}, "spec": {"ports": [{"port": 80}]}});
        let live = json!({"data": {"a": "1", "b": "2", "c": "by-hand"}, "spec": {"ports": [{"port": 80, "protocol": "TCP"}, {"port": 81}]}});
        assert_eq!(
            predict(&original, &desired, &live),
            json!({"data": {"a": "1", "c": "by-hand"}, "spec": {"ports": [{"port": 80, "protocol": "TCP"}]}})
        );
    }

    #[test]
    fn repeated_keys_each_start_from_the_live_item() {
        let desired = json!({"c": [{"name": "a", "image": "x"}, {"name": "a", "image": "y"}]});
        let live = json!({"c": [{"name": "a", "image": "old", "pull": "P"}, {"name": "b"}]});
        assert_eq!(
            predict(&desired, &desired, &live),
            json!({"c": [{"name": "a", "image": "x", "pull": "P"},
                         {"name": "a", "image": "y", "pull": "P"}, {"name": "b"}]})
        );
    }
}
