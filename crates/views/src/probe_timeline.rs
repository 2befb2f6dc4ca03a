//! The probe timeline of one pod: a time axis with, per container and probe kind, the probe
//! results; Ready and ContainersReady over time; restarts and back-off windows; phase
//! changes; and every event of the pod as a mark carrying its exact text (for hover).
//!
//! Sources are what the cluster records: the event occurrences (each emission with its time,
//! so a repeated "Liveness probe failed" appears at every failure, not once with a count) and
//! the pod status history (one snapshot per status change).
//!
//! The kubelet emits no event for a successful probe, so success marks are *inferred* from the
//! status history where a success is certain: a container becoming ready (a readiness
//! success, or the start of a container without a readiness probe) and a container becoming
//! started (a startup-probe success). Those marks say `inferred: true`. Periodic liveness
//! successes are not observable; see NEEDS.md for the probe result log that would show them.

use crate::clock::format_offset;
use kubeplay_cluster::clock::{Millis, SECOND};
use kubeplay_cluster::events::Event;
use kubeplay_cluster::{Cluster, PodSnapshot};
use serde_json::Value;

#[derive(
    serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord,
)]
pub enum ProbeKind {
    Startup,
    Liveness,
    Readiness,
}

impl ProbeKind {
    pub const ALL: [ProbeKind; 3] = [
        ProbeKind::Startup,
        ProbeKind::Liveness,
        ProbeKind::Readiness,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
        }
    }

    fn field(self) -> &'static str {
        match self {
            ProbeKind::Startup => "startupProbe",
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeOutcome {
    Success,
    Failure,
    /// A failure because the probe did not answer within timeoutSeconds.
    Timeout,
    /// The probe could not be run; its result was discarded (spec 22).
    Error,
    /// A success with a warning (ProbeWarning), e.g. a redirect not followed.
    Warning,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ProbeMark {
    pub at: Millis,
    pub outcome: ProbeOutcome,
    /// The event text, or a description of the inference.
    pub text: String,
    pub inferred: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ProbeSeries {
    pub container: String,
    pub kind: ProbeKind,
    pub marks: Vec<ProbeMark>,
}

/// A time interval within the axis; `open` when it continues past the axis end.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: Millis,
    pub end: Millis,
    pub open: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct RestartMark {
    pub at: Millis,
    pub container: String,
    /// restartCount after this restart.
    pub restart_count: u32,
    /// The last Killing event of this container since its previous start, if any.
    pub cause: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct BackOffWindow {
    pub container: String,
    pub interval: Interval,
    /// The BackOff event texts inside the window.
    pub texts: Vec<String>,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct PhaseMark {
    pub at: Millis,
    pub phase: String,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct EventMark {
    pub at: Millis,
    pub reason: String,
    pub message: String,
    pub warning: bool,
    /// From the event's fieldPath `spec.containers{name}`.
    pub container: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    pub start: Millis,
    pub end: Millis,
    /// Tick times and labels (virtual time since the simulation started).
    pub ticks: Vec<(Millis, String)>,
}

impl Axis {
    pub fn new(start: Millis, end: Millis) -> Axis {
        let end = end.max(start);
        let span = end - start;
        let step = [
            1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 21_600, 86_400,
        ]
        .into_iter()
        .map(|s| s * SECOND)
        .find(|s| span / s <= 12)
        .unwrap_or(span.max(1));
        let first = start.div_ceil(step).saturating_mul(step);
        let ticks = (0..=12)
            .map_while(|k| {
                let t = first.checked_add(step.checked_mul(k)?)?;
                (t <= end).then(|| (t, format_offset(t)))
            })
            .collect();
        Axis { start, end, ticks }
    }

    /// Position of `t` on the axis, 0.0 at the start, 1.0 at the end (clamped).
    pub fn fraction(&self, t: Millis) -> f64 {
        if self.end == self.start {
            return 0.0;
        }
        (t.clamp(self.start, self.end) - self.start) as f64 / (self.end - self.start) as f64
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ProbeTimeline {
    pub namespace: String,
    pub pod: String,
    pub axis: Axis,
    /// Per container (spec order) and probe kind (startup, liveness, readiness).
    pub series: Vec<ProbeSeries>,
    pub ready: Vec<Interval>,
    pub containers_ready: Vec<Interval>,
    pub restarts: Vec<RestartMark>,
    pub back_offs: Vec<BackOffWindow>,
    pub phases: Vec<PhaseMark>,
    pub events: Vec<EventMark>,
}

/// The timeline of pod `namespace/name` over `[start, end]` from a cluster.
pub fn probe_timeline(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    start: Millis,
    end: Millis,
) -> ProbeTimeline {
    let pod = cluster.get("Pod", namespace, name);
    build(
        pod.as_ref(),
        cluster.events().occurrences(),
        cluster.history(),
        namespace,
        name,
        start,
        end,
    )
}

/// The timeline from the raw data: the pod as the API shows it (None once deleted), the
/// cluster's event occurrences and its status history.
pub fn build<'a>(
    pod: Option<&Value>,
    occurrences: impl Iterator<Item = (Millis, &'a Event)>,
    history: &[PodSnapshot],
    namespace: &str,
    name: &str,
    start: Millis,
    end: Millis,
) -> ProbeTimeline {
    let axis = Axis::new(start, end);
    let end = axis.end;
    let events: Vec<EventMark> = occurrences
        .filter(|(t, e)| {
            e.involved.kind == "Pod"
                && e.involved.namespace == namespace
                && e.involved.name == name
                && (start..=end).contains(t)
        })
        .map(|(t, e)| EventMark {
            at: t,
            reason: e.reason.clone(),
            message: e.message.clone(),
            warning: e.event_type == kubeplay_cluster::events::EventType::Warning,
            container: e.involved.field_path.as_deref().and_then(container_of),
        })
        .collect();
    let snaps: Vec<&PodSnapshot> = history
        .iter()
        .filter(|s| s.namespace == namespace && s.name == name)
        .collect();

    // Containers and their probes: from the spec, else from what was observed.
    let mut containers: Vec<(String, Vec<ProbeKind>)> = Vec::new();
    if let Some(pod) = pod {
        for c in pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let kinds = ProbeKind::ALL
                .into_iter()
                .filter(|k| c.get(k.field()).is_some_and(Value::is_object))
                .collect();
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            containers.push((name.to_string(), kinds));
        }
    }
    for e in &events {
        if let (Some(c), Some((kind, _))) = (&e.container, probe_event(&e.reason, &e.message)) {
            match containers.iter_mut().find(|(n, _)| n == c) {
                Some((_, kinds)) if !kinds.contains(&kind) => {
                    kinds.push(kind);
                    kinds.sort();
                }
                Some(_) => {}
                None => containers.push((c.clone(), vec![kind])),
            }
        }
    }

    let mut series: Vec<ProbeSeries> = containers
        .iter()
        .flat_map(|(c, kinds)| {
            kinds.iter().map(move |k| ProbeSeries {
                container: c.clone(),
                kind: *k,
                marks: Vec::new(),
            })
        })
        .collect();
    for e in &events {
        let (Some(c), Some((kind, outcome))) = (&e.container, probe_event(&e.reason, &e.message))
        else {
            continue;
        };
        if let Some(s) = series
            .iter_mut()
            .find(|s| s.container == *c && s.kind == kind)
        {
            s.marks.push(ProbeMark {
                at: e.at,
                outcome,
                text: e.message.clone(),
                inferred: false,
            });
        }
    }
    // Inferred successes: a container turning ready or started.
    for pair in snaps.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        if !(start..=end).contains(&after.at) {
            continue;
        }
        for c in &after.containers {
            let prev = before.containers.iter().find(|p| p.name == c.name);
            let was_ready = prev.is_some_and(|p| p.ready);
            let was_started = prev.is_some_and(|p| p.started);
            for s in series.iter_mut().filter(|s| s.container == c.name) {
                let text = match s.kind {
                    ProbeKind::Readiness if c.ready && !was_ready => {
                        "Readiness probe succeeded: the container became ready"
                    }
                    ProbeKind::Startup if c.started && !was_started => {
                        "Startup probe succeeded: the container is started"
                    }
                    _ => continue,
                };
                s.marks.push(ProbeMark {
                    at: after.at,
                    outcome: ProbeOutcome::Success,
                    text: text.to_string(),
                    inferred: true,
                });
            }
        }
    }
    for s in &mut series {
        s.marks.sort_by_key(|m| m.at);
    }

    let ready = intervals(&snaps, start, end, |s| s.ready);
    let containers_ready = intervals(&snaps, start, end, |s| {
        !s.gone
            && !s.containers.is_empty()
            && !s.phase.terminal()
            && s.containers.iter().all(|c| c.ready)
    });

    let mut restarts = Vec::new();
    let mut back_offs = Vec::new();
    let names: Vec<String> = snaps
        .iter()
        .flat_map(|s| s.containers.iter().map(|c| c.name.clone()))
        .fold(Vec::new(), |mut acc, n| {
            if !acc.contains(&n) {
                acc.push(n);
            }
            acc
        });
    for cname in &names {
        let state = |s: &PodSnapshot| {
            s.containers
                .iter()
                .find(|c| &c.name == cname)
                .map(|c| (c.restart_count, c.running_since.is_some()))
        };
        let mut last_start: Millis = 0;
        let mut exited_at: Option<Millis> = None;
        let mut prev: Option<(u32, bool)> = None;
        for s in &snaps {
            let Some((count, running)) = state(s) else {
                continue;
            };
            if let Some((pc, prunning)) = prev {
                if count > pc && (start..=end).contains(&s.at) {
                    let cause = events
                        .iter()
                        .rfind(|e| {
                            e.reason == "Killing"
                                && e.container.as_deref() == Some(cname)
                                && e.at >= last_start
                                && e.at <= s.at
                        })
                        .map(|e| e.message.clone());
                    restarts.push(RestartMark {
                        at: s.at,
                        container: cname.clone(),
                        restart_count: count,
                        cause,
                    });
                }
                if prunning && !running {
                    exited_at = Some(s.at);
                }
            }
            if running && prev.is_none_or(|(_, r)| !r) {
                if let Some(exit) = exited_at.take() {
                    push_back_off(
                        &mut back_offs,
                        &events,
                        cname,
                        exit,
                        s.at,
                        false,
                        start,
                        end,
                    );
                }
                last_start = s.at;
            }
            prev = Some((count, running));
        }
        if let Some(exit) = exited_at {
            push_back_off(&mut back_offs, &events, cname, exit, end, true, start, end);
        }
    }
    restarts.sort_by(|a, b| (a.at, &a.container).cmp(&(b.at, &b.container)));
    back_offs
        .sort_by(|a, b| (a.interval.start, &a.container).cmp(&(b.interval.start, &b.container)));

    let mut phases: Vec<PhaseMark> = Vec::new();
    let mut last_phase = None;
    for s in &snaps {
        let p = s.phase.as_str();
        if last_phase != Some(p) {
            last_phase = Some(p);
            if (start..=end).contains(&s.at) {
                phases.push(PhaseMark {
                    at: s.at,
                    phase: p.to_string(),
                });
            }
        }
    }

    ProbeTimeline {
        namespace: namespace.to_string(),
        pod: name.to_string(),
        axis,
        series,
        ready,
        containers_ready,
        restarts,
        back_offs,
        phases,
        events,
    }
}

/// A window between an exit and the next start counts as back-off when a BackOff event for
/// the container falls inside it.
#[allow(clippy::too_many_arguments)]
fn push_back_off(
    out: &mut Vec<BackOffWindow>,
    events: &[EventMark],
    container: &str,
    exit: Millis,
    restart: Millis,
    open: bool,
    start: Millis,
    end: Millis,
) {
    let texts: Vec<String> = events
        .iter()
        .filter(|e| {
            e.reason == "BackOff"
                && e.container.as_deref() == Some(container)
                && e.at >= exit
                && e.at <= restart
        })
        .map(|e| e.message.clone())
        .collect();
    if texts.is_empty() || restart < start || exit > end {
        return;
    }
    out.push(BackOffWindow {
        container: container.to_string(),
        interval: Interval {
            start: exit.max(start),
            end: restart.min(end),
            open,
        },
        texts,
    });
}

/// Intervals where `on` holds, from the snapshots (each holds until the next), clipped to the
/// axis.
fn intervals(
    snaps: &[&PodSnapshot],
    start: Millis,
    end: Millis,
    on: impl Fn(&PodSnapshot) -> bool,
) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut since: Option<Millis> = None;
    for s in snaps {
        match (on(s), since) {
            (true, None) => since = Some(s.at),
            (false, Some(from)) => {
                push_clipped(&mut out, from, s.at, false, start, end);
                since = None;
            }
            _ => {}
        }
    }
    if let Some(from) = since {
        push_clipped(&mut out, from, end, true, start, end);
    }
    out
}

fn push_clipped(
    out: &mut Vec<Interval>,
    from: Millis,
    to: Millis,
    open: bool,
    start: Millis,
    end: Millis,
) {
    if to < start || from > end {
        return;
    }
    out.push(Interval {
        start: from.max(start),
        end: to.min(end),
        open,
    });
}

/// `spec.containers{name}` -> `name` (also for init and ephemeral containers).
fn container_of(field_path: &str) -> Option<String> {
    let open = field_path.find('{')?;
    let close = field_path.rfind('}')?;
    (close > open).then(|| field_path[open + 1..close].to_string())
}

/// The probe kind and outcome an event reports, if it is a probe event.
pub fn probe_event(reason: &str, message: &str) -> Option<(ProbeKind, ProbeOutcome)> {
    let kind = ProbeKind::ALL
        .into_iter()
        .find(|k| message.starts_with(&format!("{} probe ", k.label())))?;
    let rest = &message[kind.label().len() + " probe ".len()..];
    let outcome = match reason {
        "ProbeWarning" => ProbeOutcome::Warning,
        "Unhealthy" if rest.starts_with("errored") => ProbeOutcome::Error,
        "Unhealthy" => {
            let out = rest.strip_prefix("failed: ").unwrap_or(rest);
            if out.contains("deadline exceeded")
                || out.starts_with("timeout")
                || out.contains("timed out")
            {
                ProbeOutcome::Timeout
            } else {
                ProbeOutcome::Failure
            }
        }
        _ => return None,
    };
    Some((kind, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_cluster::ClusterConfig;
    use serde_json::json;

    /// /work/shared/seed/examples/liveness-http.yaml, as the seed has it.
    const LIVENESS_HTTP: &str = "apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3 # wait 3 s before the first probe
      periodSeconds: 3 # the kubelet probes every 3 s
";

    fn run(obj: Value, seconds: u64) -> Cluster {
        let mut cluster = Cluster::new(ClusterConfig::default());
        cluster.apply(obj).unwrap();
        cluster.run_until(seconds * SECOND).unwrap();
        cluster
    }

    #[test]
    fn seed_liveness_http_over_sixty_seconds() {
        let docs = kubeplay_yaml::parse_documents(LIVENESS_HTTP, "liveness-http.yaml").unwrap();
        let pod = kubeplay_yaml::to_json(&docs[0]).unwrap();
        let cluster = run(pod, 60);
        let t = probe_timeline(&cluster, "default", "liveness-http", 0, 60 * SECOND);

        assert_eq!(t.series.len(), 1);
        let s = &t.series[0];
        assert_eq!(
            (s.container.as_str(), s.kind),
            ("liveness", ProbeKind::Liveness)
        );
        assert!(s
            .marks
            .iter()
            .all(|m| m.outcome == ProbeOutcome::Failure && !m.inferred));
        assert_eq!(
            s.marks[0].text,
            "Liveness probe failed: HTTP probe failed with statuscode: 500"
        );
        // One mark per failure: as many as the kubelet emitted Unhealthy.
        let unhealthy = cluster
            .events()
            .occurrences()
            .filter(|(_, e)| e.reason == "Unhealthy")
            .count();
        assert_eq!(s.marks.len(), unhealthy);
        // Failures 3 s apart while failing.
        assert_eq!(s.marks[1].at - s.marks[0].at, 3 * SECOND);

        // Three restarts (restartCount 3 at 60 s), the first at 18-23 s (the healthz server
        // fails 10 s after start; three failures 3 s apart).
        let counts: Vec<u32> = t.restarts.iter().map(|r| r.restart_count).collect();
        assert_eq!(counts, [1, 2, 3], "{:?}", t.restarts);
        assert!(
            (18 * SECOND..=23 * SECOND).contains(&t.restarts[0].at),
            "{:?}",
            t.restarts
        );
        let mut previous = 0;
        for r in &t.restarts {
            assert_eq!(
                r.cause.as_deref(),
                Some("Container liveness failed liveness probe, will be restarted")
            );
            // failureThreshold 3: at least three failures since the previous restart.
            let failures = s
                .marks
                .iter()
                .filter(|m| m.at > previous && m.at <= r.at)
                .count();
            assert!(failures >= 3, "{failures} failures before {r:?}");
            // Every restart follows its kill at once (agnhost exits on SIGTERM; long-lived
            // instances are not backed off).
            let kill = t
                .events
                .iter()
                .filter(|e| e.reason == "Killing" && e.at <= r.at)
                .map(|e| e.at)
                .max()
                .unwrap();
            assert!(r.at - kill <= 2 * SECOND, "kill at {kill}, restart {r:?}");
            previous = r.at;
        }
        assert!(t.back_offs.is_empty(), "{:?}", t.back_offs);

        // No readiness probe: Ready from the first start. The simulator kills and restarts
        // in one pod sync (spec 41), so no published status shows the pod unready between.
        assert_eq!(t.ready.len(), 1, "{:?}", t.ready);
        assert!(
            t.ready[0].start <= 5 * SECOND && t.ready[0].open,
            "{:?}",
            t.ready
        );
        assert_eq!(t.ready, t.containers_ready);
        let phases: Vec<&str> = t.phases.iter().map(|p| p.phase.as_str()).collect();
        assert_eq!(phases, ["Pending", "Running"]);
        // Hover texts are the events' own.
        assert!(t.events.iter().any(|e| e.reason == "Scheduled"));
        assert!(t.events.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(t.axis.ticks.first(), Some(&(0, "0s".to_string())));
        assert_eq!(
            t.axis.ticks.last(),
            Some(&(60 * SECOND, "1m00s".to_string()))
        );
    }

    #[test]
    fn crash_loop_shows_back_off_windows() {
        let cluster = run(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crash"},
                "spec": {"containers": [{"name": "c", "image": "busybox:1.36",
                    "command": ["sh", "-c", "sleep 1; exit 1"]}]}}),
            90,
        );
        let t = probe_timeline(&cluster, "default", "crash", 0, 90 * SECOND);
        assert!(t.series.is_empty());
        assert!(t.back_offs.len() >= 2, "{:?}", t.back_offs);
        for w in &t.back_offs {
            assert!(w
                .texts
                .iter()
                .all(|m| m
                    .starts_with("Back-off restarting failed container c in pod crash_default(")));
            assert!(w.interval.start <= w.interval.end);
        }
        // Windows grow: 10 s, then 20 s (spec 39), give or take the 1 s relist.
        let closed: Vec<Millis> = t
            .back_offs
            .iter()
            .filter(|w| !w.interval.open)
            .map(|w| w.interval.end - w.interval.start)
            .collect();
        assert!(closed.windows(2).all(|w| w[1] > w[0]), "{closed:?}");
        assert!(t.restarts.len() >= 3);
    }

    #[test]
    fn readiness_failures_and_inferred_success() {
        let cluster = run(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "readiness-http"},
                "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40",
                    "args": ["liveness"],
                    "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080},
                        "initialDelaySeconds": 3, "periodSeconds": 3}}]}}),
            40,
        );
        let t = probe_timeline(&cluster, "default", "readiness-http", 0, 40 * SECOND);
        let s = &t.series[0];
        assert_eq!(s.kind, ProbeKind::Readiness);
        let first = &s.marks[0];
        assert_eq!(first.outcome, ProbeOutcome::Success);
        assert!(first.inferred);
        assert!(s.marks[1..]
            .iter()
            .all(|m| m.outcome == ProbeOutcome::Failure));
        assert!(s
            .marks
            .last()
            .unwrap()
            .text
            .starts_with("Readiness probe failed: "));
        assert!(t.restarts.is_empty());
        assert_eq!(t.ready.len(), 1);
        assert!(!t.ready[0].open);
        assert_eq!(t.ready[0].start, first.at);
    }

    #[test]
    fn probe_event_texts_are_classified() {
        use ProbeKind::*;
        use ProbeOutcome::*;
        let cases = [
            ("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500", Some((Liveness, Failure))),
            ("Unhealthy", "Readiness probe failed: Get \"http://10.0.0.1:8080/\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", Some((Readiness, Timeout))),
            ("Unhealthy", "Startup probe failed: timeout: health rpc did not complete within 1s", Some((Startup, Timeout))),
            ("Unhealthy", "Liveness probe errored and resulted in unknown state: boom", Some((Liveness, Error))),
            ("ProbeWarning", "Liveness probe warning: Probe terminated redirects", Some((Liveness, Warning))),
            ("Killing", "Container c failed liveness probe, will be restarted", None),
            ("Unhealthy", "something else", None),
        ];
        for (reason, message, want) in cases {
            assert_eq!(probe_event(reason, message), want, "{message}");
        }
        assert_eq!(container_of("spec.containers{app}"), Some("app".into()));
        assert_eq!(container_of("spec.containers"), None);
        assert_eq!(container_of("}{"), None);
    }

    #[test]
    fn axis_ticks_and_degenerate_windows() {
        let a = Axis::new(5_000, 65_000);
        let times: Vec<Millis> = a.ticks.iter().map(|t| t.0).collect();
        assert_eq!(times, (1..=13).map(|k| k * 5_000).collect::<Vec<_>>());
        assert_eq!(a.fraction(35_000), 0.5);
        let empty = Axis::new(10, 3);
        assert_eq!((empty.start, empty.end), (10, 10));
        assert_eq!(empty.fraction(99), 0.0);
        let far = Axis::new(0, u64::MAX);
        assert!(far.ticks.len() <= 13);
        let t = build(None, std::iter::empty(), &[], "ns", "gone", 0, 1_000);
        assert!(t.series.is_empty() && t.ready.is_empty() && t.events.is_empty());
    }
}
