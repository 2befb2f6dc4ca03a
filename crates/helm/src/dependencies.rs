//! Subchart selection and import: `alias`, `condition`, `tags` and `import-values`, in the
//! order Helm's `ProcessDependencies` applies them.

use serde_json::{Map, Value as Json};

use crate::chart::Chart;
use crate::semver::is_compatible_range;
use crate::values::{self, Values};

/// Removes disabled subcharts, applies aliases, then imports values, recursively.
pub fn process_dependencies(chart: &mut Chart, vals: &Values) {
    process_enabled(chart, vals, "");
    process_import_values_rec(chart);
}

fn process_enabled(c: &mut Chart, v: &Values, path: &str) {
    let Some(mut reqs) = c.metadata.dependencies.clone() else {
        return;
    };
    // Subcharts not named by any dependency are kept as they are.
    let mut chart_deps: Vec<Chart> = c
        .dependencies
        .iter()
        .filter(|existing| {
            !reqs.iter().any(|r| {
                existing.name() == r.name
                    && is_compatible_range(&r.version, &existing.metadata.version)
            })
        })
        .cloned()
        .collect();
    for req in reqs.iter_mut() {
        if let Some(found) = c.dependencies.iter().find(|ch| {
            ch.name() == req.name && is_compatible_range(&req.version, &ch.metadata.version)
        }) {
            let mut out = found.clone();
            if !req.alias.is_empty() {
                out.metadata.name = req.alias.clone();
            }
            chart_deps.push(out);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;
    for r in reqs.iter_mut() {
        r.enabled = true;
    }
    c.metadata.dependencies = Some(reqs.clone());
    // Only `tags` and the entries the conditions name are read here, unless a subchart
    // processes dependencies of its own: it coalesces all of these values again.
    let cvals = if c
        .dependencies
        .iter()
        .any(|d| d.metadata.dependencies.is_some())
    {
        values::coalesce_values(c, v)
    } else {
        let conditions: Vec<String> = reqs
            .iter()
            .flat_map(|r| r.condition.trim().split(','))
            .filter(|cond| !cond.is_empty())
            .map(|cond| format!("{path}{cond}"))
            .collect();
        let mut keys = vec!["tags"];
        keys.extend(conditions.iter().map(|p| p.split('.').next().unwrap_or(p)));
        values::coalesce_values_of(c, v, &keys)
    };
    // tags
    if let Some(Json::Object(vt)) = cvals.get("tags") {
        for r in reqs.iter_mut() {
            let (mut has_true, mut has_false) = (false, false);
            for k in &r.tags {
                match vt.get(k) {
                    Some(Json::Bool(true)) => has_true = true,
                    Some(Json::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            r.enabled = has_true || !has_false;
        }
    }
    // conditions
    for r in reqs.iter_mut() {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Json::Bool(b)) = values::path_value(&cvals, &format!("{path}{cond}")) {
                r.enabled = *b;
                break;
            }
        }
    }
    let removed: Vec<String> = reqs
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies
        .retain(|d| !removed.contains(&d.metadata.name));
    reqs.retain(|r| !removed.contains(&r.name));
    for t in c.dependencies.iter_mut() {
        let subpath = format!("{path}{}.", t.metadata.name);
        process_enabled(t, &cvals, &subpath);
    }
    c.metadata.dependencies = Some(reqs);
}

fn process_import_values_rec(c: &mut Chart) {
    for d in c.dependencies.iter_mut() {
        process_import_values_rec(d);
    }
    process_import_values(c);
}

fn path_to_map(path: &str, data: Values) -> Values {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for p in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(p.to_string(), Json::Object(cur));
        cur = m;
    }
    cur
}

fn process_import_values(c: &mut Chart) {
    let Some(mut reqs) = c.metadata.dependencies.clone() else {
        return;
    };
    let cvals = values::merge_values(c, &Map::new());
    let mut b = Map::new();
    for r in reqs.iter_mut() {
        let mut outiv = Vec::new();
        for riv in &r.import_values {
            match riv {
                Json::Object(iv) => {
                    let sprint = |v: Option<&Json>| match v {
                        Some(Json::String(s)) => s.clone(),
                        Some(Json::Null) | None => "<nil>".to_string(),
                        Some(o) => o.to_string(),
                    };
                    let child = sprint(iv.get("child"));
                    let parent = sprint(iv.get("parent"));
                    let mut m = Map::new();
                    m.insert("child".into(), Json::String(child.clone()));
                    m.insert("parent".into(), Json::String(parent.clone()));
                    outiv.push(Json::Object(m));
                    if let Some(vv) = values::table(&cvals, &format!("{}.{}", r.name, child)) {
                        values::coalesce_tables(&mut b, path_to_map(&parent, vv.clone()), true);
                    }
                }
                Json::String(iv) => {
                    let child = format!("exports.{iv}");
                    let mut m = Map::new();
                    m.insert("child".into(), Json::String(child.clone()));
                    m.insert("parent".into(), Json::String(".".into()));
                    outiv.push(Json::Object(m));
                    if let Some(vm) = values::table(&cvals, &format!("{}.{}", r.name, child)) {
                        values::coalesce_tables(&mut b, vm.clone(), true);
                    }
                }
                _ => {}
            }
        }
        r.import_values = outiv;
    }
    c.metadata.dependencies = Some(reqs);
    let mut cv = cvals;
    values::coalesce_tables(&mut cv, b, true);
    c.values = std::sync::Arc::new(cv);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Dependency;
    use serde_json::json;

    fn chart(name: &str, values: Json, deps: Vec<(Dependency, Chart)>) -> Chart {
        let mut c = Chart {
            values: std::sync::Arc::new(values.as_object().cloned().unwrap_or_default()),
            ..Default::default()
        };
        c.metadata.name = name.into();
        c.metadata.version = "1.0.0".into();
        if !deps.is_empty() {
            c.metadata.dependencies = Some(deps.iter().map(|(d, _)| d.clone()).collect());
            c.dependencies = deps.into_iter().map(|(_, c)| c).collect();
        }
        c
    }

    fn dep(name: &str, condition: &str, tags: &[&str], sub: Chart) -> (Dependency, Chart) {
        let d = Dependency {
            name: name.into(),
            version: "1.x.x".into(),
            condition: condition.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        };
        (d, sub)
    }

    fn kept(c: &Chart) -> Vec<String> {
        c.dependencies
            .iter()
            .map(|d| d.name().to_string())
            .collect()
    }

    #[test]
    fn tags_and_conditions_read_the_coalesced_values() {
        let leaf = |name: &str| chart(name, json!({}), vec![]);
        let mut parent = chart(
            "p",
            json!({
                "tags": {"front": false, "back": true},
                "switches": {"a": false},
                "flags": {"c": true, "d": null},
            }),
            vec![
                dep(
                    "a",
                    "switches.a",
                    &[],
                    chart("a", json!({"enabled": true}), vec![]),
                ),
                dep("b", "", &["front"], leaf("b")),
                dep("c", "flags.c", &["front"], leaf("c")),
                dep("d", "flags.d,flags.e", &["back"], leaf("d")),
                dep("e", "", &["front", "back"], leaf("e")),
            ],
        );
        // The user re-enables `a`, removes the `front` tag's value (null deletes it) and
        // sets `flags.e`, read after the deleted `flags.d`.
        let user = json!({"switches": {"a": true}, "tags": {"front": null}, "flags": {"e": false}});
        process_dependencies(&mut parent, user.as_object().unwrap_or(&Map::new()));
        assert_eq!(kept(&parent), ["a", "b", "c", "e"]);
    }

    #[test]
    fn aliases_copy_a_subchart_and_a_version_out_of_range_names_none() {
        let mut too_new = dep("db", "", &[], chart("db", json!({}), vec![]));
        too_new.0.version = "2.x.x".into();
        too_new.0.alias = "never".into();
        let mut first = dep("db", "", &[], chart("db", json!({}), vec![]));
        first.0.alias = "one".into();
        let mut second = first.clone();
        second.0.alias = "two".into();
        let mut parent = chart("p", json!({}), vec![too_new, first, second]);
        // Subcharts no dependency names are kept, ahead of the named ones.
        let mut other = chart("other", json!({}), vec![]);
        other.metadata.version = "9.0.0".into();
        parent.dependencies.push(other);
        process_dependencies(&mut parent, &Map::new());
        // `db` is vendored three times above; each named copy is renamed by its alias.
        assert_eq!(kept(&parent), ["other", "one", "two"]);
        let names: Vec<String> = parent
            .metadata
            .dependencies
            .iter()
            .flatten()
            .map(|d| d.name.clone())
            .collect();
        assert_eq!(names, ["never", "one", "two"]);
    }

    #[test]
    fn a_subchart_with_dependencies_reads_conditions_under_its_path() {
        // Conditions below the top are read under the subchart's path (`mid.leafOn`).
        let inner = chart(
            "mid",
            json!({"leafOn": true}),
            vec![dep("leaf", "leafOn", &[], chart("leaf", json!({}), vec![]))],
        );
        let parent = chart("p", json!({"other": 1}), vec![dep("mid", "", &[], inner)]);
        for (user, want) in [
            (json!({}), vec!["leaf"]),
            (json!({"mid": {"leafOn": false}}), vec![]),
        ] {
            let mut c = parent.clone();
            process_dependencies(&mut c, user.as_object().unwrap_or(&Map::new()));
            assert_eq!(kept(&c.dependencies[0]), want, "user values {user}");
        }
    }
}
