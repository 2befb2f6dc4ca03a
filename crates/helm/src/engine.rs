//! Rendering a chart: every template of the chart and its enabled subcharts is parsed into
//! one template set (deepest paths first, so a parent's `define` wins over a subchart's),
//! then each non-partial template is executed with its chart's scope, as Helm's engine does.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use kubeplay_gotemplate::{ErrorKind, Limits, MissingKey, ParsedText, SortedMap, Templates, Value};

use crate::capabilities::Capabilities;
use crate::chart::Chart;
use crate::convert::json_to_value;
use crate::error::HelmError;
use crate::files::Files;
use crate::funcs::dictvalue::MutMap;
use crate::values::{self, Values};

/// Release options (`helm template` renders an install of revision 1).
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
    /// `--kube-version`; Helm's default when `None`.
    pub kube_version: Option<String>,
    /// `--api-versions`, added to the defaults.
    pub api_versions: Vec<String>,
    /// Skip values.schema.json validation.
    pub skip_schema_validation: bool,
    /// Execution limits for the template engine.
    pub limits: Limits,
    /// Seed for Sprig's random functions (Helm uses the OS; we stay reproducible).
    pub seed: u64,
    /// What `now` returns, in Unix seconds (Helm reads the clock; the engine has none).
    pub now: i64,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            name: "release-name".into(),
            namespace: "default".into(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
            kube_version: None,
            api_versions: Vec::new(),
            skip_schema_validation: false,
            limits: Limits::default(),
            seed: 0,
            now: crate::funcs::sprig::date::DEFAULT_NOW_UNIX,
        }
    }
}

/// The result of a render: each template's text by its Helm path, plus the chart as it was
/// after dependency processing (for `helm template`'s CRDs and hooks).
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `<chart>/templates/x.yaml` -> text, partials excluded, NOTES.txt included.
    pub templates: BTreeMap<String, String>,
    pub chart: Chart,
    /// The values the user gave, for [`Rendered::values`].
    user_values: Values,
}

impl Rendered {
    /// The coalesced values the templates saw. Coalesced again here: a render hands its
    /// coalesced values over to the templates instead of keeping a copy.
    pub fn values(&self) -> Values {
        values::coalesce_values(&self.chart, &self.user_values)
    }
}

struct Renderable {
    text: Arc<[u8]>,
    /// `text` as UTF-8 when the chart's loading checked it.
    source: Option<Arc<str>>,
    vals: Arc<BTreeMap<String, Value>>,
    base_path: String,
}

/// Renders `chart` with user-supplied values (already merged from `-f`/`--set`).
pub fn render(
    chart: &Chart,
    user_values: &Values,
    opts: &RenderOptions,
) -> Result<Rendered, HelmError> {
    Renderer::default().render(chart, user_values, opts)
}

/// Renders again and again, parsing only the templates whose text changed since the last
/// render (the page re-renders on every edit, usually of one file or of the values; Helm
/// parses every template every time).
#[derive(Default)]
pub struct Renderer {
    cache: ParseCache,
}

impl Renderer {
    /// Like [`render`].
    pub fn render(
        &mut self,
        chart: &Chart,
        user_values: &Values,
        opts: &RenderOptions,
    ) -> Result<Rendered, HelmError> {
        render_with(self, chart, user_values, opts)
    }
}

/// Each template file's text and parsed trees from the last render, and the set they made.
/// A parse depends only on the name, the text, the function names (always Helm's) and the
/// stack limit, so entries are valid while the limits stay the same.
#[derive(Default)]
struct ParseCache {
    limits: Option<Limits>,
    files: HashMap<String, (Arc<[u8]>, ParsedText)>,
    /// The set of the last render, reused whole when no file changed.
    set: Option<Arc<Templates>>,
}

