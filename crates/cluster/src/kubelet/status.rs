//! Pod status generation: container statuses, phase (spec 43-44) and conditions (spec 46-49),
//! as the kubelet's `generateAPIPodStatus` would publish them.

use super::{CState, ContainerRuntime, Phase, PodRuntime, Terminated};
use crate::clock::{rfc3339, Millis};
use crate::podspec::{ProbeKind, RestartPolicy, Role};
use serde_json::{json, Map, Value};
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub kind: &'static str,
    pub status: bool,
    pub reason: Option<&'static str>,
    /// Shared with the previous status when the text is unchanged (most recomputations).
    pub message: Option<Rc<str>>,
    pub last_transition: Millis,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StateView {
    Waiting {
        reason: &'static str,
        message: Option<Rc<str>>,
    },
    Running {
        started_at: Millis,
    },
    Terminated(Terminated),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerStatusView {
    /// Index of the container in the pod (names and images are read from the spec).
    pub index: usize,
    pub state: StateView,
    pub last: Option<Terminated>,
    pub ready: bool,
    pub restart_count: u32,
    pub container_id: Option<Rc<str>>,
    pub started: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PodStatusView {
    pub phase: Phase,
    pub conditions: Vec<Condition>,
    pub host_ip: Rc<str>,
    pub pod_ip: Option<Rc<str>>,
    pub start_time: Millis,
    pub init: Vec<ContainerStatusView>,
    pub containers: Vec<ContainerStatusView>,
    pub qos: &'static str,
}

impl PodStatusView {
    pub fn condition(&self, kind: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }

    pub fn ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status)
    }
}

pub fn container_view(
    index: usize,
    c: &ContainerRuntime,
    initialized: bool,
) -> ContainerStatusView {
    if let Some(f) = &c.frozen {
        return ContainerStatusView {
            ready: visible_ready(c),
            started: if c.spec.probe(ProbeKind::Startup).is_some() {
                c.started()
            } else {
                f.started
            },
            ..f.clone()
        };
    }
    let (state, last) = match &c.state {
        CState::Running(r) => (
            StateView::Running {
                started_at: r.started_at,
            },
            c.latest_exit.clone(),
        ),
        CState::Exited => match (&c.waiting, &c.latest_exit) {
            (Some((reason, message)), _) => (
                StateView::Waiting {
                    reason,
                    message: Some(message.clone()),
                },
                c.latest_exit.clone(),
            ),
            (None, Some(t)) => (StateView::Terminated(t.clone()), c.prev_exit.clone()),
            (None, None) => (
                StateView::Waiting {
                    reason: "ContainerCreating",
                    message: None,
                },
                None,
            ),
        },
        CState::NotCreated => {
            let (reason, message) = match &c.waiting {
                Some((r, m)) => (*r, Some(m.clone())),
                None if !initialized => ("PodInitializing", None),
                None => ("ContainerCreating", None),
            };
            (
                StateView::Waiting { reason, message },
                c.latest_exit.clone(),
            )
        }
    };
    let container_id = match &c.state {
        CState::Running(r) => Some(r.container_id.clone()),
        _ => c.latest_exit.as_ref().map(|t| t.container_id.clone()),
    };
    ContainerStatusView {
        index,
        state,
        last,
        ready: c.ready(),
        restart_count: c.restart_count(),
        container_id,
        started: c.started(),
    }
}

/// Readiness as the API shows it. During a probe-kill restart the frozen status keeps the old
/// instance's readiness unless a readiness worker reports the container gone (spec 14).
fn visible_ready(c: &ContainerRuntime) -> bool {
    match &c.frozen {
        Some(f) if c.spec.probe(ProbeKind::Readiness).is_none() => f.ready,
        _ => c.ready(),
    }
}

/// Spec 43: the kubelet's getPhase over the container statuses.
fn phase(pod: &PodRuntime, init: &[ContainerStatusView], regular: &[ContainerStatusView]) -> Phase {
    let mut pending_init = 0;
    let mut pending_sidecars = 0;
    let mut failed_init = 0;
    let init_specs = pod
        .containers
        .iter()
        .filter(|c| c.spec.role != Role::Regular);
    for (c, s) in init_specs.zip(init) {
        if c.spec.role == Role::Sidecar {
            if !(matches!(s.state, StateView::Running { .. }) && s.started) {
                pending_sidecars += 1;
            }
            continue;
        }
        match &s.state {
            StateView::Running { .. } => pending_init += 1,
            StateView::Terminated(t) => failed_init += usize::from(t.exit_code != 0),
            StateView::Waiting { .. } => match &s.last {
                Some(t) => failed_init += usize::from(t.exit_code != 0),
                None => pending_init += 1,
            },
        }
    }
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for s in regular {
        match &s.state {
            StateView::Running { .. } => running += 1,
            StateView::Terminated(t) => {
                stopped += 1;
                succeeded += usize::from(t.exit_code == 0);
            }
            StateView::Waiting { .. } if s.last.is_some() => stopped += 1,
            StateView::Waiting { .. } => waiting += 1,
        }
    }
    let policy = pod.spec.restart_policy;
    if failed_init > 0 && policy == RestartPolicy::Never {
        return Phase::Failed;
    }
    if pending_init > 0 || (pending_sidecars > 0 && running == 0 && stopped == 0) {
        return Phase::Pending;
    }
    if waiting > 0 {
        return Phase::Pending;
    }
    if running > 0 {
        return Phase::Running;
    }
    if stopped > 0 {
        return match policy {
            RestartPolicy::Always => Phase::Running,
            _ if stopped == succeeded => Phase::Succeeded,
            RestartPolicy::Never => Phase::Failed,
            RestartPolicy::OnFailure => Phase::Running,
        };
    }
    Phase::Pending
}

