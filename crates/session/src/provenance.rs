//! Field provenance: which file and line produced a line of the rendered output.
//!
//! The engines return objects, not the places their fields came from, so this module traces
//! a rendered field back by its path. Plain manifests map one to one. For kustomize, every
//! resource or patch document of the same kind and a compatible name that holds the field is a
//! source, those with the rendered value first (the overlay patch that set it), then the
//! kustomization lines that transformed it (images, prefixes, labels, namespaces). For helm,
//! the `# Source:` template gives the template line of the field's key, and the values files
//! give the entry a `.Values` reference or a `toYaml` block read. Computed on demand (on a
//! click or a hover), never on the keystroke path.

use crate::render::{is_yaml, join, Target};
use crate::workspace::{file_name, Workspace};
use kubeplay_yaml::{Node, Value};
use serde::{Deserialize, Serialize};

/// One place a rendered line came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    pub role: Role,
}

/// What kind of place an [`Origin`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The manifest file a plain target renders.
    Manifest,
    /// A kustomize resource the field is in.
    Resource,
    /// A kustomize patch that sets the field.
    Patch,
    /// A kustomization line that transformed it (images, prefixes, labels, namespaces).
    Kustomization,
    /// The helm template line that wrote the field.
    Template,
    /// The helm values entry it read.
    Values,
}

impl Role {
    /// The word the page shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manifest => "manifest",
            Role::Resource => "resource",
            Role::Patch => "patch",
            Role::Kustomization => "kustomization",
            Role::Template => "template",
            Role::Values => "values",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    /// An index, and the item's `name` when it has one (strategic merge matches by name).
    Idx(usize, Option<String>),
}

/// The origins of rendered line `line` (1-based), best first.
pub fn origins(ws: &Workspace, target: &Target, rendered: &str, line: usize) -> Vec<Origin> {
    let Ok(docs) = kubeplay_yaml::parse_documents(rendered, "") else {
        return Vec::new();
    };
    let docs: Vec<Node> = docs.into_iter().filter(|d| !is_empty(d)).collect();
    let Some(index) = docs.iter().rposition(|d| d.pos.line <= line) else {
        return Vec::new();
    };
    let doc = &docs[index];
    let Some((path, value)) = find_line(doc, line, &mut Vec::new()) else {
        return Vec::new();
    };
    let mut out = match target {
        Target::Plain(file) => plain(ws, file, index, &path),
        Target::Kustomize(dir) => kustomize(ws, dir, doc, &path, value.as_deref()),
        Target::Helm(dir) => helm(ws, dir, rendered, doc, &path, value.as_deref()),
    };
    out.dedup();
    out.truncate(4);
    out
}

fn is_empty(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar(s) if s.value.is_empty() || s.value == "null" || s.value == "~")
}

fn scalar(node: &Node) -> Option<String> {
    match &node.value {
        Value::Scalar(s) => Some(s.value.clone()),
        _ => None,
    }
}

/// The path of the field on `line`, and its value when it is a scalar.
fn find_line(node: &Node, line: usize, path: &mut Vec<Seg>) -> Option<(Vec<Seg>, Option<String>)> {
    match &node.value {
        Value::Mapping(m) => {
            for (k, v) in &m.entries {
                path.push(Seg::Key(k.as_str().unwrap_or("").to_string()));
                if k.pos.line == line {
                    return Some((path.clone(), scalar(v)));
                }
                if let Some(found) = find_line(v, line, path) {
                    return Some(found);
                }
                path.pop();
            }
            None
        }
        Value::Sequence(s) => {
            for (i, item) in s.items.iter().enumerate() {
                let name = item.get("name").and_then(Node::as_str).map(str::to_string);
                path.push(Seg::Idx(i, name));
                if let Some(found) = find_line(item, line, path) {
                    return Some(found);
                }
                if item.pos.line == line {
                    return Some((path.clone(), scalar(item)));
                }
                path.pop();
            }
            None
        }
        Value::Scalar(_) => None,
    }
}