impl ParseCache {
    /// The template set for `texts` (in Helm's parse order), parsing only what is new.
    /// A parse error leaves the cache as it was.
    fn templates(
        &mut self,
        texts: &[(&String, &Renderable)],
        limits: Limits,
    ) -> Result<Arc<Templates>, HelmError> {
        if self.limits != Some(limits) {
            *self = ParseCache {
                limits: Some(limits),
                ..ParseCache::default()
            };
        }
        let unchanged = |name: &str, text: &Arc<[u8]>| {
            self.files
                .get(name)
                .filter(|(old, _)| Arc::ptr_eq(old, text) || old[..] == text[..])
                .map(|(_, parsed)| parsed)
        };
        if let Some(set) = &self.set {
            if texts.len() == self.files.len()
                && texts.iter().all(|(n, r)| unchanged(n, &r.text).is_some())
            {
                return Ok(set.clone());
            }
        }
        let mut set = crate::funcs::base_set();
        set.missing_key(MissingKey::Zero);
        set.limits(limits);
        let mut files = HashMap::with_capacity(texts.len());
        for &(name, r) in texts {
            let text = &r.text;
            let parsed = match unchanged(name, text) {
                Some(parsed) => parsed.clone(),
                None => {
                    // `from_utf8` checks valid text faster than `from_utf8_lossy`'s chunking.
                    // The loaded text is shared with the parse, not copied.
                    let source: Arc<str> = match &r.source {
                        Some(s) => s.clone(),
                        None => match std::str::from_utf8(text) {
                            Ok(s) => s.into(),
                            Err(_) => String::from_utf8_lossy(text).into(),
                        },
                    };
                    set.parse_text(name, source)
                        .map_err(|e| HelmError::Render(parse_error(name, &e)))?
                }
            };
            set.add_parsed(&parsed);
            files.insert(name.clone(), (text.clone(), parsed));
        }
        let set = Arc::new(set);
        self.files = files;
        self.set = Some(set.clone());
        Ok(set)
    }
}

fn render_with(
    renderer: &mut Renderer,
    chart: &Chart,
    user_values: &Values,
    opts: &RenderOptions,
) -> Result<Rendered, HelmError> {
    let mut chart = chart.clone();
    crate::dependencies::process_dependencies(&mut chart, user_values);
    let caps = Capabilities::new(opts.kube_version.as_deref(), &opts.api_versions)
        .map_err(HelmError::Values)?;
    if !chart.metadata.kube_version.is_empty() {
        let ok = crate::semver::Constraints::parse(&chart.metadata.kube_version)
            .map(|c| {
                crate::semver::Version::parse(&caps.kube_version.normalized)
                    .is_some_and(|v| c.check(&v))
            })
            .unwrap_or(false);
        if !ok {
            return Err(HelmError::Load(format!(
                "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
                chart.metadata.kube_version, caps.kube_version.normalized
            )));
        }
    }
    let validate = !opts.skip_schema_validation;
    // Validation also checks that each subchart's values are a map, schema or not.
    let nothing_to_validate = !validate || chart.schema.is_none();
    let root_values =
        if user_values.is_empty() && chart.dependencies.is_empty() && nothing_to_validate {
            // Coalescing would only copy the defaults without their nulls: the templates'
            // values are made from the defaults as they are, leaving the nulls out.
            MutMap::new(crate::funcs::helm::json_entries_to_mutable_without_nulls(
                &chart.values,
            ))
        } else {
            let vals = serde_json::Value::Object(values::coalesce_values(&chart, user_values));
            if validate {
                crate::schema::validate_chart_values(&chart, &vals)?;
            }
            match vals {
                serde_json::Value::Object(m) => {
                    MutMap::new(crate::funcs::helm::json_entries_into_mutable(m))
                }
                _ => MutMap::default(),
            }
        };
    let release = Value::map([
        ("Name", Value::from(opts.name.as_str())),
        ("Namespace", Value::from(opts.namespace.as_str())),
        ("IsUpgrade", Value::Bool(opts.is_upgrade)),
        ("IsInstall", Value::Bool(opts.is_install)),
        ("Revision", Value::Int(opts.revision)),
        ("Service", Value::from("Helm")),
    ]);
    let caps = Value::object(caps);
    let mut tpls: BTreeMap<String, Renderable> = BTreeMap::new();
    collect(
        &chart,
        ValuesFrom::Root(root_values),
        chart.name(),
        &release,
        &caps,
        &mut tpls,
    );
    let templates = execute(renderer, &tpls, opts)?;
    Ok(Rendered {
        templates,
        chart,
        user_values: user_values.clone(),
    })
}

/// Where a chart's `.Values` come from.
enum ValuesFrom<'a> {
    /// The top chart's coalesced values.
    Root(MutMap),
    /// The parent's `.Values`, whose entry under the chart's name they are.
    Parent(&'a Value),
}

