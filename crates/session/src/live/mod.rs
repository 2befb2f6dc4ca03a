//! The live simulation behind the page's live views: a simulated cluster and Argo CD's
//! components over the workspace's Git history, on a virtual clock the page drives.
//!
//! The page sends [`LiveCommand`]s and draws the [`LiveSnapshot`] each one returns. The view
//! state (selected app and node, filter, collapsed nodes, open tab, diff mode) lives here, so
//! a snapshot holds only what is on screen.
//!
//! - [`command`]: the commands and their option types.
//! - [`snapshot`]: what the page draws.
//! - [`workspace`]: the workspace as a Git repository and its Applications.
//! - [`header`], [`tree`], [`details`]: the parts of a snapshot.
//! - [`helm`]: `helm install`, `list` and `uninstall` into the same cluster.
//! - [`app_file`]: an ignoreDifferences rule written into the Application's file.

pub mod app_file;
pub mod command;
pub mod details;
pub mod header;
pub mod helm;
pub mod snapshot;
pub mod tree;
pub mod workspace;

pub use app_file::AppFileEdit;
pub use command::{
    DetailsTab, LiveCommand, Policy, SyncOptions, TreeFilter, WorkspaceCommit, WorkspaceSource,
};
/// The view models the snapshot carries (the page draws them as they are).
pub use kubeplay_views as views;
pub use snapshot::LiveSnapshot;

use kubeplay_cluster::clock::{Millis, MINUTE};
use kubeplay_gitops::api::GitOps;
use kubeplay_gitops::app::{Automated, IgnoreDifference};
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_gitops::controller::SyncRequest;
use kubeplay_views::architecture;
use kubeplay_views::diff_view::DiffMode;
use kubeplay_views::tree_layout::{AppRoot, APP_ID};
use snapshot::TreeView;
use std::collections::{BTreeMap, BTreeSet};

/// The longest a single Advance may run (virtual time), so one command stays short; the
/// page fast-forwards further with several.
pub const MAX_ADVANCE: Millis = 10 * MINUTE;
/// How far back the architecture view lights its boxes, and how many operations it lists.
const ARCHITECTURE_WINDOW: Millis = 10_000;
const ARCHITECTURE_RECENT: usize = 8;

#[derive(Debug, Clone, Default, PartialEq)]
struct View {
    app: Option<String>,
    selected: Option<String>,
    tab: DetailsTab,
    filter: TreeFilter,
    collapsed: BTreeSet<String>,
    list_view: bool,
    diff_mode: DiffMode,
    expanded: BTreeSet<usize>,
    app_diff: bool,
    /// Resources whose lines the whole-app diff shows (node ids); others show a title.
    app_diff_open: BTreeSet<String>,
}

/// The simulated cluster and GitOps controller of one page.
#[derive(Default)]
pub struct LiveSession {
    sim: Option<GitOps>,
    /// The one app was made by the page (no Application manifest in the workspace).
    implicit: bool,
    /// The workspace file of each app (none for the implicit app).
    app_files: BTreeMap<String, String>,
    /// A rule the last command asks the page to write into an Application's file.
    file_edit: Option<Box<AppFileEdit>>,
    view: View,
    /// The selected app's last tree, reused while nothing it depends on changed.
    tree_cache: Option<tree::AppTree>,
    helm: helm::HelmPanel,
}

type Outcome = Result<Option<String>, String>;

impl LiveSession {
    pub fn handle(&mut self, command: LiveCommand) -> LiveSnapshot {
        let outcome = self.apply(command);
        let mut snap = self.snapshot();
        snap.file_edit = self.file_edit.take();
        match outcome {
            Ok(notice) => snap.notice = notice,
            Err(e) => snap.error = Some(e),
        }
        snap
    }

    /// The simulation, for tests and tools that look past the snapshot.
    pub fn gitops(&self) -> Option<&GitOps> {
        self.sim.as_ref()
    }

    fn sim(&mut self) -> Result<&mut GitOps, String> {
        self.sim
            .as_mut()
            .ok_or_else(|| "no workspace is open in the live view".to_string())
    }

