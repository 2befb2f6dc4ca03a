//! Charts: `Chart.yaml` metadata, values, templates, files and vendored subcharts, loaded from
//! a [`FileTree`] directory or a `.tgz` the way Helm's v2 loader does.

use kubeplay_vfs::FileTree;
use serde_json::{Map as JsonMap, Value as Json};

use crate::archive;
use crate::convert::yaml_to_json;
use crate::error::HelmError;
use crate::ignore::Rules;

/// A file of a chart (path relative to the chart root).
#[derive(Debug, Clone)]
pub struct ChartFile {
    pub name: String,
    /// Shared: renders hand the same bytes to `.Files` without copying.
    pub data: std::sync::Arc<[u8]>,
    /// `data` as text when it is UTF-8, sharing its allocation, so renders parse a template
    /// without checking its bytes again ([`ChartFile::text`]).
    text: Option<std::sync::Arc<str>>,
}

impl ChartFile {
    pub fn new(name: String, data: Vec<u8>) -> ChartFile {
        match String::from_utf8(data) {
            Ok(s) => {
                let text: std::sync::Arc<str> = std::sync::Arc::from(s);
                ChartFile {
                    name,
                    data: std::sync::Arc::from(text.clone()),
                    text: Some(text),
                }
            }
            Err(e) => ChartFile {
                name,
                data: std::sync::Arc::from(e.into_bytes()),
                text: None,
            },
        }
    }

    /// The file as text, if it was UTF-8 when loaded and `data` is still those bytes. A
    /// `data` replaced since no longer points into the text (which keeps its allocation
    /// alive, so the address cannot be reused).
    pub(crate) fn text(&self) -> Option<&std::sync::Arc<str>> {
        let text = self.text.as_ref()?;
        (std::ptr::eq(text.as_ptr(), self.data.as_ptr()) && text.len() == self.data.len())
            .then_some(text)
    }
}

/// One entry of `dependencies:`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub import_values: Vec<Json>,
    pub alias: String,
}

/// `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub maintainers: Vec<JsonMap<String, Json>>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: Option<Vec<(String, String)>>,
    pub kube_version: String,
    pub dependencies: Option<Vec<Dependency>>,
    pub chart_type: String,
}

/// A schema's bytes with what parsing them gave.
pub(crate) type ParsedSchema = (Vec<u8>, Result<Json, String>);

/// `.Chart` as [`metadata_map`] built it, with the metadata and root flag it came from.
pub(crate) type ChartValue = (Metadata, bool, kubeplay_gotemplate::Value);

/// A loaded chart.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    pub metadata: Metadata,
    /// `values.yaml` (numbers as float64, as Helm reads it). Shared: every render clones
    /// the chart, and bitnami-style values files are large.
    pub values: std::sync::Arc<JsonMap<String, Json>>,
    pub schema: Option<Vec<u8>>,
    /// `schema` parsed once per loaded chart (renders share it through clones), with the
    /// bytes it came from, so a changed `schema` is parsed again.
    pub(crate) parsed_schema: std::sync::Arc<std::sync::OnceLock<ParsedSchema>>,
    /// `.Chart` of the last render (renders share it through clones): built again only when
    /// the metadata differs (dependency processing sets `enabled` flags from the values).
    /// The map is immutable to templates (`set` on it changes a copy), so sharing it is
    /// invisible to them.
    pub(crate) chart_value: std::sync::Arc<std::sync::Mutex<Option<ChartValue>>>,
    /// Files under `templates/`, names like `templates/deployment.yaml`.
    pub templates: Vec<ChartFile>,
    /// Every other file (what `.Files` sees).
    pub files: Vec<ChartFile>,
    /// Subcharts found under `charts/`.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// `.Chart` for templates: [`metadata_map`] of this chart's metadata, built once per
    /// loaded chart while its metadata stays the same.
    pub(crate) fn chart_value(&self, is_root: bool) -> kubeplay_gotemplate::Value {
        let mut cached = self.chart_value.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((md, root, value)) = &*cached {
            if *root == is_root && *md == self.metadata {
                return value.clone();
            }
        }
        let value = metadata_map(&self.metadata, is_root);
        *cached = Some((self.metadata.clone(), is_root, value.clone()));
        value
    }

    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }

    /// CRD files (`crds/*.yaml|yml|json`), in name order.
    pub fn crds(&self) -> Vec<&ChartFile> {
        let mut v: Vec<&ChartFile> = self
            .files
            .iter()
            .filter(|f| {
                f.name.starts_with("crds/")
                    && [".yaml", ".yml", ".json"]
                        .iter()
                        .any(|e| f.name.ends_with(e))
            })
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }
}

