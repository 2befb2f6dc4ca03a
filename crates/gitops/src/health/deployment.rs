//! apps/v1 Deployment: the rollout status `kubectl rollout status` reports.

use super::fields::{api_version_is, bool_at, condition, int, int_at, quote, str_at, string};
use super::{unsupported_gvk, Health, HealthStatus};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(obj, &["apps/v1"]) {
        return unsupported_gvk("Deployment", obj);
    }
    if bool_at(obj, &["spec", "paused"]) {
        return Health::new(HealthStatus::Suspended, "Deployment is paused");
    }
    if int(obj, &["metadata", "generation"]) > int(obj, &["status", "observedGeneration"]) {
        return Health::progressing(
            "Waiting for rollout to finish: observed deployment generation less than desired generation",
        );
    }
    let deadline_exceeded = condition(obj, "Progressing")
        .is_some_and(|c| str_at(c, &["reason"]) == Some("ProgressDeadlineExceeded"));
    if deadline_exceeded {
        let name = string(obj, &["metadata", "name"]);
        return Health::degraded(format!(
            "Deployment {} exceeded its progress deadline",
            quote(&name)
        ));
    }
    let updated = int(obj, &["status", "updatedReplicas"]);
    let replicas = int(obj, &["status", "replicas"]);
    let available = int(obj, &["status", "availableReplicas"]);
    // Replica comparisons use spec.replicas only when the manifest sets it (no defaulting).
    if let Some(desired) = int_at(obj, &["spec", "replicas"]) {
        if updated < desired {
            return Health::progressing(format!(
                "Waiting for rollout to finish: {updated} out of {desired} new replicas have been updated..."
            ));
        }
    }
    if replicas > updated {
        return Health::progressing(format!(
            "Waiting for rollout to finish: {} old replicas are pending termination...",
            replicas - updated
        ));
    }
    if available < updated {
        return Health::progressing(format!(
            "Waiting for rollout to finish: {available} of {updated} updated replicas are available..."
        ));
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(spec: Value, status: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "generation": 2}, "spec": spec, "status": status})
    }

    #[test]
    fn paused_wins_over_everything() {
        let d = deployment(json!({"paused": true}), json!({}));
        assert_eq!(health(&d).status, HealthStatus::Suspended);
    }

    #[test]
    fn old_replicas_pending_termination() {
        let d = deployment(
            json!({"replicas": 2}),
            json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 2}),
        );
        assert_eq!(
            health(&d).message,
            "Waiting for rollout to finish: 1 old replicas are pending termination..."
        );
    }

    #[test]
    fn other_versions_are_unknown() {
        let mut d = deployment(json!({}), json!({}));
        d["apiVersion"] = json!("extensions/v1beta1");
        assert_eq!(
            health(&d),
            Health::unknown("unsupported Deployment GVK: extensions/v1beta1, Kind=Deployment")
        );
    }
}