    /// The selected app's name (the first app when none or a gone one is selected).
    fn app_name(&self) -> Option<String> {
        let g = self.sim.as_ref()?;
        let apps = &g.controller.apps;
        self.view
            .app
            .as_ref()
            .filter(|n| apps.iter().any(|a| &a.app.name == *n))
            .cloned()
            .or_else(|| apps.first().map(|a| a.app.name.clone()))
    }

    fn current_app(&mut self) -> Result<(String, &mut GitOps), String> {
        let name = self.app_name().ok_or("there is no application")?;
        Ok((name, self.sim()?))
    }

    fn apply(&mut self, command: LiveCommand) -> Outcome {
        match command {
            LiveCommand::Open(src) => {
                let (g, files) = workspace::open(&src)?;
                self.sim = Some(g);
                self.tree_cache = None;
                self.implicit = files.is_empty();
                self.app_files = files;
                self.view = View::default();
                self.helm.output = None;
                Ok(None)
            }
            LiveCommand::Commit(c) => {
                let implicit = self.implicit;
                let g = self.sim()?;
                workspace::commit(g, &c)?;
                if !implicit {
                    let files = workspace::apply_manifests(g, &c.files)?;
                    self.app_files.extend(files);
                }
                self.sim()?.refresh_all();
                Ok(None)
            }
            LiveCommand::Advance { ms } => {
                let g = self.sim()?;
                g.advance(ms.min(MAX_ADVANCE)).map_err(|e| e.to_string())?;
                Ok(None)
            }
            LiveCommand::Snapshot => Ok(None),
            LiveCommand::SelectApp(name) => {
                self.view = View {
                    app: Some(name),
                    tab: self.view.tab,
                    diff_mode: self.view.diff_mode,
                    list_view: self.view.list_view,
                    ..View::default()
                };
                Ok(None)
            }
            LiveCommand::SelectNode(id) => {
                if id != self.view.selected {
                    self.view.expanded.clear();
                }
                self.view.selected = id;
                Ok(None)
            }
            LiveCommand::SetTab(tab) => {
                self.view.tab = tab;
                Ok(None)
            }
            LiveCommand::SetFilter(f) => {
                self.view.filter = f;
                Ok(None)
            }
            LiveCommand::ToggleCollapse(id) => {
                if !self.view.collapsed.remove(&id) {
                    self.view.collapsed.insert(id);
                }
                Ok(None)
            }
            LiveCommand::SetListView(on) => {
                self.view.list_view = on;
                Ok(None)
            }
            LiveCommand::SetDiffMode(m) => {
                self.view.diff_mode = m;
                Ok(None)
            }
            LiveCommand::ExpandGap(id) => {
                self.view.expanded.insert(id);
                Ok(None)
            }
            LiveCommand::ShowAppDiff(on) => {
                self.view.app_diff = on;
                self.view.app_diff_open.clear();
                Ok(None)
            }
            LiveCommand::ToggleAppDiffResource(id) => {
                if !self.view.app_diff_open.remove(&id) {
                    self.view.app_diff_open.insert(id);
                }
                Ok(None)
            }
            LiveCommand::Refresh => {
                let (name, g) = self.current_app()?;
                g.refresh(&name);
                Ok(Some(format!("{name} refreshed")))
            }
            LiveCommand::Sync(opts) => self.sync(opts),
            LiveCommand::Rollback { history_id } => {
                let (name, g) = self.current_app()?;
                g.rollback(&name, history_id)?;
                Ok(Some(format!(
                    "rolling {name} back to history id {history_id}; auto-sync is off"
                )))
            }
            LiveCommand::SetPolicy(p) => {
                let (name, g) = self.current_app()?;
                let automated = p.auto_sync.then_some(Automated {
                    prune: p.prune,
                    self_heal: p.self_heal,
                    allow_empty: false,
                });
                g.set_automated(&name, automated)?;
                g.refresh(&name);
                Ok(None)
            }
            LiveCommand::Scale { id, replicas } => {
                let g = self.sim()?;
                if replicas < 0 {
                    return Err("replicas cannot be negative".into());
                }
                let key = details::key_of(&id).ok_or("not a resource")?;
                let summary = g.scale(&key.kind, &key.namespace, &key.name, replicas)?;
                self.refresh_current();
                Ok(Some(summary))
            }
            LiveCommand::EditLive { id, yaml } => {
                let g = self.sim()?;
                let (key, _) = details::live_object(g, &id)?;
                let node = kubeplay_yaml::parse_one(&yaml, "live object", &Default::default())
                    .map_err(|e| e.to_string())?;
                let obj = kubeplay_yaml::to_json(&node).map_err(|e| e.to_string())?;
                let same =
                    |p: &str, want: &str| obj.pointer(p).and_then(|v| v.as_str()) == Some(want);
                if !same("/kind", &key.kind) || !same("/metadata/name", &key.name) {
                    return Err(format!(
                        "the edited object must stay {} {:?}",
                        key.kind, key.name
                    ));
                }
                let summary = g.edit(obj)?;
                self.refresh_current();
                Ok(Some(summary))
            }
            LiveCommand::Delete { id } => {
                let g = self.sim()?;
                let (key, _) = details::live_object(g, &id)?;
                g.delete_live(&key.kind, &key.namespace, &key.name)?;
                self.refresh_current();
                if self.view.selected.as_deref() == Some(id.as_str()) {
                    self.view.selected = None;
                }
                Ok(Some(format!("{} {} deleted", key.kind, key.name)))
            }
            LiveCommand::IgnoreDiffLine {
                live_no,
                desired_no,
            } => self.ignore_line(live_no, desired_no),
            LiveCommand::Helm(cmd) => {
                let g = self
                    .sim
                    .as_mut()
                    .ok_or("no workspace is open in the live view")?;
                let said = helm::handle(g, &mut self.helm, cmd)?;
                self.refresh_current();
                Ok(said)
            }
        }
    }

