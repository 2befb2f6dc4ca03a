//! Desired vs live YAML, as the diff panel and the whole-app diff before a sync show it.
//!
//! Both sides are the sigs.k8s.io/yaml renderings (`kubectl get -o yaml`, `argocd app diff`)
//! of the GitOps engine's normalised live object and predicted live object. The line diff is
//! the engine's own ([`kubeplay_gitops::textdiff::lines`]: LCS after trimming the common
//! prefix and suffix), so the panel and `argocd app diff` in the CLI never disagree; this file
//! only numbers the lines, folds unchanged regions into expandable gaps and pairs lines for the
//! side-by-side mode.
//!
//! A diff line can be turned into an `ignoreDifferences` rule: each line of either rendering
//! is mapped back to the JSON pointer of the field it shows by parsing the rendering with
//! positions ([`kubeplay_yaml::parse_documents`]) rather than guessing from indentation.

use kubeplay_gitops::controller::compare::{Comparison, ResourceStatus, SyncStatus};
use kubeplay_gitops::diff::ResourceDiff;
use kubeplay_gitops::textdiff::{self, Line};
use kubeplay_gitops::tree::ResourceKey;
use kubeplay_yaml::{EmitOptions, Node, Value as YamlValue};
use serde_json::Value;
use std::collections::BTreeSet;

/// Unchanged lines kept around each change when regions are folded.
pub const DEFAULT_CONTEXT: usize = 3;

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Same,
    /// Only in the desired (target) rendering.
    Added,
    /// Only in the live rendering.
    Removed,
}

/// One line of the diff with its 1-based numbers on each side.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: LineKind,
    pub live_no: Option<usize>,
    pub desired_no: Option<usize>,
    pub text: String,
}

/// A folded run of unchanged lines.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Stable id (index of the first hidden line in the full diff): pass it in `expanded`.
    pub id: usize,
    pub hidden: usize,
    pub live_start: usize,
    pub desired_start: usize,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum InlineRow {
    Line(DiffLine),
    Gap(Gap),
}

/// A side-by-side row: live on the left, desired on the right.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum SideRow {
    Pair {
        left: Option<(usize, String)>,
        right: Option<(usize, String)>,
        /// False for unchanged lines.
        changed: bool,
    },
    Gap(Gap),
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffMode {
    #[default]
    SideBySide,
    /// Unified: removed and added lines interleaved, with context.
    Inline,
    /// Changed lines only; every unchanged run is a gap.
    Compact,
}

/// The numbered line diff of two texts.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct TextDiff {
    pub lines: Vec<DiffLine>,
    pub added: usize,
    pub removed: usize,
}