/// The line of `path` in `doc` (the key's line, or the item's), and the node there.
fn lookup<'a>(doc: &'a Node, path: &[Seg]) -> Option<(usize, &'a Node)> {
    let mut node = doc;
    let mut line = doc.pos.line;
    for seg in path {
        match (seg, &node.value) {
            (Seg::Key(key), Value::Mapping(m)) => {
                let (k, v) = m.entries.iter().find(|(k, _)| k.as_str() == Some(key))?;
                line = k.pos.line;
                node = v;
            }
            (Seg::Idx(i, name), Value::Sequence(s)) => {
                let item = match name {
                    Some(n) => s
                        .items
                        .iter()
                        .find(|it| it.get("name").and_then(Node::as_str) == Some(n))?,
                    None => s.items.get(*i)?,
                };
                line = item.pos.line;
                node = item;
            }
            _ => return None,
        }
    }
    Some((line, node))
}

fn parsed(ws: &Workspace, file: &str) -> Vec<Node> {
    ws.files
        .get(file)
        .and_then(|t| kubeplay_yaml::parse_documents(t, file).ok())
        .map(|d| d.into_iter().filter(|d| !is_empty(d)).collect())
        .unwrap_or_default()
}

fn plain(ws: &Workspace, file: &str, index: usize, path: &[Seg]) -> Vec<Origin> {
    let docs = parsed(ws, file);
    docs.get(index)
        .and_then(|d| lookup(d, path))
        .map(|(line, _)| Origin {
            file: file.to_string(),
            line,
            role: Role::Manifest,
        })
        .into_iter()
        .collect()
}

