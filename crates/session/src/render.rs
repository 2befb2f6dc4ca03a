//! What the output pane shows: pure functions of the workspace, so they are tested natively.
//!
//! A render target is a kustomization directory (`kustomize build`), a chart directory
//! (`helm template`) or a manifest file (its documents re-emitted through JSON the way
//! `kubectl kustomize` prints them). By default the target follows the open file: the nearest
//! folder above it that holds a kustomization or a chart, else the file itself.

use crate::validate;
use crate::workspace::{parent, Workspace};
use kubeplay_helm::{RenderOptions, TemplateOptions, UserValues};
use kubeplay_vfs::FileTree;
use kubeplay_yaml::{emit_json_documents, to_json, EmitOptions, Node, Value};
use serde::{Deserialize, Serialize};

/// A located problem, for the problems panel and the editor gutter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based; 0 when the problem has no position.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One rendered object, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectSummary {
    pub kind: String,
    pub name: String,
    /// Where the document starts in the rendered output (1-based).
    pub line: usize,
    /// The template it came from (helm), else empty.
    pub source: String,
}

/// A schema warning about the rendered output, at a line of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

/// What renders, and with which engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    Kustomize(String),
    Helm(String),
    Plain(String),
}

impl Target {
    pub fn path(&self) -> &str {
        match self {
            Target::Kustomize(p) | Target::Helm(p) | Target::Plain(p) => p,
        }
    }
    pub fn engine(&self) -> &'static str {
        match self {
            Target::Kustomize(_) => "kustomize build",
            Target::Helm(_) => "helm template",
            Target::Plain(_) => "plain manifests",
        }
    }
}

/// A successful render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Output {
    pub target: Target,
    pub text: String,
    pub objects: Vec<ObjectSummary>,
    pub warnings: Vec<Warning>,
    /// Helm's NOTES.txt, rendered.
    pub notes: Option<String>,
}

/// The result of rendering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Rendered {
    Output(Output),
    Failed(Target, Vec<Diagnostic>),
    /// Nothing to render (say why).
    Idle(String),
}

const KUSTOMIZATION_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

pub fn is_yaml(path: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml")
}

/// Every render target of the workspace: kustomizations, charts, then manifest files that
/// belong to neither a chart nor a kustomization directory.
pub fn targets(ws: &Workspace) -> Vec<Target> {
    let mut out = Vec::new();
    for path in ws.files.keys() {
        let (dir, name) = (parent(path), crate::workspace::file_name(path));
        if KUSTOMIZATION_NAMES.contains(&name) {
            out.push(Target::Kustomize(dir.to_string()));
        } else if name == "Chart.yaml" {
            out.push(Target::Helm(dir.to_string()));
        }
    }
    let charts: Vec<String> = out
        .iter()
        .filter_map(|t| match t {
            Target::Helm(d) => Some(format!("{d}/")),
            _ => None,
        })
        .collect();
    for path in ws.files.keys() {
        if is_yaml(path)
            && !charts.iter().any(|c| path.starts_with(c))
            && !KUSTOMIZATION_NAMES
                .iter()
                .any(|k| path.ends_with(&format!("/{k}")))
        {
            out.push(Target::Plain(path.clone()));
        }
    }
    out
}

/// The target for the open file: its chart, else its kustomization, else the file.
pub fn target_for(ws: &Workspace, path: &str) -> Option<Target> {
    let mut dir = parent(path);
    let mut kustomize = None;
    loop {
        if ws.files.contains_key(&join(dir, "Chart.yaml")) {
            return Some(Target::Helm(dir.to_string()));
        }
        if kustomize.is_none()
            && KUSTOMIZATION_NAMES
                .iter()
                .any(|k| ws.files.contains_key(&join(dir, k)))
        {
            kustomize = Some(Target::Kustomize(dir.to_string()));
        }
        if dir == "/" {
            break;
        }
        dir = parent(dir);
    }
    // A kustomization's own folder renders it; a manifest elsewhere renders alone.
    if let Some(Target::Kustomize(d)) = &kustomize {
        if parent(path) == d || !is_yaml(path) {
            return kustomize;
        }
    }
    if is_yaml(path) {
        return Some(Target::Plain(path.to_string()));
    }
    kustomize
}

