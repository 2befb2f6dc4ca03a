//! Values: reading values files, and coalescing them with chart defaults exactly like Helm
//! (a null deletes a key, globals flow down to subcharts, subchart defaults fill in).

use serde_json::{Map, Value as Json};

use crate::chart::Chart;
use crate::convert::yaml_to_json;
use crate::error::HelmError;

pub type Values = Map<String, Json>;

/// Reads a values file (`-f`): YAML to a map; an empty file is an empty map.
pub fn read_values(text: &str, file: &str) -> Result<Values, HelmError> {
    let j = yaml_to_json(text, file).map_err(|e| {
        HelmError::Values(format!(
            "failed to parse {file}: error converting YAML to JSON: {}",
            e.goyaml
        ))
    })?;
    match j {
        Json::Object(m) => Ok(m),
        Json::Null => Ok(Map::new()),
        _ => Err(HelmError::Values(format!(
            "failed to parse {file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {{}}"
        ))),
    }
}

/// Helm's `MergeMaps` for successive `-f` files and `--set` layers: maps merge recursively,
/// anything else is replaced.
pub fn merge_maps(a: &mut Values, b: Values) {
    for (k, v) in b {
        match (a.get_mut(&k), v) {
            (Some(Json::Object(am)), Json::Object(bm)) => merge_maps(am, bm),
            (_, v) => {
                a.insert(k, v);
            }
        }
    }
}

/// `CoalesceValues(chart, vals)`.
pub fn coalesce_values(chart: &Chart, vals: &Values) -> Values {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, false);
    dest
}

/// The entries `keys` of `coalesce_values(chart, vals)` (and no others), without coalescing
/// the rest: dependency processing reads only `tags` and the heads of condition paths.
/// An entry that is neither `global` nor a subchart's is coalesced from the user's entry and
/// the default of the same key alone, so computing it by itself gives the same value.
pub fn coalesce_values_of(chart: &Chart, vals: &Values, keys: &[&str]) -> Values {
    let reaches_subcharts =
        |k: &str| k == "global" || chart.dependencies.iter().any(|d| d.name() == k);
    if keys.iter().any(|k| reaches_subcharts(k)) {
        // Globals and subchart entries are shaped by every subchart: computed whole.
        let mut all = coalesce_values(chart, vals);
        all.retain(|k, _| keys.contains(&k.as_str()));
        return all;
    }
    let mut dest: Values = vals
        .iter()
        .filter(|(k, _)| keys.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    coalesce_chart_entries(chart, &mut dest, false, |k| keys.contains(&k));
    dest
}

/// `MergeValues(chart, vals)`: like coalescing but nulls are kept.
pub fn merge_values(chart: &Chart, vals: &Values) -> Values {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, true);
    dest
}

fn coalesce(chart: &Chart, dest: &mut Values, merge: bool) {
    coalesce_chart_values(chart, dest, merge);
    coalesce_deps(chart, dest, merge);
}

fn coalesce_deps(chart: &Chart, dest: &mut Values, merge: bool) {
    for sub in &chart.dependencies {
        let name = sub.name().to_string();
        match dest.get(&name) {
            None => {
                dest.insert(name.clone(), Json::Object(Map::new()));
            }
            Some(Json::Object(_)) => {}
            // Helm reports a type mismatch here and stops coalescing this chart's deps.
            Some(_) => return,
        }
        // The subchart's values are taken out of `dest` (their place kept) while the parent's
        // globals are read where they are, not copied; a subchart named `global` reads the
        // globals as they were before it changes them.
        let Some(Json::Object(slot)) = dest.get_mut(&name) else {
            continue;
        };
        let mut sub_vals = std::mem::take(slot);
        if name == "global" {
            let globals = Json::Object(sub_vals.clone());
            coalesce_globals(&mut sub_vals, Some(&globals));
        } else {
            coalesce_globals(&mut sub_vals, dest.get("global"));
        }
        coalesce(sub, &mut sub_vals, merge);
        if let Some(Json::Object(slot)) = dest.get_mut(&name) {
            *slot = sub_vals;
        }
    }
}

