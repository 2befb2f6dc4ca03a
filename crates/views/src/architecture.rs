//! The Argo CD architecture view (seed section 5): the API server, the repository server, the
//! application controller and the Redis cache as boxes, with Git and the Kubernetes cluster
//! they talk to, and arrows for the flow: the user asks the API server; the controller asks
//! the repo server for manifests; the repo server reads Git and caches in Redis; the
//! controller compares with and applies to the cluster.
//!
//! Each box and arrow lights up from the GitOps engine's activity log over a recent window of
//! virtual time (brightest right after the work, fading to dark at the window's start), with
//! counts per kind of work and a small histogram; the last few operations are listed.
//!
//! The kind of work (render, cache hit, compare, sync) is the one the engine states with each
//! entry ([`Work`], the engine's `ActivityKind`), never read from the entry's wording.

use crate::clock::format_offset;
use kubeplay_cluster::clock::Millis;
use kubeplay_gitops::activity::{Activity, ActivityLog, Component};

/// Histogram buckets per box over the window.
pub const BUCKETS: usize = 12;

/// The kind of work an activity entry records: the engine's own [`ActivityKind`], which the
/// page's legend and counts show as they are.
pub use kubeplay_gitops::activity::ActivityKind as Work;

/// The boxes of the diagram.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxId {
    Git,
    ApiServer,
    RepoServer,
    Redis,
    Controller,
    Cluster,
}

impl BoxId {
    pub const ALL: [BoxId; 6] = [
        BoxId::Git,
        BoxId::ApiServer,
        BoxId::RepoServer,
        BoxId::Redis,
        BoxId::Controller,
        BoxId::Cluster,
    ];

    pub fn title(self) -> &'static str {
        match self {
            BoxId::Git => "Git repository",
            BoxId::ApiServer => "API Server",
            BoxId::RepoServer => "Repository Server",
            BoxId::Redis => "Redis (cache)",
            BoxId::Controller => "Application Controller",
            BoxId::Cluster => "Kubernetes cluster",
        }
    }

    /// One line under the title: what the seed says the component does.
    pub fn role(self) -> &'static str {
        match self {
            BoxId::Git => "the single source of truth: declared resources",
            BoxId::ApiServer => "web UI, CLI and API: requests and live status",
            BoxId::RepoServer => "fetches and renders manifests from Git",
            BoxId::Redis => "caches rendered manifests and state",
            BoxId::Controller => "compares cluster with Git and syncs",
            BoxId::Cluster => "where the resources run",
        }
    }

    fn component(self) -> Option<Component> {
        match self {
            BoxId::Git => None,
            BoxId::ApiServer => Some(Component::ApiServer),
            BoxId::RepoServer => Some(Component::RepoServer),
            BoxId::Redis => Some(Component::Redis),
            BoxId::Controller => Some(Component::Controller),
            BoxId::Cluster => Some(Component::Cluster),
        }
    }

    /// Grid position (column, row) in a 3 x 3 grid, and so in pixels via [`BOX_W`]/[`BOX_H`].
    fn cell(self) -> (f32, f32) {
        match self {
            BoxId::ApiServer => (0.0, 0.0),
            BoxId::Controller => (1.0, 0.0),
            BoxId::Cluster => (2.0, 0.0),
            BoxId::RepoServer => (1.0, 1.0),
            BoxId::Git => (0.0, 1.0),
            BoxId::Redis => (2.0, 1.0),
        }
    }
}

pub const BOX_W: f32 = 200.0;
pub const BOX_H: f32 = 90.0;
const GAP_X: f32 = 80.0;
const GAP_Y: f32 = 70.0;

/// One box as drawn.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct ComponentBox {
    pub id: BoxId,
    pub title: String,
    pub role: String,
    pub x: f32,
    pub y: f32,
    /// 0.0 (idle for the whole window) to 1.0 (working now): the glow.
    pub glow: f32,
    /// The kind of the most recent work in the window.
    pub last_work: Option<Work>,
    pub last_message: Option<String>,
    /// Counts per kind of work in the window (kinds with 0 left out), in [`Work::ALL`] order.
    pub counts: Vec<(Work, usize)>,
    /// Entries per bucket of the window, oldest first.
    pub histogram: [usize; BUCKETS],
}

