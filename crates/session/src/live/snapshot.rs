//! What the live views draw after each command: only what is visible (the tree's boxes with
//! their badges, the header, the selected node's open tab, the architecture view), never
//! every object's YAML, so a snapshot stays small when it crosses to the page as JSON.

use super::app_file::AppFileEdit;
use super::command::{DetailsTab, Policy, TreeFilter};
use kubeplay_views::architecture::ArchitectureView;
use kubeplay_views::diff_view::{AppDiffSummary, DiffMode, DiffRows, ResourceChange};
use kubeplay_views::pod_lifecycle::PodLifecycle;
use kubeplay_views::probe_timeline::ProbeTimeline;
use kubeplay_views::tree_layout::FailingContainer;
use serde::{Deserialize, Serialize};

/// The parts are boxed so the snapshot stays small where it is moved by value (the
/// protocol's reply enum).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveSnapshot {
    /// Virtual time now (ms since the simulation started).
    pub now: u64,
    /// Every application, for the app list.
    pub apps: Vec<AppSummary>,
    /// The selected application's header.
    pub app: Option<Box<AppHeader>>,
    pub tree: Box<TreeView>,
    /// The list view's rows (only when it is on).
    pub list: Option<Vec<TreeNode>>,
    pub details: Option<Box<NodeDetails>>,
    /// The whole-app diff (only while the Sync dialog asks for it).
    pub app_diff: Option<Box<AppDiff>>,
    pub architecture: Box<ArchitectureView>,
    /// The Helm panel (only while it is shown).
    pub helm: Option<Box<super::helm::HelmView>>,
    /// The view state the page's controls show.
    pub view: ViewEcho,
    /// The answer to the last command when it was refused, said in a sentence.
    pub error: Option<String>,
    /// What the last command did, when it is worth saying ("ignore rule added ...").
    pub notice: Option<String>,
    /// A rule the page writes into an Application's file in its workspace (the page owns
    /// the files; the session only has the commits).
    pub file_edit: Option<Box<AppFileEdit>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ViewEcho {
    pub filter: TreeFilter,
    pub list_view: bool,
    pub diff_mode: DiffMode,
    pub tab: DetailsTab,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppSummary {
    pub name: String,
    pub sync: String,
    pub health: String,
    pub operation: Option<String>,
    /// Created by the page for a workspace without Application manifests.
    pub implicit: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppHeader {
    pub name: String,
    pub project: String,
    pub repo_url: String,
    pub path: String,
    pub target_revision: String,
    pub destination_namespace: String,
    /// "Kustomize", "Helm", "Directory" once rendered.
    pub source_type: String,
    pub sync: String,
    pub health: String,
    pub health_message: String,
    /// The compared commit, short.
    pub revision: String,
    pub revision_message: String,
    pub policy: Policy,
    pub operation: Option<OperationView>,
    pub last_sync: Option<LastSyncView>,
    pub conditions: Vec<String>,
    /// Successful syncs, newest first: the rollback targets.
    pub history: Vec<HistoryRow>,
    pub resources: usize,
    pub out_of_sync: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationView {
    pub phase: String,
    pub message: String,
    pub initiator: String,
    pub revision: String,
    pub started_at: u64,
    /// Tasks done and in total.
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LastSyncView {
    pub phase: String,
    pub message: String,
    pub revision: String,
    pub finished_at: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub id: u32,
    pub revision: String,
    pub message: String,
    pub deployed_at: u64,
    pub initiator: String,
    /// The revision the app runs now.
    pub current: bool,
}

/// One box of the tree (or one row of the list view).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TreeNode {
    pub id: String,
    pub kind: String,
    pub icon: String,
    pub namespace: String,
    pub name: String,
    pub health: String,
    pub health_message: String,
    pub sync: String,
    pub restarts: u64,
    pub failing: Option<FailingContainer>,
    /// A short status line ("Running", "rev:2", "3/3 ready").
    pub status: String,
    pub x: f32,
    pub y: f32,
    pub dimmed: bool,
    pub has_children: bool,
    pub collapsed: bool,
    pub hidden_descendants: usize,
    pub selected: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TreeEdge {
    pub from: String,
    pub to: String,
    pub points: Vec<(f32, f32)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TreeView {
    pub nodes: Vec<TreeNode>,
    pub edges: Vec<TreeEdge>,
    pub width: f32,
    pub height: f32,
    pub total: usize,
    pub shown: usize,
    /// Counts for the filter bar: kinds, health and sync names with their counts.
    pub kinds: Vec<(String, usize)>,
    pub healths: Vec<(String, usize)>,
    pub syncs: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeDetails {
    pub id: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub health: String,
    pub health_message: String,
    pub sync: String,
    pub info: Vec<(String, String)>,
    pub is_pod: bool,
    /// Deployments, StatefulSets, ReplicaSets: the replica count the scale action starts from.
    pub replicas: Option<i64>,
    /// The object exists in the cluster (drift actions apply).
    pub live: bool,
    /// The open tab's content.
    pub content: TabContent,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum TabContent {
    #[default]
    None,
    Yaml(String),
    Diff(NodeDiff),
    Events(Vec<EventRow>),
    Timeline(ProbeTimeline),
    Lifecycle(PodLifecycle),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeDiff {
    pub title: String,
    pub change: ResourceChange,
    pub added: usize,
    pub removed: usize,
    pub rows: DiffRows,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub at: u64,
    pub kind: String,
    pub reason: String,
    pub message: String,
    pub source: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppDiff {
    pub summary: AppDiffSummary,
    pub resources: Vec<AppDiffResource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppDiffResource {
    pub id: String,
    pub title: String,
    pub change: ResourceChange,
    pub sync: String,
    pub added: usize,
    pub removed: usize,
    /// The resource's lines are shown (then `rows` holds them; else it is empty).
    pub open: bool,
    /// Compact rows (changed lines and a little context).
    pub rows: DiffRows,
}
