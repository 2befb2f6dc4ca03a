//! The application controller (seed section 5): for each Application it compares desired
//! and live state on a loop driven by the virtual clock, runs sync operations pass by pass,
//! and starts automated syncs and self-heal (spec 55-72).

pub mod autosync;
pub mod compare;
pub mod live_state;

use crate::activity::{ActivityKind, ActivityLog, Component};
use crate::app::{Application, Retry};
use crate::diff::normalize::LAST_APPLIED;
use crate::git::Repo;
use crate::health::Assessor;
use crate::hook::is_hook;
use crate::repo_server::RepoServer;
use crate::sync::hooks::generated_name;
use crate::sync::kube::Kube;
use crate::sync::tasks::{self, Phase, SyncTask};
use crate::sync::{Initiator, Operation, OperationOptions, OperationPhase};
use crate::tree::ResourceKey;
use autosync::{Decision, LastSync};
use compare::{Comparison, Condition, ConditionKind, SyncStatus};
use kubeplay_cluster::clock::{Millis, SECOND};
use kubeplay_cluster::Cluster;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// Apps are re-compared this often even without a change (72).
pub const RESYNC_PERIOD: Millis = 120 * SECOND;

/// Application objects applied by parent apps (app-of-apps). Argo CD keeps Applications as
/// custom resources; the simulated cluster has no CRDs, so the controller stores them.
#[derive(Debug, Clone, Default)]
pub struct AppObjects {
    pub objects: BTreeMap<(String, String), Value>,
}

fn is_application(obj: &Value) -> bool {
    obj.get("kind").and_then(Value::as_str) == Some("Application")
        && obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("argoproj.io/"))
}

/// The API a sync talks to: Application objects go to the controller's store, everything
/// else to the cluster.
struct Api<'a> {
    cluster: &'a mut Cluster,
    apps: &'a mut AppObjects,
}

impl Kube for Api<'_> {
    fn apply(&mut self, obj: Value) -> Result<String, String> {
        if !is_application(&obj) {
            return Kube::apply(self.cluster, obj);
        }
        let key = ResourceKey::of(&obj);
        let id = (key.namespace.clone(), key.name.clone());
        let summary = |verb: &str| format!("application.argoproj.io/{} {verb}", key.name);
        let mut stored = obj.clone();
        let verb = match self.apps.objects.get(&id) {
            None => "created",
            Some(old) => {
                stored["status"] = old.get("status").cloned().unwrap_or(Value::Null);
                let mut a = old.clone();
                let mut b = obj.clone();
                for v in [&mut a, &mut b] {
                    if let Some(m) = v.as_object_mut() {
                        m.remove("status");
                    }
                }
                if a == b {
                    "unchanged"
                } else {
                    "configured"
                }
            }
        };
        if stored["status"].is_null() {
            if let Some(m) = stored.as_object_mut() {
                m.remove("status");
            }
        }
        self.apps.objects.insert(id, stored);
        Ok(summary(verb))
    }

    fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        if kind == "Application" {
            if let Some(o) = self
                .apps
                .objects
                .get(&(namespace.to_string(), name.to_string()))
            {
                return Some(o.clone());
            }
        }
        Kube::get(&*self.cluster, kind, namespace, name)
    }

    fn delete(&mut self, kind: &str, namespace: &str, name: &str) -> Result<(), String> {
        let id = (namespace.to_string(), name.to_string());
        if kind == "Application" && self.apps.objects.remove(&id).is_some() {
            return Ok(());
        }
        Kube::delete(self.cluster, kind, namespace, name)
    }
}

/// Everything the controller works with, lent by the API facade.
pub struct Env<'a> {
    pub cluster: &'a mut Cluster,
    pub app_objects: &'a mut AppObjects,
    pub repo: &'a Repo,
    pub repo_server: &'a mut RepoServer,
    pub activity: &'a mut ActivityLog,
    pub assessor: &'a Assessor,
}

/// A successful sync, as the app's history lists it (rollback targets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub id: u32,
    pub revision: String,
    pub deployed_at: Millis,
    pub initiator: Initiator,
}