fn coalesce_globals(dest: &mut Values, src_global: Option<&Json>) {
    let no_globals = Map::new();
    let sg = match src_global {
        None => &no_globals,
        Some(Json::Object(m)) => m,
        Some(_) => return,
    };
    // Taken, not copied: the map goes back under `global` below.
    let mut dg = match dest.get_mut("global") {
        None => Map::new(),
        Some(Json::Object(m)) => std::mem::take(m),
        Some(_) => return,
    };
    for (key, val) in sg {
        if let Json::Object(vm) = val {
            let mut vv = vm.clone();
            match dg.get_mut(key) {
                None => {
                    dg.insert(key.clone(), Json::Object(vv));
                }
                Some(Json::Object(destv)) => {
                    // Replaced below, so its entries can move into the coalesced table.
                    coalesce_tables(&mut vv, std::mem::take(destv), true);
                    dg.insert(key.clone(), Json::Object(vv));
                }
                Some(_) => {}
            }
        } else if matches!(dg.get(key), Some(Json::Object(_))) {
            // key is a table in the destination: skipped
        } else {
            dg.insert(key.clone(), val.clone());
        }
    }
    dest.insert("global".into(), Json::Object(dg));
}

fn coalesce_chart_values(chart: &Chart, v: &mut Values, merge: bool) {
    if v.is_empty() {
        // Nothing to coalesce with (no user values, or `MergeValues(chart, nil)` for
        // import-values): the defaults are copied whole, in their order, which is what
        // the entries below give key by key (the map's clone keeps each key's hash; an
        // insert hashes it again).
        *v = (*chart.values).clone();
        if !merge {
            clean_nil_values(v);
        }
        return;
    }
    if v.len() < chart.values.len() {
        coalesce_into_defaults(chart, v, merge);
    } else {
        coalesce_chart_entries(chart, v, merge, |_| true);
    }
}

/// What [`coalesce_chart_entries`] gives for every key, with the entries in another order
/// (Go's maps have none; templates see them sorted): the defaults are copied whole and
/// the few values given are laid over them, instead of each default key being hashed and
/// inserted next to the values given.
fn coalesce_into_defaults(chart: &Chart, v: &mut Values, merge: bool) {
    let mut out = (*chart.values).clone();
    if !merge {
        // As a default copied where nothing was given.
        clean_nil_values(&mut out);
    }
    for (key, given) in std::mem::take(v) {
        let Some(default) = chart.values.get(&key) else {
            out.insert(key, given);
            continue;
        };
        match given {
            Json::Null if !merge => {
                out.remove(&key);
            }
            Json::Object(mut given) if default.is_object() => {
                let sub_merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                // `out` holds the default, cleaned of nulls unless merging; a subchart's
                // entry takes it as it is.
                let src = if sub_merge && !merge {
                    default.clone()
                } else {
                    out.get_mut(&key).map(std::mem::take).unwrap_or(Json::Null)
                };
                if let Json::Object(src) = src {
                    coalesce_tables(&mut given, src, sub_merge);
                }
                out.insert(key, Json::Object(given));
            }
            given => {
                out.insert(key, given);
            }
        }
    }
    *v = out;
}

/// `coalesceValues` over the chart's defaults whose key `wanted` accepts.
fn coalesce_chart_entries(
    chart: &Chart,
    v: &mut Values,
    merge: bool,
    wanted: impl Fn(&str) -> bool,
) {
    for (key, val) in chart.values.iter() {
        if !wanted(key) {
            continue;
        }
        // One lookup per key (the map hashes with SipHash), and a default is copied only
        // where it is used.
        let value = match v.entry(key.clone()) {
            serde_json::map::Entry::Occupied(o) => o.into_mut(),
            serde_json::map::Entry::Vacant(slot) => {
                let mut val = val.clone();
                if !merge {
                    if val.is_null() {
                        continue;
                    }
                    if let Json::Object(sub) = &mut val {
                        clean_nil_values(sub);
                    }
                }
                slot.insert(val);
                continue;
            }
        };
        if value.is_null() && !merge {
            v.remove(key);
        } else if let Json::Object(dest) = value {
            if let Json::Object(src) = val {
                let mut src = src.clone();
                let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                if !merge {
                    clean_nil_values(&mut src);
                }
                coalesce_tables(dest, src, merge);
            }
        }
    }
}