/// Loads the chart in directory `dir` of `tree` (or a `.tgz` file at that path).
pub fn load(tree: &FileTree, dir: &str) -> Result<Chart, HelmError> {
    if tree.is_file(dir) {
        let data = tree.read(dir).map_err(|e| HelmError::Load(e.to_string()))?;
        return load_archive(data);
    }
    if !tree.is_dir(dir) {
        return Err(HelmError::Load(format!("path {dir:?} not found")));
    }
    let prefix = if dir == "/" || dir.is_empty() {
        String::from("/")
    } else {
        format!("{}/", dir.trim_end_matches('/'))
    };
    let mut rules = Rules::default();
    let ignore_path = format!("{prefix}.helmignore");
    if let Ok(text) = tree.read(&ignore_path) {
        rules = Rules::parse(&String::from_utf8_lossy(text)).map_err(HelmError::Load)?;
    }
    rules.add_defaults();
    let mut files = Vec::new();
    let mut paths: Vec<(&str, &[u8])> = tree
        .files()
        .filter(|(p, _)| p.starts_with(&prefix))
        .collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    'files: for (path, data) in paths {
        let rel = &path[prefix.len()..];
        // Directories on the way: an ignored directory hides everything below it.
        let mut acc = String::new();
        let parts: Vec<&str> = rel.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(part);
            if rules.ignore(&acc, true) {
                continue 'files;
            }
        }
        if rules.ignore(rel, false) {
            continue;
        }
        let data = data
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(data);
        files.push(ChartFile::new(rel.to_string(), data.to_vec()));
    }
    load_files(files)
}

/// Loads a chart from `.tgz` bytes.
pub fn load_archive(bytes: &[u8]) -> Result<Chart, HelmError> {
    let files = archive::read_chart_archive(bytes).map_err(HelmError::Load)?;
    load_files(
        files
            .into_iter()
            .map(|f| ChartFile::new(f.name, f.data))
            .collect(),
    )
}