/// What a user asks for with "Sync".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncRequest {
    /// Defaults to the app's target revision.
    pub revision: Option<String>,
    pub prune: bool,
    pub dry_run: bool,
    /// Only these resources (all when None).
    pub resources: Option<Vec<ResourceKey>>,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub app: Application,
    pub comparison: Option<Comparison>,
    /// The running or the last operation.
    pub operation: Option<Operation>,
    pub history: Vec<HistoryEntry>,
    /// Conditions from syncing (the comparison carries its own).
    pub sync_conditions: Vec<Condition>,
    /// Events as Argo CD records them on the Application.
    pub events: Vec<(Millis, String)>,
    pub refresh_requested: bool,
    pub next_refresh: Millis,
    pub self_heal_attempts: u32,
    pub last_sync: Option<LastSync>,
    /// Created from an Application object a parent app synced.
    pub from_object: bool,
    compare_cache: compare::CompareCache,
    cluster_version_seen: u64,
    /// Comparisons made so far (the tree cache's key).
    pub(crate) comparisons: u64,
    next_history_id: u32,
}

impl AppState {
    fn new(app: Application) -> AppState {
        AppState {
            app,
            comparison: None,
            operation: None,
            history: Vec::new(),
            sync_conditions: Vec::new(),
            events: Vec::new(),
            refresh_requested: true,
            next_refresh: 0,
            self_heal_attempts: 0,
            last_sync: None,
            from_object: false,
            compare_cache: compare::CompareCache::default(),
            cluster_version_seen: u64::MAX,
            comparisons: 0,
            next_history_id: 0,
        }
    }

    pub fn operation_running(&self) -> bool {
        self.operation.as_ref().is_some_and(Operation::is_running)
    }

    pub fn sync_status(&self) -> SyncStatus {
        self.comparison
            .as_ref()
            .map_or(SyncStatus::Unknown, |c| c.sync_status)
    }

    /// Comparison and sync conditions together.
    pub fn conditions(&self) -> Vec<Condition> {
        let mut c = self
            .comparison
            .as_ref()
            .map(|c| c.conditions.clone())
            .unwrap_or_default();
        c.extend(self.sync_conditions.iter().cloned());
        c
    }
}

#[derive(Debug, Default)]
pub struct Controller {
    pub apps: Vec<AppState>,
}

impl Controller {
    pub fn new() -> Controller {
        Controller::default()
    }

    pub fn app(&self, name: &str) -> Option<&AppState> {
        self.apps.iter().find(|a| a.app.name == name)
    }

    pub fn app_mut(&mut self, name: &str) -> Option<&mut AppState> {
        self.apps.iter_mut().find(|a| a.app.name == name)
    }