fn is_kustomization(path: &str) -> bool {
    matches!(
        file_name(path),
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

fn kustomize(
    ws: &Workspace,
    dir: &str,
    doc: &Node,
    path: &[Seg],
    value: Option<&str>,
) -> Vec<Origin> {
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
    let name = doc
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("");
    let in_target = |f: &str| f.starts_with(&format!("{dir}/"));
    let mut equal = Vec::new();
    let mut present = Vec::new();
    for file in ws
        .files
        .keys()
        .filter(|f| is_yaml(f) && !is_kustomization(f))
    {
        for src in parsed(ws, file) {
            let src_kind = src.get("kind").and_then(Node::as_str).unwrap_or("");
            let src_name = src
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str)
                .unwrap_or("");
            if src_kind != kind || src_name.is_empty() || !name.contains(src_name) {
                continue;
            }
            let Some((line, node)) = lookup(&src, path) else {
                continue;
            };
            let role = if is_patch(ws, file) {
                Role::Patch
            } else {
                Role::Resource
            };
            let o = Origin {
                file: file.clone(),
                line,
                role,
            };
            if value.is_some() && scalar(node).as_deref() == value {
                equal.push(((o.role != Role::Patch, !in_target(file)), o));
            } else {
                present.push(o);
            }
        }
    }
    // Patches win over the resources they patch; the target's own files over others.
    equal.sort_by_key(|(rank, _)| *rank);
    let mut out: Vec<Origin> = equal.into_iter().map(|(_, o)| o).collect();
    if let Some(value) = value {
        out.extend(kustomization_lines(ws, dir, path, value));
    }
    out.extend(present);
    out
}

/// Whether a kustomization lists `file` under `patches` (or the older `patchesStrategicMerge`
/// and `patchesJson6902`).
fn is_patch(ws: &Workspace, file: &str) -> bool {
    let dir = crate::workspace::parent(file);
    let name = file_name(file);
    ws.files
        .iter()
        .filter(|(k, _)| is_kustomization(k) && crate::workspace::parent(k) == dir)
        .any(|(_, text)| {
            let mut section = "";
            text.lines().any(|l| {
                if !l.starts_with([' ', '-', '#']) {
                    section = l.split(':').next().unwrap_or("");
                }
                section.starts_with("patches") && l.contains(name)
            })
        })
}

/// Lines of the kustomizations involved that put (part of) `value` there.
fn kustomization_lines(ws: &Workspace, dir: &str, path: &[Seg], value: &str) -> Vec<Origin> {
    let key = match path.last() {
        Some(Seg::Key(k)) => k.as_str(),
        _ => "",
    };
    let mut hits: Vec<(usize, Origin)> = Vec::new();
    for (file, text) in ws.files.iter().filter(|(f, _)| is_kustomization(f)) {
        let own = file.starts_with(&format!("{dir}/"));
        for (i, l) in text.lines().enumerate() {
            let l = l.trim_start_matches([' ', '-']);
            if l.starts_with('#') {
                continue;
            }
            let Some((k, v)) = l.split_once(':') else {
                continue;
            };
            let v = v.trim().trim_matches(['"', '\'']);
            if v.len() < 2 {
                continue;
            }
            let score = if !key.is_empty() && k.trim() == key && v == value {
                1000
            } else if value.contains(v) && !matches!(k.trim(), "name" | "path" | "kind") {
                v.len()
            } else {
                continue;
            };
            hits.push((
                score + if own { 500 } else { 0 },
                Origin {
                    file: file.clone(),
                    line: i + 1,
                    role: Role::Kustomization,
                },
            ));
        }
    }
    hits.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    hits.into_iter().map(|(_, o)| o).take(2).collect()
}

fn helm(
    ws: &Workspace,
    dir: &str,
    rendered: &str,
    doc: &Node,
    path: &[Seg],
    value: Option<&str>,
) -> Vec<Origin> {
    let mut out = Vec::new();
    // The `# Source:` comment above the document names the template.
    let source = rendered
        .lines()
        .take(doc.pos.line.saturating_sub(1))
        .filter_map(|l| l.strip_prefix("# Source: "))
        .last()
        .unwrap_or("");
    let template = source.split_once('/').map(|(_, rest)| join(dir, rest));
    let key = match path.last() {
        Some(Seg::Key(k)) => Some(k.as_str()),
        _ => None,
    };
    let mut template_line = None;
    if let (Some(template), Some(key)) = (&template, key) {
        if let Some(text) = ws.files.get(template) {
            let found = text.lines().position(|l| {
                let l = l.trim_start().trim_start_matches("- ");
                l.starts_with(&format!("{key}:"))
            });
            if let Some(i) = found {
                template_line = Some((
                    template.clone(),
                    i + 1,
                    text.lines().nth(i).unwrap_or("").to_string(),
                ));
            }
        }
    }
    // The values entry: a `.Values.x.y` on the template line, else the longest tail of the
    // rendered path that a values file holds (what `toYaml .Values.x` printed).
    let mut values_files: Vec<String> = ws.settings.values_files.iter().rev().cloned().collect();
    values_files.push(join(dir, "values.yaml"));
    let keys: Vec<String> = path
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            Seg::Idx(..) => None,
        })
        .collect();
    let mut values_hit = None;
    if let Some((_, _, text)) = &template_line {
        if let Some(at) = text.find(".Values.") {
            let refpath: Vec<Seg> = text[at + 8..]
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .next()
                .unwrap_or("")
                .split('.')
                .filter(|s| !s.is_empty())
                .map(|s| Seg::Key(s.to_string()))
                .collect();
            values_hit = find_values(ws, &values_files, &refpath, None);
        }
    }
    if values_hit.is_none()
        && template_line
            .as_ref()
            .is_none_or(|(_, _, t)| t.contains("toYaml") || !t.contains("{{"))
    {
        for start in 0..keys.len() {
            let tail: Vec<Seg> = keys[start..].iter().cloned().map(Seg::Key).collect();
            if tail.len() < 2 && start + 1 < keys.len() {
                continue;
            }
            if let Some(hit) = find_values(ws, &values_files, &tail, value) {
                values_hit = Some(hit);
                break;
            }
        }
    }
    if let Some(hit) = values_hit {
        out.push(hit);
    }
    if let Some((file, line, _)) = template_line {
        out.push(Origin {
            file,
            line,
            role: Role::Template,
        });
    } else if let Some(t) = template.filter(|t| ws.files.contains_key(t)) {
        out.push(Origin {
            file: t,
            line: 1,
            role: Role::Template,
        });
    }
    out
}

