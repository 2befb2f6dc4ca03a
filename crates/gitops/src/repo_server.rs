//! The repository server (seed section 5): turns (revision, path, source options) into
//! desired objects with the tool Argo CD would pick, and caches the result by commit id
//! (the role Redis plays in Argo CD), so unchanged revisions are never rendered twice.

use crate::app::{Application, HelmSource, KustomizeSource, Source};
use crate::git::Repo;
use kubeplay_vfs::FileTree;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The tools a source can be rendered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    Directory,
    Kustomize,
    Helm,
}

impl SourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Directory => "Directory",
            SourceType::Kustomize => "Kustomize",
            SourceType::Helm => "Helm",
        }
    }
}

/// What rendering produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifests {
    /// The full commit id the target revision resolved to.
    pub revision: String,
    pub source_type: SourceType,
    pub objects: Vec<Value>,
}

/// One answer of the repo server, with whether it came from the cache. A cached answer is
/// shared, not copied: the controller recognises it and reuses what it derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub result: Result<Arc<Manifests>, String>,
    pub cache_hit: bool,
}

/// The repo server with its manifest cache.
#[derive(Debug, Default)]
pub struct RepoServer {
    cache: BTreeMap<String, Result<Arc<Manifests>, String>>,
    pub hits: u64,
    pub misses: u64,
}

impl RepoServer {
    pub fn new() -> RepoServer {
        RepoServer::default()
    }

    /// Renders the app's source at its target revision. A revision that does not resolve
    /// is an error too (not cached: the branch may move).
    pub fn render(&mut self, repo: &Repo, app: &Application) -> Rendered {
        let commit = match repo.resolve(&app.source.target_revision) {
            Ok(c) => c,
            Err(e) => {
                return Rendered {
                    result: Err(e.to_string()),
                    cache_hit: false,
                }
            }
        };
        // Argo CD keys its manifest cache by revision and everything that changes the
        // output: source options, release name, destination namespace.
        let key = format!(
            "{}|{:?}|{}|{}",
            commit.id, app.source, app.name, app.destination.namespace
        );
        if let Some(hit) = self.cache.get(&key) {
            self.hits += 1;
            return Rendered {
                result: hit.clone(),
                cache_hit: true,
            };
        }
        self.misses += 1;
        let result = generate(&commit.tree, &app.source, app).map(|(source_type, objects)| {
            Arc::new(Manifests {
                revision: commit.id.clone(),
                source_type,
                objects,
            })
        });
        self.cache.insert(key, result.clone());
        Rendered {
            result,
            cache_hit: false,
        }
    }

    pub fn cache_len(&self) -> usize {
        self.cache.len()
    }
}

/// The source's root directory in the tree ("/" for "" or ".").
fn app_dir(path: &str) -> String {
    let p = kubeplay_vfs::normalize(&format!("/{}", path.trim_start_matches('/')));
    if p.is_empty() {
        "/".into()
    } else {
        p
    }
}

const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Tool detection like Argo CD: explicit options pick the tool (more than one is an error);
/// otherwise a kustomization file in the directory means Kustomize, else a file ending in
/// `Chart.yaml` means Helm (Argo checks the kustomization after the chart, so it wins),
/// else Directory.
pub fn detect(tree: &FileTree, source: &Source) -> Result<SourceType, String> {
    let explicit: Vec<SourceType> = [
        (source.helm.is_some(), SourceType::Helm),
        (source.kustomize.is_some(), SourceType::Kustomize),
        (source.directory.is_some(), SourceType::Directory),
    ]
    .into_iter()
    .filter_map(|(set, t)| set.then_some(t))
    .collect();
    if explicit.len() > 1 {
        let names: Vec<&str> = explicit.iter().map(|t| t.as_str()).collect();
        return Err(format!(
            "multiple application sources defined: {}",
            names.join(",")
        ));
    }
    if let Some(t) = explicit.first() {
        return Ok(*t);
    }
    let dir = app_dir(&source.path);
    let has = |name: &str| tree.is_file(&kubeplay_vfs::join(&dir, name));
    if KUSTOMIZATION_FILES.iter().any(|f| has(f)) {
        return Ok(SourceType::Kustomize);
    }
    let chart = tree
        .list_dir(&dir)
        .map(|entries| {
            entries.iter().any(|e| {
                matches!(e, kubeplay_vfs::Entry::File(_)) && e.name().ends_with("Chart.yaml")
            })
        })
        .unwrap_or(false);
    Ok(if chart {
        SourceType::Helm
    } else {
        SourceType::Directory
    })
}