    /// Adds an Application, or replaces its spec (the user edited it).
    pub fn upsert(&mut self, app: Application) {
        match self.app_mut(&app.name) {
            Some(s) => {
                s.app = app;
                s.refresh_requested = true;
            }
            None => self.apps.push(AppState::new(app)),
        }
    }

    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.apps.len();
        self.apps.retain(|a| a.app.name != name);
        before != self.apps.len()
    }

    /// Asks every app for a refresh (a new commit: Argo's webhook) or one app.
    pub fn request_refresh(&mut self, name: Option<&str>) {
        for a in self
            .apps
            .iter_mut()
            .filter(|a| name.is_none_or(|n| a.app.name == n))
        {
            a.refresh_requested = true;
        }
    }

    /// One round of the reconcile loop at virtual time `now`.
    pub fn tick(&mut self, env: &mut Env<'_>, now: Millis) {
        for state in &mut self.apps {
            reconcile(state, env, now);
        }
        self.adopt_children(env, now);
    }

    /// App-of-apps: Application objects that parent apps synced become apps of their own
    /// (and go when pruned); their objects show the child's sync and health status.
    fn adopt_children(&mut self, env: &mut Env<'_>, now: Millis) {
        for ((ns, name), obj) in &env.app_objects.objects {
            let mut spec = obj.clone();
            if let Some(m) = spec.as_object_mut() {
                m.remove("status");
            }
            let node = kubeplay_yaml::from_json(&spec);
            match Application::from_node(&node, &format!("Application {ns}/{name}")) {
                Ok(app) => {
                    let known = self.app(&app.name).map(|s| s.app.manifest == app.manifest);
                    if known != Some(true) {
                        env.activity.record_kind(
                            now,
                            Component::Controller,
                            ActivityKind::Other,
                            &app.name,
                            "child application adopted",
                        );
                        let child = app.name.clone();
                        self.upsert(app);
                        if let Some(s) = self.app_mut(&child) {
                            s.from_object = true;
                        }
                    }
                }
                Err(errs) => {
                    let msg: Vec<String> = errs.iter().map(ToString::to_string).collect();
                    env.activity.record_kind(
                        now,
                        Component::Controller,
                        ActivityKind::Other,
                        name,
                        format!("invalid child application: {}", msg.join("; ")),
                    );
                }
            }
        }
        let objects = &env.app_objects.objects;
        self.apps.retain(|a| {
            !a.from_object || objects.contains_key(&(a.app.namespace.clone(), a.app.name.clone()))
        });
        for s in &self.apps {
            let id = (s.app.namespace.clone(), s.app.name.clone());
            if let Some(o) = env.app_objects.objects.get_mut(&id) {
                let health = s
                    .comparison
                    .as_ref()
                    .map_or("Unknown", |c| c.health.status.as_str());
                o["status"] = json!({"sync": {"status": s.sync_status().as_str()}, "health": {"status": health}});
            }
        }
    }

    /// Starts a sync the user asked for.
    pub fn sync(
        &mut self,
        name: &str,
        req: &SyncRequest,
        env: &mut Env<'_>,
        now: Millis,
        initiator: Initiator,
    ) -> Result<(), String> {
        let state = self
            .app_mut(name)
            .ok_or_else(|| format!("application {name:?} not found"))?;
        if state.operation_running() {
            return Err("another operation is already in progress".into());
        }
        refresh(state, env, now);
        start(state, env, now, SyncStart::new(req, initiator, false))?;
        state.self_heal_attempts = 0;
        Ok(())
    }

    /// Rolls back to a history entry: turns automated sync off (as Argo CD requires) and
    /// syncs that revision.
    pub fn rollback(
        &mut self,
        name: &str,
        id: u32,
        env: &mut Env<'_>,
        now: Millis,
    ) -> Result<(), String> {
        let state = self
            .app_mut(name)
            .ok_or_else(|| format!("application {name:?} not found"))?;
        let entry = state
            .history
            .iter()
            .find(|h| h.id == id)
            .cloned()
            .ok_or_else(|| {
                format!("application {name:?} does not have deployment id '{id}' in history")
            })?;
        if state.operation_running() {
            return Err("another operation is already in progress".into());
        }
        if state.app.sync_policy.automated.take().is_some() {
            env.activity.record(
                now,
                Component::ApiServer,
                name,
                "rollback: automated sync disabled",
            );
        }
        let req = SyncRequest {
            revision: Some(entry.revision.clone()),
            ..SyncRequest::default()
        };
        refresh(state, env, now);
        start(
            state,
            env,
            now,
            SyncStart::new(&req, Initiator::Rollback, false),
        )
    }
}

