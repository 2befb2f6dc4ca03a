//! `helmCharts` (and `helmGlobals`, the legacy `helmChartInflationGenerator` field and the
//! builtin `HelmChartInflationGenerator` plugin config): charts rendered like
//! `kustomize build --enable-helm` does with `helm template`, through kubeplay-helm.
//!
//! What kustomize v5.5.0 does, and this module with it:
//! - Configuring the plugin fails with `must specify --enable-helm` unless the build enables
//!   Helm (`BuildOptions::enable_helm`).
//! - `chartHome` defaults to `charts`, relative to the kustomization directory unless
//!   absolute; with both `repo` and `version` the chart lives in
//!   `<chartHome>/<name>-<version>/<name>`.
//! - `valuesFile` defaults to `<chartHome>/<name>/values.yaml` and is read through the
//!   loader (so under the load restrictor), relative to the kustomization directory.
//! - With a non-empty `valuesInline`, `valuesMerge` decides the values file helm gets:
//!   `override` (the default) merges valuesInline over the values file, `merge` merges the
//!   values file over valuesInline, `replace` passes valuesInline alone. Without
//!   valuesInline, the values file itself is passed. `additionalValuesFiles` (relative to
//!   the kustomization directory, under the load restrictor) follow, in order.
//! - `helm template RELEASE CHART --namespace NS ...`: the namespace only reaches the
//!   templates (`.Release.Namespace`, `default` when unset); kustomize sets none itself.
//! - The resources are helm's stream as it prints it (CRDs with includeCRDs, then the
//!   manifests in Helm's install order, then hooks unless skipHooks), added after the
//!   ConfigMap and Secret generators.
//!
//! Charts are never pulled: a chart missing locally with a `repo` is an error saying that
//! kubeplay builds offline.

use kubeplay_helm::{load_chart, template, RenderOptions, TemplateOptions, UserValues};
use kubeplay_vfs::FileTree;
use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::{Error, Result};
use crate::loader::Loader;
use crate::resmap::ResMap;
use crate::target::new_resource;
use crate::yamlio;

const DEFAULT_HOME: &str = "charts";
const MERGE_OPTIONS: [&str; 3] = ["merge", "override", "replace"];

/// One chart to inflate: kustomize's `HelmGlobals` and `HelmChart` together.
#[derive(Debug, Clone, Default)]
pub struct HelmChart {
    chart_home: String,
    config_home: String,
    name: String,
    version: String,
    repo: String,
    release_name: String,
    namespace: String,
    additional_values_files: Vec<String>,
    values_file: String,
    values_inline: Map<String, Json>,
    values_merge: String,
    include_crds: bool,
    skip_hooks: bool,
    api_versions: Vec<String>,
    kube_version: String,
    name_template: String,
    skip_tests: bool,
    debug: bool,
    /// The config as kustomize prints it in configuration errors.
    config_yaml: String,
}

/// The charts a kustomization lists: `helmCharts`, then the legacy
/// `helmChartInflationGenerator` entries (kustomize's fix-up appends them), each with
/// `helmGlobals` (or the legacy entries' chartHome/helmHome when there are no globals).
pub fn from_kustomization(k: &crate::kustomization::Kustomization) -> Vec<(Json, Json)> {
    let mut globals = k.get("helmGlobals").cloned().unwrap_or(Json::Null);
    let mut charts = k.items("helmCharts");
    let legacy = k.items("helmChartInflationGenerator");
    if !legacy.is_empty() {
        let mut legacy_globals = Map::new();
        for old in &legacy {
            let s = |f: &str| old.get(f).and_then(Json::as_str).unwrap_or("").to_string();
            if !s("helmHome").is_empty() {
                legacy_globals.insert("configHome".into(), Json::String(s("helmHome")));
            }
            if !s("chartHome").is_empty() {
                legacy_globals.insert("chartHome".into(), Json::String(s("chartHome")));
            }
            let mut c = Map::new();
            for (from, to) in [
                ("chartName", "name"),
                ("chartVersion", "version"),
                ("chartRepoUrl", "repo"),
                ("values", "valuesFile"),
                ("valuesLocal", "valuesInline"),
                ("valuesMerge", "valuesMerge"),
                ("releaseName", "releaseName"),
            ] {
                if let Some(v) = old.get(from).filter(|v| !v.is_null()) {
                    c.insert(to.into(), v.clone());
                }
            }
            charts.push(Json::Object(c));
        }
        if globals.is_null() && !legacy_globals.is_empty() {
            globals = Json::Object(legacy_globals);
        }
    }
    charts.into_iter().map(|c| (globals.clone(), c)).collect()
}

