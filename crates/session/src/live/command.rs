//! What the page asks of the live simulation. Commands name resources by the tree's node id
//! (`group/Kind/namespace/name`, see [`kubeplay_views::tree_layout::node_id`]), so the page
//! never needs an object, only what it drew.

use kubeplay_views::diff_view::DiffMode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A commit of the workspace, as the page keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceCommit {
    pub message: String,
    pub files: BTreeMap<String, String>,
}

/// The workspace the simulation starts from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WorkspaceSource {
    /// The working tree (used as the only commit when `history` is empty).
    pub files: BTreeMap<String, String>,
    /// Commits, oldest first: they become the repository the apps follow.
    pub history: Vec<WorkspaceCommit>,
    /// The render target (a directory or a file), for the implicit app of a workspace
    /// without Application manifests.
    pub target: Option<String>,
    /// The file open in the editor (the target when none is pinned).
    pub open: String,
}

/// The Sync dialog's choices.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SyncOptions {
    pub prune: bool,
    pub dry_run: bool,
    /// Sync only the resources that are OutOfSync (or missing).
    pub apply_out_of_sync_only: bool,
    /// Node ids to sync; empty means all.
    pub resources: Vec<String>,
}

/// The app's automated sync policy (the header's toggles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Policy {
    pub auto_sync: bool,
    pub self_heal: bool,
    pub prune: bool,
}

/// The tab of the node details panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DetailsTab {
    #[default]
    Summary,
    LiveYaml,
    DesiredYaml,
    Diff,
    Events,
    Timeline,
    Lifecycle,
}

impl DetailsTab {
    pub const ALL: [DetailsTab; 7] = [
        DetailsTab::Summary,
        DetailsTab::LiveYaml,
        DetailsTab::DesiredYaml,
        DetailsTab::Diff,
        DetailsTab::Events,
        DetailsTab::Timeline,
        DetailsTab::Lifecycle,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DetailsTab::Summary => "Summary",
            DetailsTab::LiveYaml => "Live manifest",
            DetailsTab::DesiredYaml => "Desired manifest",
            DetailsTab::Diff => "Diff",
            DetailsTab::Events => "Events",
            DetailsTab::Timeline => "Probe timeline",
            DetailsTab::Lifecycle => "Pod lifecycle",
        }
    }

    /// Tabs that only pods have.
    pub fn pod_only(self) -> bool {
        matches!(self, DetailsTab::Timeline | DetailsTab::Lifecycle)
    }
}

/// The tree's filter, as the filter bar sets it (health and sync by their names).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TreeFilter {
    pub kinds: Vec<String>,
    pub health: Vec<String>,
    pub sync: Vec<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LiveCommand {
    /// Starts over from a workspace: a fresh cluster, the workspace's commits as the
    /// repository, its Applications (or one implicit app) created and refreshed.
    Open(WorkspaceSource),
    /// The page committed: the new revision reaches the repository and every app refreshes.
    Commit(WorkspaceCommit),
    /// Runs the simulation `ms` virtual milliseconds further.
    Advance {
        ms: u64,
    },
    /// Just the current snapshot.
    Snapshot,
    SelectApp(String),
    /// Selects a tree node (None closes the details panel).
    SelectNode(Option<String>),
    SetTab(DetailsTab),
    SetFilter(TreeFilter),
    ToggleCollapse(String),
    /// List view instead of the tree.
    SetListView(bool),
    SetDiffMode(DiffMode),
    /// Unfolds a folded run of unchanged lines of the diff.
    ExpandGap(usize),
    /// Shows or hides the whole-app diff (the Sync dialog shows it).
    ShowAppDiff(bool),
    /// Opens or closes one resource's lines in the whole-app diff (by node id): only open
    /// resources carry their lines, so a 200-resource diff stays small.
    ToggleAppDiffResource(String),
    Refresh,
    Sync(SyncOptions),
    Rollback {
        history_id: u32,
    },
    SetPolicy(Policy),
    /// `kubectl scale` on a node.
    Scale {
        id: String,
        replicas: i64,
    },
    /// `kubectl edit`: the node's live object replaced by this YAML.
    EditLive {
        id: String,
        yaml: String,
    },
    /// `kubectl delete` of a node's object.
    Delete {
        id: String,
    },
    /// Turns a line of the selected node's diff (named by its line numbers on each side,
    /// as the diff rows carry them) into an ignoreDifferences rule of the app.
    IgnoreDiffLine {
        live_no: Option<usize>,
        desired_no: Option<usize>,
    },
    /// `helm install`, `helm uninstall` into the live cluster, or the Helm panel shown.
    Helm(super::helm::HelmCommand),
}