fn find_values(
    ws: &Workspace,
    files: &[String],
    path: &[Seg],
    value: Option<&str>,
) -> Option<Origin> {
    if path.is_empty() {
        return None;
    }
    for file in files {
        for doc in parsed(ws, file) {
            if let Some((line, node)) = lookup(&doc, path) {
                if value.is_none() || scalar(node).as_deref() == value || scalar(node).is_none() {
                    return Some(Origin {
                        file: file.clone(),
                        line,
                        role: Role::Values,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;
    use crate::render::{render, Rendered};

    fn rendered(ws: &Workspace) -> (Target, String) {
        match render(ws) {
            Rendered::Output(o) => (o.target, o.text),
            other => panic!("{other:?}"),
        }
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).expect(needle) + 1
    }

    #[test]
    fn plain_manifests_map_one_to_one() {
        let ws = examples::LIVENESS_HTTP.workspace();
        let (t, out) = rendered(&ws);
        let o = origins(&ws, &t, &out, line_of(&out, "periodSeconds"));
        let src = &ws.files["/probes/liveness-http.yaml"];
        assert_eq!(o[0].file, "/probes/liveness-http.yaml");
        assert_eq!(o[0].line, line_of(src, "periodSeconds"));
    }

    #[test]
    fn kustomize_image_comes_from_the_kustomization() {
        let ws = examples::KUSTOMIZE.workspace();
        let (t, out) = rendered(&ws);
        let o = origins(&ws, &t, &out, line_of(&out, "image: new-nginx"));
        assert_eq!(o[0].file, "/kustomize/kustomization.yaml", "{o:?}");
        assert_eq!(
            o[0].line,
            line_of(&ws.files["/kustomize/kustomization.yaml"], "newName")
        );
        let o = origins(&ws, &t, &out, line_of(&out, "memory: 64Mi"));
        assert_eq!(
            (o[0].file.as_str(), o[0].line),
            (
                "/kustomize/pod.yaml",
                line_of(&ws.files["/kustomize/pod.yaml"], "memory")
            )
        );
    }

    #[test]
    fn overlay_patch_wins_over_the_base() {
        let mut ws = examples::OVERLAYS.workspace();
        ws.select("/overlays/prd/kustomization.yaml");
        let (t, out) = rendered(&ws);
        let o = origins(&ws, &t, &out, line_of(&out, "replicas: 4"));
        assert_eq!(o[0].file, "/overlays/prd/replicas.yaml", "{o:?}");
        assert_eq!(o[0].role, Role::Patch);
        assert!(
            o.iter()
                .any(|o| o.file == "/base/deployment.yaml" && o.role == Role::Resource),
            "{o:?}"
        );
    }

    #[test]
    fn helm_fields_lead_to_values_and_template() {
        let ws = examples::HELM.workspace();
        let (t, out) = rendered(&ws);
        let o = origins(&ws, &t, &out, line_of(&out, "replicas: 1"));
        assert_eq!(o[0].file, "/mychart/values.yaml", "{o:?}");
        assert_eq!(
            o[0].line,
            line_of(&ws.files["/mychart/values.yaml"], "replicaCount")
        );
        assert_eq!(o[1].file, "/mychart/templates/deployment.yaml");
        assert_eq!(
            o[1].line,
            line_of(&ws.files["/mychart/templates/deployment.yaml"], "replicas:")
        );
        // A toYaml block: the probe path comes from values.yaml.
        let at = line_of(&out, "path: /");
        let o = origins(&ws, &t, &out, at);
        assert_eq!(o[0].file, "/mychart/values.yaml", "{o:?}");
    }
}
