//! apiregistration.k8s.io APIService (v1, v1beta1): the Available condition.

use super::fields::{api_version_is, condition, str_at, string};
use super::{unsupported_gvk, Health};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(
        obj,
        &[
            "apiregistration.k8s.io/v1",
            "apiregistration.k8s.io/v1beta1",
        ],
    ) {
        return unsupported_gvk("APIService", obj);
    }
    match condition(obj, "Available") {
        Some(c) => {
            let message = format!("{}: {}", string(c, &["reason"]), string(c, &["message"]));
            if str_at(c, &["status"]) == Some("True") {
                Health::healthy_with(message)
            } else {
                Health::progressing(message)
            }
        }
        None => Health::progressing("Waiting to be processed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn available_condition_decides() {
        let a = json!({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
            "status": {"conditions": [{"type": "Available", "status": "False",
                                       "reason": "MissingEndpoints", "message": "no endpoints"}]}});
        assert_eq!(
            health(&a),
            Health::progressing("MissingEndpoints: no endpoints")
        );
        let none = json!({"apiVersion": "apiregistration.k8s.io/v1beta1", "kind": "APIService"});
        assert_eq!(
            health(&none),
            Health::progressing("Waiting to be processed")
        );
    }
}