/// Helm's `recAllTpls`: gathers templates with the scope each one runs in.
fn collect(
    c: &Chart,
    values_from: ValuesFrom<'_>,
    full_path: &str,
    release: &Value,
    caps: &Value,
    out: &mut BTreeMap<String, Renderable>,
) -> Value {
    let is_root = matches!(values_from, ValuesFrom::Root(_));
    // `.Values` maps are shared and changeable, as Go maps are: `set .Values "k" v` is seen
    // by later reads, and a subchart's `.Values` is the parent's entry for it.
    let values = match values_from {
        ValuesFrom::Root(root) => root.as_values(),
        ValuesFrom::Parent(parent) => {
            let entry = crate::funcs::MutMap::of(parent).and_then(|m| m.get(c.name()));
            match entry.as_ref().and_then(crate::funcs::MutMap::of) {
                Some(m) => m.as_values(),
                None => crate::funcs::MutMap::default().as_values(),
            }
        }
    };
    let mut subcharts = BTreeMap::new();
    let files = Files::new(c.files.iter().map(|f| (f.name.clone(), f.data.clone())));
    let mut next: BTreeMap<String, Value> = BTreeMap::new();
    next.insert("Chart".into(), c.chart_value(is_root));
    next.insert("Files".into(), Value::object(files));
    next.insert("Release".into(), release.clone());
    next.insert("Capabilities".into(), caps.clone());
    next.insert("Values".into(), values.clone());
    for child in &c.dependencies {
        let child_path = format!("{full_path}/charts/{}", child.name());
        let sub = collect(
            child,
            ValuesFrom::Parent(&values),
            &child_path,
            release,
            caps,
            out,
        );
        subcharts.insert(child.name().to_string(), sub);
    }
    next.insert("Subcharts".into(), Value::from(subcharts));
    let next = Arc::new(next);
    let base_path = format!("{full_path}/templates");
    for t in &c.templates {
        if c.is_library() {
            let base = t.name.rsplit('/').next().unwrap_or(&t.name);
            if !base.starts_with('_') {
                continue;
            }
        }
        let mut path = String::with_capacity(full_path.len() + 1 + t.name.len());
        path.push_str(full_path);
        path.push('/');
        path.push_str(&t.name);
        out.insert(
            path,
            Renderable {
                text: t.data.clone(),
                source: t.text().cloned(),
                vals: next.clone(),
                base_path: base_path.clone(),
            },
        );
    }
    Value::from((*next).clone())
}

/// Helm's template order: more path segments first, then reverse lexical order.
fn sort_templates<'a>(names: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut v: Vec<(usize, &String)> = names.map(|n| (n.matches('/').count(), n)).collect();
    v.sort_by(|(da, a), (db, b)| db.cmp(da).then_with(|| b.cmp(a)));
    v.into_iter().map(|(_, n)| n).collect()
}

fn execute(
    renderer: &mut Renderer,
    tpls: &BTreeMap<String, Renderable>,
    opts: &RenderOptions,
) -> Result<BTreeMap<String, String>, HelmError> {
    crate::funcs::sprig::random::reseed(opts.seed);
    crate::funcs::sprig::regex::forget_results();
    crate::funcs::sprig::date::set_now(opts.now);
    let keys = sort_templates(tpls.keys());
    let texts: Vec<(&String, &Renderable)> = keys.iter().map(|k| (*k, &tpls[*k])).collect();
    let t = renderer.cache.templates(&texts, opts.limits)?;
    let mut rendered = BTreeMap::new();
    // One scope per chart, shared by its templates, with `.Template` set on it before each
    // one: Helm's engine does the same with the chart's values map (a `common.Values`), so a
    // template that `set`s a key on `$` changes it for the chart's templates after it.
    let mut scopes: Vec<(&Arc<BTreeMap<String, Value>>, MutMap)> = Vec::new();
    for name in &keys {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let r = &tpls[name.as_str()];
        let at = match scopes.iter().position(|(v, _)| Arc::ptr_eq(v, &r.vals)) {
            Some(at) => at,
            None => {
                let entries = r.vals.iter().map(|(k, v)| (k.clone(), v.clone()));
                scopes.push((&r.vals, MutMap::new(entries.collect())));
                scopes.len() - 1
            }
        };
        let scope = &scopes[at].1;
        let template = MutMap::new(SortedMap::from([
            ("BasePath".to_string(), Value::from(r.base_path.as_str())),
            ("Name".to_string(), Value::from(name.as_str())),
        ]));
        scope.update(|entries| entries.insert("Template".into(), template.as_values()));
        let out = t
            .execute(name, &scope.as_values())
            .map_err(|e| HelmError::Render(exec_error(name, &e)))?;
        let out = if out.contains("<no value>") {
            out.replace("<no value>", "")
        } else {
            out
        };
        rendered.insert(name.to_string(), out);
    }
    Ok(rendered)
}