/// Reads a plugin config (`HelmGlobals` and `HelmChart` fields inline, as in a
/// `HelmChartInflationGenerator` config or a `helmCharts` entry joined with `helmGlobals`)
/// and validates it like the plugin's `Config`.
pub fn configure(globals: &Json, chart: &Json, ldr: &Loader) -> Result<HelmChart> {
    let get = |f: &str| {
        chart
            .get(f)
            .filter(|v| !v.is_null())
            .or_else(|| globals.get(f).filter(|v| !v.is_null()))
    };
    let s = |f: &str| get(f).map(scalar_string).unwrap_or_default();
    let b = |f: &str| get(f).and_then(Json::as_bool).unwrap_or(false);
    let list = |f: &str| -> Vec<String> {
        get(f)
            .and_then(Json::as_array)
            .map(|a| a.iter().map(scalar_string).collect())
            .unwrap_or_default()
    };
    let mut c = HelmChart {
        chart_home: s("chartHome"),
        config_home: s("configHome"),
        name: s("name"),
        version: s("version"),
        repo: s("repo"),
        release_name: s("releaseName"),
        namespace: s("namespace"),
        additional_values_files: list("additionalValuesFiles"),
        values_file: s("valuesFile"),
        values_inline: get("valuesInline")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default(),
        values_merge: s("valuesMerge"),
        include_crds: b("includeCRDs"),
        skip_hooks: b("skipHooks"),
        api_versions: list("apiVersions"),
        kube_version: s("kubeVersion"),
        name_template: s("nameTemplate"),
        skip_tests: b("skipTests"),
        debug: b("debug"),
        config_yaml: String::new(),
    };
    c.config_yaml = c.as_config_yaml();
    if !ldr.enable_helm {
        return Err(c.config_error("must specify --enable-helm"));
    }
    if c.name.is_empty() {
        return Err(c.config_error("chart name cannot be empty"));
    }
    if c.chart_home.is_empty() {
        c.chart_home = DEFAULT_HOME.into();
    }
    if c.values_file.is_empty() {
        c.values_file = format!("{}/{}/values.yaml", c.abs_chart_home(ldr), c.name);
    }
    let mut files = Vec::new();
    for file in &c.additional_values_files {
        if let Err(e) = ldr.load(file) {
            let why = format!("could not load additionalValuesFile: {}", e.message);
            return Err(c.config_error(&why));
        }
        files.push(ldr.abs(file));
    }
    c.additional_values_files = files;
    if c.values_merge.is_empty() {
        c.values_merge = "override".into();
    } else if !MERGE_OPTIONS.contains(&c.values_merge.as_str()) {
        return Err(c.config_error(&format!(
            "valuesMerge must be one of [{}]",
            MERGE_OPTIONS.join(" ")
        )));
    }
    Ok(c)
}

fn sorted_keys(v: Json) -> Json {
    match v {
        Json::Object(m) => {
            let mut entries: Vec<_> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted_keys(v)))
                    .collect(),
            )
        }
        Json::Array(a) => Json::Array(a.into_iter().map(sorted_keys).collect()),
        other => other,
    }
}