fn generate(
    tree: &FileTree,
    source: &Source,
    app: &Application,
) -> Result<(SourceType, Vec<Value>), String> {
    let dir = app_dir(&source.path);
    if !tree.is_dir(&dir) {
        return Err(format!("{}: app path does not exist", source.path));
    }
    let t = detect(tree, source)?;
    let objects = match t {
        SourceType::Directory => directory(tree, &dir, source)?,
        SourceType::Kustomize => kustomize(tree, &dir, source.kustomize.as_ref())?,
        SourceType::Helm => helm(tree, &dir, source.helm.as_ref(), app)?,
    };
    Ok((t, objects))
}

/// Plain manifests: every .yaml/.yml/.json file (recursively when asked), every document
/// that is not empty.
fn directory(tree: &FileTree, dir: &str, source: &Source) -> Result<Vec<Value>, String> {
    let opts = source.directory.clone().unwrap_or_default();
    let prefix = if dir == "/" {
        "/".to_string()
    } else {
        format!("{dir}/")
    };
    let mut out = Vec::new();
    for (path, content) in tree.files() {
        let Some(rel) = path.strip_prefix(&prefix) else {
            continue;
        };
        if !opts.recurse && rel.contains('/') {
            continue;
        }
        let is_manifest = [".yaml", ".yml", ".json"].iter().any(|e| rel.ends_with(e));
        if !is_manifest
            || (!opts.include.is_empty() && !glob_any(&opts.include, rel))
            || (!opts.exclude.is_empty() && glob_any(&opts.exclude, rel))
        {
            continue;
        }
        let text = String::from_utf8_lossy(content);
        out.extend(parse_objects(&text, rel)?);
    }
    Ok(out)
}

/// YAML documents to objects; empty documents are skipped, non-mappings are errors.
pub fn parse_objects(text: &str, file: &str) -> Result<Vec<Value>, String> {
    let docs = kubeplay_yaml::parse_documents(text, file)
        .map_err(|e| format!("Failed to unmarshal {file:?}: {e}"))?;
    let mut out = Vec::new();
    for d in docs.iter().filter(|d| !d.is_null()) {
        let v =
            kubeplay_yaml::to_json(d).map_err(|e| format!("Failed to unmarshal {file:?}: {e}"))?;
        match v {
            Value::Object(_) => out.push(v),
            _ => {
                return Err(format!(
                    "Failed to unmarshal {file:?}: error unmarshaling JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&v)
                ))
            }
        }
    }
    Ok(out)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "null",
    }
}

/// `{a,b}` alternatives of Argo's include/exclude, each a glob with `*` and `?`.
fn glob_any(pattern: &str, path: &str) -> bool {
    let inner = pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
    let alts: Vec<&str> = match inner {
        Some(i) => i.split(',').collect(),
        None => vec![pattern],
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    alts.iter()
        .any(|p| glob(p.as_bytes(), path.as_bytes()) || glob(p.as_bytes(), name.as_bytes()))
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
        (Some(b'?'), Some(_)) => glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
        _ => false,
    }
}