fn reconcile(state: &mut AppState, env: &mut Env<'_>, now: Millis) {
    let name = state.app.name.clone();
    if let Some(op) = state
        .operation
        .as_mut()
        .filter(|o| o.is_running() && now >= o.next_pass_at)
    {
        let before = op.message.clone();
        run_pass(op, env, now);
        if op.message != before {
            env.activity.record_kind(
                now,
                Component::Controller,
                ActivityKind::Sync,
                &name,
                format!("sync: {}", op.message),
            );
        }
        if !op.is_running() {
            finished(state, env, now);
        }
        state.refresh_requested = true;
    }
    // The controller watches the cluster: any change there (the store-wide resourceVersion
    // moved) is a reason to compare again; probe ticks that change nothing are not.
    let version = env.cluster.resource_version();
    let due = now >= state.next_refresh;
    if state.refresh_requested || due || version != state.cluster_version_seen {
        if due || state.refresh_requested {
            env.activity.record_kind(
                now,
                Component::Controller,
                ActivityKind::Compare,
                &name,
                if due {
                    "resync: periodic refresh"
                } else {
                    "refresh requested"
                },
            );
        }
        refresh(state, env, now);
    }
    if state.operation_running() {
        return;
    }
    let Some(cmp) = state.comparison.as_ref() else {
        return;
    };
    let decision = autosync::decide(
        state.app.sync_policy.automated,
        false,
        cmp,
        state.last_sync.as_ref(),
        state.self_heal_attempts,
        now,
    );
    state
        .sync_conditions
        .retain(|c| c.kind != ConditionKind::SyncError);
    match decision {
        Decision::None | Decision::WaitUntil(_) => {}
        Decision::Condition(message) => state.sync_conditions.push(Condition {
            kind: ConditionKind::SyncError,
            message,
        }),
        Decision::Sync | Decision::SelfHeal => {
            let heal = decision == Decision::SelfHeal;
            let rev = cmp.revision.clone().unwrap_or_default();
            let req = SyncRequest {
                prune: state.app.sync_policy.automated.is_some_and(|a| a.prune),
                ..SyncRequest::default()
            };
            let initiator = if heal {
                Initiator::SelfHeal
            } else {
                Initiator::Automated
            };
            match start(state, env, now, SyncStart::new(&req, initiator, heal)) {
                Ok(()) => {
                    state
                        .events
                        .push((now, format!("Initiated automated sync to '{rev}'")));
                    if heal {
                        state.self_heal_attempts += 1;
                        env.activity.record_kind(
                            now,
                            Component::Controller,
                            ActivityKind::Sync,
                            &name,
                            format!(
                                "self-heal attempt {} (drift at {})",
                                state.self_heal_attempts,
                                &rev[..7.min(rev.len())]
                            ),
                        );
                    } else {
                        // The attempt counter is carried over only by self-heal syncs (70).
                        state.self_heal_attempts = 0;
                        env.activity.record_kind(
                            now,
                            Component::Controller,
                            ActivityKind::Sync,
                            &name,
                            format!("Initiated automated sync to '{rev}'"),
                        );
                    }
                }
                Err(message) => state.sync_conditions.push(Condition {
                    kind: ConditionKind::SyncError,
                    message,
                }),
            }
            // An operation that finished at once shows its outcome in the same round.
            if state.refresh_requested && !state.operation_running() {
                refresh(state, env, now);
            }
        }
    }
}

/// Renders (through the repo server and its cache) and compares.
fn refresh(state: &mut AppState, env: &mut Env<'_>, now: Millis) {
    // Like Argo CD's diff cache: only a re-comparison no one asked for (the cluster moved)
    // may keep unchanged resources' diffs; a requested refresh and the periodic resync
    // compare every resource again.
    let reuse_diffs = !state.refresh_requested && now < state.next_refresh;
    state.refresh_requested = false;
    state.next_refresh = now + RESYNC_PERIOD;
    state.cluster_version_seen = env.cluster.resource_version();
    let before = state
        .comparison
        .as_ref()
        .map(|c| (c.sync_status, c.health.status, c.revision.clone()));
    let previous = state.comparison.take();
    let cmp = compare_at(
        &state.app,
        None,
        &mut state.compare_cache,
        previous,
        reuse_diffs,
        env,
        now,
    );
    let after = (cmp.sync_status, cmp.health.status, cmp.revision.clone());
    if before.as_ref() != Some(&after) {
        env.activity.record_kind(
            now,
            Component::Controller,
            ActivityKind::Compare,
            &state.app.name,
            format!("compared: {} / {}", after.0.as_str(), after.1.as_str()),
        );
    }
    state.comparison = Some(cmp);
    state.comparisons += 1;
}

/// A comparison at the app's target revision or at `revision` (see [`compare::compare`]
/// for `previous` and `reuse_diffs`).
fn compare_at(
    app: &Application,
    revision: Option<&str>,
    cache: &mut compare::CompareCache,
    previous: Option<Comparison>,
    reuse_diffs: bool,
    env: &mut Env<'_>,
    now: Millis,
) -> Comparison {
    let mut app = app.clone();
    if let Some(r) = revision {
        app.source.target_revision = r.to_string();
    }
    let rendered = env.repo_server.render(env.repo, &app);
    let rev = env
        .repo
        .resolve(&app.source.target_revision)
        .map(|c| c.short().to_string())
        .unwrap_or_default();
    if rendered.cache_hit {
        env.activity.record_kind(
            now,
            Component::Redis,
            ActivityKind::CacheHit,
            &app.name,
            format!("manifest cache hit ({rev}, path {:?})", app.source.path),
        );
    } else {
        env.activity.record_kind(
            now,
            Component::Redis,
            ActivityKind::CacheMiss,
            &app.name,
            format!("manifest cache miss ({rev}, path {:?})", app.source.path),
        );
        let what = match &rendered.result {
            Ok(m) => format!(
                "rendered {} objects with {} at {rev}",
                m.objects.len(),
                m.source_type.as_str()
            ),
            Err(e) => format!("render failed: {e}"),
        };
        env.activity
            .record(now, Component::RepoServer, &app.name, what);
    }
    match rendered.result {
        Ok(m) => compare::compare(
            &app,
            &m,
            env.cluster,
            env.app_objects,
            env.assessor,
            cache,
            previous,
            reuse_diffs,
        ),
        Err(e) => compare::comparison_error(&app, &e, env.cluster, env.app_objects, env.assessor),
    }
}