/// The workspace's current target: the pinned one if it still exists, else the open file's.
pub fn current_target(ws: &Workspace) -> Option<Target> {
    if let Some(pinned) = &ws.settings.target {
        if let Some(t) = targets(ws).into_iter().find(|t| t.path() == pinned) {
            return Some(t);
        }
    }
    target_for(ws, &ws.selected)
}

pub fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// What a session keeps between renders to make the next one faster; never what it renders.
#[derive(Default)]
pub struct RenderCache {
    /// Each chart template's parse, kept while its text stays the same.
    helm: kubeplay_helm::Renderer,
}

/// Renders the workspace's current target.
pub fn render(ws: &Workspace) -> Rendered {
    render_cached(ws, &mut RenderCache::default())
}

/// Like [`render`], reusing what `cache` kept from earlier renders (the page renders on every
/// edit, usually of one file).
pub fn render_cached(ws: &Workspace, cache: &mut RenderCache) -> Rendered {
    let Some(target) = current_target(ws) else {
        return Rendered::Idle(
            "Open a YAML file, a kustomization or a chart file to render it.".into(),
        );
    };
    let result = match &target {
        Target::Plain(file) => render_plain(file, ws.files.get(file).map_or("", |s| s)),
        Target::Kustomize(dir) => render_kustomize(ws, dir),
        Target::Helm(dir) => render_helm(ws, dir, &mut cache.helm),
    };
    match result {
        Ok((text, objects, notes)) => {
            let warnings = validate::validate_text(&text);
            Rendered::Output(Output {
                target,
                text,
                objects,
                warnings,
                notes,
            })
        }
        Err(diags) => Rendered::Failed(target, diags),
    }
}

type Result<T> = std::result::Result<T, Vec<Diagnostic>>;
type Rendering = (String, Vec<ObjectSummary>, Option<String>);

/// Renders one plain-manifest file.
pub fn render_plain(file: &str, text: &str) -> Result<Rendering> {
    // Through JSON, like kustomize: that is what sorts keys and normalises scalars.
    let rendered = kubeplay_yaml::parse_documents(text, file).and_then(|docs| {
        let docs: Vec<Node> = docs.into_iter().filter(|d| !is_null(d)).collect();
        let objects = docs
            .iter()
            .map(to_json)
            .collect::<std::result::Result<Vec<_>, _>>()?;
        emit_json_documents(&objects, &EmitOptions::sigs_yaml())
    });
    match rendered {
        Ok(text) => {
            let objects = summarise(&text);
            Ok((text, objects, None))
        }
        Err(err) => Err(vec![yaml_diagnostic(err, file)]),
    }
}

fn yaml_diagnostic(mut err: kubeplay_yaml::Error, file: &str) -> Diagnostic {
    // Conversion errors do not know their file; the caller does.
    if err.file.is_empty() {
        err.file = file.to_string();
    }
    Diagnostic {
        file: err.file,
        line: err.line,
        column: err.column,
        message: err.message,
    }
}

fn tree_of(ws: &Workspace) -> FileTree {
    let mut tree = FileTree::new();
    for (path, text) in &ws.files {
        // Paths are cleaned by the workspace; a clash (file over folder) cannot reach here.
        let _ = tree.write(path, text.as_bytes());
    }
    for dir in &ws.dirs {
        let _ = tree.create_dir(dir);
    }
    tree
}

/// YAML syntax errors in the files under `dir` (templates excluded), located exactly: the
/// engines' own messages name a file at best.
fn syntax_errors(ws: &Workspace, dir: &str) -> Vec<Diagnostic> {
    let prefix = if dir == "/" {
        "/".to_string()
    } else {
        format!("{dir}/")
    };
    ws.files
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix) && is_yaml(p) && !p.contains("/templates/"))
        .filter_map(|(p, text)| {
            kubeplay_yaml::parse_documents(text, p)
                .err()
                .map(|e| yaml_diagnostic(e, p))
        })
        .collect()
}