/// An arrow between two boxes, lit by the work that flows along it.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Arrow {
    pub from: BoxId,
    pub to: BoxId,
    pub label: String,
    pub points: [(f32, f32); 2],
    pub glow: f32,
}

/// One line of the "last operations" list.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct OperationRow {
    pub at: Millis,
    pub time: String,
    pub component: String,
    pub work: Work,
    pub app: String,
    pub message: String,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ArchitectureView {
    pub boxes: Vec<ComponentBox>,
    pub arrows: Vec<Arrow>,
    /// Newest first.
    pub recent: Vec<OperationRow>,
    pub width: f32,
    pub height: f32,
    pub window_start: Millis,
    pub now: Millis,
}

/// The arrows: (from, to, label, the work that lights it).
const ARROWS: [(BoxId, BoxId, &str, &[Work]); 6] = [
    (
        BoxId::ApiServer,
        BoxId::Controller,
        "refresh / sync",
        &[Work::Request],
    ),
    (
        BoxId::Controller,
        BoxId::RepoServer,
        "generate manifests",
        &[Work::Render, Work::CacheHit, Work::CacheMiss],
    ),
    (BoxId::Git, BoxId::RepoServer, "fetch", &[Work::Render]),
    (
        BoxId::RepoServer,
        BoxId::Redis,
        "cache",
        &[Work::CacheHit, Work::CacheMiss],
    ),
    (
        BoxId::Controller,
        BoxId::Cluster,
        "compare / apply",
        &[Work::Compare, Work::Sync],
    ),
    (
        BoxId::Cluster,
        BoxId::ApiServer,
        "live status",
        &[Work::Compare, Work::ClusterWrite],
    ),
];