fn load_files(files: Vec<ChartFile>) -> Result<Chart, HelmError> {
    let mut c = Chart::default();
    let mut have_meta = false;
    for f in &files {
        if f.name == "Chart.yaml" {
            let j = parse_yaml(&f.data, "Chart.yaml")
                .map_err(|e| HelmError::Load(format!("cannot load Chart.yaml: {e}")))?;
            c.metadata = parse_metadata(&j)
                .map_err(|e| HelmError::Load(format!("cannot load Chart.yaml: {e}")))?;
            if c.metadata.api_version.is_empty() {
                c.metadata.api_version = "v1".into();
            }
            have_meta = true;
        }
    }
    let mut subcharts: Vec<(String, Vec<ChartFile>)> = Vec::new();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" | "Chart.lock" => {}
            "values.yaml" => {
                let j = parse_yaml(&f.data, "values.yaml")
                    .map_err(|e| HelmError::Load(format!("cannot load values.yaml: {e}")))?;
                c.values = std::sync::Arc::new(match j {
                    Json::Object(m) => m,
                    Json::Null => JsonMap::new(),
                    _ => {
                        return Err(HelmError::Load(
                            "cannot load values.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}".into(),
                        ))
                    }
                });
            }
            "values.schema.json" => c.schema = Some(f.data.to_vec()),
            "requirements.yaml" | "requirements.lock" => {
                if f.name == "requirements.yaml" {
                    let j = parse_yaml(&f.data, "requirements.yaml").map_err(|e| {
                        HelmError::Load(format!("cannot load requirements.yaml: {e}"))
                    })?;
                    if let Some(deps) = j.get("dependencies") {
                        c.metadata.dependencies = Some(parse_dependencies(deps));
                    }
                }
                if c.metadata.api_version == "v1" {
                    c.files.push(f);
                }
            }
            n if n.starts_with("templates/") => c.templates.push(f),
            n if n.starts_with("charts/") => {
                if n.ends_with(".prov") {
                    c.files.push(f);
                    continue;
                }
                let rest = &n["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or("").to_string();
                let sub = ChartFile {
                    name: rest.to_string(),
                    ..f
                };
                match subcharts.iter_mut().find(|(n, _)| *n == cname) {
                    Some((_, v)) => v.push(sub),
                    None => subcharts.push((cname, vec![sub])),
                }
            }
            _ => c.files.push(f),
        }
    }
    if !have_meta {
        return Err(HelmError::Load("Chart.yaml file is missing".into()));
    }
    validate(&c.metadata)?;
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sc = if n.ends_with(".tgz") {
            let file = &files[0];
            if file.name != n {
                return Err(HelmError::Load(format!(
                    "error unpacking subchart tar in {}: expected {}, got {}",
                    c.name(),
                    n,
                    file.name
                )));
            }
            load_archive(&file.data)
        } else {
            let buff: Vec<ChartFile> = files
                .into_iter()
                .filter_map(|f| {
                    let name = f.name.split_once('/')?.1.to_string();
                    Some(ChartFile { name, ..f })
                })
                .collect();
            load_files(buff)
        };
        let sc = sc.map_err(|e| {
            HelmError::Load(format!(
                "error unpacking subchart {} in {}: {}",
                n,
                c.name(),
                e.message()
            ))
        })?;
        c.dependencies.push(sc);
    }
    Ok(c)
}

fn parse_yaml(data: &[u8], file: &str) -> Result<Json, String> {
    let text = String::from_utf8_lossy(data);
    yaml_to_json(&text, file).map_err(|e| format!("error converting YAML to JSON: {}", e.goyaml))
}

