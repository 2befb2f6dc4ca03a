//! apps/v1 StatefulSet: observed generation, readiness, then the update strategy.

use super::fields::{api_version_is, at, int, int_at, str_at, string};
use super::{unsupported_gvk, Health};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(obj, &["apps/v1"]) {
        return unsupported_gvk("StatefulSet", obj);
    }
    let observed = int(obj, &["status", "observedGeneration"]);
    if observed == 0 || int(obj, &["metadata", "generation"]) > observed {
        return Health::progressing("Waiting for statefulset spec update to be observed...");
    }
    let replicas = int_at(obj, &["spec", "replicas"]);
    let ready = int(obj, &["status", "readyReplicas"]);
    let updated = int(obj, &["status", "updatedReplicas"]);
    if let Some(replicas) = replicas {
        if ready < replicas {
            return Health::progressing(format!(
                "Waiting for {} pods to be ready...",
                replicas - ready
            ));
        }
    }
    let strategy = str_at(obj, &["spec", "updateStrategy", "type"]).unwrap_or("");
    let rolling = at(obj, &["spec", "updateStrategy", "rollingUpdate"]).filter(|v| !v.is_null());
    if strategy == "RollingUpdate" {
        if let Some(rolling) = rolling {
            if let (Some(replicas), Some(partition)) = (replicas, int_at(rolling, &["partition"])) {
                if updated < replicas - partition {
                    return Health::progressing(format!(
                        "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                        replicas - partition
                    ));
                }
            }
            return Health::healthy_with(format!(
                "partitioned roll out complete: {updated} new pods have been updated..."
            ));
        }
    }
    if strategy == "OnDelete" {
        return Health::healthy_with(format!("statefulset has {ready} ready pods"));
    }
    let update_revision = string(obj, &["status", "updateRevision"]);
    let current_revision = string(obj, &["status", "currentRevision"]);
    if update_revision != current_revision {
        return Health::progressing(format!(
            "waiting for statefulset rolling update to complete {updated} pods at revision {update_revision}..."
        ));
    }
    let current = int(obj, &["status", "currentReplicas"]);
    Health::healthy_with(format!(
        "statefulset rolling update complete {current} pods at revision {current_revision}..."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unobserved_spec_is_progressing() {
        let s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {"replicas": 1}});
        assert_eq!(
            health(&s).message,
            "Waiting for statefulset spec update to be observed..."
        );
    }

    #[test]
    fn partition_counts_only_pods_above_it() {
        let s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"generation": 1},
            "spec": {"replicas": 5, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}},
            "status": {"observedGeneration": 1, "readyReplicas": 5, "updatedReplicas": 1}});
        assert_eq!(
            health(&s),
            Health::progressing(
                "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated..."
            )
        );
    }
}
