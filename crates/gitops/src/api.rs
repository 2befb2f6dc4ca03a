//! The API server facade (seed section 5): what the page and the CLI call. It owns the
//! components (Git repository, repo server with its cache, application controller,
//! simulated cluster), runs them on the virtual clock and records their activity.

use crate::activity::{ActivityLog, Component};
use crate::app::{Application, Automated, SpecError};
use crate::controller::compare::{self, SyncStatus};
use crate::controller::{AppObjects, AppState, Controller, Env, SyncRequest};
use crate::git::{GitError, Repo};
use crate::health::{Assessor, Health, HealthStatus};
use crate::repo_server::RepoServer;
use crate::tree::{self, ResourceKey, Tree};
use kubeplay_cluster::clock::{Millis, SECOND};
use kubeplay_cluster::{Cluster, SimError};
use kubeplay_vfs::FileTree;
use serde_json::{json, Value};

/// The controller looks at its apps this often (its work queue, in virtual time).
pub const TICK: Millis = SECOND;

/// One node of an app's tree with its sync status (managed resources only).
#[derive(Debug, Clone, PartialEq)]
pub struct AppTreeNode {
    pub key: ResourceKey,
    pub parents: Vec<usize>,
    pub info: Vec<(String, String)>,
    pub health: Option<Health>,
    pub sync: Option<SyncStatus>,
}

/// What a tree node shows beyond its info pairs (see [`GitOps::tree_details`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeDetails {
    /// Pods: the first container in trouble and why: its waiting reason (CrashLoopBackOff,
    /// ImagePullBackOff ...), its termination reason when it failed, or "NotReady".
    pub failing_container: Option<(String, String)>,
    /// ReplicaSets: the `deployment.kubernetes.io/revision` annotation (Argo CD shows the
    /// newest revision first).
    pub revision: Option<i64>,
}

/// The last tree built. Its shape (nodes, edges, health, info) holds while the cluster and
/// the app's tracked live objects are unchanged, as Argo CD's cluster cache keeps the
/// hierarchy between requests; sync status and Missing nodes come from each comparison.
#[derive(Debug, Default)]
struct TreeCache {
    app: String,
    cluster_version: u64,
    /// The comparison's live objects the shape was built from (held, so the identity
    /// test cannot be fooled by a reused allocation).
    live: Vec<std::sync::Arc<Value>>,
    shape: Vec<AppTreeNode>,
    comparisons: u64,
    nodes: Vec<AppTreeNode>,
    details: Option<Vec<NodeDetails>>,
}

impl TreeCache {
    fn same_shape(&self, app: &str, cluster_version: u64, live: &[std::sync::Arc<Value>]) -> bool {
        self.app == app
            && self.cluster_version == cluster_version
            && self.live.len() == live.len()
            && self
                .live
                .iter()
                .zip(live)
                .all(|(a, b)| std::sync::Arc::ptr_eq(a, b))
    }
}

/// The tree's shape with the comparison's sync status on managed nodes, and its desired
/// objects that are not live as Missing nodes.
fn with_sync(mut nodes: Vec<AppTreeNode>, cmp: &compare::Comparison) -> Vec<AppTreeNode> {
    let statuses: std::collections::HashMap<&ResourceKey, SyncStatus> =
        cmp.resources.iter().map(|r| (&r.key, r.status)).collect();
    for n in &mut nodes {
        n.sync = statuses.get(&n.key).copied();
    }
    for r in cmp.resources.iter().filter(|r| r.diff.live.is_none()) {
        nodes.push(AppTreeNode {
            key: r.key.clone(),
            parents: Vec::new(),
            info: Vec::new(),
            health: Some(Health::new(HealthStatus::Missing, "")),
            sync: Some(r.status),
        });
    }
    nodes
}