fn s(j: &Json, k: &str) -> String {
    match j.get(k) {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        Some(Json::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn strs(j: &Json, k: &str) -> Vec<String> {
    match j.get(k) {
        Some(Json::Array(a)) => a
            .iter()
            .map(|x| match x {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn parse_dependencies(j: &Json) -> Vec<Dependency> {
    let Json::Array(a) = j else { return Vec::new() };
    a.iter()
        .filter(|d| d.is_object())
        .map(|d| Dependency {
            name: s(d, "name"),
            version: s(d, "version"),
            repository: s(d, "repository"),
            condition: s(d, "condition"),
            tags: strs(d, "tags"),
            enabled: d.get("enabled").and_then(Json::as_bool).unwrap_or(false),
            import_values: match d.get("import-values") {
                Some(Json::Array(a)) => a.clone(),
                _ => Vec::new(),
            },
            alias: s(d, "alias"),
        })
        .collect()
}

fn parse_metadata(j: &Json) -> Result<Metadata, String> {
    if !j.is_object() && !j.is_null() {
        return Err(
            "error unmarshaling JSON: json: cannot unmarshal into Go value of type chart.Metadata"
                .into(),
        );
    }
    // Go's version fields are strings: a YAML number there (version: 1.0) is an error.
    for k in [
        "name",
        "version",
        "appVersion",
        "apiVersion",
        "kubeVersion",
        "type",
    ] {
        if let Some(v) = j.get(k) {
            if !v.is_string() && !v.is_null() {
                let kind = match v {
                    Json::Number(_) => "number",
                    Json::Bool(_) => "bool",
                    Json::Array(_) => "array",
                    _ => "object",
                };
                if k == "appVersion" {
                    // Helm accepts a numeric appVersion (it has a custom decoder).
                    continue;
                }
                return Err(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go struct field Metadata.{k} of type string"
                ));
            }
        }
    }
    let annotations = match j.get("annotations") {
        Some(Json::Object(m)) => Some(
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        match v {
                            Json::String(s) => s.clone(),
                            o => o.to_string(),
                        },
                    )
                })
                .collect(),
        ),
        _ => None,
    };
    Ok(Metadata {
        name: s(j, "name"),
        home: s(j, "home"),
        sources: strs(j, "sources"),
        version: s(j, "version"),
        description: s(j, "description"),
        keywords: strs(j, "keywords"),
        maintainers: match j.get("maintainers") {
            Some(Json::Array(a)) => a.iter().filter_map(|m| m.as_object().cloned()).collect(),
            _ => Vec::new(),
        },
        icon: s(j, "icon"),
        api_version: s(j, "apiVersion"),
        condition: s(j, "condition"),
        tags: s(j, "tags"),
        app_version: match j.get("appVersion") {
            Some(Json::Number(n)) => n.to_string(),
            _ => s(j, "appVersion"),
        },
        deprecated: j.get("deprecated").and_then(Json::as_bool).unwrap_or(false),
        annotations,
        kube_version: s(j, "kubeVersion"),
        dependencies: j.get("dependencies").map(parse_dependencies),
        chart_type: s(j, "type"),
    })
}

fn validate(md: &Metadata) -> Result<(), HelmError> {
    let e = |m: String| Err(HelmError::Load(format!("validation: {m}")));
    if md.api_version.is_empty() {
        return e("chart.metadata.apiVersion is required".into());
    }
    if md.name.is_empty() {
        return e("chart.metadata.name is required".into());
    }
    if md.name == "." || md.name == ".." {
        return e(format!("chart.metadata.name {:?} is not allowed", md.name));
    }
    if md.name.contains('/') {
        return e(format!("chart.metadata.name {:?} is invalid", md.name));
    }
    if md.version.is_empty() {
        return e("chart.metadata.version is required".into());
    }
    if crate::semver::Version::parse(&md.version).is_none() {
        return e(format!(
            "chart.metadata.version {:?} is invalid",
            md.version
        ));
    }
    if !(md.chart_type.is_empty() || md.chart_type == "application" || md.chart_type == "library") {
        return e("chart.metadata.type must be application or library".into());
    }
    Ok(())
}

/// `.Chart`: Helm 4 turns the metadata struct into a map keyed by Go field names.
pub fn metadata_map(md: &Metadata, is_root: bool) -> kubeplay_gotemplate::Value {
    use kubeplay_gotemplate::{ElemType, Map, Value};
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let strlist = |v: &[String]| Value::list(v.iter().map(|s| Value::from(s.as_str())).collect());
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    m.insert("Name".into(), md.name.as_str().into());
    m.insert("Home".into(), md.home.as_str().into());
    m.insert("Sources".into(), strlist(&md.sources));
    m.insert("Version".into(), md.version.as_str().into());
    m.insert("Description".into(), md.description.as_str().into());
    m.insert("Keywords".into(), strlist(&md.keywords));
    m.insert(
        "Maintainers".into(),
        Value::list(
            md.maintainers
                .iter()
                .map(|mt| {
                    Value::map([
                        ("Name", s(&Json::Object(mt.clone()), "name").into()),
                        ("Email", s(&Json::Object(mt.clone()), "email").into()),
                        ("URL", s(&Json::Object(mt.clone()), "url").into()),
                    ])
                })
                .collect(),
        ),
    );
    m.insert("Icon".into(), md.icon.as_str().into());
    m.insert("APIVersion".into(), md.api_version.as_str().into());
    m.insert("Condition".into(), md.condition.as_str().into());
    m.insert("Tags".into(), md.tags.as_str().into());
    m.insert("AppVersion".into(), md.app_version.as_str().into());
    m.insert("Deprecated".into(), Value::Bool(md.deprecated));
    m.insert(
        "Annotations".into(),
        Value::Map(Arc::new(Map {
            entries: md
                .annotations
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect(),
            elem: ElemType::String,
            type_name: None,
        })),
    );
    m.insert("KubeVersion".into(), md.kube_version.as_str().into());
    m.insert(
        "Dependencies".into(),
        Value::list(
            md.dependencies
                .iter()
                .flatten()
                .map(|d| {
                    Value::map([
                        ("Name", d.name.as_str().into()),
                        ("Version", d.version.as_str().into()),
                        ("Repository", d.repository.as_str().into()),
                        ("Condition", d.condition.as_str().into()),
                        ("Tags", strlist(&d.tags)),
                        ("Enabled", Value::Bool(d.enabled)),
                        (
                            "ImportValues",
                            Value::list(
                                d.import_values
                                    .iter()
                                    .map(crate::convert::json_to_value)
                                    .collect(),
                            ),
                        ),
                        ("Alias", d.alias.as_str().into()),
                    ])
                })
                .collect(),
        ),
    );
    m.insert("Type".into(), md.chart_type.as_str().into());
    m.insert("IsRoot".into(), Value::Bool(is_root));
    Value::from(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_gotemplate::Value;

    fn field(v: &Value, name: &str) -> String {
        match v {
            Value::Map(m) => format!("{:?}", m.get(name)),
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn a_file_is_text_while_its_data_are_the_bytes_loaded() {
        let f = ChartFile::new("a.yaml".into(), b"k: v\n".to_vec());
        assert_eq!(f.text().map(|t| &**t), Some("k: v\n"));
        assert_eq!(&f.data[..], b"k: v\n");
        let clone = f.clone();
        assert_eq!(clone.text().map(|t| &**t), Some("k: v\n"));
        // Replaced data, even with the same bytes, are checked again by whoever reads them.
        let mut changed = f.clone();
        changed.data = std::sync::Arc::from(b"k: v\n".as_slice());
        assert!(changed.text().is_none());
        let binary = ChartFile::new("b.bin".into(), vec![0xff, 0xfe]);
        assert!(binary.text().is_none());
        assert_eq!(&binary.data[..], [0xff, 0xfe]);
        let empty = ChartFile::new("e".into(), Vec::new());
        assert_eq!(empty.text().map(|t| &**t), Some(""));
    }

    #[test]
    fn chart_value_follows_the_metadata_of_each_render() {
        let mut chart = Chart::default();
        chart.metadata.name = "one".into();
        let first = chart.chart_value(true);
        assert_eq!(field(&first, "Name"), "Some(String(\"one\"))");
        assert_eq!(field(&first, "IsRoot"), "Some(Bool(true))");
        // A render's clone shares the cache; what it changes is seen.
        let mut clone = chart.clone();
        clone.metadata.name = "two".into();
        assert_eq!(
            field(&clone.chart_value(true), "Name"),
            "Some(String(\"two\"))"
        );
        assert_eq!(
            field(&chart.chart_value(true), "Name"),
            "Some(String(\"one\"))"
        );
        assert_eq!(
            field(&chart.chart_value(false), "IsRoot"),
            "Some(Bool(false))"
        );
        // Unchanged metadata gives the very same map.
        let (Value::Map(a), Value::Map(b)) = (chart.chart_value(false), chart.chart_value(false))
        else {
            panic!("maps")
        };
        assert!(std::sync::Arc::ptr_eq(&a, &b));
    }
}
