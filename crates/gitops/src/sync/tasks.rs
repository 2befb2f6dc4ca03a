//! Sync tasks (spec 40-48): one per desired resource, per live resource to prune, and per
//! hook type of each hook. A task is plain data the UI can show as it is.

use crate::hook::{annotation, hook_types, is_hook, is_ignored, is_skip};
use crate::sync::hooks::{delete_policies, DeletePolicy};
use crate::tree::ResourceKey;
use serde_json::Value;

pub const ANNOTATION_SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";
pub const ANNOTATION_HELM_WEIGHT: &str = "helm.sh/hook-weight";
pub const ANNOTATION_SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";

/// Sync phases in execution order (49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    PreSync,
    Sync,
    PostSync,
    SyncFail,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::PreSync => "PreSync",
            Phase::Sync => "Sync",
            Phase::PostSync => "PostSync",
            Phase::SyncFail => "SyncFail",
        }
    }

    fn parse(s: &str) -> Option<Phase> {
        [
            Phase::PreSync,
            Phase::Sync,
            Phase::PostSync,
            Phase::SyncFail,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// Where a task is in its life (Argo's operation phase of a task).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// The result code Argo CD records per resource (58).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultCode {
    Synced,
    SyncFailed,
    Pruned,
    PruneSkipped,
}

impl ResultCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ResultCode::Synced => "Synced",
            ResultCode::SyncFailed => "SyncFailed",
            ResultCode::Pruned => "Pruned",
            ResultCode::PruneSkipped => "PruneSkipped",
        }
    }
}

/// What happened to the object, in kubectl's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Configured,
    Unchanged,
    Pruned,
    Failed,
    /// Prune skipped, or not run yet.
    None,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Configured => "configured",
            Action::Unchanged => "unchanged",
            Action::Pruned => "pruned",
            Action::Failed => "failed",
            Action::None => "",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyncTask {
    pub phase: Phase,
    pub wave: i64,
    pub key: ResourceKey,
    /// The object to apply (None for prune tasks).
    pub target: Option<Value>,
    /// The live object when the operation started.
    pub live: Option<Value>,
    /// Set for hooks: the phase is the hook type.
    pub hook: bool,
    pub delete_policies: Vec<DeletePolicy>,
    pub state: TaskState,
    pub result: Option<ResultCode>,
    pub action: Action,
    pub message: String,
}

impl SyncTask {
    pub fn new(phase: Phase, target: Option<Value>, live: Option<Value>) -> SyncTask {
        let obj = target
            .as_ref()
            .or(live.as_ref())
            .cloned()
            .unwrap_or(Value::Null);
        let hook = target.as_ref().is_some_and(is_hook);
        SyncTask {
            phase,
            wave: wave(&obj),
            key: ResourceKey::of(&obj),
            delete_policies: if hook {
                delete_policies(&obj)
            } else {
                Vec::new()
            },
            target,
            live,
            hook,
            state: TaskState::Pending,
            result: None,
            action: Action::None,
            message: String::new(),
        }
    }

    pub fn is_prune(&self) -> bool {
        self.target.is_none()
    }

    /// `<group>/<kind>/<name>` as Argo's operation messages print a task.
    pub fn describe(&self) -> String {
        format!("{}/{}/{}", self.key.group, self.key.kind, self.key.name)
    }

    pub fn api_version(&self) -> &str {
        self.target
            .as_ref()
            .or(self.live.as_ref())
            .and_then(|o| o.get("apiVersion"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// Does the object (live for prunes, target otherwise) carry this sync option?
    pub fn has_option(&self, option: &str) -> bool {
        let obj = if self.is_prune() {
            self.live.as_ref()
        } else {
            self.target.as_ref()
        };
        obj.is_some_and(|o| has_sync_option(o, option))
    }
}

pub fn has_sync_option(obj: &Value, option: &str) -> bool {
    annotation(obj, ANNOTATION_SYNC_OPTIONS)
        .unwrap_or("")
        .split(',')
        .any(|o| o.trim() == option)
}

/// The sync wave (45): Argo's annotation, else Helm's hook weight, else 0.
pub fn wave(obj: &Value) -> i64 {
    [ANNOTATION_SYNC_WAVE, ANNOTATION_HELM_WEIGHT]
        .into_iter()
        .find_map(|a| annotation(obj, a).and_then(|v| v.trim().parse().ok()))
        .unwrap_or(0)
}

/// Tasks for desired objects (with their live counterparts) and live objects to prune
/// (40): ordinary resources in phase Sync, hooks once per hook type; ignored and Skip
/// objects get none (48).
pub fn build(desired: &[(Value, Option<Value>)], prune: &[Value]) -> Vec<SyncTask> {
    let mut tasks = Vec::new();
    for (target, live) in desired {
        if is_ignored(target) || is_skip(target) {
            continue;
        }
        if is_hook(target) {
            for t in hook_types(target) {
                if let Some(phase) = Phase::parse(t) {
                    tasks.push(SyncTask::new(phase, Some(target.clone()), None));
                }
            }
        } else {
            tasks.push(SyncTask::new(
                Phase::Sync,
                Some(target.clone()),
                live.clone(),
            ));
        }
    }
    for live in prune {
        tasks.push(SyncTask::new(Phase::Sync, None, Some(live.clone())));
    }
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(kind: &str, name: &str, annotations: Value) -> Value {
        json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "annotations": annotations}})
    }

    #[test]
    fn waves_from_argo_then_helm() {
        assert_eq!(
            wave(&obj(
                "Pod",
                "a",
                json!({ANNOTATION_SYNC_WAVE: "-2", ANNOTATION_HELM_WEIGHT: "5"})
            )),
            -2
        );
        assert_eq!(
            wave(&obj(
                "Pod",
                "a",
                json!({ANNOTATION_SYNC_WAVE: "x", ANNOTATION_HELM_WEIGHT: "5"})
            )),
            5
        );
        assert_eq!(wave(&obj("Pod", "a", json!({}))), 0);
    }

    #[test]
    fn hooks_get_a_task_per_type_and_skip_none() {
        let desired = vec![
            (
                obj(
                    "Pod",
                    "h",
                    json!({"argocd.argoproj.io/hook": "PreSync,PostSync"}),
                ),
                None,
            ),
            (
                obj("Pod", "skip", json!({"argocd.argoproj.io/hook": "Skip"})),
                None,
            ),
            (
                obj("Pod", "helm-test", json!({"helm.sh/hook": "test"})),
                None,
            ),
            (obj("ConfigMap", "c", json!({})), None),
        ];
        let tasks = build(&desired, &[obj("Secret", "old", json!({}))]);
        let shown: Vec<(Phase, &str, bool)> = tasks
            .iter()
            .map(|t| (t.phase, t.key.name.as_str(), t.is_prune()))
            .collect();
        assert_eq!(
            shown,
            [
                (Phase::PreSync, "h", false),
                (Phase::PostSync, "h", false),
                (Phase::Sync, "c", false),
                (Phase::Sync, "old", true)
            ]
        );
    }
}