/// The container of a pod that is in trouble, with the reason the API shows.
pub fn failing_container(pod: &Value) -> Option<(String, String)> {
    let statuses = ["initContainerStatuses", "containerStatuses"]
        .iter()
        .flat_map(|f| pod["status"][*f].as_array().into_iter().flatten());
    let succeeded = pod["status"]["phase"] == "Succeeded";
    let mut not_ready = None;
    for c in statuses {
        let name = c["name"].as_str().unwrap_or("").to_string();
        let state = &c["state"];
        if let Some(reason) = state["waiting"]["reason"].as_str() {
            if !matches!(reason, "ContainerCreating" | "PodInitializing") {
                return Some((name, reason.to_string()));
            }
        }
        let terminated = &state["terminated"];
        if let Some(code) = terminated["exitCode"].as_i64().filter(|c| *c != 0) {
            let reason = terminated["reason"]
                .as_str()
                .map_or_else(|| format!("ExitCode:{code}"), str::to_string);
            return Some((name, reason));
        }
        let running = state["running"].is_object();
        if running && c["ready"] == false && not_ready.is_none() && !succeeded {
            not_ready = Some((name, "NotReady".to_string()));
        }
    }
    not_ready
}

pub struct GitOps {
    pub repo: Repo,
    pub repo_server: RepoServer,
    pub controller: Controller,
    pub cluster: Cluster,
    /// Application objects created by parent apps (app-of-apps).
    pub app_objects: AppObjects,
    pub activity: ActivityLog,
    pub assessor: Assessor,
    /// The page asks for the tree every frame; most frames nothing changed.
    tree_cache: std::cell::RefCell<Option<TreeCache>>,
}

impl GitOps {
    pub fn new(repo_url: &str, cluster: Cluster) -> GitOps {
        GitOps {
            repo: Repo::new(repo_url),
            repo_server: RepoServer::new(),
            controller: Controller::new(),
            cluster,
            app_objects: AppObjects::default(),
            activity: ActivityLog::default(),
            assessor: Assessor::new(),
            tree_cache: std::cell::RefCell::new(None),
        }
    }

    pub fn now(&self) -> Millis {
        self.cluster.now()
    }

    pub(crate) fn env(&mut self) -> (Env<'_>, &mut Controller) {
        (
            Env {
                cluster: &mut self.cluster,
                app_objects: &mut self.app_objects,
                repo: &self.repo,
                repo_server: &mut self.repo_server,
                activity: &mut self.activity,
                assessor: &self.assessor,
            },
            &mut self.controller,
        )
    }

    /// Saves an edit as a commit on the branch; apps are told at once (Argo's Git webhook).
    pub fn commit(
        &mut self,
        tree: FileTree,
        message: &str,
        author: &str,
    ) -> Result<String, GitError> {
        let now = self.now();
        let id = self.repo.commit(tree, message, author, now)?;
        self.activity.record(
            now,
            Component::ApiServer,
            "",
            format!("commit {} {message:?}", &id[..7]),
        );
        self.controller.request_refresh(None);
        Ok(id)
    }

    /// Creates or updates the Applications of a YAML file; returns their names.
    pub fn apply_applications(
        &mut self,
        yaml: &str,
        file: &str,
    ) -> Result<Vec<String>, Vec<SpecError>> {
        let apps = Application::parse_all(yaml, file)?;
        let now = self.now();
        let mut names = Vec::new();
        for app in apps {
            self.activity.record(
                now,
                Component::ApiServer,
                &app.name,
                "application created/updated",
            );
            names.push(app.name.clone());
            self.controller.upsert(app);
        }
        Ok(names)
    }

    pub fn app(&self, name: &str) -> Option<&AppState> {
        self.controller.app(name)
    }

    /// Compares one app now (the Refresh button).
    pub fn refresh(&mut self, name: &str) {
        self.compare_now(Some(name));
    }

    /// Compares every app now, in one controller pass (after a commit, say).
    pub fn refresh_all(&mut self) {
        self.compare_now(None);
    }

    fn compare_now(&mut self, name: Option<&str>) {
        self.controller.request_refresh(name);
        let now = self.now();
        let (mut env, controller) = self.env();
        controller.tick(&mut env, now);
    }

    pub fn sync(&mut self, name: &str, req: &SyncRequest) -> Result<(), String> {
        let now = self.now();
        self.activity
            .record(now, Component::ApiServer, name, "sync requested");
        let (mut env, controller) = self.env();
        controller.sync(name, req, &mut env, now, crate::sync::Initiator::User)
    }

    pub fn rollback(&mut self, name: &str, history_id: u32) -> Result<(), String> {
        let now = self.now();
        self.activity.record(
            now,
            Component::ApiServer,
            name,
            format!("rollback to history id {history_id}"),
        );
        let (mut env, controller) = self.env();
        controller.rollback(name, history_id, &mut env, now)
    }

