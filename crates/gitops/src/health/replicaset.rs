//! apps/v1 ReplicaSet: observed generation, ReplicaFailure, then available replicas.

use super::fields::{api_version_is, conditions, int, int_at, str_at, string};
use super::{unsupported_gvk, Health};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(obj, &["apps/v1"]) {
        return unsupported_gvk("ReplicaSet", obj);
    }
    if int(obj, &["metadata", "generation"]) > int(obj, &["status", "observedGeneration"]) {
        return Health::progressing(
            "Waiting for rollout to finish: observed replica set generation less than desired generation",
        );
    }
    let failure = conditions(obj).iter().find(|c| {
        str_at(c, &["type"]) == Some("ReplicaFailure") && str_at(c, &["status"]) == Some("True")
    });
    if let Some(failure) = failure {
        return Health::degraded(string(failure, &["message"]));
    }
    let available = int(obj, &["status", "availableReplicas"]);
    if let Some(replicas) = int_at(obj, &["spec", "replicas"]) {
        if available < replicas {
            return Health::progressing(format!(
                "Waiting for rollout to finish: {available} out of {replicas} new replicas are available..."
            ));
        }
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replica_failure_is_degraded_with_its_message() {
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "spec": {"replicas": 1},
            "status": {"conditions": [{"type": "ReplicaFailure", "status": "True", "message": "quota"}]}});
        assert_eq!(health(&rs), Health::degraded("quota"));
    }

    #[test]
    fn unset_replicas_skip_the_comparison() {
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "status": {}});
        assert_eq!(health(&rs), Health::healthy());
    }
}
