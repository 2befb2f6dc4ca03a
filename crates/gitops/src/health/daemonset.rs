//! apps/v1 DaemonSet: observed generation, then scheduled and available pods.

use super::fields::{api_version_is, int, quote, str_at, string};
use super::{unsupported_gvk, Health};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(obj, &["apps/v1"]) {
        return unsupported_gvk("DaemonSet", obj);
    }
    if int(obj, &["metadata", "generation"]) > int(obj, &["status", "observedGeneration"]) {
        return Health::progressing(
            "Waiting for rollout to finish: observed daemon set generation less than desired generation",
        );
    }
    let updated = int(obj, &["status", "updatedNumberScheduled"]);
    let desired = int(obj, &["status", "desiredNumberScheduled"]);
    let available = int(obj, &["status", "numberAvailable"]);
    if str_at(obj, &["spec", "updateStrategy", "type"]) == Some("OnDelete") {
        return Health::healthy_with(format!(
            "daemon set {updated} out of {desired} new pods have been updated"
        ));
    }
    let name = quote(&string(obj, &["metadata", "name"]));
    if updated < desired {
        return Health::progressing(format!(
            "Waiting for daemon set {name} rollout to finish: {updated} out of {desired} new pods have been updated..."
        ));
    }
    if available < desired {
        return Health::progressing(format!(
            "Waiting for daemon set {name} rollout to finish: {available} of {desired} updated pods are available..."
        ));
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn waits_for_available_pods() {
        let d = json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
            "status": {"desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 1}});
        assert_eq!(
            health(&d).message,
            "Waiting for daemon set \"agent\" rollout to finish: 1 of 3 updated pods are available..."
        );
    }
}
