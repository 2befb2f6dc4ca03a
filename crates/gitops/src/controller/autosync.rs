//! Automated sync and self-heal decisions (spec 67-70), as a pure function of the app's
//! state so each rule can be tested on its own.

use crate::app::Automated;
use crate::controller::compare::{Comparison, SyncStatus};
use crate::sync::OperationPhase;
use kubeplay_cluster::clock::{Millis, SECOND};

/// What the last finished operation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastSync {
    pub revision: String,
    pub phase: OperationPhase,
    pub message: String,
    pub finished_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing to do.
    None,
    /// Start an automated sync of every resource.
    Sync,
    /// Start a self-heal sync of the non-Synced resources.
    SelfHeal,
    /// Self-heal is due at this time (back-off, 70).
    WaitUntil(Millis),
    /// Refused or repeated failure: the condition message to show.
    Condition(String),
}

/// Self-heal back-off (70): 0 for the first attempt, then 2 s x 3^(n-1), capped at 300 s.
pub fn self_heal_backoff(attempts: u32) -> Millis {
    if attempts == 0 {
        return 0;
    }
    let mut d = 2 * SECOND;
    for _ in 1..attempts {
        d = d.saturating_mul(3);
        if d >= 300 * SECOND {
            return 300 * SECOND;
        }
    }
    d.min(300 * SECOND)
}

