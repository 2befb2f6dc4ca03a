//! What the components did and when, for the page's live architecture diagram (seed
//! section 5: API server, repo server, application controller, Redis cache).

use kubeplay_cluster::clock::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    ApiServer,
    RepoServer,
    /// The manifest cache (Redis in Argo CD).
    Redis,
    Controller,
    /// The Kubernetes API of the simulated cluster, as the controller uses it.
    Cluster,
}

impl Component {
    pub fn as_str(self) -> &'static str {
        match self {
            Component::ApiServer => "api-server",
            Component::RepoServer => "repo-server",
            Component::Redis => "redis",
            Component::Controller => "application-controller",
            Component::Cluster => "kube-apiserver",
        }
    }
}

/// What kind of work an entry records, as its producer states it (the page's architecture
/// diagram lights a box per kind; the message text is for people).
#[derive(
    serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord,
)]
pub enum ActivityKind {
    /// A request to the API server (commit, sync, rollback, app created).
    Request,
    /// The repo server rendered manifests.
    Render,
    CacheHit,
    CacheMiss,
    /// The controller compared (or was asked to) desired and live state.
    Compare,
    /// A sync operation started, moved on, finished or retried.
    Sync,
    /// A write to the cluster's API (by a user or the controller).
    ClusterWrite,
    Other,
}

impl ActivityKind {
    /// Every kind, in the order legends and counts list them.
    pub const ALL: [ActivityKind; 8] = [
        ActivityKind::Request,
        ActivityKind::Render,
        ActivityKind::CacheHit,
        ActivityKind::CacheMiss,
        ActivityKind::Compare,
        ActivityKind::Sync,
        ActivityKind::ClusterWrite,
        ActivityKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Request => "request",
            ActivityKind::Render => "render",
            ActivityKind::CacheHit => "cache hit",
            ActivityKind::CacheMiss => "cache miss",
            ActivityKind::Compare => "compare",
            ActivityKind::Sync => "sync",
            ActivityKind::ClusterWrite => "cluster write",
            ActivityKind::Other => "other",
        }
    }

    /// The kind an entry of `component` has when its producer does not say.
    pub fn default_for(component: Component) -> ActivityKind {
        match component {
            Component::ApiServer => ActivityKind::Request,
            Component::RepoServer => ActivityKind::Render,
            Component::Cluster => ActivityKind::ClusterWrite,
            Component::Redis | Component::Controller => ActivityKind::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub at: Millis,
    pub component: Component,
    /// The Application concerned ("" for none).
    pub app: String,
    pub message: String,
}

/// A bounded log: the oldest entries go first (the page shows the recent past).
#[derive(Debug, Clone)]
pub struct ActivityLog {
    entries: Vec<Activity>,
    /// The kind of each entry (same index as `entries`).
    kinds: Vec<ActivityKind>,
    limit: usize,
    dropped: u64,
}

impl Default for ActivityLog {
    fn default() -> Self {
        ActivityLog {
            entries: Vec::new(),
            kinds: Vec::new(),
            limit: 10_000,
            dropped: 0,
        }
    }
}

impl ActivityLog {
    /// Records an entry of the component's default kind ([`ActivityKind::default_for`]).
    pub fn record(
        &mut self,
        at: Millis,
        component: Component,
        app: &str,
        message: impl Into<String>,
    ) {
        self.record_kind(
            at,
            component,
            ActivityKind::default_for(component),
            app,
            message,
        );
    }

    /// Records an entry whose kind of work the producer states.
    pub fn record_kind(
        &mut self,
        at: Millis,
        component: Component,
        kind: ActivityKind,
        app: &str,
        message: impl Into<String>,
    ) {
        if self.entries.len() >= self.limit {
            let n = self.limit / 10;
            self.entries.drain(..n);
            self.kinds.drain(..n);
            self.dropped += n as u64;
        }
        self.kinds.push(kind);
        self.entries.push(Activity {
            at,
            component,
            app: app.to_string(),
            message: message.into(),
        });
    }

    pub fn entries(&self) -> &[Activity] {
        &self.entries
    }

    /// The kind of each entry, index for index with [`ActivityLog::entries`].
    pub fn kinds(&self) -> &[ActivityKind] {
        &self.kinds
    }

    /// Entries with their kinds.
    pub fn entries_with_kinds(&self) -> impl Iterator<Item = (&Activity, ActivityKind)> {
        self.entries.iter().zip(self.kinds.iter().copied())
    }

    /// Entries at or after `since` (what the page has not drawn yet).
    pub fn since(&self, since: Millis) -> impl Iterator<Item = &Activity> {
        self.entries.iter().filter(move |a| a.at >= since)
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}