/// Kustomize, with the Application's overrides written into the kustomization first, as
/// Argo CD does with `kustomize edit set ...` before `kustomize build`.
fn kustomize(
    tree: &FileTree,
    dir: &str,
    opts: Option<&KustomizeSource>,
) -> Result<Vec<Value>, String> {
    let mut tree = tree.clone();
    if let Some(o) = opts.filter(|o| **o != KustomizeSource::default()) {
        let file = KUSTOMIZATION_FILES
            .iter()
            .map(|f| kubeplay_vfs::join(dir, f))
            .find(|p| tree.is_file(p))
            .ok_or_else(|| format!("{dir}: no kustomization file to apply kustomize options to"))?;
        let text = tree.read_to_string(&file).map_err(|e| e.to_string())?;
        let mut k = parse_objects(&text, &file)?
            .into_iter()
            .next()
            .unwrap_or_else(|| json!({}));
        if !o.name_prefix.is_empty() {
            k["namePrefix"] = json!(o.name_prefix);
        }
        if !o.name_suffix.is_empty() {
            k["nameSuffix"] = json!(o.name_suffix);
        }
        if !o.namespace.is_empty() {
            k["namespace"] = json!(o.namespace);
        }
        for (field, pairs) in [
            ("commonLabels", &o.common_labels),
            ("commonAnnotations", &o.common_annotations),
        ] {
            for (key, v) in pairs {
                if !k[field].is_object() {
                    k[field] = json!({});
                }
                k[field][key] = json!(v);
            }
        }
        for image in &o.images {
            let entry = image_entry(image);
            if !k["images"].is_array() {
                k["images"] = json!([]);
            }
            let list = k["images"].as_array_mut().expect("array just set");
            list.retain(|e| e["name"] != entry["name"]);
            list.push(entry);
        }
        // JSON is YAML: the edited kustomization is written back as JSON text.
        tree.write(&file, k.to_string())
            .map_err(|e| e.to_string())?;
    }
    kubeplay_kustomize::build_objects(&tree, dir, &kubeplay_kustomize::BuildOptions::default())
        .map_err(|e| e.to_string())
}

/// `kustomize edit set image` syntax: `[name=]newName[:tag][@digest]`.
fn image_entry(spec: &str) -> Value {
    let (name, target) = match spec.split_once('=') {
        Some((n, t)) => (n.to_string(), t),
        None => (String::new(), spec),
    };
    let (target, digest) = match target.split_once('@') {
        Some((t, d)) => (t, Some(d)),
        None => (target, None),
    };
    // A tag is after the last ':' that follows the last '/' (ports in registry hosts).
    let slash = target.rfind('/').map_or(0, |i| i + 1);
    let (new_name, tag) = match target[slash..].rfind(':') {
        Some(i) => (&target[..slash + i], Some(&target[slash + i + 1..])),
        None => (target, None),
    };
    let mut e = json!({"name": if name.is_empty() { new_name.to_string() } else { name.clone() }});
    if !name.is_empty() {
        e["newName"] = json!(new_name);
    }
    if let Some(t) = tag {
        e["newTag"] = json!(t);
    }
    if let Some(d) = digest {
        e["digest"] = json!(d);
    }
    e
}

