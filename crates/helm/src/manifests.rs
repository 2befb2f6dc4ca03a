//! The `helm template` stream: rendered files split into manifests, hooks separated, sorted in
//! Helm's install order, printed with `---` and `# Source:` lines.

use crate::chart::Chart;
use crate::engine::{RenderOptions, Rendered, Renderer};
use crate::error::HelmError;
use crate::values::Values;

/// Options of `helm template` beyond rendering.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    pub render: RenderOptions,
    /// `--show-only`: template paths relative to the chart's parent (`mychart/templates/x.yaml`).
    pub show_only: Vec<String>,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--include-crds`: CRDs from `crds/` directories first.
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
    show_only: Vec<String>,
}

impl TemplateOutput {
    /// The text `helm template` prints on stdout (with `--show-only` applied).
    pub fn to_stream(&self) -> Result<String, HelmError> {
        let mut out = String::new();
        for m in &self.manifests {
            out.push_str(&format!("---\n# Source: {}\n{}\n", m.source, m.content));
        }
        if self.show_only.is_empty() {
            return Ok(out);
        }
        // Helm re-splits its own output and matches `# Source: CHART/PATH` on PATH.
        let docs = split_manifests(&out);
        let mut shown = String::new();
        for f in &self.show_only {
            let f = f.replace('\\', "/");
            let mut missing = true;
            for d in &docs {
                let Some(rest) = d.lines().find_map(|l| l.strip_prefix("# Source: ")) else {
                    continue;
                };
                let Some((_, p)) = rest.split_once('/') else {
                    continue;
                };
                if crate::ignore::path_match(&f, p).unwrap_or(false) {
                    shown.push_str(&format!("---\n{d}\n"));
                    missing = false;
                }
            }
            if missing {
                return Err(HelmError::Render(format!(
                    "could not find template {f} in chart"
                )));
            }
        }
        Ok(shown)
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

/// Helm 4.2's `SplitManifests`: documents separated by `---` at the start of the text or
/// after a newline, whitespace around the separator removed, leading whitespace trimmed; the
/// last document of a file keeps its trailing newline (which is why `helm template` prints a
/// blank line after it).
pub fn split_manifests(text: &str) -> Vec<String> {
    let text = text.trim_start_matches(crate::funcs::sprig::strings::is_go_space);
    let mut docs = Vec::new();
    let mut from = 0;
    loop {
        let (piece, next) = match next_separator(text.as_bytes(), from) {
            Some((start, end)) => (&text[from..start], Some(end)),
            None => (&text[from..], None),
        };
        if !piece
            .trim_matches(crate::funcs::sprig::strings::is_go_space)
            .is_empty()
        {
            docs.push(
                piece
                    .trim_start_matches(crate::funcs::sprig::strings::is_go_space)
                    .to_string(),
            );
        }
        match next {
            Some(end) => from = end,
            None => return docs,
        }
    }
}

/// Helm's separator pattern `(?:^|\s*\n)---\s*` as Go's regexp finds it from `from` (the
/// leftmost match, `^` only at the very start): the bytes it covers. Written out because a
/// regex engine without literal search tried the pattern at every byte of every render.
fn next_separator(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let space = |c: &u8| matches!(c, b'\t' | b'\n' | 0x0C | b'\r' | b' ');
    let after_dashes = |at: usize| at + b[at..].iter().take_while(|c| space(c)).count();
    if from == 0 && b.starts_with(b"---") {
        return Some((0, after_dashes(3)));
    }
    // The first "\n---" ends the leftmost match: its `\s*` starts where the run of spaces
    // before that line break starts (a match starting earlier would need an earlier "\n---").
    let newline = from + dashes_line(&b[from..])?;
    let start = newline
        - b[from..newline]
            .iter()
            .rev()
            .take_while(|c| space(c))
            .count();
    Some((start, after_dashes(newline + 4)))
}

/// Where the first line break followed by `---` is.
fn dashes_line(b: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(i) = b[at..].iter().position(|c| *c == b'\n') {
        let newline = at + i;
        if b[newline + 1..].starts_with(b"---") {
            return Some(newline);
        }
        at = newline + 1;
    }
    None
}

struct Head {
    kind: String,
    name: String,
    annotations: Option<serde_json::Map<String, serde_json::Value>>,
}

fn head(doc: &str, path: &str) -> Result<Head, HelmError> {
    let j = crate::convert::yaml_to_json(doc, path).map_err(|e| {
        HelmError::Render(format!(
            "YAML parse error on {path}: error converting YAML to JSON: {}",
            e.goyaml
        ))
    })?;
    let s = |v: Option<&serde_json::Value>| v.and_then(|k| k.as_str()).unwrap_or("").to_string();
    let meta = j.get("metadata");
    Ok(Head {
        kind: s(j.get("kind")),
        name: s(meta.and_then(|m| m.get("name"))),
        annotations: meta
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.as_object())
            .cloned(),
    })
}