/// Helm's `cleanupParseError`.
fn parse_error(name: &str, e: &kubeplay_gotemplate::Error) -> String {
    let s = e.to_string();
    let tokens: Vec<&str> = s.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({name}): {s}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

/// Wraps a `fail`/`required` message so the top level can unwrap it.
pub(crate) fn warn_wrap(msg: &str) -> String {
    format!("{WARN_START}{msg}{WARN_END}")
}

/// Helm's `reformatExecErrorMsg`.
fn exec_error(name: &str, e: &kubeplay_gotemplate::Error) -> String {
    let s = e.to_string();
    if e.kind == ErrorKind::Limit {
        return format!("execution error in ({name}): {s}");
    }
    let tokens: Vec<&str> = s.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({name}): {s}");
    }
    let location = tokens[1];
    if let (Some(a), Some(b)) = (tokens[2].find(WARN_START), tokens[2].rfind(WARN_END)) {
        if a + WARN_START.len() <= b {
            return format!(
                "execution error at ({location}): {}",
                &tokens[2][a + WARN_START.len()..b]
            );
        }
    }
    // A trace of "template: LOC: executing "NAME" at <CTX>: MSG" entries, innermost last.
    let mut out = String::new();
    let mut cur = s.as_str();
    let mut last = String::new();
    // Helm gives up and shows Go's message when an entry has none of its three shapes.
    let unparsed = || s.clone();
    while let Some(rest) = cur.strip_prefix("template: ") {
        let entry;
        let mut next = None;
        if rest.starts_with("no template ") {
            // Go's "template: no template %q associated with template %q", kept whole.
            entry = format!("{cur}\n");
        } else if let Some((loc, after)) = rest.split_once(": executing \"") {
            let Some(endq) = after.find('"') else {
                return unparsed();
            };
            let func = &after[..endq];
            let after_func = &after[endq + 1..];
            let Some(after_at) = after_func.strip_prefix(" at <") else {
                return unparsed();
            };
            let Some((ctx, msg)) = after_at.split_once(">: ") else {
                return unparsed();
            };
            let mut m = msg;
            if let Some(i) = msg.find(" template:") {
                next = Some(&msg[i + 1..]);
                m = &msg[..i];
            }
            entry = format!("{loc}\n  executing \"{func}\" at <{ctx}>:\n    {m}\n");
        } else if let Some(sep) = rest.rfind(": ") {
            let mut m = &rest[sep + 2..];
            if let Some(i) = m.find(" template:") {
                m = &m[..i];
            }
            entry = format!("{}\n  {m}\n", &rest[..sep]);
        } else {
            return unparsed();
        }
        if entry != last {
            out.push_str(&entry);
            last = entry;
        }
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    if out.is_empty() {
        return s;
    }
    out.trim().to_string()
}

/// Converts JSON values for templates (used by callers that build scopes themselves).
pub fn template_value(j: &serde_json::Value) -> Value {
    json_to_value(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_vfs::FileTree;

    /// A chart from `(path, text)` files under `/c`.
    fn chart(files: &[(&str, &str)]) -> Chart {
        let mut tree = FileTree::new();
        for (path, text) in files {
            tree.write(&format!("/c/{path}"), text.as_bytes().to_vec())
                .expect("write chart file");
        }
        crate::chart::load(&tree, "/c").expect("load chart")
    }

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).expect("rendered JSON")
    }

    fn user(j: serde_json::Value) -> Values {
        j.as_object().cloned().unwrap_or_default()
    }

    /// Numbers as float64, as values files give them and `toJson` prints them (`1`).
    fn floats(v: serde_json::Value) -> serde_json::Value {
        use serde_json::Value as J;
        match v {
            J::Number(n) => serde_json::json!(n.as_f64()),
            J::Array(a) => J::Array(a.into_iter().map(floats).collect()),
            J::Object(o) => J::Object(o.into_iter().map(|(k, v)| (k, floats(v))).collect()),
            other => other,
        }
    }

    /// What `.Values` was, as the last template to run printed it, against
    /// [`Rendered::values`].
    fn seen(c: &Chart, user_values: &Values) -> (serde_json::Value, serde_json::Value) {
        let out = render(c, user_values, &RenderOptions::default()).expect("render");
        let printed = &out.templates["p/templates/a.json"];
        (
            floats(json(printed)),
            floats(serde_json::Value::Object(out.values())),
        )
    }

    #[test]
    fn templates_see_the_coalesced_values_whichever_way_they_are_made() {
        let defaults = "a: 1\nz: null\nm:\n  z: ~\n  k: v\n  l: [null, {z: null}]\n";
        let files = [
            ("Chart.yaml", "apiVersion: v2\nname: p\nversion: 1.0.0\n"),
            ("values.yaml", defaults),
            ("templates/a.json", "{{ toJson .Values }}"),
        ];
        let plain = chart(&files);
        let want = floats(json(r#"{"a":1,"m":{"k":"v","l":[null,{"z":null}]}}"#));
        // No user values, no subcharts, no schema: made from the defaults directly.
        assert_eq!(seen(&plain, &Values::new()), (want.clone(), want));
        // User values: coalesced, then taken by the templates.
        let (printed, values) = seen(&plain, &user(serde_json::json!({"a": null, "u": 2})));
        let want = floats(json(r#"{"m":{"k":"v","l":[null,{"z":null}]},"u":2}"#));
        assert_eq!((printed, values), (want.clone(), want.clone()));
        // A schema to check: coalesced first, even without user values.
        let mut with_schema = files.to_vec();
        with_schema.push(("values.schema.json", r#"{"type": "object"}"#));
        let (printed, values) = seen(&chart(&with_schema), &Values::new());
        let want = floats(json(r#"{"a":1,"m":{"k":"v","l":[null,{"z":null}]}}"#));
        assert_eq!((printed, values), (want.clone(), want));
    }

    #[test]
    fn a_subcharts_values_must_be_a_map_without_any_schema() {
        let c = chart(&[
            ("Chart.yaml", "apiVersion: v2\nname: p\nversion: 1.0.0\n"),
            (
                "charts/s/Chart.yaml",
                "apiVersion: v2\nname: s\nversion: 1.0.0\n",
            ),
            ("charts/s/templates/s.yaml", "x"),
        ]);
        let err = render(
            &c,
            &user(serde_json::json!({"s": 5})),
            &RenderOptions::default(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            err.contains("s:\ninvalid type for values: expected object (map), got int64"),
            "{err}"
        );
    }

    #[test]
    fn a_set_on_values_is_seen_by_the_templates_after_it() {
        // Subchart templates run first, then the parent's in reverse name order.
        let files = [
            ("Chart.yaml", "apiVersion: v2\nname: p\nversion: 1.0.0\n"),
            ("values.yaml", "nested:\n  k: default\n"),
            (
                "charts/s/Chart.yaml",
                "apiVersion: v2\nname: s\nversion: 1.0.0\n",
            ),
            ("charts/s/values.yaml", "own: 1\n"),
            (
                "charts/s/templates/s.json",
                r#"{{ $_ := set .Values "fromSub" .Values.own }}{{ toJson .Values }}"#,
            ),
            (
                "templates/b.json",
                r#"{{ $_ := set .Values.nested "k" "changed" }}{{ $_ := set .Values "new" 1 }}"#,
            ),
            ("templates/a.json", "{{ toJson .Values }}"),
        ];
        // Without the subchart and user values, the values are made from the defaults.
        let alone: Vec<(&str, &str)> = files
            .iter()
            .copied()
            .filter(|(p, _)| !p.starts_with("charts/"))
            .collect();
        for (c, has_sub) in [(chart(&files), true), (chart(&alone), false)] {
            for user_values in [Values::new(), user(serde_json::json!({"nested": {"u": 1}}))] {
                let out = render(&c, &user_values, &RenderOptions::default()).expect("render");
                let printed = json(&out.templates["p/templates/a.json"]);
                let case = format!("subchart {has_sub}, user values {user_values:?}");
                assert_eq!(printed["nested"]["k"], "changed", "{case}");
                assert_eq!(printed["new"], 1, "{case}");
                // The values the render reports are the coalesced ones, before any `set`.
                let values = serde_json::Value::Object(out.values());
                assert_eq!(values["nested"]["k"], "default", "{case}");
                if has_sub {
                    assert_eq!(printed["s"]["fromSub"], 1, "{case}");
                    assert!(values["s"].get("fromSub").is_none(), "{case}");
                }
            }
        }
    }
}
