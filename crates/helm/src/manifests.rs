//! The `helm template` stream: rendered files split into manifests, hooks separated, sorted in
//! Helm's install order, printed with `---` and `# Source:` lines.

use crate::chart::Chart;
use crate::engine::{render, RenderOptions, Rendered};
use crate::error::HelmError;
use crate::values::Values;

/// Options of `helm template` beyond rendering.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    pub render: RenderOptions,
    /// `--show-only`: template paths relative to the chart's parent (`mychart/templates/x.yaml`).
    pub show_only: Vec<String>,
    /// `--skip-crds`.
    pub skip_crds: bool,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--include-crds` (with `--output-dir` Helm writes CRDs only when asked).
    pub include_crds: bool,
}

/// One manifest of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template it came from (`mychart/templates/x.yaml`).
    pub source: String,
    /// The YAML text without a leading `---`.
    pub content: String,
    pub kind: String,
    pub name: String,
    /// Hook events (`pre-install`...), empty for plain manifests.
    pub hooks: Vec<String>,
}

/// The result of `helm template`.
#[derive(Debug, Clone)]
pub struct TemplateOutput {
    /// CRDs from `crds/` directories, then manifests in install order, then hooks.
    pub manifests: Vec<Manifest>,
    /// The top chart's NOTES.txt, rendered.
    pub notes: Option<String>,
    pub rendered: Rendered,
}

impl TemplateOutput {
    /// The text `helm template` prints on stdout.
    pub fn to_stream(&self) -> String {
        let mut out = String::new();
        for m in &self.manifests {
            out.push_str(&format!("---\n# Source: {}\n{}\n", m.source, m.content));
        }
        out
    }
}

/// Helm's `InstallOrder` of kinds.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Splits a rendered file into its YAML documents the way Helm's `SplitManifests` does
/// (on lines that start with `---`), dropping empty ones.
pub fn split_manifests(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    let mut first = true;
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") && line.trim_end_matches(['\n', '\r']).trim_end().len() >= 3
            && line[3..].trim().is_empty()
        {
            if !first || !cur.trim().is_empty() {
                docs.push(std::mem::take(&mut cur));
            } else {
                cur.clear();
            }
            first = false;
            continue;
        }
        first = false;
        cur.push_str(line);
    }
    docs.push(cur);
    docs.into_iter()
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect()
}

fn head(doc: &str) -> (String, String, Vec<String>, Option<i64>) {
    let j = crate::convert::yaml_to_json(doc, "").unwrap_or(serde_json::Value::Null);
    let kind = j.get("kind").and_then(|k| k.as_str()).unwrap_or("").to_string();
    let meta = j.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_string();
    let ann = meta.and_then(|m| m.get("annotations"));
    let hooks = ann
        .and_then(|a| a.get("helm.sh/hook"))
        .and_then(|h| h.as_str())
        .map(|h| {
            h.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let weight = ann
        .and_then(|a| a.get("helm.sh/hook-weight"))
        .and_then(|w| w.as_str())
        .and_then(|w| w.trim().parse().ok());
    (kind, name, hooks, weight)
}

fn kind_rank(kind: &str) -> usize {
    INSTALL_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(INSTALL_ORDER.len())
}

/// Renders a chart and assembles the `helm template` output.
pub fn template(chart: &Chart, values: &Values, opts: &TemplateOptions) -> Result<TemplateOutput, HelmError> {
    let rendered = render(chart, values, &opts.render)?;
    let top = rendered.chart.name().to_string();
    let mut manifests = Vec::new();
    let mut hooks: Vec<(Manifest, i64)> = Vec::new();
    let mut notes = None;
    // CRDs of the chart and its subcharts come first, unrendered.
    if !opts.skip_crds {
        collect_crds(&rendered.chart, &top, &mut manifests);
    }
    let mut files: Vec<(&String, &String)> = rendered.templates.iter().collect();
    // Helm sorts the file names before splitting.
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut plain: Vec<(usize, Manifest)> = Vec::new();
    for (path, text) in files {
        if path.ends_with("NOTES.txt") {
            if *path == format!("{top}/templates/NOTES.txt") {
                notes = Some(text.clone());
            }
            continue;
        }
        let base = path.rsplit('/').next().unwrap_or(path);
        if !(base.ends_with(".yaml") || base.ends_with(".yml") || base.ends_with(".tpl") || base.ends_with(".txt")) {
            continue;
        }
        for doc in split_manifests(text) {
            let (kind, name, hk, weight) = head(&doc);
            if doc.trim().is_empty() {
                continue;
            }
            let m = Manifest {
                source: path.clone(),
                content: doc,
                kind,
                name,
                hooks: hk,
            };
            if opts.skip_tests && m.hooks.iter().any(|h| h == "test" || h == "test-success") {
                continue;
            }
            if !m.hooks.is_empty() {
                hooks.push((m, weight.unwrap_or(0)));
            } else {
                plain.push((plain.len(), m));
            }
        }
    }
    plain.sort_by(|(ia, a), (ib, b)| {
        kind_rank(&a.kind)
            .cmp(&kind_rank(&b.kind))
            .then_with(|| {
                if kind_rank(&a.kind) == INSTALL_ORDER.len() {
                    a.kind.cmp(&b.kind)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| ia.cmp(ib))
    });
    manifests.extend(plain.into_iter().map(|(_, m)| m));
    manifests.extend(hooks.into_iter().map(|(m, _)| m));
    if !opts.show_only.is_empty() {
        let mut kept = Vec::new();
        for want in &opts.show_only {
            let w = want.replace('\\', "/");
            let found: Vec<Manifest> = manifests
                .iter()
                .filter(|m| m.source == w || crate::ignore::path_match(&w, &m.source).unwrap_or(false))
                .cloned()
                .collect();
            if found.is_empty() {
                return Err(HelmError::Render(format!(
                    "could not find template {want} in chart"
                )));
            }
            kept.extend(found);
        }
        manifests = kept;
    }
    Ok(TemplateOutput {
        manifests,
        notes,
        rendered,
    })
}

fn collect_crds(c: &Chart, path: &str, out: &mut Vec<Manifest>) {
    for f in c.crds() {
        let text = String::from_utf8_lossy(&f.data).into_owned();
        for doc in split_manifests(&text) {
            let (kind, name, _, _) = head(&doc);
            out.push(Manifest {
                source: format!("{path}/{}", f.name),
                content: doc,
                kind,
                name,
                hooks: Vec::new(),
            });
        }
    }
    for d in &c.dependencies {
        collect_crds(d, &format!("{path}/charts/{}", d.name()), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents() {
        let docs = split_manifests("a: 1\n---\nb: 2\n--- \n\n---\nc: 3\n");
        assert_eq!(docs, vec!["a: 1", "b: 2", "c: 3"]);
    }
}
