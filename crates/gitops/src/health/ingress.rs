//! Ingress (extensions and networking.k8s.io, any version): Healthy once it has an address.

use super::fields::items;
use super::Health;
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if items(obj, &["status", "loadBalancer", "ingress"]).is_empty() {
        Health::progressing("")
    } else {
        Health::healthy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn address_makes_it_healthy() {
        let with = json!({"status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}}});
        assert_eq!(health(&with), Health::healthy());
        assert_eq!(
            health(&json!({"status": {"loadBalancer": {}}})),
            Health::progressing("")
        );
    }
}
