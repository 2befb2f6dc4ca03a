//! The app list and the selected app's header (sync status, health, last sync, revision,
//! policy, history for the rollback picker).

use super::command::Policy;
use super::snapshot::{AppHeader, AppSummary, HistoryRow, LastSyncView, OperationView};
use kubeplay_gitops::api::GitOps;
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_gitops::controller::AppState;

fn short(rev: &str) -> String {
    rev.chars().take(7).collect()
}

fn health_of(s: &AppState) -> (String, String) {
    s.comparison
        .as_ref()
        .map_or(("Unknown".into(), String::new()), |c| {
            (
                c.health.status.as_str().to_string(),
                c.health.message.clone(),
            )
        })
}

pub fn summary(s: &AppState, implicit: bool) -> AppSummary {
    AppSummary {
        name: s.app.name.clone(),
        sync: s.sync_status().as_str().to_string(),
        health: health_of(s).0,
        operation: s
            .operation
            .as_ref()
            .filter(|o| o.is_running())
            .map(|o| o.phase.as_str().to_string()),
        implicit,
    }
}

pub fn policy(s: &AppState) -> Policy {
    s.app
        .sync_policy
        .automated
        .map_or(Policy::default(), |a| Policy {
            auto_sync: true,
            self_heal: a.self_heal,
            prune: a.prune,
        })
}

pub fn header(g: &GitOps, s: &AppState) -> AppHeader {
    let message_of = |rev: &str| {
        g.repo
            .resolve(rev)
            .map(|c| c.message.clone())
            .unwrap_or_default()
    };
    let cmp = s.comparison.as_ref();
    let revision = cmp.and_then(|c| c.revision.clone()).unwrap_or_default();
    let (health, health_message) = health_of(s);
    let current = s.history.last().map(|h| h.id);
    AppHeader {
        name: s.app.name.clone(),
        project: s.app.project.clone(),
        repo_url: s.app.source.repo_url.clone(),
        path: s.app.source.path.clone(),
        target_revision: if s.app.source.target_revision.is_empty() {
            "HEAD".into()
        } else {
            s.app.source.target_revision.clone()
        },
        destination_namespace: s.app.destination.namespace.clone(),
        source_type: cmp
            .and_then(|c| c.source_type)
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        sync: s.sync_status().as_str().to_string(),
        health,
        health_message,
        revision_message: message_of(&revision),
        revision: short(&revision),
        policy: policy(s),
        operation: s.operation.as_ref().map(|o| OperationView {
            phase: o.phase.as_str().to_string(),
            message: o.message.clone(),
            initiator: o.initiator.as_str().to_string(),
            revision: short(&o.revision),
            started_at: o.started_at,
            done: o.tasks.iter().filter(|t| t.result.is_some()).count(),
            total: o.tasks.len(),
        }),
        last_sync: s.last_sync.as_ref().map(|l| LastSyncView {
            phase: l.phase.as_str().to_string(),
            message: l.message.clone(),
            revision: short(&l.revision),
            finished_at: l.finished_at,
        }),
        conditions: s
            .conditions()
            .iter()
            .map(|c| format!("{}: {}", c.kind.as_str(), c.message))
            .collect(),
        history: s
            .history
            .iter()
            .rev()
            .map(|h| HistoryRow {
                id: h.id,
                revision: short(&h.revision),
                message: message_of(&h.revision),
                deployed_at: h.deployed_at,
                initiator: h.initiator.as_str().to_string(),
                current: Some(h.id) == current,
            })
            .collect(),
        resources: cmp.map_or(0, |c| c.resources.len()),
        out_of_sync: cmp.map_or(0, |c| {
            c.resources
                .iter()
                .filter(|r| r.status == SyncStatus::OutOfSync)
                .count()
        }),
    }
}
