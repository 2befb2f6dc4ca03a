//! Pruning (spec 53-54, 58): what happens to live objects no longer in Git.

use crate::sync::tasks::{Phase, SyncTask};

/// Why a prune task does not delete.
pub fn skip_reason(task: &SyncTask, prune_enabled: bool) -> Option<&'static str> {
    if task.has_option("Prune=false") {
        Some("ignored (no prune)")
    } else if !prune_enabled {
        Some("ignored (requires pruning)")
    } else {
        None
    }
}

/// Prune tasks delete in reverse wave order: their distinct waves are swapped pairwise
/// from the outside in, so what was created last is deleted first (53).
pub fn reverse_waves(tasks: &mut [SyncTask]) {
    let mut waves: Vec<i64> = tasks
        .iter()
        .filter(|t| t.is_prune())
        .map(|t| t.wave)
        .collect();
    waves.sort_unstable();
    waves.dedup();
    let n = waves.len();
    for t in tasks.iter_mut().filter(|t| t.is_prune()) {
        if let Ok(i) = waves.binary_search(&t.wave) {
            t.wave = waves[n - 1 - i];
        }
    }
}

/// PruneLast (54): those prune tasks go to a wave after every Sync-phase task.
pub fn prune_last(tasks: &mut [SyncTask], app_wide: bool) {
    let last = tasks
        .iter()
        .filter(|t| t.phase == Phase::Sync)
        .map(|t| t.wave)
        .max()
        .unwrap_or(0)
        .max(0)
        + 1;
    for t in tasks.iter_mut().filter(|t| t.is_prune()) {
        if app_wide || t.has_option("PruneLast=true") {
            t.wave = last;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prune(name: &str, wave: i64) -> SyncTask {
        SyncTask::new(
            Phase::Sync,
            None,
            Some(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name,
                "annotations": {"argocd.argoproj.io/sync-wave": wave.to_string()}}}),
            ),
        )
    }

    #[test]
    fn waves_reverse_from_outside_in() {
        let mut t = vec![prune("a", -1), prune("b", 0), prune("c", 3), prune("d", 7)];
        reverse_waves(&mut t);
        assert_eq!(t.iter().map(|t| t.wave).collect::<Vec<_>>(), [7, 3, 0, -1]);
    }

    #[test]
    fn prune_last_after_highest_sync_wave() {
        let apply = SyncTask::new(
            Phase::Sync,
            Some(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x",
                "annotations": {"argocd.argoproj.io/sync-wave": "4"}}}),
            ),
            None,
        );
        let mut t = vec![apply, prune("old", 0)];
        prune_last(&mut t, true);
        assert_eq!(t[1].wave, 5);
        let mut neg = vec![prune("old", -3)];
        prune_last(&mut neg, true);
        assert_eq!(neg[0].wave, 1, "max(0, highest) + 1");
    }
}