/// `helm template` with the release named after the app (or `releaseName`), the
/// destination namespace, value files relative to the chart, then `values`, then
/// parameters; CRDs included unless `skipCrds`.
fn helm(
    tree: &FileTree,
    dir: &str,
    opts: Option<&HelmSource>,
    app: &Application,
) -> Result<Vec<Value>, String> {
    let opts = opts.cloned().unwrap_or_default();
    let chart = kubeplay_helm::load_chart(tree, dir).map_err(|e| e.to_string())?;
    let mut user = kubeplay_helm::UserValues::default();
    for f in &opts.value_files {
        let path = kubeplay_vfs::join(dir, f);
        let text = tree
            .read_to_string(&path)
            .map_err(|_| format!("open {path}: no such file or directory"))?;
        user.files.push((f.clone(), text));
    }
    if let Some(obj) = &opts.values_object {
        user.files.push(("values".into(), obj.to_string()));
    } else if !opts.values.is_empty() {
        user.files.push(("values".into(), opts.values.clone()));
    }
    for (name, value, force_string) in &opts.parameters {
        let set = format!("{name}={value}");
        if *force_string {
            user.set_string.push(set);
        } else {
            user.set.push(set);
        }
    }
    let values = user
        .merged(&|p| Err(format!("--set-file {p}: not supported")))
        .map_err(|e| e.to_string())?;
    let namespace = if opts.namespace.is_empty() {
        app.destination.namespace.clone()
    } else {
        opts.namespace.clone()
    };
    let render = kubeplay_helm::RenderOptions {
        name: if opts.release_name.is_empty() {
            app.name.clone()
        } else {
            opts.release_name.clone()
        },
        namespace: if namespace.is_empty() {
            "default".into()
        } else {
            namespace
        },
        ..kubeplay_helm::RenderOptions::default()
    };
    let out = kubeplay_helm::template(
        &chart,
        &values,
        &kubeplay_helm::TemplateOptions {
            render,
            show_only: Vec::new(),
            skip_tests: opts.skip_tests,
            include_crds: !opts.skip_crds,
        },
    )
    .map_err(|e| e.to_string())?;
    let mut objects = Vec::new();
    for m in &out.manifests {
        objects.extend(parse_objects(&m.content, &m.source)?);
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(path: &str) -> Application {
        Application::parse(
            &format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: demo}}\nspec:\n  source: {{repoURL: r, path: '{path}'}}\n  destination: {{namespace: demo}}\n"),
            "app.yaml",
        )
        .unwrap()
    }

    fn repo(files: &[(&str, &str)]) -> Repo {
        let mut t = FileTree::new();
        for (p, c) in files {
            t.write(p, c.as_bytes()).unwrap();
        }
        let mut r = Repo::new("r");
        r.commit(t, "init", "me", 0).unwrap();
        r
    }

    #[test]
    fn directory_render_is_cached_by_revision() {
        let r = repo(&[
            (
                "/app/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n",
            ),
            (
                "/app/sub/x.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
            ),
            ("/app/README.md", "not yaml: ["),
        ]);
        let mut rs = RepoServer::new();
        let first = rs.render(&r, &app("app"));
        assert!(!first.cache_hit);
        let m = first.result.unwrap();
        assert_eq!(m.source_type, SourceType::Directory);
        assert_eq!(m.objects.len(), 1, "not recursive by default");
        assert!(rs.render(&r, &app("app")).cache_hit);
        assert_eq!((rs.hits, rs.misses), (1, 1));
    }

    #[test]
    fn missing_path_and_bad_yaml_are_errors() {
        let r = repo(&[("/app/bad.yaml", "a: [")]);
        let mut rs = RepoServer::new();
        assert_eq!(
            rs.render(&r, &app("nope")).result.unwrap_err(),
            "nope: app path does not exist"
        );
        let e = rs.render(&r, &app("app")).result.unwrap_err();
        assert!(e.starts_with("Failed to unmarshal \"bad.yaml\""), "{e}");
    }

    #[test]
    fn tool_detection_prefers_kustomize_over_helm() {
        let r = repo(&[
            ("/k/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("/k/Chart.yaml", "name: x\nversion: 1.0.0\n"),
            (
                "/k/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
            ),
            ("/h/Chart.yaml", "apiVersion: v2\nname: x\nversion: 1.0.0\n"),
        ]);
        let tree = &r.head().unwrap().tree;
        assert_eq!(detect(tree, &app("k").source), Ok(SourceType::Kustomize));
        assert_eq!(detect(tree, &app("h").source), Ok(SourceType::Helm));
        let m = RepoServer::new().render(&r, &app("k")).result.unwrap();
        assert_eq!(m.objects[0]["metadata"]["name"], "a");
    }

    #[test]
    fn image_overrides() {
        assert_eq!(
            image_entry("nginx:1.25"),
            json!({"name": "nginx", "newTag": "1.25"})
        );
        assert_eq!(
            image_entry("nginx=reg:5000/web:2"),
            json!({"name": "nginx", "newName": "reg:5000/web", "newTag": "2"})
        );
    }
}