/// The diagram at virtual time `now`, lit by the entries of the last `window` ms, with the
/// `recent` newest entries listed (optionally only those of application `app`; entries with
/// no application, like commits, are always kept).
pub fn architecture(
    log: &ActivityLog,
    now: Millis,
    window: Millis,
    recent: usize,
    app: Option<&str>,
) -> ArchitectureView {
    let window = window.max(1);
    let start = now.saturating_sub(window);
    let relevant =
        |a: &Activity| a.at <= now && app.is_none_or(|name| a.app.is_empty() || a.app == name);
    let entries: Vec<(&Activity, Work)> = log
        .entries_with_kinds()
        .filter(|(a, _)| relevant(a))
        .collect();
    let in_window: Vec<(&Activity, Work)> = entries
        .iter()
        .filter(|(a, _)| a.at >= start)
        .copied()
        .collect();
    let glow_at = |t: Millis| (1.0 - (now - t) as f32 / window as f32).clamp(0.0, 1.0);

    let boxes = BoxId::ALL
        .iter()
        .map(|&id| {
            let mine: Vec<&(&Activity, Work)> = match id.component() {
                Some(c) => in_window.iter().filter(|(a, _)| a.component == c).collect(),
                // Git works when the repo server renders (it reads a revision).
                None => in_window
                    .iter()
                    .filter(|(_, w)| *w == Work::Render)
                    .collect(),
            };
            let last = mine.iter().max_by_key(|(a, _)| a.at);
            let mut histogram = [0; BUCKETS];
            for (a, _) in &mine {
                let b = ((a.at - start) as u128 * BUCKETS as u128 / (window as u128 + 1)) as usize;
                histogram[b.min(BUCKETS - 1)] += 1;
            }
            let (cx, cy) = id.cell();
            ComponentBox {
                id,
                title: id.title().to_string(),
                role: id.role().to_string(),
                x: cx * (BOX_W + GAP_X),
                y: cy * (BOX_H + GAP_Y),
                glow: last.map_or(0.0, |(a, _)| glow_at(a.at)),
                last_work: last.map(|(_, w)| *w),
                last_message: last.map(|(a, _)| a.message.clone()),
                counts: Work::ALL
                    .iter()
                    .map(|w| (*w, mine.iter().filter(|(_, x)| x == w).count()))
                    .filter(|(_, n)| *n > 0)
                    .collect(),
                histogram,
            }
        })
        .collect::<Vec<_>>();

    let centre = |id: BoxId| {
        let (cx, cy) = id.cell();
        (
            cx * (BOX_W + GAP_X) + BOX_W / 2.0,
            cy * (BOX_H + GAP_Y) + BOX_H / 2.0,
        )
    };
    let arrows = ARROWS
        .iter()
        .map(|&(from, to, label, works)| Arrow {
            from,
            to,
            label: label.to_string(),
            points: [centre(from), centre(to)],
            glow: in_window
                .iter()
                .filter(|(_, w)| works.contains(w))
                .map(|(a, _)| glow_at(a.at))
                .fold(0.0, f32::max),
        })
        .collect();

    let mut listed = entries;
    // Stable: equal times keep log order, newest first.
    listed.reverse();
    listed.sort_by_key(|(a, _)| std::cmp::Reverse(a.at));
    let recent = listed
        .into_iter()
        .take(recent)
        .map(|(a, work)| OperationRow {
            at: a.at,
            time: format_offset(a.at),
            component: a.component.as_str().to_string(),
            work,
            app: a.app.clone(),
            message: a.message.clone(),
        })
        .collect();

    ArchitectureView {
        boxes,
        arrows,
        recent,
        width: 3.0 * BOX_W + 2.0 * GAP_X,
        height: 2.0 * BOX_H + GAP_Y,
        window_start: start,
        now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_cluster::clock::SECOND;
    use kubeplay_cluster::{Cluster, ClusterConfig};
    use kubeplay_gitops::activity::ActivityKind;
    use kubeplay_gitops::api::GitOps;
    use kubeplay_vfs::FileTree;

    fn log(entries: &[(Millis, Component, ActivityKind, &str, &str)]) -> ActivityLog {
        let mut log = ActivityLog::default();
        for &(at, component, kind, app, message) in entries {
            log.record_kind(at, component, kind, app, message);
        }
        log
    }

    #[test]
    fn the_stated_kind_wins_over_the_wording() {
        // A controller entry worded like a sync but stated as a compare is a compare.
        let l = log(&[(
            5,
            Component::Controller,
            ActivityKind::Compare,
            "guestbook",
            "sync-looking text",
        )]);
        let v = architecture(&l, 10, 100, 1, None);
        assert_eq!(v.recent[0].work, Work::Compare);
        let b = v.boxes.iter().find(|b| b.id == BoxId::Controller).unwrap();
        assert_eq!(b.counts, [(Work::Compare, 1)]);
    }

    #[test]
    fn glow_fades_over_the_window_and_arrows_follow_the_work() {
        let g = "guestbook";
        let log = log(&[
            (
                10 * SECOND,
                Component::Redis,
                ActivityKind::CacheMiss,
                g,
                "manifest cache miss (abc, path \"\")",
            ),
            (
                10 * SECOND,
                Component::RepoServer,
                ActivityKind::Render,
                g,
                "rendered 2 objects with Directory at abc",
            ),
            (
                25 * SECOND,
                Component::Controller,
                ActivityKind::Compare,
                g,
                "compared: Synced / Healthy",
            ),
            (
                29 * SECOND,
                Component::Redis,
                ActivityKind::CacheHit,
                g,
                "manifest cache hit (abc, path \"\")",
            ),
        ]);
        let v = architecture(&log, 30 * SECOND, 20 * SECOND, 3, None);
        let b = |id| v.boxes.iter().find(|b| b.id == id).unwrap();
        assert_eq!(b(BoxId::Controller).glow, 0.75);
        assert_eq!(b(BoxId::Redis).glow, 0.95);
        assert_eq!(
            b(BoxId::Redis).counts,
            [(Work::CacheHit, 1), (Work::CacheMiss, 1)]
        );
        assert_eq!(b(BoxId::Redis).last_work, Some(Work::CacheHit));
        assert_eq!(b(BoxId::RepoServer).glow, 0.0);
        assert_eq!(b(BoxId::Git).last_work, Some(Work::Render));
        assert_eq!(b(BoxId::ApiServer).glow, 0.0);
        assert_eq!(b(BoxId::Redis).histogram.iter().sum::<usize>(), 2);
        assert_eq!(b(BoxId::Redis).histogram[BUCKETS - 1], 1);
        let arrow = |from, to| {
            v.arrows
                .iter()
                .find(|a| a.from == from && a.to == to)
                .unwrap()
        };
        assert_eq!(arrow(BoxId::RepoServer, BoxId::Redis).glow, 0.95);
        assert_eq!(arrow(BoxId::Controller, BoxId::Cluster).glow, 0.75);
        assert_eq!(arrow(BoxId::ApiServer, BoxId::Controller).glow, 0.0);
        let listed: Vec<&str> = v.recent.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(listed[0], "manifest cache hit (abc, path \"\")");
        assert_eq!(listed.len(), 3);
        assert_eq!(v.recent[1].time, "25s");
        // Boxes do not overlap.
        for (i, a) in v.boxes.iter().enumerate() {
            for c in &v.boxes[i + 1..] {
                assert!(
                    a.x + BOX_W <= c.x
                        || c.x + BOX_W <= a.x
                        || a.y + BOX_H <= c.y
                        || c.y + BOX_H <= a.y
                );
            }
        }
    }

    #[test]
    fn future_entries_and_other_apps_are_left_out() {
        let log = log(&[
            (
                5,
                Component::Controller,
                ActivityKind::Compare,
                "other",
                "compared: Synced / Healthy",
            ),
            (
                50,
                Component::ApiServer,
                ActivityKind::Request,
                "guestbook",
                "sync requested",
            ),
        ]);
        let v = architecture(&log, 10, 0, 10, Some("guestbook"));
        assert!(v.recent.is_empty());
        assert!(v.boxes.iter().all(|b| b.glow == 0.0 && b.counts.is_empty()));
    }

    #[test]
    fn a_real_sync_lights_every_box_on_the_way() {
        let mut g = GitOps::new(
            "https://git.example/app.git",
            Cluster::new(ClusterConfig::default()),
        );
        let mut tree = FileTree::new();
        tree.write(
            "app/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  k: v\n",
        )
        .unwrap();
        g.commit(tree, "first", "dev").unwrap();
        g.apply_applications(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: guestbook\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example/app.git\n    path: app\n    targetRevision: HEAD\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: default\n",
            "app.yaml",
        )
        .unwrap();
        g.run_until(5 * SECOND).unwrap();
        g.sync("guestbook", &Default::default()).unwrap();
        g.run_until(10 * SECOND).unwrap();
        let log: &ActivityLog = &g.activity;
        let v = architecture(log, g.now(), 60 * SECOND, 5, Some("guestbook"));
        for id in [
            BoxId::ApiServer,
            BoxId::RepoServer,
            BoxId::Redis,
            BoxId::Controller,
            BoxId::Git,
        ] {
            let b = v.boxes.iter().find(|b| b.id == id).unwrap();
            assert!(b.glow > 0.0, "{id:?} dark: {:?}", log.entries());
        }
        let controller = v.boxes.iter().find(|b| b.id == BoxId::Controller).unwrap();
        assert!(
            controller.counts.iter().any(|(w, _)| *w == Work::Sync),
            "{:?}",
            controller.counts
        );
        assert!(controller.counts.iter().any(|(w, _)| *w == Work::Compare));
        assert_eq!(v.recent.len(), 5);
        assert!(v.recent.windows(2).all(|w| w[0].at >= w[1].at));
    }
}