/// What a sync is started with: the request, who asked, and whether only out-of-sync
/// resources are applied (self-heal).
#[derive(Clone, Copy)]
struct SyncStart<'r> {
    req: &'r SyncRequest,
    initiator: Initiator,
    only_out_of_sync: bool,
}

impl<'r> SyncStart<'r> {
    fn new(req: &'r SyncRequest, initiator: Initiator, only_out_of_sync: bool) -> Self {
        SyncStart {
            req,
            initiator,
            only_out_of_sync,
        }
    }
}

/// Builds the tasks of a sync and starts the operation (40-48, 66).
fn start(
    state: &mut AppState,
    env: &mut Env<'_>,
    now: Millis,
    how: SyncStart<'_>,
) -> Result<(), String> {
    // The app's own comparison is lent to the operation and put back, not copied.
    let cmp = match how.req.revision.as_deref() {
        Some(rev) => {
            let mut cache = compare::CompareCache::default();
            compare_at(&state.app, Some(rev), &mut cache, None, false, env, now)
        }
        None => state
            .comparison
            .take()
            .ok_or("the application has not been compared yet")?,
    };
    let result = start_from(state, &cmp, env, now, how);
    if how.req.revision.is_none() {
        state.comparison = Some(cmp);
    }
    result
}

/// [`start`] from a comparison.
fn start_from(
    state: &mut AppState,
    cmp: &Comparison,
    env: &mut Env<'_>,
    now: Millis,
    how: SyncStart<'_>,
) -> Result<(), String> {
    let SyncStart {
        req,
        initiator,
        only_out_of_sync,
    } = how;
    if let Some(e) = cmp
        .conditions
        .iter()
        .find(|c| c.kind == ConditionKind::ComparisonError)
    {
        return Err(format!("ComparisonError: {}", e.message));
    }
    let revision = cmp.revision.clone().unwrap_or_default();
    let opts = &state.app.sync_policy.options;
    let apply_only_out_of_sync = only_out_of_sync || opts.apply_out_of_sync_only;
    let selected = |key: &ResourceKey| req.resources.as_ref().is_none_or(|r| r.contains(key));
    let start_unix = now / SECOND;
    // Resources by group, kind and name, in the comparison's order.
    let mut by_name: HashMap<(&str, &str, &str), Vec<&compare::ResourceStatus>> = HashMap::new();
    for r in &cmp.resources {
        by_name
            .entry((&r.key.group, &r.key.kind, &r.key.name))
            .or_default()
            .push(r);
    }
    let mut desired = Vec::new();
    for t in &cmp.targets {
        let mut t = Value::clone(t);
        if is_hook(&t) {
            // Hooks always run (66), named if they have no name (44).
            let phase = crate::hook::hook_types(&t)
                .first()
                .copied()
                .unwrap_or("Sync");
            if let Some(n) = generated_name(&t, &revision, phase, start_unix) {
                t["metadata"]["name"] = json!(n);
            }
            if req.resources.is_none() {
                desired.push((t, None));
            }
            continue;
        }
        let key = ResourceKey::of(&t);
        let status = by_name
            .get(&(key.group.as_str(), key.kind.as_str(), key.name.as_str()))
            .and_then(|rs| {
                rs.iter()
                    .find(|r| r.key.namespace == key.namespace || r.key.namespace.is_empty())
            })
            .copied();
        if !selected(&status.map_or(key.clone(), |s| s.key.clone())) {
            continue;
        }
        if apply_only_out_of_sync && status.is_some_and(|s| s.status == SyncStatus::Synced) {
            continue;
        }
        let live = status.and_then(|s| s.diff.live.clone());
        with_last_applied(&mut t);
        desired.push((t, live));
    }
    let live_by_key: HashMap<ResourceKey, &Value> =
        if cmp.resources.iter().any(|r| r.requires_pruning) {
            let mut m = HashMap::new();
            for l in &cmp.live {
                m.entry(ResourceKey::of(l)).or_insert(&**l);
            }
            m
        } else {
            HashMap::new()
        };
    let prune: Vec<Value> = cmp
        .resources
        .iter()
        .filter(|r| r.requires_pruning && selected(&r.key))
        .filter_map(|r| live_by_key.get(&r.key).map(|l| Value::clone(l)))
        .collect();
    let mut tasks = tasks::build(&desired, &prune);
    let ns = &state.app.destination.namespace;
    let declares_ns = cmp.targets.iter().any(|t| {
        t.get("kind").and_then(Value::as_str) == Some("Namespace")
            && t.pointer("/metadata/name").and_then(Value::as_str) == Some(ns)
    });
    if opts.create_namespace && !ns.is_empty() && !declares_ns {
        // CreateNamespace=true: a Namespace task in PreSync (47).
        let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        let mut t = SyncTask::new(Phase::PreSync, Some(obj), None);
        t.wave = 0;
        tasks.push(t);
    }
    let options = OperationOptions {
        prune: req.prune,
        dry_run: req.dry_run,
        prune_last: opts.prune_last,
    };
    let op = Operation::new(&revision, tasks, options, initiator, now);
    env.activity.record_kind(
        now,
        Component::Controller,
        ActivityKind::Sync,
        &state.app.name,
        format!(
            "sync started ({}) to {}: {} tasks",
            initiator.as_str(),
            &revision[..7.min(revision.len())],
            op.tasks.len()
        ),
    );
    state.operation = Some(op);
    // Run the first pass right away: Argo starts the operation as soon as it is set.
    let op = state.operation.as_mut().expect("just set");
    run_pass(op, env, now);
    if !op.is_running() {
        finished(state, env, now);
    }
    Ok(())
}