fn clean_nil_values(m: &mut Values) {
    m.retain(|_, v| !v.is_null());
    for v in m.values_mut() {
        if let Json::Object(sub) = v {
            clean_nil_values(sub);
        }
    }
}

/// `coalesceTablesFullKey(dst, src)`: `src` fills in what `dst` lacks. A null in `dst` stays
/// when coalescing deletes it only where `src` has a value there (Helm marks those keys in a
/// set first; deciding per key gives the same changes in the same order).
pub fn coalesce_tables(dst: &mut Values, src: Values, merge: bool) {
    for (key, val) in src {
        match dst.get_mut(&key) {
            None => {
                dst.insert(key, val);
            }
            Some(Json::Null) => {
                if !merge && !val.is_null() {
                    dst.remove(&key);
                }
            }
            Some(Json::Object(dm)) => {
                if let Json::Object(sv) = val {
                    coalesce_tables(dm, sv, merge);
                }
            }
            Some(_) => {}
        }
    }
}

/// `Values.PathValue`-like lookup of `a.b.c` (tables only on the way).
pub fn path_value<'a>(vals: &'a Values, path: &str) -> Option<&'a Json> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop()?;
    let mut cur = vals;
    for p in parts {
        match cur.get(p) {
            Some(Json::Object(m)) => cur = m,
            _ => return None,
        }
    }
    cur.get(last)
}