    /// Turns automated sync on or off (the app's "Enable Auto-Sync").
    pub fn set_automated(
        &mut self,
        name: &str,
        automated: Option<Automated>,
    ) -> Result<(), String> {
        let state = self
            .controller
            .app_mut(name)
            .ok_or_else(|| format!("application {name:?} not found"))?;
        state.app.sync_policy.automated = automated;
        state.refresh_requested = true;
        Ok(())
    }

    /// Runs the cluster and the controller until `t`, one controller tick per second.
    pub fn run_until(&mut self, t: Millis) -> Result<(), SimError> {
        let mut now = self.now();
        while now < t {
            let next = (now / TICK + 1) * TICK;
            let next = next.min(t);
            self.cluster.run_until(next)?;
            now = next;
            let (mut env, controller) = self.env();
            controller.tick(&mut env, now);
        }
        Ok(())
    }

    pub fn advance(&mut self, ms: Millis) -> Result<(), SimError> {
        self.run_until(self.now() + ms)
    }

    /// Runs until no app has an operation running, or `limit` ms passed; true if idle.
    pub fn run_until_idle(&mut self, limit: Millis) -> Result<bool, SimError> {
        let end = self.now() + limit;
        while self.now() < end {
            if !self.controller.apps.iter().any(AppState::operation_running) {
                return Ok(true);
            }
            self.advance(TICK)?;
        }
        Ok(!self.controller.apps.iter().any(AppState::operation_running))
    }

    /// `kubectl scale`: drift made by hand.
    pub fn scale(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        replicas: i64,
    ) -> Result<String, String> {
        let mut obj = self
            .cluster
            .get(kind, namespace, name)
            .ok_or_else(|| format!("{kind} {name:?} not found"))?;
        obj["spec"]["replicas"] = json!(replicas);
        self.edit(obj)
    }

    /// `kubectl edit`: the object as the user changed it.
    pub fn edit(&mut self, obj: Value) -> Result<String, String> {
        let now = self.now();
        let r = self.cluster.apply(obj).map_err(|e| e.to_string())?;
        self.activity
            .record(now, Component::Cluster, "", format!("user: {}", r.summary));
        self.controller.request_refresh(None);
        Ok(r.summary)
    }

    /// `kubectl delete`.
    pub fn delete_live(&mut self, kind: &str, namespace: &str, name: &str) -> Result<(), String> {
        let now = self.now();
        self.cluster
            .delete(kind, namespace, name)
            .map_err(|e| e.to_string())?;
        self.activity.record(
            now,
            Component::Cluster,
            "",
            format!("user: {} {name} deleted", kind.to_ascii_lowercase()),
        );
        self.controller.request_refresh(None);
        Ok(())
    }

    /// The app's resource tree: managed live objects, what they own, and desired objects
    /// that are missing (health Missing), with sync status on managed nodes.
    ///
    /// The tree is built again only when the cluster changed (its resourceVersion moved) or
    /// the app was compared again since the last call; otherwise the last one is returned.
    pub fn tree(&self, name: &str) -> Vec<AppTreeNode> {
        let Some(state) = self.controller.app(name) else {
            return Vec::new();
        };
        let Some(cmp) = &state.comparison else {
            return Vec::new();
        };
        let version = self.cluster.resource_version();
        let mut cache = self.tree_cache.borrow_mut();
        match cache.as_mut() {
            Some(c) if c.same_shape(name, version, &cmp.live) => {
                if c.comparisons != state.comparisons {
                    c.nodes = with_sync(c.shape.clone(), cmp);
                    c.comparisons = state.comparisons;
                    c.details = None;
                }
                c.nodes.clone()
            }
            _ => {
                let shape = self.tree_shape(cmp);
                let nodes = with_sync(shape.clone(), cmp);
                *cache = Some(TreeCache {
                    app: name.to_string(),
                    cluster_version: version,
                    live: cmp.live.clone(),
                    shape,
                    comparisons: state.comparisons,
                    nodes: nodes.clone(),
                    details: None,
                });
                nodes
            }
        }
    }