fn render_kustomize(ws: &Workspace, dir: &str) -> Result<Rendering> {
    let tree = tree_of(ws);
    match kubeplay_kustomize::build(&tree, dir, &Default::default()) {
        Ok(text) => {
            let objects = summarise(&text);
            Ok((text, objects, None))
        }
        Err(err) => {
            // A syntax error anywhere the build reads is the likely cause; report it located.
            let mut diags = syntax_errors(ws, dir);
            diags.extend(
                ws.files
                    .keys()
                    .filter(|p| is_yaml(p) && err.message.contains(p.as_str()))
                    .flat_map(|p| syntax_errors(ws, parent(p)))
                    .filter(|d| err.message.contains(&d.file)),
            );
            diags.dedup();
            if diags.is_empty() {
                diags.push(locate_message(ws, dir, &err.message));
            }
            Err(diags)
        }
    }
}

/// Places an engine message that carries no position: on the file it names (the longest
/// workspace path in it), else the kustomization; on the first line mentioning a quoted name.
fn locate_message(ws: &Workspace, dir: &str, message: &str) -> Diagnostic {
    let file = ws
        .files
        .keys()
        .filter(|p| message.contains(p.as_str()))
        .max_by_key(|p| p.len())
        .cloned()
        .or_else(|| {
            KUSTOMIZATION_NAMES
                .iter()
                .map(|k| join(dir, k))
                .find(|p| ws.files.contains_key(p))
        })
        .unwrap_or_else(|| dir.to_string());
    let text = ws.files.get(&file).map_or("", |s| s);
    let words: Vec<&str> = message
        .split(|c: char| c.is_whitespace() || "'\"`,:()[]{}".contains(c))
        .filter(|w| w.len() >= 3 && !w.starts_with('/'))
        .collect();
    let line = text
        .lines()
        .position(|l| {
            let l = l.trim_start_matches([' ', '-']);
            !l.starts_with('#')
                && words
                    .iter()
                    .any(|w| l.contains(w) && w.contains(['.', '-', '/']))
        })
        .map_or(1, |i| i + 1);
    Diagnostic {
        file,
        line,
        column: 1,
        message: message.to_string(),
    }
}

/// `--set` expressions from the settings' text: one per line, blank lines and `#` comments
/// skipped.
pub fn set_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Helm's `--namespace`, `default` when none is given.
pub fn namespace_or_default(ns: &str) -> String {
    match ns.trim() {
        "" => "default".into(),
        ns => ns.into(),
    }
}

fn render_helm(
    ws: &Workspace,
    dir: &str,
    renderer: &mut kubeplay_helm::Renderer,
) -> Result<Rendering> {
    let syntax: Vec<Diagnostic> = syntax_errors(ws, dir)
        .into_iter()
        .filter(|d| !d.file.contains("/charts/"))
        .collect();
    if !syntax.is_empty() {
        return Err(syntax);
    }
    let tree = tree_of(ws);
    let s = &ws.settings;
    let mut user = UserValues::default();
    for f in &s.values_files {
        if let Some(text) = ws.files.get(f) {
            user.files.push((f.clone(), text.clone()));
        }
    }
    user.set = set_lines(&s.set);
    let opts = TemplateOptions {
        render: RenderOptions {
            name: if s.release.trim().is_empty() {
                "release-name".into()
            } else {
                s.release.trim().into()
            },
            namespace: namespace_or_default(&s.namespace),
            ..Default::default()
        },
        ..Default::default()
    };
    let result = kubeplay_helm::load_chart(&tree, dir).and_then(|chart| {
        let values = user.merged(&|p| tree.read_to_string(p).map_err(|e| e.to_string()))?;
        kubeplay_helm::template_with(renderer, &chart, &values, &opts)
    });
    match result {
        Ok(out) => {
            let mut text = String::new();
            let mut objects = Vec::new();
            for m in &out.manifests {
                text.push_str("---\n");
                text.push_str(&format!("# Source: {}\n", m.source));
                objects.push(ObjectSummary {
                    kind: if m.kind.is_empty() {
                        "(no kind)".into()
                    } else {
                        m.kind.clone()
                    },
                    name: if m.name.is_empty() {
                        "(no name)".into()
                    } else {
                        m.name.clone()
                    },
                    line: text.lines().count() + 1,
                    source: m.source.clone(),
                });
                text.push_str(&m.content);
                text.push('\n');
            }
            Ok((text, objects, out.notes))
        }
        Err(err) => Err(vec![locate_helm(ws, dir, err.message())]),
    }
}