/// Hook events Helm knows.
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// Helm's `UninstallOrder` of kinds: not quite the reverse of [`INSTALL_ORDER`] (webhooks go
/// first so they cannot block the removals, Services before workloads).
pub const UNINSTALL_ORDER: &[&str] = &[
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
];

/// Helm's `lessByKind` over an order ([`INSTALL_ORDER`] or [`UNINSTALL_ORDER`]), for a
/// stable sort: listed kinds by their place, unknown kinds after them by name.
pub fn by_kind_in(order: &[&str], a: &str, b: &str) -> std::cmp::Ordering {
    let rank = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
    let (ra, rb) = (rank(a), rank(b));
    if ra == order.len() && rb == order.len() {
        return a.cmp(b);
    }
    ra.cmp(&rb)
}

fn by_kind(a: &str, b: &str) -> std::cmp::Ordering {
    by_kind_in(INSTALL_ORDER, a, b)
}

/// Helm's `SortManifests`: (hooks, plain manifests), each sorted by kind.
pub fn sort_manifests(
    files: &std::collections::BTreeMap<String, String>,
) -> Result<(Vec<Manifest>, Vec<Manifest>), HelmError> {
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for doc in split_manifests(content) {
            let h = head(&doc, path)?;
            let hook = h
                .annotations
                .as_ref()
                .and_then(|a| a.get("helm.sh/hook"))
                .map(|v| v.as_str().unwrap_or("").to_string());
            let m = Manifest {
                source: path.clone(),
                content: doc,
                kind: h.kind,
                name: h.name,
                hooks: Vec::new(),
            };
            match hook {
                None => generic.push(m),
                Some(types) => {
                    let events: Vec<String> =
                        types.split(',').map(|t| t.trim().to_lowercase()).collect();
                    if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
                        continue; // unknown hooks are skipped
                    }
                    hooks.push(Manifest { hooks: events, ..m });
                }
            }
        }
    }
    hooks.sort_by(|a, b| by_kind(&a.kind, &b.kind));
    generic.sort_by(|a, b| by_kind(&a.kind, &b.kind));
    Ok((hooks, generic))
}

/// Renders a chart and assembles the `helm template` output.
pub fn template(
    chart: &Chart,
    values: &Values,
    opts: &TemplateOptions,
) -> Result<TemplateOutput, HelmError> {
    template_with(&mut Renderer::default(), chart, values, opts)
}

/// Like [`template`], with a [`Renderer`] that parses only the templates changed since its
/// last render.
pub fn template_with(
    renderer: &mut Renderer,
    chart: &Chart,
    values: &Values,
    opts: &TemplateOptions,
) -> Result<TemplateOutput, HelmError> {
    let rendered = renderer.render(chart, values, &opts.render)?;
    let top = rendered.chart.name().to_string();
    let mut files = rendered.templates.clone();
    let notes = files.get(&format!("{top}/templates/NOTES.txt")).cloned();
    files.retain(|k, _| !k.ends_with("NOTES.txt"));
    let (hooks, generic) = sort_manifests(&files)?;
    let mut manifests = Vec::new();
    if opts.include_crds {
        collect_crds(&rendered.chart, &top, &mut manifests);
    }
    manifests.extend(generic);
    manifests.extend(hooks.into_iter().filter(|h| {
        !(opts.skip_tests && h.hooks.iter().any(|e| e == "test" || e == "test-success"))
    }));
    Ok(TemplateOutput {
        manifests,
        notes,
        rendered,
        show_only: opts.show_only.clone(),
    })
}

fn collect_crds(c: &Chart, path: &str, out: &mut Vec<Manifest>) {
    for f in c.crds() {
        out.push(Manifest {
            source: format!("{path}/{}", f.name),
            content: String::from_utf8_lossy(&f.data).into_owned(),
            kind: "CustomResourceDefinition".into(),
            name: String::new(),
            hooks: Vec::new(),
        });
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
        let docs = split_manifests("\na: 1\n---\nb: 2\n--- \n\nc: 3\n");
        assert_eq!(docs, vec!["a: 1", "b: 2", "c: 3\n"]);
        // The separator's trailing \s* eats the next line break, so a second `---` right
        // after it is not a separator (Go's regexp, same pattern).
        let docs = split_manifests("a: 1\n---\n---\nb: 2\n");
        assert_eq!(docs, vec!["a: 1", "---\nb: 2\n"]);
    }

    /// The separator search against Helm's pattern run by a regex engine, on random texts
    /// made of the bytes that matter.
    #[test]
    fn separators_are_where_helms_pattern_finds_them() {
        let re = regex_lite::Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").unwrap();
        let alphabet = b"-\n \t\r\x0Ca";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let len = (seed % 24) as usize;
            let mut text = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize] as char);
            }
            let want: Vec<(usize, usize)> =
                re.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            let mut got = Vec::new();
            let mut from = 0;
            while let Some((start, end)) = next_separator(text.as_bytes(), from) {
                got.push((start, end));
                from = end;
            }
            assert_eq!(got, want, "{text:?}");
        }
    }
}