    /// A drift action is compared at once, so the page shows OutOfSync without waiting for
    /// the controller's next look.
    fn refresh_current(&mut self) {
        if let Ok((name, g)) = self.current_app() {
            g.refresh(&name);
        }
    }

    fn sync(&mut self, opts: SyncOptions) -> Outcome {
        let (name, g) = self.current_app()?;
        let state = g.app(&name).ok_or("the application is gone")?;
        let resources = if opts.apply_out_of_sync_only {
            let keys: Vec<_> = state
                .comparison
                .iter()
                .flat_map(|c| &c.resources)
                .filter(|r| r.status != SyncStatus::Synced)
                .map(|r| r.key.clone())
                .collect();
            Some(keys)
        } else if opts.resources.is_empty() {
            None
        } else {
            let keys: Option<Vec<_>> = opts
                .resources
                .iter()
                .map(|id| details::key_of(id))
                .collect();
            Some(keys.ok_or("a selected resource is not valid")?)
        };
        if resources.as_ref().is_some_and(Vec::is_empty) {
            return Err("nothing to sync: every resource is Synced".into());
        }
        let req = SyncRequest {
            revision: None,
            prune: opts.prune,
            dry_run: opts.dry_run,
            resources,
        };
        g.sync(&name, &req)?;
        self.view.app_diff = false;
        Ok(Some(if opts.dry_run {
            format!("dry run of {name} started")
        } else {
            format!("sync of {name} started")
        }))
    }

