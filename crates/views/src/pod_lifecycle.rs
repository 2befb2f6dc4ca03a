//! The pod lifecycle panel: a selected pod's phase among the five phases, each explained in
//! one English sentence (the seed's section 1), its conditions, its containers, and the phase
//! changes the cluster recorded.

use kubeplay_cluster::clock::Millis;
use kubeplay_cluster::PodSnapshot;
use serde_json::Value;

/// The five pod phases in lifecycle order, each with the seed's explanation.
pub const PHASES: [(&str, &str); 5] = [
    (
        "Pending",
        "The pod has been accepted but its containers are not running yet: it may be waiting \
         for a node, for enough resources, or for its images to be pulled.",
    ),
    (
        "Running",
        "The pod is bound to a node and its containers have been created; at least one is \
         running, starting or restarting.",
    ),
    (
        "Succeeded",
        "Every container in the pod exited successfully and will not be restarted.",
    ),
    (
        "Failed",
        "Every container in the pod has exited and at least one of them failed.",
    ),
    (
        "Unknown",
        "The pod's state could not be obtained, usually because of an error communicating \
         with its node.",
    ),
];

/// The explanation of a phase; phases the API does not know get the Unknown sentence.
pub fn explain_phase(phase: &str) -> &'static str {
    PHASES
        .iter()
        .find(|(p, _)| *p == phase)
        .map_or(PHASES[4].1, |(_, e)| e)
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct PhaseRow {
    pub phase: String,
    pub explanation: String,
    /// The pod is in this phase now.
    pub current: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ConditionRow {
    pub kind: String,
    /// "True", "False" or "Unknown".
    pub status: String,
    pub reason: String,
    pub message: String,
    pub last_transition: String,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ContainerRow {
    pub name: String,
    /// "Running", "Waiting: CrashLoopBackOff", "Terminated: Error (exit 2)".
    pub state: String,
    pub ready: bool,
    pub restarts: u64,
    /// The last termination, when there was one ("Error (exit 2)").
    pub last_termination: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct PhaseChange {
    pub at: Millis,
    pub phase: String,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct PodLifecycle {
    pub name: String,
    pub namespace: String,
    pub phase: String,
    pub explanation: String,
    pub phases: Vec<PhaseRow>,
    /// In the kubelet's order: PodReadyToStartContainers, Initialized, ContainersReady, Ready,
    /// PodScheduled; others after them by name.
    pub conditions: Vec<ConditionRow>,
    pub containers: Vec<ContainerRow>,
    /// Phase changes of this pod from the cluster's status history, oldest first.
    pub phase_changes: Vec<PhaseChange>,
}

const CONDITION_ORDER: [&str; 5] = [
    "PodReadyToStartContainers",
    "Initialized",
    "ContainersReady",
    "Ready",
    "PodScheduled",
];

/// The panel for `pod` (as the API returns it); `history` is the cluster's status history
/// (all pods; this pod's entries are picked by namespace and name).
pub fn pod_lifecycle(pod: &Value, history: &[PodSnapshot]) -> PodLifecycle {
    let name = text(pod, "/metadata/name");
    let namespace = match text(pod, "/metadata/namespace") {
        "" => "default",
        ns => ns,
    };
    let phase = match text(pod, "/status/phase") {
        "" => "Pending",
        p => p,
    };
    let phases = PHASES
        .iter()
        .map(|(p, e)| PhaseRow {
            phase: p.to_string(),
            explanation: e.to_string(),
            current: *p == phase,
        })
        .collect();
    let mut conditions: Vec<ConditionRow> = list(pod, "/status/conditions")
        .iter()
        .map(|c| ConditionRow {
            kind: text(c, "/type").to_string(),
            status: text(c, "/status").to_string(),
            reason: text(c, "/reason").to_string(),
            message: text(c, "/message").to_string(),
            last_transition: text(c, "/lastTransitionTime").to_string(),
        })
        .collect();
    conditions.sort_by(|a, b| {
        let rank = |k: &str| {
            CONDITION_ORDER
                .iter()
                .position(|o| *o == k)
                .unwrap_or(CONDITION_ORDER.len())
        };
        (rank(&a.kind), &a.kind).cmp(&(rank(&b.kind), &b.kind))
    });
    let containers = list(pod, "/status/containerStatuses")
        .iter()
        .map(container_row)
        .collect();
    let mut phase_changes: Vec<PhaseChange> = Vec::new();
    for s in history
        .iter()
        .filter(|s| s.name == name && s.namespace == namespace)
    {
        let p = s.phase.as_str();
        if phase_changes.last().map(|c| c.phase.as_str()) != Some(p) {
            phase_changes.push(PhaseChange {
                at: s.at,
                phase: p.to_string(),
            });
        }
    }
    PodLifecycle {
        name: name.to_string(),
        namespace: namespace.to_string(),
        phase: phase.to_string(),
        explanation: explain_phase(phase).to_string(),
        phases,
        conditions,
        containers,
        phase_changes,
    }
}

fn container_row(c: &Value) -> ContainerRow {
    let state = if let Some(w) = c.pointer("/state/waiting").filter(|w| w.is_object()) {
        match text(w, "/reason") {
            "" => "Waiting".to_string(),
            r => format!("Waiting: {r}"),
        }
    } else if let Some(t) = c.pointer("/state/terminated").filter(|t| t.is_object()) {
        format!("Terminated: {}", termination(t))
    } else if c.pointer("/state/running").is_some_and(Value::is_object) {
        "Running".to_string()
    } else {
        "Unknown".to_string()
    };
    ContainerRow {
        name: text(c, "/name").to_string(),
        state,
        ready: c
            .pointer("/ready")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        restarts: c
            .pointer("/restartCount")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        last_termination: c
            .pointer("/lastState/terminated")
            .filter(|t| t.is_object())
            .map(termination),
    }
}

fn termination(t: &Value) -> String {
    let code = t.pointer("/exitCode").and_then(Value::as_i64).unwrap_or(0);
    match text(t, "/reason") {
        "" => format!("exit {code}"),
        r => format!("{r} (exit {code})"),
    }
}

pub(crate) fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn list<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_cluster::{Cluster, ClusterConfig};
    use serde_json::json;

    #[test]
    fn every_phase_has_its_own_sentence() {
        let mut seen: Vec<&str> = PHASES.iter().map(|(_, e)| *e).collect();
        seen.dedup();
        assert_eq!(seen.len(), 5);
        assert!(explain_phase("Pending").contains("pulled"));
        assert!(explain_phase("Failed").contains("failed"));
        assert_eq!(explain_phase("Bogus"), explain_phase("Unknown"));
    }

    #[test]
    fn running_pod_from_the_cluster() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        cluster
            .apply(
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}),
            )
            .unwrap();
        cluster.run_until(30_000).unwrap();
        let pod = cluster.get("Pod", "default", "web").unwrap();
        let view = pod_lifecycle(&pod, cluster.history());
        assert_eq!(view.phase, "Running");
        assert_eq!(view.explanation, PHASES[1].1);
        assert_eq!(
            view.phases.iter().filter(|p| p.current).count(),
            1,
            "{view:?}"
        );
        let kinds: Vec<&str> = view.conditions.iter().map(|c| c.kind.as_str()).collect();
        let ready = kinds.iter().position(|k| *k == "Ready").unwrap();
        let scheduled = kinds.iter().position(|k| *k == "PodScheduled").unwrap();
        assert!(ready < scheduled, "{kinds:?}");
        assert!(view
            .conditions
            .iter()
            .any(|c| c.kind == "Ready" && c.status == "True"));
        assert_eq!(view.containers[0].state, "Running");
        assert!(view.containers[0].ready);
        let phases: Vec<&str> = view
            .phase_changes
            .iter()
            .map(|c| c.phase.as_str())
            .collect();
        assert_eq!(phases, ["Pending", "Running"]);
        assert!(view.phase_changes[0].at < view.phase_changes[1].at);
    }

    #[test]
    fn waiting_and_terminated_states() {
        let pod = json!({"metadata": {"name": "p"}, "status": {"phase": "Running",
            "containerStatuses": [{"name": "c", "ready": false, "restartCount": 3,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 2, "reason": "Error"}}}]}});
        let view = pod_lifecycle(&pod, &[]);
        assert_eq!(view.namespace, "default");
        let c = &view.containers[0];
        assert_eq!(c.state, "Waiting: CrashLoopBackOff");
        assert_eq!(c.restarts, 3);
        assert_eq!(c.last_termination.as_deref(), Some("Error (exit 2)"));
    }

    #[test]
    fn garbage_input_gives_an_empty_pending_pod() {
        let view = pod_lifecycle(&json!([1, 2]), &[]);
        assert_eq!(view.phase, "Pending");
        assert!(view.conditions.is_empty() && view.containers.is_empty());
    }
}
