//! A sync operation (spec 55-65): sorted tasks run one (phase, wave) group per pass against
//! the simulated cluster; between passes the cluster runs, and running tasks are judged by
//! the health of their live objects.

use crate::health::{Assessor, HealthStatus};
use crate::sync::hooks::{self, DeletePolicy, HookProgress};
use crate::sync::kube::Kube;
use crate::sync::order;
use crate::sync::prune;
use crate::sync::tasks::{Action, Phase, ResultCode, SyncTask, TaskState};
use kubeplay_cluster::clock::{Millis, SECOND};

/// Argo CD waits this long after a wave that is not the last (65).
pub const WAVE_DELAY: Millis = 2 * SECOND;
/// How often a waiting operation looks at the cluster again.
pub const POLL: Millis = SECOND;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationPhase {
    Running,
    Succeeded,
    Failed,
}

impl OperationPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationPhase::Running => "Running",
            OperationPhase::Succeeded => "Succeeded",
            OperationPhase::Failed => "Failed",
        }
    }
}

/// Who started the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initiator {
    User,
    Automated,
    SelfHeal,
    Rollback,
}

impl Initiator {
    pub fn as_str(self) -> &'static str {
        match self {
            Initiator::User => "user",
            Initiator::Automated => "automated",
            Initiator::SelfHeal => "self-heal",
            Initiator::Rollback => "rollback",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OperationOptions {
    pub prune: bool,
    pub dry_run: bool,
    pub prune_last: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub revision: String,
    pub tasks: Vec<SyncTask>,
    pub phase: OperationPhase,
    pub message: String,
    pub started_at: Millis,
    pub finished_at: Option<Millis>,
    pub initiator: Initiator,
    pub options: OperationOptions,
    pub passes: u32,
    pub next_pass_at: Millis,
    /// Retries already made of this operation (spec 71).
    pub retry_count: u32,
    validated: bool,
    sync_fail_started: bool,
    /// More than one (phase, wave) group: then any running task blocks the next (60).
    multi_step: bool,
}

impl Operation {
    /// Orders the tasks: prune waves reversed, PruneLast, then phase/wave/kind/name (52-54).
    pub fn new(
        revision: &str,
        mut tasks: Vec<SyncTask>,
        options: OperationOptions,
        initiator: Initiator,
        now: Millis,
    ) -> Operation {
        prune::reverse_waves(&mut tasks);
        prune::prune_last(&mut tasks, options.prune_last);
        order::sort(&mut tasks);
        let mut groups: Vec<(Phase, i64)> = tasks
            .iter()
            .filter(|t| t.phase != Phase::SyncFail)
            .map(|t| (t.phase, t.wave))
            .collect();
        groups.dedup();
        Operation {
            revision: revision.to_string(),
            multi_step: groups.len() > 1,
            tasks,
            phase: OperationPhase::Running,
            message: String::new(),
            started_at: now,
            finished_at: None,
            initiator,
            options,
            passes: 0,
            next_pass_at: now,
            retry_count: 0,
            validated: false,
            sync_fail_started: false,
        }
    }

    pub fn is_running(&self) -> bool {
        self.phase == OperationPhase::Running
    }

    /// Tasks back to pending, for a retry of a failed operation.
    pub fn reset_for_retry(&mut self, now: Millis) {
        for t in &mut self.tasks {
            t.state = TaskState::Pending;
            t.result = None;
            t.action = Action::None;
            t.message.clear();
        }
        self.phase = OperationPhase::Running;
        self.message = format!("Retrying attempt #{}", self.retry_count);
        self.finished_at = None;
        self.validated = false;
        self.sync_fail_started = false;
        self.next_pass_at = now;
    }

    /// One pass (55): judge running tasks, handle failure, or run the next group.
    pub fn pass(&mut self, cluster: &mut dyn Kube, assessor: &Assessor, now: Millis) {
        if !self.is_running() {
            return;
        }
        self.passes += 1;
        self.next_pass_at = now + POLL;
        if !self.validated {
            self.validated = true;
            if !self.validate() {
                self.finish(cluster, OperationPhase::Failed, now);
                return;
            }
        }
        self.judge_running(cluster, assessor);
        if self.handle_failure(cluster, now) {
            return;
        }
        let running: Vec<usize> = (0..self.tasks.len())
            .filter(|&i| {
                self.tasks[i].state == TaskState::Running && self.tasks[i].phase != Phase::SyncFail
            })
            .collect();
        if !running.is_empty() && (self.multi_step || running.iter().any(|&i| self.tasks[i].hook)) {
            self.message = self.waiting_message(&running);
            return;
        }
        let Some(first) = self.next_pending() else {
            self.message = "successfully synced (no more tasks)".into();
            self.finish(cluster, OperationPhase::Succeeded, now);
            return;
        };
        let group = (self.tasks[first].phase, self.tasks[first].wave);
        let members: Vec<usize> = (0..self.tasks.len())
            .filter(|&i| {
                let t = &self.tasks[i];
                t.state == TaskState::Pending
                    && t.phase != Phase::SyncFail
                    && (t.phase, t.wave) == group
            })
            .collect();
        // (1) prunes first (57).
        let (prunes, applies): (Vec<usize>, Vec<usize>) =
            members.iter().partition(|&&i| self.tasks[i].is_prune());
        for i in prunes {
            self.run_prune(i, cluster);
        }
        // (2) old hook instances go first, and the pass ends to wait for that (57).
        let mut deleting = Vec::new();
        for &i in members.iter().filter(|&&i| self.tasks[i].hook) {
            let t = &self.tasks[i];
            if t.delete_policies
                .contains(&DeletePolicy::BeforeHookCreation)
                && get(cluster, t).is_some()
            {
                let _ = cluster.delete(&t.key.kind, &t.key.namespace, &t.key.name);
                deleting.push(i);
            }
        }
        if !deleting.is_empty() {
            self.message = waiting("deletion of hook", &self.tasks, &deleting, true);
            return;
        }
        // (3) apply, in runs of consecutive same-kind tasks (57).
        let has_hooks = members.iter().any(|&i| self.tasks[i].hook);
        for i in applies {
            self.run_apply(i, cluster);
        }
        if self.handle_failure(cluster, now) {
            return;
        }
        if self.next_pending().is_none() && !has_hooks {
            // Success without waiting for health (61).
            self.message = "successfully synced (all tasks run)".into();
            self.finish(cluster, OperationPhase::Succeeded, now);
            return;
        }
        let running: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| self.tasks[i].state == TaskState::Running)
            .collect();
        self.message = if running.is_empty() {
            format!("waiting for the next wave ({})", group.0.as_str())
        } else {
            self.waiting_message(&running)
        };
        self.next_pass_at = now + WAVE_DELAY;
    }

    fn next_pending(&self) -> Option<usize> {
        self.tasks
            .iter()
            .position(|t| t.state == TaskState::Pending && t.phase != Phase::SyncFail)
    }

    /// Client-side validation before anything runs (56).
    fn validate(&mut self) -> bool {
        let mut errors: Vec<String> = Vec::new();
        for t in &mut self.tasks {
            let obj = t.target.as_ref().or(t.live.as_ref());
            let problem = if t.key.kind.is_empty() {
                Some("Object 'Kind' is missing".to_string())
            } else if obj
                .and_then(|o| o.get("apiVersion"))
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .is_empty()
            {
                Some("Object 'apiVersion' is missing".to_string())
            } else if t.key.name.is_empty() {
                Some("resource name may not be empty".to_string())
            } else {
                None
            };
            if let Some(p) = problem {
                t.state = TaskState::Failed;
                t.result = Some(ResultCode::SyncFailed);
                t.action = Action::Failed;
                t.message = p.clone();
                if !errors.contains(&p) {
                    errors.push(p);
                }
            }
        }
        if errors.is_empty() {
            return true;
        }
        self.message = format!(
            "one or more synchronization tasks are not valid: {}",
            errors.join("; ")
        );
        false
    }

    /// Running tasks become Succeeded/Failed from live health (59-60).
    fn judge_running(&mut self, cluster: &dyn Kube, assessor: &Assessor) {
        for t in self
            .tasks
            .iter_mut()
            .filter(|t| t.state == TaskState::Running)
        {
            let live = get(cluster, t);
            if t.is_prune() {
                if live.is_none() {
                    t.state = TaskState::Succeeded;
                }
                continue;
            }
            let Some(live) = live else {
                t.state = TaskState::Failed;
                t.message = format!(
                    "Resource {}/{}/{} is missing, it might have been deleted",
                    t.key.group, t.key.kind, t.key.name
                );
                continue;
            };
            if t.hook {
                match hooks::progress(&live, &t.key.name, assessor) {
                    HookProgress::Running => {}
                    HookProgress::Succeeded(m) => {
                        t.state = TaskState::Succeeded;
                        t.message = m;
                    }
                    HookProgress::Failed(m) => {
                        t.state = TaskState::Failed;
                        t.message = m;
                    }
                }
                continue;
            }
            match assessor.assess(&live).map(|h| h.status) {
                None | Some(HealthStatus::Healthy) => t.state = TaskState::Succeeded,
                Some(HealthStatus::Degraded) => t.state = TaskState::Failed,
                _ => {}
            }
        }
    }

    /// After a failure: start SyncFail hooks and wait for them, then fail (63). True when
    /// the pass is over.
    fn handle_failure(&mut self, cluster: &mut dyn Kube, now: Millis) -> bool {
        let failed = self
            .tasks
            .iter()
            .any(|t| t.state == TaskState::Failed && t.phase != Phase::SyncFail);
        if !failed {
            return false;
        }
        let fail_hooks: Vec<usize> = (0..self.tasks.len())
            .filter(|&i| self.tasks[i].phase == Phase::SyncFail)
            .collect();
        if !self.sync_fail_started && !fail_hooks.is_empty() {
            self.sync_fail_started = true;
            for &i in &fail_hooks {
                self.run_apply(i, cluster);
            }
        }
        let waiting_on: Vec<usize> = fail_hooks
            .iter()
            .copied()
            .filter(|&i| self.tasks[i].state == TaskState::Running)
            .collect();
        if !waiting_on.is_empty() {
            self.message = self.waiting_message(&waiting_on);
            return true;
        }
        let apply_failed = self
            .tasks
            .iter()
            .any(|t| t.result == Some(ResultCode::SyncFailed));
        let mut reasons: Vec<String> = Vec::new();
        for t in self
            .tasks
            .iter()
            .filter(|t| t.state == TaskState::Failed && t.phase != Phase::SyncFail)
        {
            if !reasons.contains(&t.message) {
                reasons.push(t.message.clone());
            }
        }
        let head = if apply_failed {
            "one or more objects failed to apply"
        } else {
            "one or more synchronization tasks completed unsuccessfully"
        };
        self.message = format!("{head}, reason: {}", reasons.join(","));
        let hook_failures: Vec<String> = fail_hooks
            .iter()
            .filter(|&&i| self.tasks[i].state == TaskState::Failed)
            .map(|&i| self.tasks[i].message.clone())
            .collect();
        if !hook_failures.is_empty() {
            self.message.push_str(&format!(
                "\none or more SyncFail hooks failed, reason: {}",
                hook_failures.join(",")
            ));
        }
        self.finish(cluster, OperationPhase::Failed, now);
        true
    }

    fn run_prune(&mut self, i: usize, cluster: &mut dyn Kube) {
        let prune_enabled = self.options.prune;
        let t = &mut self.tasks[i];
        if let Some(reason) = prune::skip_reason(t, prune_enabled) {
            t.result = Some(ResultCode::PruneSkipped);
            t.message = reason.into();
            t.state = TaskState::Succeeded;
            return;
        }
        t.result = Some(ResultCode::Pruned);
        t.action = Action::Pruned;
        if self.options.dry_run {
            t.message = "pruned (dry run)".into();
            t.state = TaskState::Succeeded;
            return;
        }
        t.message = "pruned".into();
        let live = get(cluster, t);
        let deleting = live
            .as_ref()
            .and_then(|l| l.pointer("/metadata/deletionTimestamp"))
            .is_some_and(|d| !d.is_null());
        if live.is_some() && !deleting {
            if let Err(e) = cluster.delete(&t.key.kind, &t.key.namespace, &t.key.name) {
                t.result = Some(ResultCode::SyncFailed);
                t.action = Action::Failed;
                t.state = TaskState::Failed;
                t.message = e;
                return;
            }
        }
        t.state = if get(cluster, t).is_some() {
            TaskState::Running
        } else {
            TaskState::Succeeded
        };
    }

    fn run_apply(&mut self, i: usize, cluster: &mut dyn Kube) {
        let dry_run = self.options.dry_run;
        let t = &mut self.tasks[i];
        let Some(target) = t.target.clone() else {
            return;
        };
        if dry_run {
            t.result = Some(ResultCode::Synced);
            t.message = format!(
                "{}/{} configured (dry run)",
                t.key.kind.to_ascii_lowercase(),
                t.key.name
            );
            t.state = TaskState::Succeeded;
            return;
        }
        match cluster.apply(target) {
            Ok(summary) => {
                t.result = Some(ResultCode::Synced);
                t.action = if summary.ends_with(" created") {
                    Action::Created
                } else if summary.ends_with(" unchanged") {
                    Action::Unchanged
                } else {
                    Action::Configured
                };
                t.message = summary;
                t.state = TaskState::Running;
            }
            Err(e) => {
                t.result = Some(ResultCode::SyncFailed);
                t.action = Action::Failed;
                t.message = e;
                t.state = TaskState::Failed;
            }
        }
    }

    /// Ends the operation; hooks are deleted according to their policies (64).
    fn finish(&mut self, cluster: &mut dyn Kube, phase: OperationPhase, now: Millis) {
        self.phase = phase;
        self.finished_at = Some(now);
        let policy = if phase == OperationPhase::Succeeded {
            DeletePolicy::HookSucceeded
        } else {
            DeletePolicy::HookFailed
        };
        for t in &mut self.tasks {
            if phase == OperationPhase::Succeeded && t.state == TaskState::Running && !t.hook {
                t.state = TaskState::Succeeded;
            }
            let ran = t.state != TaskState::Pending;
            if t.hook && ran && t.delete_policies.contains(&policy) && !self.options.dry_run {
                let _ = cluster.delete(&t.key.kind, &t.key.namespace, &t.key.name);
            }
        }
    }

    fn waiting_message(&self, running: &[usize]) -> String {
        let prunes = running.iter().all(|&i| self.tasks[i].is_prune());
        let hooks = running.iter().any(|&i| self.tasks[i].hook);
        let reason = match (prunes, hooks) {
            (true, _) => "deletion of",
            (false, true) => "completion of hook",
            (false, false) => "healthy state of",
        };
        waiting(
            reason,
            &self.tasks,
            running,
            running.iter().all(|&i| self.tasks[i].hook),
        )
    }
}

/// "waiting for <reason> <group>/<kind>/<name>[ and <n> more resources|hooks]" (62).
fn waiting(reason: &str, tasks: &[SyncTask], which: &[usize], only_hooks: bool) -> String {
    let mut m = format!("waiting for {reason} {}", tasks[which[0]].describe());
    if which.len() > 1 {
        let noun = if only_hooks { "hooks" } else { "resources" };
        m.push_str(&format!(" and {} more {noun}", which.len() - 1));
    }
    m
}

fn get(cluster: &dyn Kube, t: &SyncTask) -> Option<serde_json::Value> {
    cluster.get(&t.key.kind, &t.key.namespace, &t.key.name)
}
