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
    limit: usize,
    dropped: u64,
}

impl Default for ActivityLog {
    fn default() -> Self {
        ActivityLog {
            entries: Vec::new(),
            limit: 10_000,
            dropped: 0,
        }
    }
}

impl ActivityLog {
    pub fn record(
        &mut self,
        at: Millis,
        component: Component,
        app: &str,
        message: impl Into<String>,
    ) {
        if self.entries.len() >= self.limit {
            let n = self.limit / 10;
            self.entries.drain(..n);
            self.dropped += n as u64;
        }
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

    /// Entries at or after `since` (what the page has not drawn yet).
    pub fn since(&self, since: Millis) -> impl Iterator<Item = &Activity> {
        self.entries.iter().filter(move |a| a.at >= since)
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}
