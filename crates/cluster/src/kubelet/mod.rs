//! The simulated kubelet: admits pods bound to its node, pulls images, starts and kills
//! containers, runs the probe workers and turns all of it into pod status and events.
//!
//! Everything happens in tasks on the cluster's event queue; a task for a pod may change its
//! containers and mark the pod dirty, and the cluster then publishes the new status.

pub mod backoff;
pub mod config;
pub mod images;
pub mod probe_log;
pub mod prober;
pub mod status;
pub mod worker;

use crate::behaviour::annotation::Overrides;
use crate::behaviour::shell::TrapRun;
use crate::behaviour::{Program, Sigterm};
use crate::clock::{go_duration, Millis, SECOND};
use crate::events::{EventLog, EventType, ObjectRef};
use crate::podspec::{ContainerSpec, PodSpec, ProbeKind, RestartPolicy, Role};
use crate::queue::EventQueue;
use crate::rng::Rng;
use crate::scheduler::Node;
use backoff::BackOff;
use probe_log::{ProbeOutcome, ProbeRecord};
use prober::{Outcome, Target, Verdict};
use status::PodStatusView;
use std::rc::Rc;
use worker::{ProbeResult, Worker};

pub type PodId = usize;

/// What a worker's `doProbe` concluded, for its tick chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// A probe ran (or was queued behind the one in flight).
    Probed,
    /// Not yet (initial delay): tick again.
    Wait,
    /// Idle until an event changes its inputs: stop ticking until woken.
    Park,
}

/// Sandbox (pause container + network) creation time.
const SANDBOX_SETUP: Millis = 500;
/// The pod worker's retry period after a failed sync such as a refused restart (backOffPeriod).
const SYNC_RETRY: Millis = 10 * SECOND;
/// The kubelet's syncFrequency: every pod is synced at least this often.
const RESYNC: Millis = 60 * SECOND;
/// The PLEG relist period: how often the kubelet looks for containers that changed state.
const PLEG_RELIST: Millis = SECOND;
/// Kubelet's minimum kill grace period (minimumGracePeriodInSeconds = 2).
const MIN_GRACE: Millis = 2 * SECOND;
/// Retries of an errored probe within one tick (spec 22).
const PROBE_ERROR_RETRIES: u32 = 3;

#[derive(Debug, Clone)]
pub enum Task {
    Admit,
    SandboxReady,
    Sync,
    /// The pod worker's periodic resync (syncFrequency 1 min, jittered up to +50 %).
    Resync,
    PullDone {
        container: usize,
        requested_at: Millis,
    },
    Exited {
        container: usize,
        instance: u32,
        code: i32,
    },
    Sigkill {
        container: usize,
        instance: u32,
    },
    Tick {
        worker: usize,
    },
    Manual {
        worker: usize,
    },
    ProbeDone {
        worker: usize,
        instance: u32,
        outcome: Box<Outcome>,
    },
}

impl Task {
    /// The process of `instance` of container `container` ends with `code`.
    fn exited(container: usize, instance: u32, code: i32) -> Task {
        Task::Exited {
            container,
            instance,
            code,
        }
    }
}

/// What the kubelet needs from the cluster while handling a task.
pub struct Ctx<'a> {
    pub now: Millis,
    pub queue: &'a mut EventQueue<(PodId, Task)>,
    pub events: &'a mut EventLog,
    pub rng: &'a mut Rng,
    pub nodes: &'a mut [Node],
    /// When the kubelets started, relative to virtual 0 (spec 13 jitter).
    pub kubelet_started_at: i64,
    /// The ConfigMaps and Secrets in the API.
    pub config: &'a config::ConfigIndex,
    /// Every probe result (successes included).
    pub probe_log: &'a mut probe_log::ProbeLog,
}