    fn ignore_line(&mut self, live_no: Option<usize>, desired_no: Option<usize>) -> Outcome {
        let id = self
            .view
            .selected
            .clone()
            .ok_or("no resource is selected")?;
        let (name, g) = self.current_app()?;
        let key = details::key_of(&id).ok_or("the Application has no diff")?;
        let state = g.app(&name).ok_or("the application is gone")?;
        let status = details::status_of(state, &key).ok_or("the resource is not managed")?;
        let d = details::node_diff(status);
        let line = d
            .diff
            .lines
            .iter()
            .find(|l| l.live_no == live_no && l.desired_no == desired_no)
            .ok_or("that line is not in the diff any more")?;
        let rule = d.ignore_rule(line).ok_or("that line shows no field")?;
        let json = rule.to_json();
        let state = g
            .controller
            .app_mut(&name)
            .ok_or("the application is gone")?;
        state.app.ignore_differences.push(IgnoreDifference {
            group: rule.group.clone(),
            kind: rule.kind.clone(),
            name: rule.name.clone(),
            namespace: rule.namespace.clone(),
            json_pointers: vec![rule.json_pointer.clone()],
            ..IgnoreDifference::default()
        });
        let spec = &mut state.app.manifest["spec"];
        if !spec["ignoreDifferences"].is_array() {
            spec["ignoreDifferences"] = serde_json::json!([]);
        }
        if let Some(list) = spec["ignoreDifferences"].as_array_mut() {
            list.push(json.clone());
        }
        g.refresh(&name);
        let Some(path) = self.app_files.get(&name).cloned() else {
            return Ok(Some(format!(
                "ignoreDifferences rule added to {name}: {json}. There is no Application file to \
                 write it into ({name} is the page's implicit app), so it lasts while this live \
                 view runs; add an Application manifest to the workspace to keep rules."
            )));
        };
        self.file_edit = Some(Box::new(AppFileEdit {
            path: path.clone(),
            app: name.clone(),
            rule,
        }));
        Ok(Some(format!(
            "ignoreDifferences rule added to {name} and written into {path}: {json}. \
             Commit it to keep it in Git."
        )))
    }

    fn snapshot(&mut self) -> LiveSnapshot {
        let name = self.app_name();
        if let (Some(g), Some(name)) = (self.sim.as_ref(), name) {
            self.tree_cache = Some(tree::AppTree::of(g, &name, self.tree_cache.take()));
        }
        self.draw()
    }

    fn draw(&self) -> LiveSnapshot {
        let Some(g) = self.sim.as_ref() else {
            return LiveSnapshot::default();
        };
        let v = &self.view;
        let now = g.now();
        let mut snap = LiveSnapshot {
            now,
            apps: g
                .controller
                .apps
                .iter()
                .map(|a| header::summary(a, self.implicit))
                .collect(),
            view: snapshot::ViewEcho {
                filter: v.filter.clone(),
                list_view: v.list_view,
                diff_mode: v.diff_mode,
                tab: v.tab,
            },
            helm: helm::view(g, &self.helm).map(Box::new),
            ..LiveSnapshot::default()
        };
        let Some(name) = self.app_name() else {
            snap.architecture = Box::new(architecture::architecture(
                &g.activity,
                now,
                ARCHITECTURE_WINDOW,
                ARCHITECTURE_RECENT,
                None,
            ));
            return snap;
        };
        let Some(state) = g.app(&name) else {
            return snap;
        };
        snap.app = Some(Box::new(header::header(g, state)));
        let Some(t) = self.tree_cache.as_ref() else {
            return snap;
        };
        let selected = v.selected.as_deref();
        if v.list_view {
            let rows = tree::list_view(t, &v.filter, selected);
            snap.tree = Box::new(TreeView {
                shown: rows.len(),
                ..tree::facets(t)
            });
            snap.list = Some(rows);
        } else {
            let root = AppRoot {
                name: name.clone(),
                health: state.comparison.as_ref().map(|c| c.health.status),
                sync: Some(state.sync_status()),
            };
            snap.tree = Box::new(tree::tree_view(&root, t, &v.filter, &v.collapsed, selected));
            if let Some(app) = snap.tree.nodes.first_mut().filter(|n| n.id == APP_ID) {
                app.selected = selected == Some(APP_ID);
            }
        }
        if let Some(id) = selected {
            snap.details = details::details(&details::DetailsInput {
                g,
                state,
                tree: t,
                id,
                tab: v.tab,
                diff_mode: v.diff_mode,
                expanded: &v.expanded,
            })
            .map(Box::new);
        }
        if v.app_diff {
            snap.app_diff = details::app_diff(state, &v.app_diff_open).map(Box::new);
        }
        snap.architecture = Box::new(architecture::architecture(
            &g.activity,
            now,
            ARCHITECTURE_WINDOW,
            ARCHITECTURE_RECENT,
            Some(&name),
        ));
        snap
    }
}