pub fn decide(
    automated: Option<Automated>,
    operation_running: bool,
    comparison: &Comparison,
    last: Option<&LastSync>,
    self_heal_attempts: u32,
    now: Millis,
) -> Decision {
    let Some(auto) = automated else {
        return Decision::None;
    };
    // Only an OutOfSync app with no operation running (67).
    if operation_running || comparison.sync_status != SyncStatus::OutOfSync {
        return Decision::None;
    }
    let Some(revision) = comparison.revision.as_deref() else {
        return Decision::None;
    };
    let out_of_sync: Vec<_> = comparison
        .resources
        .iter()
        .filter(|r| r.status != SyncStatus::Synced)
        .collect();
    // Without prune, pruning alone is no reason to sync (68).
    if !auto.prune && out_of_sync.iter().all(|r| r.requires_pruning) {
        return Decision::None;
    }
    // Never wipe out every resource unless allowEmpty (68).
    if auto.prune
        && !auto.allow_empty
        && !comparison.resources.is_empty()
        && comparison.resources.iter().all(|r| r.requires_pruning)
    {
        return Decision::Condition(format!(
            "Skipping sync attempt to {revision}: auto-sync will wipe out all resources"
        ));
    }
    match last {
        Some(l) if l.revision == revision => {
            // Not repeated for the same revision (69) ...
            if l.phase == OperationPhase::Failed {
                return Decision::Condition(format!(
                    "Failed last sync attempt to {revision}: {}",
                    l.message
                ));
            }
            if !auto.self_heal {
                return Decision::None;
            }
            // ... unless self-heal corrects drift, after the back-off (70).
            let due = l.finished_at + self_heal_backoff(self_heal_attempts);
            if now < due {
                Decision::WaitUntil(due)
            } else {
                Decision::SelfHeal
            }
        }
        _ => Decision::Sync,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controller::compare::ResourceStatus;
    use crate::diff;
    use crate::health::{Health, HealthStatus};
    use serde_json::json;

    fn resource(name: &str, status: SyncStatus, requires_pruning: bool) -> ResourceStatus {
        let obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}});
        let d = diff::diff(None, Some(&obj), &[]);
        ResourceStatus {
            key: d.key.clone(),
            api_version: "v1".into(),
            status,
            health: None,
            requires_pruning,
            diff: d,
        }
    }

    fn comparison(resources: Vec<ResourceStatus>) -> Comparison {
        let status = if resources.iter().any(|r| r.status == SyncStatus::OutOfSync) {
            SyncStatus::OutOfSync
        } else {
            SyncStatus::Synced
        };
        Comparison {
            revision: Some("abc".into()),
            source_type: None,
            sync_status: status,
            health: Health::new(HealthStatus::Healthy, ""),
            resources,
            targets: vec![],
            live: vec![],
            conditions: vec![],
        }
    }

    const AUTO: Automated = Automated {
        prune: false,
        self_heal: false,
        allow_empty: false,
    };

    fn last(phase: OperationPhase) -> LastSync {
        LastSync {
            revision: "abc".into(),
            phase,
            message: "boom".into(),
            finished_at: 10_000,
        }
    }

    #[test]
    fn backoff_sequence() {
        let s: Vec<Millis> = (0..8).map(self_heal_backoff).collect();
        assert_eq!(
            s,
            [0, 2_000, 6_000, 18_000, 54_000, 162_000, 300_000, 300_000]
        );
    }

    #[test]
    fn only_out_of_sync_and_idle_apps_sync() {
        let synced = comparison(vec![resource("a", SyncStatus::Synced, false)]);
        assert_eq!(
            decide(Some(AUTO), false, &synced, None, 0, 0),
            Decision::None
        );
        let oos = comparison(vec![resource("a", SyncStatus::OutOfSync, false)]);
        assert_eq!(decide(None, false, &oos, None, 0, 0), Decision::None);
        assert_eq!(decide(Some(AUTO), true, &oos, None, 0, 0), Decision::None);
        assert_eq!(decide(Some(AUTO), false, &oos, None, 0, 0), Decision::Sync);
        let mut unknown = oos.clone();
        unknown.sync_status = SyncStatus::Unknown;
        assert_eq!(
            decide(Some(AUTO), false, &unknown, None, 0, 0),
            Decision::None
        );
    }

    #[test]
    fn prune_rules() {
        let only_prune = comparison(vec![
            resource("a", SyncStatus::Synced, false),
            resource("b", SyncStatus::OutOfSync, true),
        ]);
        assert_eq!(
            decide(Some(AUTO), false, &only_prune, None, 0, 0),
            Decision::None
        );
        let prune = Automated {
            prune: true,
            ..AUTO
        };
        assert_eq!(
            decide(Some(prune), false, &only_prune, None, 0, 0),
            Decision::Sync
        );
        let wipe = comparison(vec![resource("b", SyncStatus::OutOfSync, true)]);
        assert_eq!(
            decide(Some(prune), false, &wipe, None, 0, 0),
            Decision::Condition(
                "Skipping sync attempt to abc: auto-sync will wipe out all resources".into()
            )
        );
        let empty_ok = Automated {
            allow_empty: true,
            ..prune
        };
        assert_eq!(
            decide(Some(empty_ok), false, &wipe, None, 0, 0),
            Decision::Sync
        );
    }

    #[test]
    fn same_revision_is_not_repeated_unless_self_heal() {
        let oos = comparison(vec![resource("a", SyncStatus::OutOfSync, false)]);
        assert_eq!(
            decide(
                Some(AUTO),
                false,
                &oos,
                Some(&last(OperationPhase::Failed)),
                0,
                20_000
            ),
            Decision::Condition("Failed last sync attempt to abc: boom".into())
        );
        assert_eq!(
            decide(
                Some(AUTO),
                false,
                &oos,
                Some(&last(OperationPhase::Succeeded)),
                0,
                20_000
            ),
            Decision::None
        );
        let heal = Automated {
            self_heal: true,
            ..AUTO
        };
        let ok = last(OperationPhase::Succeeded);
        assert_eq!(
            decide(Some(heal), false, &oos, Some(&ok), 0, 10_000),
            Decision::SelfHeal
        );
        assert_eq!(
            decide(Some(heal), false, &oos, Some(&ok), 2, 11_000),
            Decision::WaitUntil(16_000)
        );
        assert_eq!(
            decide(Some(heal), false, &oos, Some(&ok), 2, 16_000),
            Decision::SelfHeal
        );
        let mut newer = ok.clone();
        newer.revision = "old".into();
        assert_eq!(
            decide(Some(heal), false, &oos, Some(&newer), 5, 0),
            Decision::Sync
        );
    }
}
