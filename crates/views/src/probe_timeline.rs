//! The probe timeline of one pod: a time axis with, per container and probe kind, the probe
//! results; Ready and ContainersReady over time; restarts and back-off windows; phase
//! changes; and every event of the pod as a mark carrying its exact text (for hover).
//!
//! Sources are what the cluster records: the kubelet's probe result log (every result,
//! successes included), the event occurrences (each emission with its time) and the pod
//! status history (one snapshot per status change). Everything is matched by the pod's uid,
//! so a pod deleted and created again under the same name starts a new timeline.
//!
//! The probe log is bounded: once old records were dropped, the time before its first kept
//! record falls back to what events and status prove (failures from `Unhealthy` events,
//! successes where a container turned ready or started); those successes say
//! `inferred: true`.

use crate::clock::format_offset;
use kubeplay_cluster::clock::{Millis, SECOND};
use kubeplay_cluster::events::Event;
use kubeplay_cluster::{Cluster, PodSnapshot, ProbeRecord};
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

    fn of(kind: kubeplay_cluster::ProbeKind) -> ProbeKind {
        match kind {
            kubeplay_cluster::ProbeKind::Startup => ProbeKind::Startup,
            kubeplay_cluster::ProbeKind::Liveness => ProbeKind::Liveness,
            kubeplay_cluster::ProbeKind::Readiness => ProbeKind::Readiness,
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

impl ProbeOutcome {
    fn of(result: kubeplay_cluster::ProbeOutcome) -> ProbeOutcome {
        use kubeplay_cluster::ProbeOutcome as R;
        match result {
            R::Success => ProbeOutcome::Success,
            R::Warning => ProbeOutcome::Warning,
            R::Failure => ProbeOutcome::Failure,
            R::Timeout => ProbeOutcome::Timeout,
            R::Error => ProbeOutcome::Error,
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ProbeMark {
    pub at: Millis,
    pub outcome: ProbeOutcome,
    /// The result as the kubelet words it (its event text for failures), or a description
    /// of the inference; for a run of results merged into one mark, the count, the span and
    /// the last result's text.
    pub text: String,
    pub inferred: bool,
    /// How many results the mark stands for (1 unless a long row was thinned).
    pub count: u32,
    /// The last of those results (`at` for a single one).
    pub until: Millis,
}

/// A row with more marks than this is thinned: runs of equal non-failure results become one
/// mark each (a row of 1 h at a 1 s period would otherwise draw 3,600). Failures always keep
/// their own mark.
pub const THIN_ABOVE: usize = 150;

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
    /// The BackOff event texts inside the window (may be empty: the window comes from the
    /// container's exit time and its CrashLoopBackOff waiting reason).
    pub texts: Vec<String>,
    /// The hover text, never empty: what happened, then the kubelet's own words (the BackOff
    /// events, and for the window still open the container's CrashLoopBackOff message).
    pub text: String,
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
        ProbeLog {
            records: cluster.probe_results(),
            truncated: cluster.probe_results_dropped() > 0,
        },
        namespace,
        name,
        start,
        end,
    )
}

/// The kubelet's probe results (time-ordered) and whether older ones were dropped.
#[derive(Debug, Clone, Copy)]
pub struct ProbeLog<'a> {
    pub records: &'a [ProbeRecord],
    pub truncated: bool,
}

impl ProbeLog<'_> {
    /// From when the log holds every result: before that, results are taken from events and
    /// inferred from the status history.
    fn complete_from(&self) -> Millis {
        match (self.truncated, self.records.first()) {
            (false, _) => 0,
            (true, Some(first)) => first.at,
            (true, None) => Millis::MAX,
        }
    }
}

/// The timeline from the raw data: the pod as the API shows it (None once deleted), the
/// cluster's event occurrences, its status history and its probe result log.
#[allow(clippy::too_many_arguments)]
pub fn build<'a>(
    pod: Option<&Value>,
    occurrences: impl Iterator<Item = (Millis, &'a Event)>,
    history: &[PodSnapshot],
    probes: ProbeLog<'_>,
    namespace: &str,
    name: &str,
    start: Millis,
    end: Millis,
) -> ProbeTimeline {
    let axis = Axis::new(start, end);
    let end = axis.end;
    // The pod's uid: the live object's, else (deleted) the last one recorded under the name.
    let uid = pod
        .and_then(|p| p.pointer("/metadata/uid"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            history
                .iter()
                .rfind(|s| s.namespace == namespace && s.name == name)
                .map(|s| s.uid.clone())
        })
        .unwrap_or_default();
    let this_pod = |ns: &str, n: &str, u: &str| ns == namespace && n == name && u == uid;
    let events: Vec<EventMark> = occurrences
        .filter(|(t, e)| {
            e.involved.kind == "Pod"
                && this_pod(&e.involved.namespace, &e.involved.name, &e.involved.uid)
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
        .filter(|s| this_pod(&s.namespace, &s.name, &s.uid))
        .collect();
    let complete_from = probes.complete_from();
    let records: Vec<&ProbeRecord> = probes
        .records
        .iter()
        .filter(|r| this_pod(&r.pod.namespace, &r.pod.name, &r.pod.uid))
        .filter(|r| (start..=end).contains(&r.at))
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
    let observed = events
        .iter()
        .filter_map(|e| Some((e.container.clone()?, probe_event(&e.reason, &e.message)?.0)))
        .chain(
            records
                .iter()
                .map(|r| (r.container.to_string(), ProbeKind::of(r.kind))),
        );
    for (c, kind) in observed {
        match containers.iter_mut().find(|(n, _)| *n == c) {
            Some((_, kinds)) if !kinds.contains(&kind) => {
                kinds.push(kind);
                kinds.sort();
            }
            Some(_) => {}
            None => containers.push((c, vec![kind])),
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
    // Exact results from the log.
    for r in &records {
        let kind = ProbeKind::of(r.kind);
        if let Some(s) = series
            .iter_mut()
            .find(|s| *s.container == *r.container && s.kind == kind)
        {
            let outcome = ProbeOutcome::of(r.result);
            s.marks.push(ProbeMark {
                at: r.at,
                outcome,
                text: result_text(kind, outcome, &r.output),
                inferred: false,
                count: 1,
                until: r.at,
            });
        }
    }
    // Before the log's first kept record: failures from events ...
    for e in events.iter().filter(|e| e.at < complete_from) {
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
                count: 1,
                until: e.at,
            });
        }
    }
    // ... and successes inferred from a container turning ready or started.
    for pair in snaps.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        if !(start..=end).contains(&after.at) || after.at >= complete_from {
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
                    count: 1,
                    until: after.at,
                });
            }
        }
    }
    for s in &mut series {
        s.marks.sort_by_key(|m| m.at);
        if s.marks.len() > THIN_ABOVE {
            s.marks = thin(std::mem::take(&mut s.marks));
        }
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
        let mut last_start: Millis = 0;
        // The exit time of the instance now backing off, once the API says CrashLoopBackOff.
        let mut backing_off: Option<Millis> = None;
        let mut prev_count: Option<u32> = None;
        for s in &snaps {
            let Some(c) = s.containers.iter().find(|c| &c.name == cname) else {
                continue;
            };
            if prev_count.is_some_and(|pc| c.restart_count > pc) && (start..=end).contains(&s.at) {
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
                    restart_count: c.restart_count,
                    cause,
                });
            }
            if backing_off.is_none() && c.waiting_reason.as_deref() == Some("CrashLoopBackOff") {
                backing_off = Some(c.terminated_at.unwrap_or(s.at));
            }
            if let Some(since) = c.running_since {
                if let Some(exit) = backing_off.take() {
                    push_back_off(
                        &mut back_offs,
                        &events,
                        cname,
                        Interval {
                            start: exit,
                            end: since,
                            open: false,
                        },
                        start,
                        end,
                    );
                }
                last_start = since;
            }
            prev_count = Some(c.restart_count);
        }
        if let Some(exit) = backing_off {
            let open = Interval {
                start: exit,
                end,
                open: true,
            };
            let waiting = pod.and_then(|p| waiting_message(p, cname));
            push_back_off(&mut back_offs, &events, cname, open, start, end);
            if let (Some(w), Some(msg)) = (back_offs.last_mut(), waiting) {
                if w.container == *cname && w.interval.open {
                    w.text.push('\n');
                    w.text.push_str(&msg);
                }
            }
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

/// A result as the kubelet words it: its event text for failures, warnings and errors
/// (`Unhealthy`, `ProbeWarning`), and the same form for a success.
fn result_text(kind: ProbeKind, outcome: ProbeOutcome, output: &str) -> String {
    let label = kind.label();
    let output = output.trim_end();
    match outcome {
        ProbeOutcome::Success if output.is_empty() => format!("{label} probe succeeded"),
        ProbeOutcome::Success => format!("{label} probe succeeded: {output}"),
        ProbeOutcome::Warning => format!("{label} probe warning: {output}"),
        ProbeOutcome::Failure | ProbeOutcome::Timeout => format!("{label} probe failed: {output}"),
        ProbeOutcome::Error => {
            format!("{label} probe errored and resulted in unknown state: {output}")
        }
    }
}

/// A back-off window (exit to next start) clipped to the axis, with the BackOff event texts
/// inside it.
fn push_back_off(
    out: &mut Vec<BackOffWindow>,
    events: &[EventMark],
    container: &str,
    window: Interval,
    start: Millis,
    end: Millis,
) {
    if window.end < start || window.start > end {
        return;
    }
    let texts: Vec<String> = events
        .iter()
        .filter(|e| {
            e.reason == "BackOff"
                && e.container.as_deref() == Some(container)
                && (window.start..=window.end).contains(&e.at)
        })
        .map(|e| e.message.clone())
        .collect();
    let mut text = if window.open {
        format!(
            "CrashLoopBackOff: container {container} exited at {} and is waiting to be restarted",
            format_offset(window.start)
        )
    } else {
        format!(
            "CrashLoopBackOff: container {container} exited at {} and was restarted at {}, {} later",
            format_offset(window.start),
            format_offset(window.end),
            format_offset(window.end - window.start)
        )
    };
    // The kubelet repeats one BackOff message: each distinct text once, with its count.
    let mut distinct: Vec<(&str, usize)> = Vec::new();
    for t in &texts {
        match distinct.iter_mut().find(|(d, _)| d == t) {
            Some((_, n)) => *n += 1,
            None => distinct.push((t, 1)),
        }
    }
    for (t, n) in distinct {
        text.push('\n');
        text.push_str(t);
        if n > 1 {
            text.push_str(&format!(" (×{n})"));
        }
    }
    out.push(BackOffWindow {
        container: container.to_string(),
        interval: Interval {
            start: window.start.max(start),
            end: window.end.min(end),
            open: window.open,
        },
        texts,
        text,
    });
}

/// The waiting message the API shows for a container (the kubelet's "back-off 20s
/// restarting failed container=... pod=..." while it backs off).
fn waiting_message(pod: &Value, container: &str) -> Option<String> {
    pod.pointer("/status/containerStatuses")?
        .as_array()?
        .iter()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(container))?
        .pointer("/state/waiting/message")?
        .as_str()
        .map(str::to_string)
}