/// Helm names templates `<chart>/templates/x.yaml[:line[:col]]`; the chart's folder in the
/// workspace may have another name.
fn locate_helm(ws: &Workspace, dir: &str, message: &str) -> Diagnostic {
    let re = regex_lite::Regex::new(
        r"([A-Za-z0-9_.-]+)/((?:charts/[^/\s:]+/)*templates/[^\s:)]+)(?::(\d+))?(?::(\d+))?",
    )
    .expect("a valid pattern");
    if let Some(c) = re.captures(message) {
        let file = join(dir, &c[2]);
        if ws.files.contains_key(&file) {
            let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse().ok());
            let line = num(3).or_else(|| line_after(message, "line ")).unwrap_or(1);
            return Diagnostic {
                file,
                line,
                column: num(4).unwrap_or(1),
                message: message.to_string(),
            };
        }
    }
    let file = ["values.yaml", "Chart.yaml"]
        .iter()
        .map(|n| join(dir, n))
        .find(|p| message.contains(crate::workspace::file_name(p)) && ws.files.contains_key(p))
        .unwrap_or_else(|| join(dir, "Chart.yaml"));
    Diagnostic {
        line: line_after(message, "line ").unwrap_or(1),
        file,
        column: 1,
        message: message.to_string(),
    }
}

