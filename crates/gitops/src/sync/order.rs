//! Task order (spec 49-52): phase, wave, kind, name; then namespaces and CRDs are pulled
//! in front of the first task that needs them.

use crate::sync::tasks::SyncTask;
use std::cmp::Ordering;

/// Kinds Helm's install order has that gitops-engine's does not: Argo CD copied Helm's list
/// before Helm added them (spec 51), so they sort with the unknown kinds, last.
const NOT_IN_ARGO_ORDER: [&str; 3] = [
    "PriorityClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Kind order, earliest first (51): Helm's install order without [`NOT_IN_ARGO_ORDER`];
/// other kinds sort after all of these.
fn argo_kind_order() -> impl Iterator<Item = &'static str> {
    kubeplay_helm::manifests::INSTALL_ORDER
        .iter()
        .copied()
        .filter(|k| !NOT_IN_ARGO_ORDER.contains(k))
}

pub fn kind_rank(kind: &str) -> usize {
    argo_kind_order()
        .position(|k| k == kind)
        .unwrap_or_else(|| argo_kind_order().count())
}

#[cfg(test)]
mod kind_order_tests {
    use super::kind_rank;

    #[test]
    fn argo_order_is_helms_without_the_kinds_helm_added_later() {
        assert_eq!(kind_rank("Namespace"), 0);
        assert!(kind_rank("ServiceAccount") < kind_rank("Secret"));
        assert!(kind_rank("CustomResourceDefinition") < kind_rank("ClusterRole"));
        assert!(kind_rank("Service") < kind_rank("Deployment"));
        assert_eq!(kind_rank("APIService"), 34);
        // PriorityClass is first for Helm, unknown (last) for Argo CD.
        assert_eq!(kind_rank("PriorityClass"), 35);
        assert_eq!(kind_rank("MutatingWebhookConfiguration"), 35);
        assert_eq!(kind_rank("Widget"), 35);
    }
}

/// Phase, wave, kind order, name (50): group and namespace are not compared.
pub fn compare(a: &SyncTask, b: &SyncTask) -> Ordering {
    a.phase
        .cmp(&b.phase)
        .then(a.wave.cmp(&b.wave))
        .then(kind_rank(&a.key.kind).cmp(&kind_rank(&b.key.kind)))
        .then(a.key.name.cmp(&b.key.name))
}

/// Sorts the tasks and pulls dependencies forward (52).
pub fn sort(tasks: &mut Vec<SyncTask>) {
    tasks.sort_by(compare);
    pull_forward(tasks, |dep, t| {
        dep.key.group.is_empty() && dep.key.kind == "Namespace" && t.key.namespace == dep.key.name
    });
    pull_forward(tasks, |dep, t| {
        let crd = dep.key.kind == "CustomResourceDefinition";
        let defines = |d: &SyncTask| {
            let spec = d.target.as_ref().and_then(|o| o.get("spec"));
            let group = spec
                .and_then(|s| s.get("group"))
                .and_then(|g| g.as_str())
                .unwrap_or("");
            let kind = spec
                .and_then(|s| s.pointer("/names/kind"))
                .and_then(|k| k.as_str())
                .unwrap_or("");
            !kind.is_empty() && group == t.key.group && kind == t.key.kind
        };
        crd && defines(dep)
    });
}

/// Moves each dependency task just before the first task that depends on it, giving it
/// that task's phase and wave.
fn pull_forward(tasks: &mut Vec<SyncTask>, depends: impl Fn(&SyncTask, &SyncTask) -> bool) {
    let mut i = 0;
    while i < tasks.len() {
        let first = (0..tasks.len())
            .find(|&j| j != i && !tasks[j].is_prune() && depends(&tasks[i], &tasks[j]));
        match first {
            Some(j) if j < i => {
                let mut dep = tasks.remove(i);
                dep.phase = tasks[j].phase;
                dep.wave = tasks[j].wave;
                tasks.insert(j, dep);
                i += 1;
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::tasks::Phase;
    use serde_json::{json, Value};

    fn task(phase: Phase, kind: &str, name: &str, ns: &str, wave: i64) -> SyncTask {
        let api = if kind == "Deployment" {
            "apps/v1"
        } else {
            "v1"
        };
        SyncTask::new(
            phase,
            Some(
                json!({"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": ns,
                "annotations": {"argocd.argoproj.io/sync-wave": wave.to_string()}}}),
            ),
            None,
        )
    }

    fn names(t: &[SyncTask]) -> Vec<String> {
        t.iter()
            .map(|t| {
                format!(
                    "{}:{}/{}@{}",
                    t.phase.as_str(),
                    t.key.kind,
                    t.key.name,
                    t.wave
                )
            })
            .collect()
    }

    #[test]
    fn phase_wave_kind_name() {
        let mut t = vec![
            task(Phase::PostSync, "Pod", "after", "a", -5),
            task(Phase::Sync, "Deployment", "web", "a", 0),
            task(Phase::Sync, "Service", "web", "a", 0),
            task(Phase::Sync, "ConfigMap", "z", "a", 0),
            task(Phase::Sync, "ConfigMap", "b", "a", 0),
            task(Phase::Sync, "Widget", "w", "a", 0),
            task(Phase::Sync, "Deployment", "first", "a", -1),
            task(Phase::PreSync, "Job", "migrate", "a", 10),
        ];
        sort(&mut t);
        assert_eq!(
            names(&t),
            [
                "PreSync:Job/migrate@10",
                "Sync:Deployment/first@-1",
                "Sync:ConfigMap/b@0",
                "Sync:ConfigMap/z@0",
                "Sync:Service/web@0",
                "Sync:Deployment/web@0",
                "Sync:Widget/w@0",
                "PostSync:Pod/after@-5",
            ]
        );
    }

    #[test]
    fn namespace_and_crd_are_pulled_forward() {
        let ns = SyncTask::new(
            Phase::Sync,
            Some(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "late",
                "annotations": {"argocd.argoproj.io/sync-wave": "5"}}}),
            ),
            None,
        );
        let crd = SyncTask::new(
            Phase::Sync,
            Some(
                json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                "metadata": {"name": "widgets.example.com"}, "spec": {"group": "example.com", "names": {"kind": "Widget"}}}),
            ),
            None,
        );
        let widget: Value = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "x",
            "annotations": {"argocd.argoproj.io/sync-wave": "-3"}}});
        let mut t = vec![
            ns,
            crd,
            task(Phase::PreSync, "ConfigMap", "c", "late", 0),
            SyncTask::new(Phase::Sync, Some(widget), None),
        ];
        sort(&mut t);
        assert_eq!(
            names(&t),
            [
                "PreSync:Namespace/late@0",
                "PreSync:ConfigMap/c@0",
                "Sync:CustomResourceDefinition/widgets.example.com@-3",
                "Sync:Widget/w@-3",
            ]
        );
    }
}