/// One mark per run of equal non-failure results (same outcome, both inferred or both
/// not), with the run's count and span; failures, timeouts and errors stay one mark each.
pub fn thin(marks: Vec<ProbeMark>) -> Vec<ProbeMark> {
    let mergeable = |o: ProbeOutcome| matches!(o, ProbeOutcome::Success | ProbeOutcome::Warning);
    let mut out: Vec<ProbeMark> = Vec::new();
    for m in marks {
        match out.last_mut() {
            Some(run)
                if mergeable(m.outcome)
                    && run.outcome == m.outcome
                    && run.inferred == m.inferred =>
            {
                run.count += m.count;
                run.until = m.until;
                run.text = m.text;
            }
            _ => out.push(m),
        }
    }
    for run in out.iter_mut().filter(|m| m.count > 1) {
        run.text = format!(
            "{} results from {} to {}; the last: {}",
            run.count,
            format_offset(run.at),
            format_offset(run.until),
            run.text
        );
    }
    out
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
        // Every result comes from the kubelet's log: nothing is inferred.
        assert!(s.marks.iter().all(|m| !m.inferred));
        // The healthz server answers 200 for its first 10 s: the probes at 3, 6 and 9 s after
        // the start succeed (no event shows them), then it fails.
        let first_failure = s
            .marks
            .iter()
            .position(|m| m.outcome == ProbeOutcome::Failure)
            .unwrap();
        assert!(first_failure >= 2, "{:?}", &s.marks[..=first_failure]);
        assert!(s.marks[..first_failure]
            .iter()
            .all(|m| m.outcome == ProbeOutcome::Success && m.text == "Liveness probe succeeded"));
        assert!(s.marks[first_failure - 1].at <= 15 * SECOND);
        assert_eq!(
            s.marks[first_failure].text,
            "Liveness probe failed: HTTP probe failed with statuscode: 500"
        );
        // One failure mark per failure: as many as the kubelet emitted Unhealthy.
        let unhealthy = cluster
            .events()
            .occurrences()
            .filter(|(_, e)| e.reason == "Unhealthy")
            .count();
        let failures: Vec<&ProbeMark> = s
            .marks
            .iter()
            .filter(|m| m.outcome == ProbeOutcome::Failure)
            .collect();
        assert_eq!(failures.len(), unhealthy);
        // Failures 3 s apart while failing.
        assert_eq!(failures[1].at - failures[0].at, 3 * SECOND);
        // Each restarted instance succeeds again before failing.
        let successes = s
            .marks
            .iter()
            .filter(|m| m.outcome == ProbeOutcome::Success);
        assert!(successes.count() > first_failure);

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
            let failures = failures
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
            // Every window has a hover text, with or without a BackOff event in it.
            assert!(
                w.text
                    .starts_with("CrashLoopBackOff: container c exited at "),
                "{w:?}"
            );
            for t in &w.texts {
                assert!(w.text.contains(t.as_str()), "{w:?}");
            }
            // A repeated event text is said once, with its count.
            let repeats = w.texts.iter().filter(|t| **t == w.texts[0]).count();
            if repeats > 1 {
                assert_eq!(w.text.matches(w.texts[0].as_str()).count(), 1, "{w:?}");
                assert!(w.text.contains(&format!(" (×{repeats})")), "{w:?}");
            }
        }
        // The window still open says what the API shows: the kubelet's waiting message.
        let open = t
            .back_offs
            .iter()
            .find(|w| w.interval.open)
            .expect("backing off at 90 s");
        assert!(
            open.text.lines().any(|l| l.starts_with("back-off ")
                && l.contains(" restarting failed container=c pod=crash_default(")),
            "{open:?}"
        );
        let closed = t.back_offs.iter().find(|w| !w.interval.open).unwrap();
        assert!(closed.text.contains(" and was restarted at "), "{closed:?}");
        // Windows grow: 10 s, then 20 s (spec 39), give or take the 1 s relist.
        let closed: Vec<Millis> = t
            .back_offs
            .iter()
            .filter(|w| !w.interval.open)
            .map(|w| w.interval.end - w.interval.start)
            .collect();
        assert!(closed.windows(2).all(|w| w[1] > w[0]), "{closed:?}");
        // Exact: from the instance's finishedAt to the next instance's startedAt.
        let c = |s: &PodSnapshot| s.containers[0].clone();
        for w in t.back_offs.iter().filter(|w| !w.interval.open) {
            let history = cluster.history().iter().map(c);
            let exits: Vec<Option<Millis>> = history.clone().map(|c| c.terminated_at).collect();
            let starts: Vec<Option<Millis>> = history.map(|c| c.running_since).collect();
            assert!(exits.contains(&Some(w.interval.start)), "{w:?}");
            assert!(starts.contains(&Some(w.interval.end)), "{w:?}");
        }
        assert!(t.restarts.len() >= 3);
    }

    fn readiness_pod() -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "readiness-http"},
            "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40",
                "args": ["liveness"],
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080},
                    "initialDelaySeconds": 3, "periodSeconds": 3}}]}})
    }

    #[test]
    fn readiness_successes_then_failures_are_exact() {
        let cluster = run(readiness_pod(), 40);
        let t = probe_timeline(&cluster, "default", "readiness-http", 0, 40 * SECOND);
        let s = &t.series[0];
        assert_eq!(s.kind, ProbeKind::Readiness);
        assert!(s.marks.iter().all(|m| !m.inferred));
        // Successes while the server is healthy, then only failures (no restarts).
        let switch = s
            .marks
            .iter()
            .position(|m| m.outcome != ProbeOutcome::Success)
            .unwrap();
        assert!(switch >= 2, "{:?}", s.marks);
        assert!(s.marks[switch..]
            .iter()
            .all(|m| m.outcome == ProbeOutcome::Failure));
        assert!(s
            .marks
            .last()
            .unwrap()
            .text
            .starts_with("Readiness probe failed: "));
        assert!(t.restarts.is_empty());
        // Ready from the first success until the third failure (failureThreshold 3).
        assert_eq!(t.ready.len(), 1);
        let ready = t.ready[0];
        assert!(!ready.open);
        assert!(ready.start >= s.marks[0].at, "{ready:?} {:?}", s.marks[0]);
        assert!(
            ready.end >= s.marks[switch + 2].at,
            "{ready:?} {:?}",
            s.marks
        );
        assert!(
            ready.end < s.marks[switch + 3].at,
            "{ready:?} {:?}",
            s.marks
        );
    }

    #[test]
    fn before_a_truncated_log_results_come_from_events_and_status() {
        let cluster = run(readiness_pod(), 40);
        let pod = cluster.get("Pod", "default", "readiness-http");
        let records = cluster.probe_results();
        // Keep only the records from the first failure on, as if the rest had been dropped.
        let kept = records
            .iter()
            .position(|r| r.result == kubeplay_cluster::ProbeOutcome::Failure)
            .unwrap();
        let log = ProbeLog {
            records: &records[kept..],
            truncated: true,
        };
        let events = cluster.events().occurrences();
        let history = cluster.history();
        let t = build(
            pod.as_ref(),
            events,
            history,
            log,
            "default",
            "readiness-http",
            0,
            40 * SECOND,
        );
        let marks = &t.series[0].marks;
        // Before the log: one inferred success where the container turned ready.
        assert_eq!(marks[0].outcome, ProbeOutcome::Success);
        assert!(marks[0].inferred);
        assert_eq!(marks[0].at, t.ready[0].start);
        // From the log on, exact failures, each once (not again from its Unhealthy event).
        assert!(marks[1..]
            .iter()
            .all(|m| m.outcome == ProbeOutcome::Failure && !m.inferred));
        let unhealthy = cluster
            .events()
            .occurrences()
            .filter(|(_, e)| e.reason == "Unhealthy")
            .count();
        assert_eq!(marks.len() - 1, unhealthy);
        // With nothing kept, events and status are all there is.
        let empty = ProbeLog {
            records: &[],
            truncated: true,
        };
        let t2 = build(
            pod.as_ref(),
            cluster.events().occurrences(),
            history,
            empty,
            "default",
            "readiness-http",
            0,
            40 * SECOND,
        );
        assert_eq!(t2.series[0].marks, *marks);
    }

    #[test]
    fn a_pod_recreated_under_the_same_name_starts_a_new_timeline() {
        let mut cluster = run(readiness_pod(), 20);
        cluster.delete("Pod", "default", "readiness-http").unwrap();
        cluster.run_until(60 * SECOND).unwrap();
        assert!(cluster.get("Pod", "default", "readiness-http").is_none());
        cluster.apply(readiness_pod()).unwrap();
        let recreated = cluster.now();
        cluster.run_until(recreated + 8 * SECOND).unwrap();
        let t = probe_timeline(
            &cluster,
            "default",
            "readiness-http",
            0,
            recreated + 8 * SECOND,
        );
        // Only the new pod's results, events and statuses: all after it was created.
        let marks = &t.series[0].marks;
        assert!(!marks.is_empty());
        assert!(marks.iter().all(|m| m.at >= recreated), "{marks:?}");
        assert!(t.events.iter().all(|e| e.at >= recreated), "{:?}", t.events);
        assert!(t.phases.iter().all(|p| p.at >= recreated), "{:?}", t.phases);
        assert!(
            t.ready.iter().all(|r| r.start >= recreated),
            "{:?}",
            t.ready
        );
    }

    fn mark(at: Millis, outcome: ProbeOutcome) -> ProbeMark {
        ProbeMark {
            at,
            outcome,
            text: format!("result at {at}"),
            inferred: false,
            count: 1,
            until: at,
        }
    }

    #[test]
    fn thinning_merges_runs_of_successes_and_keeps_every_failure() {
        use ProbeOutcome::*;
        // An hour at a 1 s period, failing at 600-602 s and timing out at 1800 s.
        let marks: Vec<ProbeMark> = (1..=3_600)
            .map(|s| {
                let o = match s {
                    600..=602 => Failure,
                    1_800 => Timeout,
                    _ => Success,
                };
                mark(s * SECOND, o)
            })
            .collect();
        let thin = thin(marks);
        let shape: Vec<(ProbeOutcome, u32, Millis, Millis)> = thin
            .iter()
            .map(|m| (m.outcome, m.count, m.at / SECOND, m.until / SECOND))
            .collect();
        assert_eq!(
            shape,
            [
                (Success, 599, 1, 599),
                (Failure, 1, 600, 600),
                (Failure, 1, 601, 601),
                (Failure, 1, 602, 602),
                (Success, 1_197, 603, 1_799),
                (Timeout, 1, 1_800, 1_800),
                (Success, 1_800, 1_801, 3_600),
            ]
        );
        assert_eq!(
            thin[0].text,
            "599 results from 1s to 9m59s; the last: result at 599000"
        );
        assert_eq!(thin[1].text, "result at 600000");
        // Inferred results are not merged with measured ones.
        let mut mixed = vec![mark(1, Success), mark(2, Success)];
        mixed[1].inferred = true;
        assert_eq!(super::thin(mixed).len(), 2);
    }

    #[test]
    fn an_hour_of_one_second_probes_draws_a_handful_of_marks() {
        let cluster = run(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 1}}]}}),
            3_600,
        );
        let t = probe_timeline(&cluster, "default", "web", 0, 3_600 * SECOND);
        let marks = &t.series[0].marks;
        let results: u32 = marks.iter().map(|m| m.count).sum();
        assert!(results > 3_500, "{results} results");
        assert!(marks.len() <= 3, "{marks:?}");
        assert!(marks.iter().all(|m| m.outcome == ProbeOutcome::Success));
        let run = marks.iter().max_by_key(|m| m.count).unwrap();
        assert!(
            run.text
                .starts_with(&format!("{} results from ", run.count)),
            "{run:?}"
        );
        assert!(
            run.text.ends_with("the last: Readiness probe succeeded"),
            "{run:?}"
        );
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
        let log = ProbeLog {
            records: &[],
            truncated: false,
        };
        let t = build(None, std::iter::empty(), &[], log, "ns", "gone", 0, 1_000);
        assert!(t.series.is_empty() && t.ready.is_empty() && t.events.is_empty());
    }
}