/// Go's `%v` of a YAML scalar decoded into a string field.
fn scalar_string(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

impl HelmChart {
    /// The config as sigs.k8s.io/yaml marshals kustomize's struct (fields in Go order,
    /// empty ones left out).
    fn as_config_yaml(&self) -> String {
        let mut m = Map::new();
        let put_s = |m: &mut Map<String, Json>, k: &str, v: &str| {
            if !v.is_empty() {
                m.insert(k.into(), Json::String(v.into()));
            }
        };
        put_s(&mut m, "chartHome", &self.chart_home);
        put_s(&mut m, "configHome", &self.config_home);
        put_s(&mut m, "name", &self.name);
        put_s(&mut m, "version", &self.version);
        put_s(&mut m, "repo", &self.repo);
        put_s(&mut m, "releaseName", &self.release_name);
        put_s(&mut m, "namespace", &self.namespace);
        if !self.additional_values_files.is_empty() {
            m.insert(
                "additionalValuesFiles".into(),
                Json::from(self.additional_values_files.clone()),
            );
        }
        put_s(&mut m, "valuesFile", &self.values_file);
        if !self.values_inline.is_empty() {
            m.insert(
                "valuesInline".into(),
                Json::Object(self.values_inline.clone()),
            );
        }
        put_s(&mut m, "valuesMerge", &self.values_merge);
        let flags = [
            ("includeCRDs", self.include_crds),
            ("skipHooks", self.skip_hooks),
        ];
        for (k, on) in flags {
            if on {
                m.insert(k.into(), Json::Bool(true));
            }
        }
        if !self.api_versions.is_empty() {
            m.insert("apiVersions".into(), Json::from(self.api_versions.clone()));
        }
        put_s(&mut m, "kubeVersion", &self.kube_version);
        put_s(&mut m, "nameTemplate", &self.name_template);
        for (k, on) in [("skipTests", self.skip_tests), ("debug", self.debug)] {
            if on {
                m.insert(k.into(), Json::Bool(true));
            }
        }
        if m.is_empty() {
            return "{}\n".into();
        }
        // sigs.k8s.io/yaml goes through JSON and a Go map: keys come out sorted.
        yamlio::emit(&[sorted_keys(Json::Object(m))]).unwrap_or_default()
    }

    fn config_error(&self, why: &str) -> Error {
        err!(
            "trouble configuring builtin HelmChartInflationGenerator with config: `\n{}`: {why}",
            self.config_yaml
        )
    }

    fn abs_chart_home(&self, ldr: &Loader) -> String {
        let home = ldr.abs(&self.chart_home);
        if !self.version.is_empty() && !self.repo.is_empty() {
            format!("{home}/{}-{}", self.name, self.version)
        } else {
            home
        }
    }

    /// The values file helm is given: the chosen file's text, or valuesInline merged
    /// with it per `valuesMerge`.
    fn values_text(&self, ldr: &Loader) -> Result<String> {
        if self.values_inline.is_empty() {
            return ldr.load_string(&self.values_file);
        }
        let inline = Json::Object(self.values_inline.clone());
        let merged = match self.values_merge.as_str() {
            "replace" => inline,
            mode => {
                let text = ldr.load_string(&self.values_file)?;
                let file = parse_values(&text)?;
                if mode == "override" {
                    merge2(inline, file)
                } else {
                    merge2(file, inline)
                }
            }
        };
        // JSON is YAML: helm reads this as a values file.
        Ok(serde_json::to_string(&merged).unwrap_or_default())
    }
}

/// A values file as a map (an empty file is an empty map).
fn parse_values(text: &str) -> Result<Json> {
    let docs = yamlio::parse_resources(text, "values.yaml")
        .map_err(|e| e.wrap("could not parse values file into rnode"))?;
    Ok(docs
        .into_iter()
        .next()
        .unwrap_or_else(|| Json::Object(Map::new())))
}

/// kyaml's `merge2.Merge(src, dest)`: maps merge key by key, a null in `src` removes the
/// key, anything else in `src` replaces what `dest` has.
fn merge2(src: Json, dest: Json) -> Json {
    match (src, dest) {
        (Json::Object(s), Json::Object(mut d)) => {
            for (k, v) in s {
                if v.is_null() {
                    d.remove(&k);
                    continue;
                }
                let merged = match d.remove(&k) {
                    Some(old) => merge2(v, old),
                    None => v,
                };
                d.insert(k, merged);
            }
            Json::Object(d)
        }
        (Json::Null, dest) => dest,
        (src, _) => src,
    }
}

/// Renders the chart and returns its resources in helm's output order.
pub fn generate(c: &HelmChart, ldr: &Loader) -> Result<ResMap> {
    let home = c.abs_chart_home(ldr);
    let chart_dir = format!("{home}/{}", c.name);
    if !ldr.tree.is_dir(&chart_dir) {
        if c.repo.is_empty() {
            // kustomize reports the empty path its existence check returns.
            return Err(err!("no repo specified for pull, no chart found at ''"));
        }
        return Err(err!(
            "cannot pull chart '{}' from '{}': kubeplay builds offline and runs no helm; put the unpacked chart at '{chart_dir}'",
            c.name,
            c.repo
        ));
    }
    let chart = load_chart(ldr.tree, &chart_dir).map_err(|e| helm_err(c, &e.to_string()))?;
    let mut user = UserValues::default();
    user.files.push((
        format!("{}-kustomize-values.yaml", c.name),
        c.values_text(ldr)?,
    ));
    for f in &c.additional_values_files {
        user.files.push((f.clone(), ldr.load_string(f)?));
    }
    let values = user
        .merged(&|p| Err(format!("no file {p}")))
        .map_err(|e| helm_err(c, &e.to_string()))?;
    let mut render = RenderOptions::default();
    render.name = release_name(c, &render)?;
    if !c.namespace.is_empty() {
        render.namespace = c.namespace.clone();
    }
    if !c.kube_version.is_empty() {
        render.kube_version = Some(c.kube_version.clone());
    }
    render.api_versions = c.api_versions.clone();
    let opts = TemplateOptions {
        render,
        show_only: Vec::new(),
        skip_tests: c.skip_tests,
        include_crds: c.include_crds,
    };
    let mut out = template(&chart, &values, &opts).map_err(|e| helm_err(c, &e.to_string()))?;
    if c.skip_hooks {
        out.manifests.retain(|m| m.hooks.is_empty());
    }
    let stream = out.to_stream().map_err(|e| helm_err(c, &e.to_string()))?;
    let mut m = ResMap::new();
    for obj in yamlio::parse_resources(&stream, &chart_dir)? {
        m.list.push(new_resource(obj)?);
    }
    Ok(m)
}

/// The release name: `releaseName`, else `nameTemplate` rendered (Sprig functions, no
/// data), else helm's `--generate-name` (`<chart>-<unix seconds>`, from the engine's fixed
/// clock since it reads none).
fn release_name(c: &HelmChart, render: &RenderOptions) -> Result<String> {
    if !c.name_template.is_empty() {
        if !c.release_name.is_empty() {
            return Err(helm_err(
                c,
                "cannot set --name-template and also specify a name",
            ));
        }
        let mut tree = FileTree::new();
        let w = |tree: &mut FileTree, p: &str, s: &str| {
            tree.write(p, s.as_bytes().to_vec())
                .map_err(|e| err!("{e}"))
        };
        w(
            &mut tree,
            "/t/Chart.yaml",
            "apiVersion: v2\nname: t\nversion: 0.0.0\n",
        )?;
        w(&mut tree, "/t/templates/name", &c.name_template)?;
        let chart = load_chart(&tree, "/t").map_err(|e| helm_err(c, &e.to_string()))?;
        let values = UserValues::default()
            .merged(&|p| Err(format!("no file {p}")))
            .map_err(|e| helm_err(c, &e.to_string()))?;
        let out = kubeplay_helm::render(&chart, &values, render)
            .map_err(|e| helm_err(c, &e.to_string()))?;
        return Ok(out
            .templates
            .get("t/templates/name")
            .cloned()
            .unwrap_or_default());
    }
    if !c.release_name.is_empty() {
        return Ok(c.release_name.clone());
    }
    let base = c.name.split('.').next().unwrap_or("");
    Ok(format!("{base}-{}", render.now))
}

fn helm_err(c: &HelmChart, msg: &str) -> Error {
    err!(
        "helm template {} {}: {msg}",
        if c.release_name.is_empty() {
            "--generate-name"
        } else {
            &c.release_name
        },
        c.name
    )
}
