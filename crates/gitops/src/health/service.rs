//! v1 Service: a LoadBalancer waits for an ingress point; every other Service is Healthy.

use super::fields::{api_version_is, items, str_at};
use super::{unsupported_gvk, Health};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(obj, &["v1"]) {
        return unsupported_gvk("Service", obj);
    }
    let is_load_balancer = str_at(obj, &["spec", "type"]) == Some("LoadBalancer");
    if is_load_balancer && items(obj, &["status", "loadBalancer", "ingress"]).is_empty() {
        return Health::progressing("");
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn load_balancer_without_ingress_is_progressing() {
        let s = json!({"apiVersion": "v1", "kind": "Service", "spec": {"type": "LoadBalancer"}});
        assert_eq!(health(&s), Health::progressing(""));
        let cluster_ip = json!({"apiVersion": "v1", "kind": "Service", "spec": {}});
        assert_eq!(health(&cluster_ip), Health::healthy());
    }
}