/// `<prefix>[a b c]`, the kubelet's condition message over container names; the previous
/// condition's text is shared when it says the same (no allocation on most recomputations).
fn names_message(prefix: &str, list: &[&str], previous: Option<&Rc<str>>) -> Rc<str> {
    if let Some(p) = previous {
        let same = p
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('['))
            .and_then(|rest| rest.strip_suffix(']'))
            .is_some_and(|inner| {
                let mut words = inner.split(' ');
                list.iter().all(|n| words.next() == Some(n)) && words.next().is_none()
            });
        if same && !list.is_empty() {
            return p.clone();
        }
    }
    format!("{prefix}[{}]", list.join(" ")).into()
}

/// The condition as the pod's current status shows it.
fn previous<'a>(pod: &'a PodRuntime, kind: &str) -> Option<&'a Condition> {
    pod.status.as_ref()?.condition(kind)
}

fn previous_message(pod: &PodRuntime, kind: &str) -> Option<Rc<str>> {
    previous(pod, kind).and_then(|c| c.message.clone())
}

/// Computes the status and the readiness workers to trigger at once (spec 18).
pub fn compute(pod: &mut PodRuntime, now: Millis) -> (PodStatusView, Vec<usize>) {
    let has_init = pod.containers.iter().any(|c| c.spec.role != Role::Regular);
    let initialized = pod.initialized || !has_init;
    let mut init = Vec::new();
    let mut regular = Vec::new();
    for (i, c) in pod.containers.iter().enumerate() {
        let v = container_view(i, c, initialized);
        if c.spec.role == Role::Regular {
            regular.push(v);
        } else {
            init.push(v);
        }
    }
    let phase = if pod.phase.terminal() {
        pod.phase // spec 44: terminal phases are final
    } else {
        phase(pod, &init, &regular)
    };

    // Spec 47: ContainersReady over sidecars and regular containers.
    let mut unready: Vec<&str> = Vec::new();
    for c in pod.containers.iter().filter(|c| c.spec.role != Role::Init) {
        if !visible_ready(c) {
            unready.push(&c.spec.name);
        }
    }
    let (cr_status, cr_reason, cr_message) = match phase {
        Phase::Succeeded => (false, Some("PodCompleted"), None),
        Phase::Failed => (false, Some("PodFailed"), None),
        _ if !unready.is_empty() => (
            false,
            Some("ContainersNotReady"),
            Some(names_message(
                "containers with unready status: ",
                &unready,
                previous_message(pod, "ContainersReady").as_ref(),
            )),
        ),
        _ => (true, None, None),
    };
    // Spec 48: readiness gates (no controller sets them here, so they are missing).
    let (ready_status, ready_reason, ready_message) = if !cr_status {
        (false, cr_reason, cr_message.clone())
    } else if let Some(gate) = pod.readiness_gates.first() {
        (
            false,
            Some("ReadinessGatesNotReady"),
            Some(
                format!("corresponding condition of pod readiness gate \"{gate}\" does not exist.")
                    .into(),
            ),
        )
    } else {
        (true, None, None)
    };
    // Spec 49.
    let incomplete: Vec<&str> = pod
        .containers
        .iter()
        .filter(|c| match c.spec.role {
            Role::Init => !c.ready(),
            Role::Sidecar => !c.started(),
            Role::Regular => false,
        })
        .map(|c| c.spec.name.as_str())
        .collect();
    let any_regular_started = pod
        .containers
        .iter()
        .any(|c| c.spec.role == Role::Regular && c.ever_started);
    let init_cond = if phase == Phase::Succeeded {
        (true, Some("PodCompleted"), None)
    } else if initialized || any_regular_started || incomplete.is_empty() {
        (true, None, None)
    } else {
        (
            false,
            Some("ContainersNotInitialized"),
            Some(names_message(
                "containers with incomplete status: ",
                &incomplete,
                previous_message(pod, "Initialized").as_ref(),
            )),
        )
    };
    let desired = [
        (
            "PodReadyToStartContainers",
            pod.pod_ip.is_some(),
            None,
            None,
        ),
        ("Initialized", init_cond.0, init_cond.1, init_cond.2),
        ("Ready", ready_status, ready_reason, ready_message),
        ("ContainersReady", cr_status, cr_reason, cr_message),
        ("PodScheduled", true, None, None),
    ];
    let mut conditions = Vec::with_capacity(desired.len());
    for (kind, status, reason, message) in desired {
        let last_transition = match previous(pod, kind) {
            Some(p) if p.status == status => p.last_transition,
            None if kind == "PodScheduled" => pod.created_at,
            _ => now,
        };
        conditions.push(Condition {
            kind,
            status,
            reason,
            message,
            last_transition,
        });
    }

    let mut triggers = Vec::new();
    for (wi, w) in pod.workers.iter().enumerate() {
        let c = &pod.containers[w.container];
        if w.kind == ProbeKind::Readiness && c.started() && !c.ready() {
            triggers.push(wi);
        }
    }
    let view = PodStatusView {
        phase,
        conditions,
        host_ip: pod.host_ip.clone(),
        pod_ip: pod.pod_ip.clone(),
        start_time: pod.created_at,
        init,
        containers: regular,
        qos: "BestEffort",
    };
    (view, triggers)
}