impl Ctx<'_> {
    fn at(&mut self, delay: Millis, pod: PodId, task: Task) {
        self.queue.push(self.now.saturating_add(delay), (pod, task));
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Terminated {
    pub exit_code: i32,
    pub reason: &'static str,
    pub started_at: Millis,
    pub finished_at: Millis,
    pub container_id: Rc<str>,
}

#[derive(Debug, Clone)]
pub struct Running {
    pub instance: u32,
    /// Shared with the status views, which are rebuilt often.
    pub container_id: Rc<str>,
    pub started_at: Millis,
    pub trap: Option<TrapRun>,
}

#[derive(Debug, Clone)]
pub enum CState {
    NotCreated,
    Running(Running),
    Exited,
}

/// An ongoing kill: SIGTERM sent, waiting for the exit.
#[derive(Debug, Clone)]
pub struct Kill {
    /// Start the container again right after it dies (probe kill with a restarting policy).
    pub restart_after: bool,
    /// Finish time of the instance before the killed one (spec 41).
    pub prev_finish: Option<Millis>,
}

pub struct ContainerRuntime {
    pub spec: ContainerSpec,
    pub program: Program,
    pub state: CState,
    pub latest_exit: Option<Terminated>,
    pub prev_exit: Option<Terminated>,
    /// Instances created so far; restartCount is this minus one.
    pub instances: u32,
    pub results: [Option<ProbeResult>; 3],
    pub kill: Option<Kill>,
    /// A waiting reason shown instead of the last termination (CrashLoopBackOff, ...).
    pub waiting: Option<(&'static str, Rc<str>)>,
    /// The back-off a CrashLoopBackOff waiting message was written for.
    waiting_backoff: Millis,
    pub pulling: bool,
    pub image_id: String,
    pub ever_started: bool,
    /// A probe kill restarts the container within one pod sync, so the API never shows the
    /// dead instance: state, lastState and restartCount stay as they were until the new one
    /// runs (readiness still follows the probes).
    pub frozen: Option<status::ContainerStatusView>,
    /// The involvedObject of this container's events (built once).
    obj: ObjectRef,
    /// The container's name as the probe log shares it.
    log_name: Rc<str>,
    /// This container's BackOff event, once recorded.
    backoff_event: Option<usize>,
    /// Every pull of this container's image fails this way (see `images::pull_failure`).
    pub pull_failure: Option<images::PullFailure>,
    /// The last start stopped at a failed or backed-off pull: the next sync tries again.
    pub retry_start: bool,
}

impl ContainerRuntime {
    pub fn running(&self) -> Option<&Running> {
        match &self.state {
            CState::Running(r) => Some(r),
            _ => None,
        }
    }

    pub fn restart_count(&self) -> u32 {
        self.instances.saturating_sub(1)
    }

    pub fn result(&self, kind: ProbeKind) -> Option<ProbeResult> {
        self.results[kind as usize]
    }

    /// Spec 18: started = running and (startup succeeded or there is no startup probe).
    pub fn started(&self) -> bool {
        self.running().is_some()
            && (self.spec.probe(ProbeKind::Startup).is_none()
                || self.result(ProbeKind::Startup) == Some(ProbeResult::Success))
    }

    /// Spec 18: ready only when started, and readiness succeeded or there is no readiness probe.
    pub fn ready(&self) -> bool {
        match self.spec.role {
            Role::Init => {
                self.latest_exit.as_ref().is_some_and(|t| t.exit_code == 0)
                    && matches!(self.state, CState::Exited)
            }
            _ => {
                self.started()
                    && (self.spec.probe(ProbeKind::Readiness).is_none()
                        || self.result(ProbeKind::Readiness) == Some(ProbeResult::Success))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Pending => "Pending",
            Phase::Running => "Running",
            Phase::Succeeded => "Succeeded",
            Phase::Failed => "Failed",
        }
    }

    pub fn terminal(self) -> bool {
        matches!(self, Phase::Succeeded | Phase::Failed)
    }
}

pub struct PodRuntime {
    pub uid: String,
    pub name: String,
    pub namespace: String,
    pub node: usize,
    pub node_name: String,
    /// Shared with the status views, which are rebuilt often.
    pub host_ip: Rc<str>,
    pub pod_ip: Option<Rc<str>>,
    pub spec: PodSpec,
    pub created_at: Millis,
    pub containers: Vec<ContainerRuntime>,
    pub workers: Vec<Worker>,
    pub phase: Phase,
    pub initialized: bool,
    pub backoff: BackOff,
    /// The image manager's pull back-off for this pod's images.
    pub pull_backoff: images::PullBackOff,
    /// Deletion requested: (when, grace period).
    pub deletion: Option<(Millis, Millis)>,
    pub terminating_since: Option<Millis>,
    /// All containers stopped after deletion; the object can go.
    pub gone: bool,
    pub retry_queued: bool,
    /// ConfigMap and Secret volumes were set up.
    pub volumes_mounted: bool,
    pub status: Option<PodStatusView>,
    /// Status must be recomputed.
    pub dirty: bool,
    /// Status changed since the cluster last published it.
    pub changed: bool,
    pub readiness_gates: Vec<String>,
    /// resourceVersion of the latest published status (the store's counter).
    pub status_rv: u64,
    obj: ObjectRef,
    /// The pod as the probe log shares it.
    log_pod: Rc<probe_log::PodRef>,
}

impl PodRuntime {
    pub fn new(
        obj: ObjectRef,
        spec: PodSpec,
        node: usize,
        node_name: String,
        host_ip: String,
        created_at: Millis,
        readiness_gates: Vec<String>,
    ) -> PodRuntime {
        let containers = spec
            .containers
            .iter()
            .map(|c| {
                let overrides =
                    Overrides::for_container(&spec.annotations, &c.name).unwrap_or_default();
                let pull_failure = images::pull_failure(&c.image, overrides.image_pull);
                ContainerRuntime {
                    program: Program::for_container(c, overrides),
                    spec: c.clone(),
                    state: CState::NotCreated,
                    latest_exit: None,
                    prev_exit: None,
                    instances: 0,
                    results: [None; 3],
                    kill: None,
                    waiting: None,
                    waiting_backoff: 0,
                    pulling: false,
                    image_id: String::new(),
                    ever_started: false,
                    frozen: None,
                    obj: ObjectRef {
                        field_path: Some(c.field_path()),
                        ..obj.clone()
                    },
                    log_name: c.name.as_str().into(),
                    backoff_event: None,
                    pull_failure,
                    retry_start: false,
                }
            })
            .collect();
        PodRuntime {
            uid: obj.uid.clone(),
            name: obj.name.clone(),
            namespace: obj.namespace.clone(),
            node,
            node_name,
            host_ip: host_ip.into(),
            pod_ip: None,
            spec,
            created_at,
            containers,
            workers: Vec::new(),
            phase: Phase::Pending,
            initialized: false,
            backoff: BackOff::default(),
            pull_backoff: images::PullBackOff::default(),
            deletion: None,
            terminating_since: None,
            gone: false,
            retry_queued: false,
            volumes_mounted: false,
            status: None,
            dirty: true,
            changed: false,
            readiness_gates,
            status_rv: 0,
            log_pod: Rc::new(probe_log::PodRef {
                namespace: obj.namespace.clone(),
                name: obj.name.clone(),
                uid: obj.uid.clone(),
            }),
            obj,
        }
    }

    fn event(
        &self,
        ctx: &mut Ctx<'_>,
        container: Option<usize>,
        t: EventType,
        reason: &str,
        message: String,
    ) {
        let obj = match container {
            Some(c) => &self.containers[c].obj,
            None => &self.obj,
        };
        ctx.events
            .record(ctx.now, obj, t, reason, message, "kubelet", &self.node_name);
    }

    /// `<pod>_<namespace>(<uid>)`, the kubelet's `format.Pod`.
    fn format_pod(&self) -> String {
        format!("{}_{}({})", self.name, self.namespace, self.uid)
    }

    fn restart_policy(&self) -> RestartPolicy {
        self.spec.restart_policy
    }

    /// Handles one task. Never panics on stale tasks: they are ignored.
    pub fn handle(&mut self, ctx: &mut Ctx<'_>, id: PodId, task: Task) {
        if self.gone {
            return;
        }
        match task {
            Task::Admit => self.admit(ctx, id),
            Task::SandboxReady => {
                let node = &mut ctx.nodes[self.node];
                node.next_ip += 1;
                self.pod_ip = Some(format!("10.244.{}.{}", self.node + 1, node.next_ip).into());
                self.dirty = true;
                self.sync(ctx, id);
            }
            Task::Sync => {
                self.retry_queued = false;
                self.sync(ctx, id);
            }
            Task::Resync => {
                if self.phase.terminal() {
                    return;
                }
                self.sync(ctx, id);
                // A sync recomputes the status, which re-triggers unready readiness probes
                // (spec 18); nothing else in the status can have changed unseen.
                for wi in 0..self.workers.len() {
                    let w = &self.workers[wi];
                    let c = &self.containers[w.container];
                    if w.kind == ProbeKind::Readiness
                        && !w.manual_queued
                        && !w.stopped
                        && c.started()
                        && !c.ready()
                    {
                        self.workers[wi].manual_queued = true;
                        ctx.at(0, id, Task::Manual { worker: wi });
                    }
                }
                let next = RESYNC + ctx.rng.below(RESYNC / 2);
                ctx.at(next, id, Task::Resync);
            }
            Task::PullDone {
                container,
                requested_at,
            } => self.pull_done(ctx, id, container, requested_at),
            Task::Exited {
                container,
                instance,
                code,
            } => self.exited(ctx, id, container, instance, code),
            Task::Sigkill {
                container,
                instance,
            } => self.exited(ctx, id, container, instance, 137),
            Task::Tick { worker } => {
                if self.workers[worker].stopped {
                    return;
                }
                if self.trigger(ctx, id, worker) == Decision::Park {
                    // Nothing can change until an event wakes the worker (see `wake`):
                    // its ticks would be no-ops, so none are queued.
                    self.workers[worker].parked = true;
                } else {
                    let next = ctx.now + self.workers[worker].spec.period;
                    ctx.queue.push(next, (id, Task::Tick { worker }));
                }
            }
            Task::Manual { worker } => {
                self.workers[worker].manual_queued = false;
                if !self.workers[worker].stopped
                    && self.trigger(ctx, id, worker) != Decision::Park
                    && self.workers[worker].parked
                {
                    self.workers[worker].parked = false;
                    let next = self.workers[worker].next_tick_after(ctx.now);
                    ctx.queue.push(next, (id, Task::Tick { worker }));
                }
            }
            Task::ProbeDone {
                worker,
                instance,
                outcome,
            } => self.probe_done(ctx, id, worker, instance, *outcome),
        }
        if self.dirty {
            self.refresh_status(ctx, id);
        }
    }

    /// Spec 11: workers start when the pod is admitted, before any container runs.
    fn admit(&mut self, ctx: &mut Ctx<'_>, id: PodId) {
        for (ci, c) in self.containers.iter().enumerate() {
            if c.spec.role == Role::Init {
                continue;
            }
            for kind in ProbeKind::ALL {
                let Some(spec) = c.spec.probe(kind) else {
                    continue;
                };
                // Spec 13: jitter only right after the kubelet itself started.
                let since_kubelet = ctx.now as i64 - ctx.kubelet_started_at;
                let jitter = if since_kubelet < spec.period as i64 {
                    ctx.rng.below(spec.period)
                } else {
                    0
                };
                let w = self.workers.len();
                self.workers
                    .push(Worker::new(ci, spec.clone(), ctx.now + jitter));
                ctx.at(jitter, id, Task::Tick { worker: w });
            }
        }
        ctx.at(SANDBOX_SETUP, id, Task::SandboxReady);
        let resync = RESYNC + ctx.rng.below(RESYNC / 2);
        ctx.at(resync, id, Task::Resync);
        self.dirty = true;
    }

    fn trigger(&mut self, ctx: &mut Ctx<'_>, id: PodId, wi: usize) -> Decision {
        if self.workers[wi].busy {
            self.workers[wi].pending = true;
            return Decision::Wait;
        }
        self.do_probe(ctx, id, wi)
    }

    /// Resumes the parked workers of a container on their tick grid, after something they
    /// depend on changed (a new instance, an exit, `started`, a deletion).
    fn wake(&mut self, ctx: &mut Ctx<'_>, id: PodId, container: Option<usize>) {
        for (wi, w) in self.workers.iter_mut().enumerate() {
            if w.parked && !w.stopped && container.is_none_or(|c| c == w.container) {
                w.parked = false;
                let next = w.next_tick_at_or_after(ctx.now);
                ctx.queue.push(next, (id, Task::Tick { worker: wi }));
            }
        }
    }

    /// One `doProbe` (spec 14-17, 21): decides whether to probe now and starts the attempt.
    fn do_probe(&mut self, ctx: &mut Ctx<'_>, id: PodId, wi: usize) -> Decision {
        if self.phase.terminal() {
            self.workers[wi].stopped = true;
            return Decision::Park;
        }
        let ci = self.workers[wi].container;
        let kind = self.workers[wi].kind;
        let instance = self.containers[ci].instances;
        if instance == 0 {
            return Decision::Park; // no container ID yet
        }
        if self.workers[wi].seen_instance != instance {
            self.workers[wi].seen_instance = instance;
            self.workers[wi].on_hold = false;
            self.set_result(ctx, id, ci, kind, ProbeResult::initial(kind));
        }
        if self.workers[wi].on_hold {
            return Decision::Park;
        }
        let Some((run_instance, started_at)) = self.containers[ci]
            .running()
            .map(|r| (r.instance, r.started_at))
        else {
            self.set_result(ctx, id, ci, kind, ProbeResult::Failure);
            if self.restart_policy() == RestartPolicy::Never
                && self.containers[ci].spec.role == Role::Regular
            {
                self.workers[wi].stopped = true;
            }
            return Decision::Park;
        };
        if self.deletion.is_some() && kind != ProbeKind::Readiness {
            self.set_result(ctx, id, ci, kind, ProbeResult::Success);
            self.workers[wi].stopped = true;
            return Decision::Park;
        }
        // Spec 15: whole seconds since the (truncated) startedAt.
        let elapsed_s = (ctx.now - started_at / SECOND * SECOND) / SECOND;
        if elapsed_s < self.workers[wi].spec.initial_delay_s {
            return Decision::Wait;
        }
        let started = self.containers[ci].started();
        if (kind == ProbeKind::Startup) == started {
            return Decision::Park; // spec 17: startup idles once started; the others wait for it
        }
        let c = &self.containers[ci];
        let target = Target {
            spec: &c.spec,
            program: &c.program,
            uptime: ctx.now - started_at,
            trap: c.running().and_then(|r| r.trap.as_ref()),
            pod_ip: self.pod_ip.as_deref().unwrap_or(""),
        };
        let w = &self.workers[wi];
        let mut outcome = prober::run(&w.spec, &target);
        let mut tries = 1;
        while outcome.verdict == Verdict::Error && tries < PROBE_ERROR_RETRIES {
            outcome = prober::run(&w.spec, &target);
            tries += 1;
        }
        // A success that changes nothing (no event, streak already published) is applied at
        // once instead of after its few milliseconds of flight: the only difference would be a
        // manual trigger inside that flight starting its probe a few ms earlier.
        let steady = outcome.verdict == Verdict::Success
            && w.last_result == Some(ProbeResult::Success)
            && c.result(kind) == Some(ProbeResult::Success)
            && outcome.duration < w.spec.period;
        if steady {
            self.workers[wi].count(ProbeResult::Success);
            ctx.probe_log.push(ProbeRecord {
                at: ctx.now.saturating_add(outcome.duration.max(1)),
                pod: self.log_pod.clone(),
                container: c.log_name.clone(),
                kind,
                result: ProbeOutcome::Success,
                output: outcome.output,
            });
            return Decision::Probed;
        }
        self.workers[wi].busy = true;
        let delay = outcome.duration.max(1);
        ctx.at(
            delay,
            id,
            Task::ProbeDone {
                worker: wi,
                instance: run_instance,
                outcome: Box::new(outcome),
            },
        );
        Decision::Probed
    }

    fn probe_done(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: PodId,
        wi: usize,
        instance: u32,
        outcome: Outcome,
    ) {
        self.workers[wi].busy = false;
        let ci = self.workers[wi].container;
        let kind = self.workers[wi].kind;
        let label = kind.label();
        let logged = match outcome.verdict {
            Verdict::Success => ProbeOutcome::Success,
            Verdict::Warning => ProbeOutcome::Warning,
            Verdict::Error => ProbeOutcome::Error,
            Verdict::Failure if outcome.duration >= self.workers[wi].spec.timeout => {
                ProbeOutcome::Timeout
            }
            Verdict::Failure => ProbeOutcome::Failure,
        };
        ctx.probe_log.push(ProbeRecord {
            at: ctx.now,
            pod: self.log_pod.clone(),
            container: self.containers[ci].log_name.clone(),
            kind,
            result: logged,
            output: outcome.output.clone(),
        });
        let result = match outcome.verdict {
            Verdict::Error => {
                // Spec 22, 31: errored probes are reported and their result thrown away.
                self.event(
                    ctx,
                    Some(ci),
                    EventType::Warning,
                    "Unhealthy",
                    format!(
                        "{label} probe errored and resulted in unknown state: {}",
                        outcome.output
                    ),
                );
                None
            }
            Verdict::Warning => {
                self.event(
                    ctx,
                    Some(ci),
                    EventType::Warning,
                    "ProbeWarning",
                    format!("{label} probe warning: {}", outcome.output),
                );
                Some(ProbeResult::Success)
            }
            Verdict::Success => Some(ProbeResult::Success),
            Verdict::Failure => {
                // Repeats of the worker's last failure bump that event directly: a failing
                // probe is the commonest event by far.
                let w = &mut self.workers[wi];
                match &w.last_failure {
                    Some((output, event)) if *output == outcome.output => {
                        ctx.events.repeat(*event, ctx.now);
                    }
                    _ => {
                        let message = format!("{label} probe failed: {}", outcome.output);
                        let obj = &self.containers[ci].obj;
                        let event = ctx.events.record(
                            ctx.now,
                            obj,
                            EventType::Warning,
                            "Unhealthy",
                            message,
                            "kubelet",
                            &self.node_name,
                        );
                        self.workers[wi].last_failure = event.map(|e| (outcome.output, e));
                    }
                }
                Some(ProbeResult::Failure)
            }
        };
        if let Some(result) = result {
            if let Some(publish) = self.workers[wi].count(result) {
                // A result for an instance that is already gone lands on nothing.
                if self.containers[ci].instances == instance {
                    self.set_result(ctx, id, ci, kind, publish);
                }
            }
        }
        if self.workers[wi].pending && !self.workers[wi].stopped {
            self.workers[wi].pending = false;
            // A park decision here is taken up by the worker's next tick.
            self.do_probe(ctx, id, wi);
        }
    }

    /// Publishes a result; a change makes the kubelet sync the pod (spec 18, 36).
    fn set_result(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: PodId,
        ci: usize,
        kind: ProbeKind,
        r: ProbeResult,
    ) {
        let c = &mut self.containers[ci];
        if c.results[kind as usize] == Some(r) {
            return;
        }
        c.results[kind as usize] = Some(r);
        self.dirty = true;
        if kind == ProbeKind::Startup {
            self.wake(ctx, id, Some(ci));
        }
        let kill = kind != ProbeKind::Readiness && r == ProbeResult::Failure;
        if kill || kind != ProbeKind::Liveness {
            ctx.at(0, id, Task::Sync);
        }
    }

    /// The pod sync: kills for failed liveness/startup, starts and restarts (spec 36-41).
    fn sync(&mut self, ctx: &mut Ctx<'_>, id: PodId) {
        if self.phase.terminal() || self.pod_ip.is_none() {
            return;
        }
        if self.deletion.is_some() {
            self.sync_terminating(ctx, id);
            return;
        }
        if !self.volumes_mounted && !self.mount_volumes(ctx, id) {
            return;
        }
        for ci in 0..self.containers.len() {
            let c = &self.containers[ci];
            if c.running().is_none() || c.kill.is_some() {
                continue;
            }
            let failed = [ProbeKind::Liveness, ProbeKind::Startup]
                .into_iter()
                .find(|k| c.result(*k) == Some(ProbeResult::Failure));
            let Some(kind) = failed else {
                continue;
            };
            let restart = match c.spec.role {
                Role::Sidecar => true,
                _ => self.restart_policy() != RestartPolicy::Never,
            };
            let probe_grace = c.spec.probe(kind).and_then(|p| p.termination_grace_s);
            let grace = probe_grace
                .unwrap_or(self.spec.grace_s)
                .saturating_mul(SECOND);
            let what = if kind == ProbeKind::Liveness {
                "liveness"
            } else {
                "startup"
            };
            let mut message = format!("Container {} failed {what} probe", c.spec.name);
            if restart {
                message.push_str(", will be restarted");
            }
            let kill = Kill {
                restart_after: restart,
                prev_finish: c.latest_exit.as_ref().map(|t| t.finished_at),
            };
            if restart {
                self.containers[ci].frozen =
                    Some(status::container_view(ci, &self.containers[ci], true));
            }
            self.kill(ctx, id, ci, grace, kill, message);
        }
        // Kills, starts and back-off refusals mark the pod dirty themselves.
        self.start_what_is_due(ctx, id);
    }

    /// The volume manager: ConfigMap and Secret volumes must exist before any container
    /// starts; a missing one fails its SetUp (FailedMount) and is retried.
    fn mount_volumes(&mut self, ctx: &mut Ctx<'_>, id: PodId) -> bool {
        let failed = self.spec.volumes.iter().find_map(|v| {
            ctx.config
                .check(&self.namespace, &v.source)
                .err()
                .map(|e| (v.volume.clone(), e))
        });
        match failed {
            None => {
                self.volumes_mounted = true;
                true
            }
            Some((volume, error)) => {
                self.event(
                    ctx,
                    None,
                    EventType::Warning,
                    "FailedMount",
                    format!("MountVolume.SetUp failed for volume \"{volume}\" : {error}"),
                );
                if !self.retry_queued {
                    self.retry_queued = true;
                    ctx.at(SYNC_RETRY, id, Task::Sync);
                }
                false
            }
        }
    }

    fn start_what_is_due(&mut self, ctx: &mut Ctx<'_>, id: PodId) {
        let n = self.containers.len();
        if !self.initialized {
            let mut blocked = false;
            for ci in 0..n {
                let c = &self.containers[ci];
                if c.spec.role == Role::Regular {
                    break;
                }
                if c.pulling || c.kill.is_some() {
                    blocked = true;
                    break;
                }
                match (&c.state, c.spec.role) {
                    (CState::NotCreated, _) => {
                        if c.waiting.is_none() || c.retry_start {
                            self.start(ctx, id, ci);
                        }
                        blocked = true;
                    }
                    (CState::Running(_), Role::Sidecar) if c.started() => continue,
                    (CState::Running(_), _) => blocked = true,
                    (CState::Exited, Role::Init)
                        if c.latest_exit.as_ref().is_some_and(|t| t.exit_code == 0) =>
                    {
                        continue
                    }
                    (CState::Exited, role) => {
                        if role == Role::Sidecar || self.restart_policy() != RestartPolicy::Never {
                            self.try_restart(ctx, id, ci);
                        }
                        blocked = true;
                    }
                }
                break;
            }
            if blocked {
                return;
            }
            self.initialized = true;
            self.dirty = true;
        }
        for ci in 0..n {
            let c = &self.containers[ci];
            if c.spec.role == Role::Init || c.pulling || c.kill.is_some() {
                continue;
            }
            match &c.state {
                CState::NotCreated if c.waiting.is_none() || c.retry_start => {
                    self.start(ctx, id, ci)
                }
                CState::Exited => {
                    let code = c.latest_exit.as_ref().map_or(0, |t| t.exit_code);
                    let restart = c.spec.role == Role::Sidecar
                        || match self.restart_policy() {
                            RestartPolicy::Always => true,
                            RestartPolicy::OnFailure => code != 0,
                            RestartPolicy::Never => false,
                        };
                    if restart {
                        self.try_restart(ctx, id, ci);
                    }
                }
                _ => {}
            }
        }
    }

    /// `doBackOff` (spec 38) for a container whose latest instance exited.
    fn try_restart(&mut self, ctx: &mut Ctx<'_>, id: PodId, ci: usize) {
        let finished = self.containers[ci]
            .latest_exit
            .as_ref()
            .map_or(ctx.now, |t| t.finished_at);
        self.restart_with_backoff(ctx, id, ci, Some(finished));
    }

    fn restart_with_backoff(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: PodId,
        ci: usize,
        finished: Option<Millis>,
    ) {
        if let Some(f) = finished {
            if self.backoff.in_backoff_since(ci, f, ctx.now) {
                // The BackOff message never changes for a container: repeats bump it directly.
                match self.containers[ci].backoff_event {
                    Some(event) => ctx.events.repeat(event, ctx.now),
                    None => {
                        let name = &self.containers[ci].spec.name;
                        let message = format!(
                            "Back-off restarting failed container {name} in pod {}",
                            self.format_pod()
                        );
                        let event = ctx.events.record(
                            ctx.now,
                            &self.containers[ci].obj,
                            EventType::Warning,
                            "BackOff",
                            message,
                            "kubelet",
                            &self.node_name,
                        );
                        self.containers[ci].backoff_event = event;
                    }
                }
                // The waiting message changes only with the back-off itself.
                let backoff = self.backoff.get(ci);
                let c = &self.containers[ci];
                let current = matches!(c.waiting, Some(("CrashLoopBackOff", _)))
                    && c.waiting_backoff == backoff;
                if !current {
                    let message = format!(
                        "back-off {} restarting failed container={} pod={}",
                        go_duration(backoff),
                        c.spec.name,
                        self.format_pod()
                    );
                    let c = &mut self.containers[ci];
                    c.waiting = Some(("CrashLoopBackOff", message.into()));
                    c.waiting_backoff = backoff;
                }
                self.containers[ci].frozen = None;
                self.dirty = true;
                if !self.retry_queued {
                    self.retry_queued = true;
                    ctx.at(SYNC_RETRY, id, Task::Sync);
                }
                return;
            }
            self.backoff.next(ci, f, ctx.now);
        }
        self.start(ctx, id, ci);
    }

    /// Pulls the image if needed, then creates and starts the container.
    fn start(&mut self, ctx: &mut Ctx<'_>, id: PodId, ci: usize) {
        // The waiting reason (CrashLoopBackOff) stays until the new instance exists, as the
        // kubelet's reason cache does.
        let image = self.containers[ci].spec.image.clone();
        let policy = self.containers[ci].spec.pull_policy;
        self.containers[ci].retry_start = false;
        if let (Some(failure), false) = (
            self.containers[ci].pull_failure,
            policy == crate::podspec::PullPolicy::Never,
        ) {
            self.start_failing_pull(ctx, id, ci, &image, failure);
            self.dirty = true;
            return;
        }
        let node = &mut ctx.nodes[self.node];
        match images::plan(node, &image, policy, ctx.now) {
            images::Plan::Present => {
                self.event(
                    ctx,
                    Some(ci),
                    EventType::Normal,
                    "Pulled",
                    format!("Container image \"{image}\" already present on machine"),
                );
                self.create_and_start(ctx, id, ci);
            }
            images::Plan::Pull { done_at } => self.begin_pull(ctx, id, ci, &image, done_at),
            images::Plan::NeverPull => {
                let message =
                    format!("Container image \"{image}\" is not present with pull policy of Never");
                self.event(
                    ctx,
                    Some(ci),
                    EventType::Warning,
                    "ErrImageNeverPull",
                    message.clone(),
                );
                self.containers[ci].waiting = Some(("ErrImageNeverPull", message.into()));
            }
        }
        self.dirty = true;
    }

    /// `EnsureImageExists` for an image whose pulls fail: refused while in back-off
    /// (ImagePullBackOff), else a pull that fails at `PullDone`.
    fn start_failing_pull(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: PodId,
        ci: usize,
        image: &str,
        failure: images::PullFailure,
    ) {
        if self.pull_backoff.in_backoff(image, ctx.now) {
            self.event(
                ctx,
                Some(ci),
                EventType::Normal,
                "BackOff",
                format!("Back-off pulling image \"{image}\""),
            );
            self.event(
                ctx,
                Some(ci),
                EventType::Warning,
                "Failed",
                "Error: ImagePullBackOff".into(),
            );
            // 1.30+: the waiting message wraps the previous pull error.
            let message = format!(
                "Back-off pulling image \"{image}\": ErrImagePull: {}",
                images::pull_error(image, failure)
            );
            self.containers[ci].waiting = Some(("ImagePullBackOff", message.into()));
            self.pull_failed_retry(ctx, id, ci);
            return;
        }
        let done_at = images::plan_failing(&mut ctx.nodes[self.node], image, failure, ctx.now);
        self.begin_pull(ctx, id, ci, image, done_at);
    }

    /// A pull starts now (Pulling) and ends at `done_at` (`PullDone` says how).
    fn begin_pull(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: PodId,
        ci: usize,
        image: &str,
        done_at: Millis,
    ) {
        self.event(
            ctx,
            Some(ci),
            EventType::Normal,
            "Pulling",
            format!("Pulling image \"{image}\""),
        );
        self.containers[ci].pulling = true;
        let requested_at = ctx.now;
        let task = Task::PullDone {
            container: ci,
            requested_at,
        };
        ctx.queue.push(done_at, (id, task));
    }

    /// The pod sync failed (pull, container config): the pod worker retries after its
    /// back-off period.
    fn pull_failed_retry(&mut self, ctx: &mut Ctx<'_>, id: PodId, ci: usize) {
        self.containers[ci].retry_start = true;
        self.containers[ci].frozen = None;
        self.dirty = true;
        if !self.retry_queued {
            self.retry_queued = true;
            ctx.at(SYNC_RETRY, id, Task::Sync);
        }
    }

    fn pull_done(&mut self, ctx: &mut Ctx<'_>, id: PodId, ci: usize, requested_at: Millis) {
        self.containers[ci].pulling = false;
        if self.deletion.is_some() {
            self.sync(ctx, id);
            return;
        }
        let image = self.containers[ci].spec.image.clone();
        if let Some(failure) = self.containers[ci].pull_failure {
            let error = images::pull_error(&image, failure);
            self.event(
                ctx,
                Some(ci),
                EventType::Warning,
                "Failed",
                format!("Failed to pull image \"{image}\": {error}"),
            );
            self.pull_backoff.failed(&image, ctx.now);
            self.event(
                ctx,
                Some(ci),
                EventType::Warning,
                "Failed",
                "Error: ErrImagePull".into(),
            );
            self.containers[ci].waiting = Some(("ErrImagePull", error.into()));
            self.pull_failed_retry(ctx, id, ci);
            return;
        }
        let (pull_time, size) =
            images::finish(&mut ctx.nodes[self.node], &image, requested_at, ctx.now);
        self.event(
            ctx,
            Some(ci),
            EventType::Normal,
            "Pulled",
            format!(
                "Successfully pulled image \"{image}\" in {} ({} including waiting). Image size: {size} bytes.",
                go_duration(pull_time),
                go_duration(ctx.now - requested_at)
            ),
        );
        self.create_and_start(ctx, id, ci);
    }

    fn create_and_start(&mut self, ctx: &mut Ctx<'_>, id: PodId, ci: usize) {
        // generateContainerConfig: the environment's ConfigMaps and Secrets must resolve.
        let missing = self.containers[ci]
            .spec
            .config_refs
            .iter()
            .find_map(|r| ctx.config.check(&self.namespace, r).err());
        if let Some(message) = missing {
            self.event(
                ctx,
                Some(ci),
                EventType::Warning,
                "Failed",
                format!("Error: {message}"),
            );
            self.containers[ci].waiting = Some(("CreateContainerConfigError", message.into()));
            self.pull_failed_retry(ctx, id, ci);
            return;
        }
        let container_id: Rc<str> = format!("containerd://{}", ctx.rng.hex(64)).into();
        let c = &mut self.containers[ci];
        c.instances += 1;
        c.results = [None; 3];
        c.waiting = None;
        c.frozen = None;
        c.ever_started = true;
        c.image_id = images::image_id(&c.spec.image);
        c.state = CState::Running(Running {
            instance: c.instances,
            container_id,
            started_at: ctx.now,
            trap: None,
        });
        let instance = c.instances;
        let name = c.spec.name.clone();
        let exit = c.program.natural_exit();
        // 1.32+ wording (spec 35).
        self.event(
            ctx,
            Some(ci),
            EventType::Normal,
            "Created",
            format!("Created container: {name}"),
        );
        self.event(
            ctx,
            Some(ci),
            EventType::Normal,
            "Started",
            format!("Started container {name}"),
        );
        if let Some((after, code)) = exit {
            ctx.at(after, id, Task::exited(ci, instance, code));
        }
        self.dirty = true;
        self.wake(ctx, id, Some(ci));
        // The next init container may start as soon as this one counts as started.
        ctx.at(0, id, Task::Sync);
    }

    /// SIGTERM now, SIGKILL at the end of the grace period (spec 36).
    fn kill(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: PodId,
        ci: usize,
        grace: Millis,
        kill: Kill,
        message: String,
    ) {
        self.event(ctx, Some(ci), EventType::Normal, "Killing", message);
        let grace = grace.max(MIN_GRACE);
        let c = &mut self.containers[ci];
        c.kill = Some(kill);
        let CState::Running(run) = &mut c.state else {
            return;
        };
        let uptime = ctx.now - run.started_at;
        let (reaction, trap) = c.program.on_sigterm(uptime);
        run.trap = trap;
        let instance = run.instance;
        match reaction {
            Sigterm::Exit { after, code } if after < grace => {
                ctx.at(after, id, Task::exited(ci, instance, code))
            }
            _ => ctx.at(
                grace,
                id,
                Task::Sigkill {
                    container: ci,
                    instance,
                },
            ),
        }
        self.dirty = true;
    }

    fn exited(&mut self, ctx: &mut Ctx<'_>, id: PodId, ci: usize, instance: u32, code: i32) {
        let c = &mut self.containers[ci];
        let Some(run) = c.running() else {
            return;
        };
        if run.instance != instance {
            return;
        }
        let term = Terminated {
            exit_code: code,
            reason: if code == 0 { "Completed" } else { "Error" },
            started_at: run.started_at,
            finished_at: ctx.now,
            container_id: run.container_id.clone(),
        };
        c.prev_exit = c.latest_exit.replace(term);
        c.state = CState::Exited;
        let kill = c.kill.take();
        self.dirty = true;
        self.wake(ctx, id, Some(ci));
        if self.deletion.is_some() {
            self.sync_terminating(ctx, id);
            return;
        }
        match kill {
            // Spec 41: the restart was decided with the snapshot from before the kill.
            Some(Kill {
                restart_after: true,
                prev_finish,
            }) => self.restart_with_backoff(ctx, id, ci, prev_finish),
            // The kubelet learns about an exit it did not cause at its next PLEG relist (every
            // second) and only then syncs the pod: the exited state is visible until the restart.
            _ => ctx.at(PLEG_RELIST - ctx.now % PLEG_RELIST, id, Task::Sync),
        }
    }

    /// Deletion: stop regular containers, then sidecars (reverse order), then finish.
    fn sync_terminating(&mut self, ctx: &mut Ctx<'_>, id: PodId) {
        let Some((_, grace)) = self.deletion else {
            return;
        };
        let since = *self.terminating_since.get_or_insert(ctx.now);
        let remaining = since.saturating_add(grace).saturating_sub(ctx.now);
        let regular_running = self
            .containers
            .iter()
            .any(|c| c.spec.role == Role::Regular && c.running().is_some());
        let order: Vec<usize> = (0..self.containers.len()).rev().collect();
        for ci in order {
            let c = &self.containers[ci];
            if c.running().is_none() || c.kill.is_some() {
                continue;
            }
            if c.spec.role != Role::Regular && regular_running {
                continue;
            }
            let message = format!("Stopping container {}", c.spec.name);
            let kill = Kill {
                restart_after: false,
                prev_finish: None,
            };
            self.kill(ctx, id, ci, remaining, kill, message);
        }
        let all_stopped = self
            .containers
            .iter()
            .all(|c| c.running().is_none() && !c.pulling);
        if all_stopped {
            // Spec 43: a pod terminated for good is Succeeded only if every container succeeded.
            let all_ok = self
                .containers
                .iter()
                .filter(|c| c.spec.role == Role::Regular)
                .all(|c| c.latest_exit.as_ref().is_some_and(|t| t.exit_code == 0));
            self.phase = if all_ok {
                Phase::Succeeded
            } else {
                Phase::Failed
            };
            self.gone = true;
            for w in &mut self.workers {
                w.stopped = true;
            }
        }
        self.dirty = true;
    }

    /// Marks the pod for deletion with `grace` (the API's deletionGracePeriodSeconds).
    pub fn request_deletion(&mut self, ctx: &mut Ctx<'_>, id: PodId, grace: Millis) {
        if self.deletion.is_some() {
            return;
        }
        self.deletion = Some((ctx.now, grace));
        self.dirty = true;
        self.wake(ctx, id, None);
        ctx.at(0, id, Task::Sync);
        if self.pod_ip.is_none() || self.phase.terminal() {
            // Never got a sandbox, or every container has already stopped: nothing to stop,
            // the object goes at once.
            self.gone = true;
        }
    }

    fn refresh_status(&mut self, ctx: &mut Ctx<'_>, id: PodId) {
        self.dirty = false;
        let (view, triggers) = status::compute(self, ctx.now);
        for wi in triggers {
            let w = &mut self.workers[wi];
            if !w.manual_queued && !w.stopped {
                w.manual_queued = true;
                ctx.at(0, id, Task::Manual { worker: wi });
            }
        }
        if self.status.as_ref() != Some(&view) {
            self.phase = view.phase;
            self.status = Some(view);
            self.changed = true;
        }
    }

    pub fn obj_ref(&self) -> &ObjectRef {
        &self.obj
    }
}