/// One pass of an operation, against the cluster and the controller's Applications.
fn run_pass(op: &mut Operation, env: &mut Env<'_>, now: Millis) {
    let mut api = Api {
        cluster: env.cluster,
        apps: env.app_objects,
    };
    op.pass(&mut api, env.assessor, now);
}

/// kubectl apply records what it applied, for the next three-way diff (32).
fn with_last_applied(obj: &mut Value) {
    let mut copy = obj.clone();
    if let Some(a) = copy
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        a.shift_remove(LAST_APPLIED);
    }
    let text = copy.to_string();
    let meta = &mut obj["metadata"];
    if !meta["annotations"].is_object() {
        meta["annotations"] = json!({});
    }
    meta["annotations"][LAST_APPLIED] = json!(text);
}

/// Book-keeping when an operation ends: retry, history, last sync.
fn finished(state: &mut AppState, env: &mut Env<'_>, now: Millis) {
    let automated = state.app.sync_policy.automated.is_some();
    let retry: Option<Retry> = state
        .app
        .sync_policy
        .retry
        .or(automated.then(Retry::default));
    let name = state.app.name.clone();
    let Some(op) = state.operation.as_mut() else {
        return;
    };
    env.activity.record_kind(
        now,
        Component::Controller,
        ActivityKind::Sync,
        &name,
        format!("sync {}: {}", op.phase.as_str(), op.message),
    );
    if op.phase == OperationPhase::Failed {
        if let Some(r) = retry.filter(|r| op.retry_count < r.limit) {
            let delay = r.delay(op.retry_count);
            op.retry_count += 1;
            op.reset_for_retry(now + delay);
            env.activity.record_kind(
                now,
                Component::Controller,
                ActivityKind::Sync,
                &name,
                format!("retry #{} in {} s", op.retry_count, delay / SECOND),
            );
            return;
        }
    }
    if op.phase == OperationPhase::Succeeded && !op.options.dry_run {
        state.next_history_id += 1;
        state.history.push(HistoryEntry {
            id: state.next_history_id,
            revision: op.revision.clone(),
            deployed_at: now,
            initiator: op.initiator,
        });
    }
    if !op.options.dry_run {
        state.last_sync = Some(LastSync {
            revision: op.revision.clone(),
            phase: op.phase,
            message: op.message.clone(),
            finished_at: now,
        });
    }
    state.refresh_requested = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GitOps;
    use kubeplay_cluster::ClusterConfig;
    use kubeplay_vfs::FileTree;

    const FILES: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: 'nginx:1.25'}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {key: one}