    /// The tree with each node's details (failing container of pods, revision of
    /// ReplicaSets), index for index; cached like [`GitOps::tree`].
    pub fn tree_details(&self, name: &str) -> Vec<(AppTreeNode, NodeDetails)> {
        let nodes = self.tree(name);
        let cached = self
            .tree_cache
            .borrow()
            .as_ref()
            .and_then(|c| c.details.clone())
            .filter(|d| d.len() == nodes.len());
        let details = cached.unwrap_or_else(|| {
            let details: Vec<NodeDetails> = nodes.iter().map(|n| self.node_details(n)).collect();
            if let Some(c) = self.tree_cache.borrow_mut().as_mut() {
                c.details = Some(details.clone());
            }
            details
        });
        nodes.into_iter().zip(details).collect()
    }

    fn node_details(&self, n: &AppTreeNode) -> NodeDetails {
        let k = &n.key;
        match (k.group.as_str(), k.kind.as_str()) {
            ("", "Pod") => NodeDetails {
                failing_container: self
                    .cluster
                    .get("Pod", &k.namespace, &k.name)
                    .and_then(|p| failing_container(&p)),
                revision: None,
            },
            ("apps", "ReplicaSet") => NodeDetails {
                failing_container: None,
                revision: self
                    .cluster
                    .get("ReplicaSet", &k.namespace, &k.name)
                    .and_then(|rs| {
                        rs.pointer("/metadata/annotations/deployment.kubernetes.io~1revision")
                            .and_then(Value::as_str)
                            .and_then(|r| r.parse().ok())
                    }),
            },
            _ => NodeDetails::default(),
        }
    }

    /// The tree's nodes without sync status: managed live objects and their descendants.
    fn tree_shape(&self, cmp: &compare::Comparison) -> Vec<AppTreeNode> {
        let namespaces: std::collections::BTreeSet<&str> = cmp
            .live
            .iter()
            .filter_map(|l| l.pointer("/metadata/namespace").and_then(Value::as_str))
            .collect();
        let mut others = Vec::new();
        for kind in tree::CHILD_KINDS {
            for ns in &namespaces {
                others.extend(self.cluster.list_namespaced(kind, ns));
            }
        }
        let tree: Tree = tree::build_app(&cmp.live, &others, &self.assessor);
        tree.nodes
            .into_iter()
            .map(|n| AppTreeNode {
                key: n.key,
                parents: n.parents,
                info: n.info,
                health: n.health,
                sync: None,
            })
            .collect()
    }

    /// The tree as text: one line per node, children indented under their parent.
    pub fn tree_text(&self, name: &str) -> String {
        let nodes = self.tree(name);
        let mut out = String::new();
        fn walk(nodes: &[AppTreeNode], i: usize, depth: usize, out: &mut String) {
            let n = &nodes[i];
            let kind = if n.key.group.is_empty() {
                n.key.kind.clone()
            } else {
                format!("{}/{}", n.key.group, n.key.kind)
            };
            let health = n.health.as_ref().map_or(String::new(), |h| {
                if h.message.is_empty() {
                    h.status.to_string()
                } else {
                    format!("{} ({})", h.status, h.message)
                }
            });
            let sync = n.sync.map_or("", SyncStatus::as_str);
            let info: Vec<String> = n
                .info
                .iter()
                .filter(|(k, _)| k != "Node")
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            let line = format!(
                "{}{kind} {}{}  {sync}  {health}{}",
                "  ".repeat(depth),
                if n.key.namespace.is_empty() {
                    String::new()
                } else {
                    format!("{}/", n.key.namespace)
                },
                n.key.name,
                if info.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", info.join(", "))
                }
            );
            out.push_str(line.trim_end());
            out.push('\n');
            for c in (0..nodes.len()).filter(|c| nodes[*c].parents.contains(&i)) {
                walk(nodes, c, depth + 1, out);
            }
        }
        for r in (0..nodes.len()).filter(|i| nodes[*i].parents.is_empty()) {
            walk(&nodes, r, 0, &mut out);
        }
        out
    }

    /// The live objects an app tracks (for display).
    pub fn tracked(&self, name: &str) -> Vec<Value> {
        compare::tracked_live(&self.cluster, &self.app_objects, name, std::iter::empty())
    }
}