/// `Values.Table("a.b")`.
pub fn table<'a>(vals: &'a Values, path: &str) -> Option<&'a Values> {
    let mut cur = vals;
    for p in path.split('.') {
        match cur.get(p) {
            Some(Json::Object(m)) => cur = m,
            _ => return None,
        }
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(j: Json) -> Values {
        j.as_object().unwrap().clone()
    }

    #[test]
    fn null_deletes_and_defaults_fill() {
        let chart = Chart {
            values: std::sync::Arc::new(obj(json!({"a": 1, "b": {"c": 2, "d": 3}, "e": null}))),
            ..Default::default()
        };
        let out = coalesce_values(&chart, &obj(json!({"a": null, "b": {"c": null, "x": 1}})));
        assert_eq!(Json::Object(out), json!({"b": {"d": 3, "x": 1}}));
    }

    fn chart(name: &str, values: Json, deps: Vec<Chart>) -> Chart {
        let mut c = Chart {
            values: std::sync::Arc::new(obj(values)),
            dependencies: deps,
            ..Default::default()
        };
        c.metadata.name = name.into();
        c
    }

    #[test]
    fn globals_flow_down_and_merge_with_the_subcharts_own() {
        let leaf = chart("leaf", json!({"global": {"d": 4}, "v": 1}), vec![]);
        let sub = chart("sub", json!({"global": {"c": 3}}), vec![leaf]);
        // A subchart named `global` is coalesced with the globals as they were before.
        let odd = chart("global", json!({"z": 9}), vec![]);
        let parent = chart(
            "p",
            json!({"global": {"a": 1, "o": {"x": 1}}}),
            vec![sub, odd],
        );
        let user = obj(json!({"sub": {"global": {"b": 2, "o": {"y": 2}}}}));
        let want = json!({
            // The `global` subchart's values are the parent's globals: they get a `global`.
            "global": {"a": 1, "o": {"x": 1}, "z": 9, "global": {"a": 1, "o": {"x": 1}}},
            "sub": {
                "global": {"a": 1, "b": 2, "c": 3, "o": {"x": 1, "y": 2}},
                "leaf": {"global": {"a": 1, "b": 2, "c": 3, "d": 4, "o": {"x": 1, "y": 2}}, "v": 1},
            },
        });
        assert_eq!(Json::Object(coalesce_values(&parent, &user)), want);
        let mut merged = want.clone();
        merged["sub"]["leaf"]["v"] = json!(1);
        assert_eq!(Json::Object(merge_values(&parent, &user)), merged);
    }

    #[test]
    fn defaults_copied_whole_match_defaults_coalesced_key_by_key() {
        let defaults = json!({
            "z": 1, "gone": null, "a": {"n": null, "m": {"o": null, "p": [null]}}, "b": "x",
        });
        let c = chart("c", defaults, vec![]);
        for merge in [false, true] {
            let mut whole = Map::new();
            coalesce_chart_values(&c, &mut whole, merge);
            let mut by_key = Map::new();
            coalesce_chart_entries(&c, &mut by_key, merge, |_| true);
            // The text shows the order too.
            assert_eq!(
                Json::Object(whole).to_string(),
                Json::Object(by_key).to_string(),
                "merge {merge}"
            );
        }
    }

    /// A small deterministic generator of nested values with nulls, for comparing ways.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
        fn value(&mut self, depth: u32) -> Json {
            match self.next(if depth == 0 { 3 } else { 5 }) {
                0 => Json::Null,
                1 => json!(self.next(3)),
                2 => json!("s"),
                _ => Json::Object(self.map(depth - 1)),
            }
        }
        fn map(&mut self, depth: u32) -> Values {
            let keys = ["a", "b", "sub", "d", "e", "f"];
            let n = self.next(keys.len() as u64 + 1);
            (0..n)
                .map(|_| {
                    (
                        keys[self.next(keys.len() as u64) as usize].to_string(),
                        self.value(depth),
                    )
                })
                .collect()
        }
    }

    #[test]
    fn values_laid_over_the_defaults_match_defaults_coalesced_key_by_key() {
        let mut g = Gen(7);
        for round in 0..3000 {
            let defaults = g.map(3);
            let given = g.map(3);
            let sub = chart("sub", json!({}), vec![]);
            let c = chart("c", Json::Object(defaults), vec![sub]);
            for merge in [false, true] {
                let mut laid = given.clone();
                coalesce_into_defaults(&c, &mut laid, merge);
                let mut by_key = given.clone();
                coalesce_chart_entries(&c, &mut by_key, merge, |_| true);
                assert_eq!(
                    laid, by_key,
                    "round {round}, merge {merge}, given {given:?}"
                );
            }
        }
    }

    #[test]
    fn coalescing_some_keys_gives_those_entries_of_the_whole() {
        let sub = chart("sub", json!({"global": {"g": 1}, "s": 1}), vec![]);
        let parent = chart(
            "p",
            json!({
                "global": {"a": 1},
                "tags": {"x": true, "y": null},
                "plain": 1,
                "gone": 2,
                "kept": {"n": null, "m": {"o": null, "p": 1}},
                "sub": {"s": 2},
            }),
            vec![sub],
        );
        let user = obj(json!({
            "tags": {"y": false, "z": null},
            "gone": null,
            "only_user": null,
            "kept": {"m": {"p": null, "q": 1}},
            "sub": {"global": {"u": 1}},
        }));
        let whole = coalesce_values(&parent, &user);
        let keys = [
            "global",
            "tags",
            "plain",
            "gone",
            "kept",
            "sub",
            "only_user",
            "absent",
        ];
        for n in 0..1u32 << keys.len() {
            let some: Vec<&str> = (0..keys.len())
                .filter(|i| n & (1 << i) != 0)
                .map(|i| keys[i])
                .collect();
            let mut want = whole.clone();
            want.retain(|k, _| some.contains(&k.as_str()));
            let got = coalesce_values_of(&parent, &user, &some);
            assert_eq!(Json::Object(got), Json::Object(want), "keys {some:?}");
        }
    }
}