impl TextDiff {
    pub fn new(live: &str, desired: &str) -> TextDiff {
        let (mut l, mut d) = (0, 0);
        let mut out = TextDiff::default();
        for line in textdiff::lines(live, desired) {
            let (kind, text) = match line {
                Line::Same(t) => (LineKind::Same, t),
                Line::Added(t) => (LineKind::Added, t),
                Line::Removed(t) => (LineKind::Removed, t),
            };
            let live_no = (kind != LineKind::Added).then(|| {
                l += 1;
                l
            });
            let desired_no = (kind != LineKind::Removed).then(|| {
                d += 1;
                d
            });
            match kind {
                LineKind::Added => out.added += 1,
                LineKind::Removed => out.removed += 1,
                LineKind::Same => {}
            }
            out.lines.push(DiffLine {
                kind,
                live_no,
                desired_no,
                text,
            });
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.added == 0 && self.removed == 0
    }

    /// The inline rows, unchanged runs longer than `2 * context` folded except gaps listed
    /// in `expanded`. Compact mode is `context` 0.
    pub fn inline(&self, context: usize, expanded: &BTreeSet<usize>) -> Vec<InlineRow> {
        let n = self.lines.len();
        // Distance of each line to the nearest change, in lines.
        let mut keep = vec![false; n];
        let changes: Vec<usize> = (0..n)
            .filter(|i| self.lines[*i].kind != LineKind::Same)
            .collect();
        for &c in &changes {
            let lo = c.saturating_sub(context);
            let hi = (c + context).min(n.saturating_sub(1));
            for k in keep.iter_mut().take(hi + 1).skip(lo) {
                *k = true;
            }
        }
        let mut rows = Vec::new();
        let mut i = 0;
        while i < n {
            if keep[i] {
                rows.push(InlineRow::Line(self.lines[i].clone()));
                i += 1;
                continue;
            }
            let start = i;
            while i < n && !keep[i] {
                i += 1;
            }
            if expanded.contains(&start) {
                rows.extend(self.lines[start..i].iter().cloned().map(InlineRow::Line));
            } else {
                let first = &self.lines[start];
                rows.push(InlineRow::Gap(Gap {
                    id: start,
                    hidden: i - start,
                    live_start: first.live_no.unwrap_or(0),
                    desired_start: first.desired_no.unwrap_or(0),
                }));
            }
        }
        rows
    }

    /// Rows for a mode (side by side and inline use `context`, compact uses 0).
    pub fn rows(&self, mode: DiffMode, context: usize, expanded: &BTreeSet<usize>) -> DiffRows {
        match mode {
            DiffMode::SideBySide => DiffRows::SideBySide(self.side_by_side(context, expanded)),
            DiffMode::Inline => DiffRows::Inline(self.inline(context, expanded)),
            DiffMode::Compact => DiffRows::Inline(self.inline(0, expanded)),
        }
    }

    /// Side-by-side rows: a run of removed lines is paired with the run of added lines that
    /// follows it, row by row; the longer run continues against blanks.
    pub fn side_by_side(&self, context: usize, expanded: &BTreeSet<usize>) -> Vec<SideRow> {
        let inline = self.inline(context, expanded);
        let mut rows = Vec::new();
        let mut i = 0;
        while i < inline.len() {
            match &inline[i] {
                InlineRow::Gap(g) => {
                    rows.push(SideRow::Gap(g.clone()));
                    i += 1;
                }
                InlineRow::Line(l) if l.kind == LineKind::Same => {
                    rows.push(SideRow::Pair {
                        left: l.live_no.map(|n| (n, l.text.clone())),
                        right: l.desired_no.map(|n| (n, l.text.clone())),
                        changed: false,
                    });
                    i += 1;
                }
                InlineRow::Line(_) => {
                    let run = |i: &mut usize, kind: LineKind| {
                        let mut out = Vec::new();
                        while let Some(InlineRow::Line(l)) = inline.get(*i) {
                            if l.kind != kind {
                                break;
                            }
                            let no = if kind == LineKind::Removed {
                                l.live_no
                            } else {
                                l.desired_no
                            };
                            out.push((no.unwrap_or(0), l.text.clone()));
                            *i += 1;
                        }
                        out
                    };
                    let removed = run(&mut i, LineKind::Removed);
                    let added = run(&mut i, LineKind::Added);
                    for k in 0..removed.len().max(added.len()) {
                        rows.push(SideRow::Pair {
                            left: removed.get(k).cloned(),
                            right: added.get(k).cloned(),
                            changed: true,
                        });
                    }
                }
            }
        }
        rows
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum DiffRows {
    SideBySide(Vec<SideRow>),
    Inline(Vec<InlineRow>),
}

/// What a resource's diff means for a sync.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceChange {
    /// Desired, not live: the sync creates it.
    New,
    /// Live, not desired, tracked: a sync with prune deletes it.
    Pruned,
    /// Live, not desired, but not to be pruned (IgnoreExtraneous or not tracked).
    Extraneous,
    Modified,
    Unchanged,
}

/// One resource of the whole-app diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDiffView {
    pub key: ResourceKey,
    /// `Kind/namespace/name` (no namespace part for cluster-scoped objects).
    pub title: String,
    pub change: ResourceChange,
    pub sync: SyncStatus,
    pub live_yaml: String,
    pub desired_yaml: String,
    pub diff: TextDiff,
}

/// The YAML of an object as sigs.k8s.io/yaml prints it ("" for none; an emitter error is
/// shown as the text, so the panel still says something).
pub fn yaml_of(v: Option<&Value>) -> String {
    v.map(|v| {
        kubeplay_yaml::emit_json(v, &EmitOptions::sigs_yaml()).unwrap_or_else(|e| e.to_string())
    })
    .unwrap_or_default()
}

pub fn resource_diff(status: &ResourceStatus) -> ResourceDiffView {
    let d: &ResourceDiff = &status.diff;
    let live_yaml = yaml_of(d.live.as_ref());
    let desired_yaml = yaml_of(d.target.as_ref());
    let change = match (&d.live, &d.target) {
        (None, _) => ResourceChange::New,
        (Some(_), None) if status.requires_pruning => ResourceChange::Pruned,
        (Some(_), None) => ResourceChange::Extraneous,
        (Some(_), Some(_)) if d.modified => ResourceChange::Modified,
        _ => ResourceChange::Unchanged,
    };
    let k = &status.key;
    let title = if k.namespace.is_empty() {
        format!("{}/{}", k.kind, k.name)
    } else {
        format!("{}/{}/{}", k.kind, k.namespace, k.name)
    };
    ResourceDiffView {
        key: k.clone(),
        title,
        change,
        sync: status.status,
        diff: TextDiff::new(&live_yaml, &desired_yaml),
        live_yaml,
        desired_yaml,
    }
}

/// The whole-app diff before a sync: every resource that would change (new, modified,
/// pruned, extraneous), in the comparison's order; unchanged ones only with `all`.
pub fn app_diff(cmp: &Comparison, all: bool) -> Vec<ResourceDiffView> {
    cmp.resources
        .iter()
        .map(resource_diff)
        .filter(|r| all || r.change != ResourceChange::Unchanged)
        .collect()
}

/// Counts for the whole-app diff header ("3 modified, 1 new, 2 to prune").
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AppDiffSummary {
    pub new: usize,
    pub modified: usize,
    pub pruned: usize,
    pub extraneous: usize,
    pub lines_added: usize,
    pub lines_removed: usize,
}

pub fn summary(diffs: &[ResourceDiffView]) -> AppDiffSummary {
    let mut s = AppDiffSummary::default();
    for d in diffs {
        match d.change {
            ResourceChange::New => s.new += 1,
            ResourceChange::Modified => s.modified += 1,
            ResourceChange::Pruned => s.pruned += 1,
            ResourceChange::Extraneous => s.extraneous += 1,
            ResourceChange::Unchanged => {}
        }
        s.lines_added += d.diff.added;
        s.lines_removed += d.diff.removed;
    }
    s
}

/// For each line (index 0 = line 1) of a YAML rendering, the JSON pointer of the field it
/// shows; lines inside a multi-line scalar belong to that scalar's key. The root ("") for
/// lines outside any field. An unparsable text maps every line to "".
pub fn line_pointers(yaml: &str) -> Vec<String> {
    let count = yaml.lines().count();
    let mut starts: Vec<(usize, String)> = Vec::new();
    if let Ok(docs) = kubeplay_yaml::parse_documents(yaml, "diff.yaml") {
        if let Some(doc) = docs.first() {
            walk(doc, &mut String::new(), &mut starts);
        }
    }
    // Document order gives nondecreasing lines; for one line the deepest (last) wins.
    let mut out = Vec::with_capacity(count);
    let mut current = String::new();
    let mut k = 0;
    for line in 1..=count {
        while k < starts.len() && starts[k].0 <= line {
            current = starts[k].1.clone();
            k += 1;
        }
        out.push(current.clone());
    }
    out
}

fn walk(node: &Node, path: &mut String, out: &mut Vec<(usize, String)>) {
    match &node.value {
        YamlValue::Mapping(m) => {
            for (key, value) in &m.entries {
                let len = path.len();
                path.push('/');
                path.push_str(&escape(key.as_str().unwrap_or("")));
                out.push((key.pos.line, path.clone()));
                walk(value, path, out);
                path.truncate(len);
            }
        }
        YamlValue::Sequence(s) => {
            for (i, item) in s.items.iter().enumerate() {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                out.push((item.pos.line, path.clone()));
                walk(item, path, out);
                path.truncate(len);
            }
        }
        YamlValue::Scalar(_) => {}
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// An `ignoreDifferences` entry proposed from one diff line.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct IgnoreRule {
    pub group: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub json_pointer: String,
}

impl IgnoreRule {
    /// The entry as JSON, in the shape of `spec.ignoreDifferences[]` of an Application.
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::json!({"kind": self.kind, "jsonPointers": [self.json_pointer]});
        if !self.group.is_empty() {
            v["group"] = Value::from(self.group.clone());
        }
        if !self.name.is_empty() {
            v["name"] = Value::from(self.name.clone());
        }
        if !self.namespace.is_empty() {
            v["namespace"] = Value::from(self.namespace.clone());
        }
        v
    }
}

impl ResourceDiffView {
    /// The ignore rule for a diff line: the pointer of the field the line shows, on the side
    /// the line comes from (desired for added and unchanged lines, live for removed ones).
    /// None for lines that show no field (the document root) or out of range.
    pub fn ignore_rule(&self, line: &DiffLine) -> Option<IgnoreRule> {
        let (yaml, no) = match (line.kind, line.desired_no, line.live_no) {
            (LineKind::Removed, _, Some(n)) => (&self.live_yaml, n),
            (_, Some(n), _) => (&self.desired_yaml, n),
            (_, None, Some(n)) => (&self.live_yaml, n),
            _ => return None,
        };
        let pointer = line_pointers(yaml).into_iter().nth(no.checked_sub(1)?)?;
        if pointer.is_empty() {
            return None;
        }
        Some(IgnoreRule {
            group: self.key.group.clone(),
            kind: self.key.kind.clone(),
            name: self.key.name.clone(),
            namespace: self.key.namespace.clone(),
            json_pointer: pointer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_gitops::controller::compare::ResourceStatus;
    use serde_json::json;

    fn deployment(replicas: u64, image: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "labels": {"app.kubernetes.io/name": "web"}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": image,
                        "args": ["--a", "--b"], "ports": [{"containerPort": 80}]}]}}}})
    }

    fn status(live: Option<Value>, target: Option<Value>, prune: bool) -> ResourceStatus {
        let key = ResourceKey {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: "default".into(),
            name: "web".into(),
        };
        let modified = live != target;
        ResourceStatus {
            key: key.clone(),
            api_version: "apps/v1".into(),
            status: if modified {
                SyncStatus::OutOfSync
            } else {
                SyncStatus::Synced
            },
            health: None,
            requires_pruning: prune,
            diff: ResourceDiff {
                key,
                modified,
                live,
                target,
                changes: Vec::new(),
            },
        }
    }

    #[test]
    fn numbered_lines_and_counts() {
        let d = TextDiff::new("a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!((d.added, d.removed), (2, 1));
        let kinds: Vec<(LineKind, Option<usize>, Option<usize>)> = d
            .lines
            .iter()
            .map(|l| (l.kind, l.live_no, l.desired_no))
            .collect();
        use LineKind::*;
        assert_eq!(
            kinds,
            [
                (Same, Some(1), Some(1)),
                (Removed, Some(2), None),
                (Added, None, Some(2)),
                (Same, Some(3), Some(3)),
                (Added, None, Some(4)),
            ]
        );
        assert!(TextDiff::new("x\n", "x\n").is_empty());
    }

    fn long(change_at: usize, n: usize) -> (String, String) {
        let a: String = (0..n).map(|i| format!("l{i}\n")).collect();
        let b: String = (0..n)
            .map(|i| {
                if i == change_at {
                    "CHANGED\n".to_string()
                } else {
                    format!("l{i}\n")
                }
            })
            .collect();
        (a, b)
    }

    #[test]
    fn unchanged_regions_fold_into_expandable_gaps() {
        let (a, b) = long(20, 40);
        let d = TextDiff::new(&a, &b);
        let rows = d.inline(3, &BTreeSet::new());
        let gaps: Vec<&Gap> = rows
            .iter()
            .filter_map(|r| match r {
                InlineRow::Gap(g) => Some(g),
                _ => None,
            })
            .collect();
        assert_eq!(gaps.len(), 2);
        assert_eq!((gaps[0].id, gaps[0].hidden, gaps[0].live_start), (0, 17, 1));
        assert_eq!(
            (gaps[1].hidden, gaps[1].live_start, gaps[1].desired_start),
            (16, 25, 25)
        );
        // 2 gaps + 3 context + removed + added + 3 context.
        assert_eq!(rows.len(), 10);
        let expanded: BTreeSet<usize> = [gaps[0].id].into();
        let rows = d.inline(3, &expanded);
        assert_eq!(rows.len(), 10 - 1 + 17);
        // Compact: nothing but the change and gaps around it.
        let DiffRows::Inline(compact) = d.rows(DiffMode::Compact, 3, &BTreeSet::new()) else {
            panic!("compact is inline")
        };
        assert_eq!(compact.len(), 4);
    }

    #[test]
    fn side_by_side_pairs_removed_with_added() {
        let d = TextDiff::new("a\nold1\nold2\nz\n", "a\nnew1\nz\n");
        let rows = d.side_by_side(3, &BTreeSet::new());
        assert_eq!(
            rows,
            [
                SideRow::Pair {
                    left: Some((1, "a".into())),
                    right: Some((1, "a".into())),
                    changed: false
                },
                SideRow::Pair {
                    left: Some((2, "old1".into())),
                    right: Some((2, "new1".into())),
                    changed: true
                },
                SideRow::Pair {
                    left: Some((3, "old2".into())),
                    right: None,
                    changed: true
                },
                SideRow::Pair {
                    left: Some((4, "z".into())),
                    right: Some((3, "z".into())),
                    changed: false
                },
            ]
        );
    }

    #[test]
    fn line_pointers_follow_the_sigs_yaml_rendering() {
        let yaml = yaml_of(Some(&deployment(3, "nginx:1.25")));
        let ptrs = line_pointers(&yaml);
        let at = |needle: &str| {
            let i = yaml
                .lines()
                .position(|l| l.trim_start().starts_with(needle))
                .unwrap();
            ptrs[i].as_str()
        };
        assert_eq!(at("replicas:"), "/spec/replicas");
        assert_eq!(
            at("app.kubernetes.io/name:"),
            "/metadata/labels/app.kubernetes.io~1name"
        );
        assert_eq!(at("- --a"), "/spec/template/spec/containers/0/args/0");
        assert_eq!(at("- --b"), "/spec/template/spec/containers/0/args/1");
        assert_eq!(at("image:"), "/spec/template/spec/containers/0/image");
        assert_eq!(
            at("- containerPort:"),
            "/spec/template/spec/containers/0/ports/0/containerPort"
        );
        assert_eq!(ptrs.len(), yaml.lines().count());
        // Multi-line scalars: continuation lines belong to their key.
        let ptrs = line_pointers("data:\n  script: |\n    echo 1\n    echo 2\nkind: X\n");
        assert_eq!(
            ptrs,
            [
                "/data",
                "/data/script",
                "/data/script",
                "/data/script",
                "/kind"
            ]
        );
        assert_eq!(line_pointers(": : [\n"), [""]);
    }

    #[test]
    fn a_diff_line_becomes_an_ignore_rule() {
        let view = resource_diff(&status(
            Some(deployment(5, "nginx:1.25")),
            Some(deployment(3, "nginx:1.25")),
            false,
        ));
        assert_eq!(view.change, ResourceChange::Modified);
        assert_eq!((view.diff.added, view.diff.removed), (1, 1));
        let removed = view
            .diff
            .lines
            .iter()
            .find(|l| l.kind == LineKind::Removed)
            .unwrap();
        assert_eq!(removed.text.trim(), "replicas: 5");
        let rule = view.ignore_rule(removed).unwrap();
        assert_eq!(rule.json_pointer, "/spec/replicas");
        assert_eq!(
            rule.to_json(),
            json!({"kind": "Deployment", "jsonPointers": ["/spec/replicas"], "group": "apps",
                   "name": "web", "namespace": "default"})
        );
        let added = view
            .diff
            .lines
            .iter()
            .find(|l| l.kind == LineKind::Added)
            .unwrap();
        assert_eq!(
            view.ignore_rule(added).unwrap().json_pointer,
            "/spec/replicas"
        );
        let bogus = DiffLine {
            kind: LineKind::Same,
            live_no: None,
            desired_no: Some(999),
            text: String::new(),
        };
        assert_eq!(view.ignore_rule(&bogus), None);
    }

    #[test]
    fn whole_app_diff_marks_new_pruned_and_unchanged() {
        let cmp = Comparison {
            revision: None,
            source_type: None,
            sync_status: SyncStatus::OutOfSync,
            health: kubeplay_gitops::health::Health::new(
                kubeplay_gitops::health::HealthStatus::Healthy,
                "",
            ),
            resources: vec![
                status(None, Some(deployment(1, "a")), false),
                status(Some(deployment(1, "a")), None, true),
                status(Some(deployment(1, "a")), None, false),
                status(Some(deployment(1, "a")), Some(deployment(1, "a")), false),
            ],
            targets: Vec::new(),
            live: Vec::new(),
            conditions: Vec::new(),
        };
        let all = app_diff(&cmp, true);
        let changes: Vec<ResourceChange> = all.iter().map(|r| r.change).collect();
        use ResourceChange::*;
        assert_eq!(changes, [New, Pruned, Extraneous, Unchanged]);
        assert_eq!(all[0].title, "Deployment/default/web");
        assert_eq!(all[1].diff.added, 0);
        assert!(all[1].diff.removed > 5);
        let changed = app_diff(&cmp, false);
        assert_eq!(changed.len(), 3);
        let s = summary(&changed);
        assert_eq!((s.new, s.pruned, s.extraneous, s.modified), (1, 1, 1, 0));
        assert_eq!(s.lines_added, all[0].diff.added);
    }
}