---
apiVersion: v1
kind: Secret
metadata: {name: pw}
stringData: {password: p}
";

    const APP: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: demo}
spec:
  source: {repoURL: https://git.example/demo, path: app}
  destination: {namespace: default}
  ignoreDifferences:
  - {kind: ConfigMap, jsonPointers: [/data/ignored]}
";

    fn files(doc: &str) -> FileTree {
        let mut t = FileTree::new();
        t.write("/app/all.yaml", doc).unwrap();
        t
    }

    /// The app's comparison made now with nothing kept from earlier ones.
    fn from_scratch(g: &mut GitOps) -> Comparison {
        let app = g.app("demo").unwrap().app.clone();
        let now = g.now();
        let (mut env, _) = g.env();
        let mut cache = compare::CompareCache::default();
        compare_at(&app, None, &mut cache, None, false, &mut env, now)
    }

    fn assert_same_as_from_scratch(g: &mut GitOps, step: &str) {
        let kept = g.app("demo").unwrap().comparison.clone().unwrap();
        assert_eq!(kept, from_scratch(g), "after {step}");
    }

    #[test]
    fn kept_renders_normalisations_and_diffs_change_no_comparison() {
        let mut g = GitOps::new(
            "https://git.example/demo",
            Cluster::new(ClusterConfig::default()),
        );
        g.commit(files(FILES), "initial", "dev").unwrap();
        g.apply_applications(APP, "app.yaml").unwrap();
        g.refresh("demo");
        assert_same_as_from_scratch(&mut g, "the first refresh");
        g.sync("demo", &SyncRequest::default()).unwrap();
        g.run_until_idle(60_000).unwrap();
        g.advance(5_000).unwrap();
        assert_same_as_from_scratch(&mut g, "the sync");
        assert_eq!(g.app("demo").unwrap().sync_status(), SyncStatus::Synced);

        // Changed behind the controller's back: only the watch sees it (no refresh asked
        // for), so unchanged resources keep their diffs and the changed ones are redone.
        let mut cm = g.cluster.get("ConfigMap", "default", "cfg").unwrap();
        cm["data"]["key"] = json!("by hand");
        cm["data"]["ignored"] = json!("x");
        g.cluster.apply(cm).unwrap();
        let mut web = g.cluster.get("Deployment", "default", "web").unwrap();
        web["spec"]["replicas"] = json!(3);
        g.cluster.apply(web).unwrap();
        g.advance(1_000).unwrap();
        assert_same_as_from_scratch(&mut g, "drift");
        let cmp = g.app("demo").unwrap().comparison.clone().unwrap();
        let cfg = cmp.resource_named("cfg").unwrap();
        assert_eq!(cfg.status, SyncStatus::OutOfSync);
        assert_eq!(cfg.diff.changes.len(), 1, "{:?}", cfg.diff.changes);
        assert_eq!(cmp.resource_named("pw").unwrap().status, SyncStatus::Synced);
        g.cluster.delete("Secret", "default", "pw").unwrap();
        g.advance(1_000).unwrap();
        assert_same_as_from_scratch(&mut g, "a deletion");
        let cmp = g.app("demo").unwrap().comparison.clone().unwrap();
        assert!(cmp.resource_named("pw").unwrap().diff.live.is_none());

        // A new revision and new ignore rules: prepared again.
        g.commit(files(&FILES.replace("key: one", "key: two")), "two", "dev")
            .unwrap();
        g.refresh("demo");
        assert_same_as_from_scratch(&mut g, "a new revision");
        g.apply_applications(&APP.replace("/data/ignored", "/data/key"), "app.yaml")
            .unwrap();
        g.refresh("demo");
        assert_same_as_from_scratch(&mut g, "new ignore rules");
        // The key is ignored now, and the field added by hand was never ours (two-way).
        let cmp = g.app("demo").unwrap().comparison.clone().unwrap();
        let cfg = cmp.resource_named("cfg").unwrap();
        assert_eq!(cfg.status, SyncStatus::Synced, "{:?}", cfg.diff.changes);
    }
}