fn line_after(message: &str, word: &str) -> Option<usize> {
    let at = message.find(word)? + word.len();
    let digits: String = message[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn is_null(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar(s) if s.value.is_empty() || s.value == "null" || s.value == "~")
}

/// One summary per document of rendered YAML (kind, name, first line).
pub fn summarise(text: &str) -> Vec<ObjectSummary> {
    let Ok(docs) = kubeplay_yaml::parse_documents(text, "") else {
        return Vec::new();
    };
    docs.iter()
        .filter(|d| !is_null(d))
        .map(|doc| {
            let field = |path: &[&str]| {
                let mut node = doc;
                for key in path {
                    node = node.get(key)?;
                }
                node.as_str().map(str::to_string)
            };
            ObjectSummary {
                kind: field(&["kind"]).unwrap_or_else(|| "(no kind)".into()),
                name: field(&["metadata", "name"]).unwrap_or_else(|| "(no name)".into()),
                line: doc.pos.line,
                source: String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;

    fn output(r: Rendered) -> Output {
        match r {
            Rendered::Output(o) => o,
            other => panic!("expected output, got {other:?}"),
        }
    }

    #[test]
    fn renders_documents_and_summaries() {
        let text = "kind: Pod\nmetadata:\n  name: a\n---\nkind: Service\nmetadata:\n  name: b\n";
        let (out, objects, _) = render_plain("/x.yaml", text).unwrap();
        assert_eq!(
            out,
            "kind: Pod\nmetadata:\n  name: a\n---\nkind: Service\nmetadata:\n  name: b\n"
        );
        assert_eq!(objects.len(), 2);
        assert_eq!(
            (
                objects[1].kind.as_str(),
                objects[1].name.as_str(),
                objects[1].line
            ),
            ("Service", "b", 5)
        );
    }

    #[test]
    fn a_syntax_error_is_located() {
        let text = "kind: Pod\nmetadata:\n  name: a\n bad: [\n";
        let diags = render_plain("/x.yaml", text).unwrap_err();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].file, "/x.yaml");
        assert!(diags[0].line >= 3, "{diags:?}");
    }

    #[test]
    fn every_example_renders_without_errors() {
        for ex in examples::ALL {
            let ws = ex.workspace();
            for t in targets(&ws) {
                let mut w = ws.clone();
                w.settings.target = Some(t.path().to_string());
                match render(&w) {
                    Rendered::Output(o) => assert!(!o.objects.is_empty(), "{}: {t:?}", ex.id),
                    other => panic!("{}: {t:?}: {other:?}", ex.id),
                }
            }
        }
    }

    #[test]
    fn the_seed_kustomization_rewrites_the_image() {
        let ws = examples::KUSTOMIZE.workspace();
        let out = output(render(&ws));
        assert_eq!(out.target, Target::Kustomize("/kustomize".into()));
        assert!(out.text.contains("image: new-nginx:1.23.1"), "{}", out.text);
    }

    #[test]
    fn the_open_file_chooses_the_target() {
        let ws = examples::OVERLAYS.workspace();
        assert_eq!(
            target_for(&ws, "/overlays/dev/replicas.yaml"),
            Some(Target::Kustomize("/overlays/dev".into()))
        );
        assert_eq!(
            target_for(&ws, "/base/deployment.yaml"),
            Some(Target::Kustomize("/base".into()))
        );
        let chart = examples::HELM.workspace();
        assert_eq!(
            target_for(&chart, "/mychart/templates/deployment.yaml"),
            Some(Target::Helm("/mychart".into()))
        );
    }

    #[test]
    fn helm_settings_apply() {
        let mut ws = examples::HELM.workspace();
        ws.settings.release = "shop".into();
        ws.settings.namespace = "prod".into();
        ws.settings.values_files = vec!["/mychart/values-prod.yaml".into()];
        ws.settings.set = "service.port=8080\n".into();
        let out = output(render(&ws));
        assert!(out.text.contains("name: shop-mychart"), "{}", out.text);
        assert!(out.text.contains("replicas: 3"));
        assert!(out.text.contains("port: 8080"));
        assert!(out
            .text
            .contains("# Source: mychart/templates/deployment.yaml"));
        assert!(out
            .objects
            .iter()
            .any(|o| o.source == "mychart/templates/service.yaml"));
        let dep = out.objects.iter().find(|o| o.kind == "Deployment").unwrap();
        assert!(out
            .text
            .lines()
            .nth(dep.line - 1)
            .unwrap()
            .starts_with("apiVersion"));
    }

    #[test]
    fn helm_template_errors_point_at_the_template() {
        let mut ws = examples::HELM.workspace();
        ws.files.insert(
            "/mychart/templates/service.yaml".into(),
            "a: 1\nb: {{ .Values.nope.deeper }}\n".into(),
        );
        match render(&ws) {
            Rendered::Failed(_, d) => {
                assert_eq!(d[0].file, "/mychart/templates/service.yaml", "{d:?}");
                assert_eq!(d[0].line, 2, "{d:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn kustomize_errors_are_located() {
        let mut ws = examples::KUSTOMIZE.workspace();
        ws.files
            .insert("/kustomize/pod.yaml".into(), "kind: Pod\n  bad: [\n".into());
        match render(&ws) {
            Rendered::Failed(_, d) => assert_eq!(d[0].file, "/kustomize/pod.yaml"),
            other => panic!("{other:?}"),
        }
        let mut ws = examples::KUSTOMIZE.workspace();
        ws.files.insert(
            "/kustomize/kustomization.yaml".into(),
            "resources:\n  - pod.yaml\n  - missing.yaml\n".into(),
        );
        match render(&ws) {
            Rendered::Failed(_, d) => {
                assert_eq!(d[0].file, "/kustomize/kustomization.yaml", "{d:?}");
                assert_eq!(d[0].line, 3, "{d:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