fn terminated_json(t: &Terminated) -> Value {
    json!({
        "exitCode": t.exit_code,
        "reason": t.reason,
        "startedAt": rfc3339(t.started_at),
        "finishedAt": rfc3339(t.finished_at),
        "containerID": &*t.container_id,
    })
}

fn container_json(s: &ContainerStatusView, pod: &PodRuntime) -> Value {
    let c = &pod.containers[s.index];
    let state = match &s.state {
        StateView::Waiting { reason, message } => {
            let mut w = Map::new();
            w.insert("reason".into(), json!(reason));
            if let Some(m) = message {
                w.insert("message".into(), json!(&**m));
            }
            json!({"waiting": w})
        }
        StateView::Running { started_at } => {
            json!({"running": {"startedAt": rfc3339(*started_at)}})
        }
        StateView::Terminated(t) => json!({"terminated": terminated_json(t)}),
    };
    let last = match &s.last {
        Some(t) => json!({"terminated": terminated_json(t)}),
        None => json!({}),
    };
    let mut m = Map::new();
    m.insert("name".into(), json!(c.spec.name));
    m.insert("state".into(), state);
    m.insert("lastState".into(), last);
    m.insert("ready".into(), json!(s.ready));
    m.insert("restartCount".into(), json!(s.restart_count));
    m.insert("image".into(), json!(c.spec.image));
    m.insert("imageID".into(), json!(c.image_id));
    if let Some(id) = &s.container_id {
        m.insert("containerID".into(), json!(&**id));
    }
    m.insert("started".into(), json!(s.started));
    Value::Object(m)
}

impl PodStatusView {
    /// The `status` object as the API serves it (`pod` supplies names and images).
    pub fn to_json(&self, pod: &PodRuntime) -> Value {
        let conditions: Vec<Value> = self
            .conditions
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("type".into(), json!(c.kind));
                m.insert(
                    "status".into(),
                    json!(if c.status { "True" } else { "False" }),
                );
                m.insert("lastProbeTime".into(), Value::Null);
                m.insert(
                    "lastTransitionTime".into(),
                    json!(rfc3339(c.last_transition)),
                );
                if let Some(r) = &c.reason {
                    m.insert("reason".into(), json!(r));
                }
                if let Some(msg) = &c.message {
                    m.insert("message".into(), json!(&**msg));
                }
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("phase".into(), json!(self.phase.as_str()));
        m.insert("conditions".into(), Value::Array(conditions));
        m.insert("hostIP".into(), json!(&*self.host_ip));
        m.insert("hostIPs".into(), json!([{"ip": &*self.host_ip}]));
        if let Some(ip) = &self.pod_ip {
            m.insert("podIP".into(), json!(&**ip));
            m.insert("podIPs".into(), json!([{"ip": &**ip}]));
        }
        m.insert("startTime".into(), json!(rfc3339(self.start_time)));
        if !self.init.is_empty() {
            m.insert(
                "initContainerStatuses".into(),
                Value::Array(self.init.iter().map(|c| container_json(c, pod)).collect()),
            );
        }
        m.insert(
            "containerStatuses".into(),
            Value::Array(
                self.containers
                    .iter()
                    .map(|c| container_json(c, pod))
                    .collect(),
            ),
        );
        m.insert("qosClass".into(), json!(self.qos));
        Value::Object(m)
    }
}
