//! autoscaling HorizontalPodAutoscaler (v1 and v2): scaling conditions.

use super::fields::{api_version_is, conditions, str_at, string};
use super::{unsupported_gvk, Health};
use crate::hook::annotation;
use serde_json::Value;

/// autoscaling/v1 keeps the v2 conditions in this annotation, as JSON.
const CONDITIONS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/conditions";

const WAITING: &str = "Waiting to Autoscale";

/// (type, reason) pairs that mean the autoscaler cannot do its job.
const DEGRADED: &[(&str, &str)] = &[
    ("AbleToScale", "FailedGetScale"),
    ("AbleToScale", "FailedUpdateScale"),
    ("ScalingActive", "FailedGetResourceMetric"),
    ("ScalingActive", "FailedGetObjectMetric"),
    ("ScalingActive", "FailedGetPodsMetric"),
    ("ScalingActive", "FailedGetExternalMetric"),
    ("ScalingActive", "FailedComputeMetricsReplicas"),
    ("ScalingActive", "InvalidSelector"),
];

pub(super) fn health(obj: &Value) -> Health {
    if api_version_is(obj, &["autoscaling/v2"]) {
        return check(conditions(obj));
    }
    if !api_version_is(obj, &["autoscaling/v1"]) {
        return unsupported_gvk("HPA", obj);
    }
    let Some(text) = annotation(obj, CONDITIONS_ANNOTATION) else {
        return Health::progressing(WAITING);
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(list)) if list.is_empty() => Health::progressing(WAITING),
        Ok(Value::Array(list)) => check(&list),
        Ok(Value::Null) => Health::progressing(WAITING),
        Ok(_) => Health::unknown(
            "failed to convert conditions annotation to typed: the annotation is not a JSON list",
        ),
        Err(err) => Health::unknown(format!(
            "failed to convert conditions annotation to typed: {err}"
        )),
    }
}

fn check(conditions: &[Value]) -> Health {
    let degraded = conditions.iter().find(|c| {
        let (kind, reason) = (str_at(c, &["type"]), str_at(c, &["reason"]));
        DEGRADED
            .iter()
            .any(|(t, r)| kind == Some(t) && reason == Some(r))
    });
    if let Some(c) = degraded {
        return Health::degraded(string(c, &["message"]));
    }
    let healthy = conditions.iter().find(|c| {
        matches!(str_at(c, &["type"]), Some("AbleToScale" | "ScalingLimited"))
            && str_at(c, &["status"]) == Some("True")
    });
    match healthy {
        Some(c) => Health::healthy_with(string(c, &["message"])),
        None => Health::progressing(WAITING),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v1(annotation: &str) -> Value {
        json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
               "metadata": {"annotations": {CONDITIONS_ANNOTATION: annotation}}})
    }

    #[test]
    fn v1_reads_the_annotation() {
        let h = v1(
            r#"[{"type":"AbleToScale","status":"True","reason":"x","message":"ok"},
                     {"type":"ScalingActive","status":"False","reason":"FailedGetResourceMetric","message":"no metrics"}]"#,
        );
        assert_eq!(health(&h), Health::degraded("no metrics"));
        assert_eq!(health(&v1("[]")), Health::progressing(WAITING));
        assert_eq!(
            health(&v1("{not json")).status,
            super::super::HealthStatus::Unknown
        );
    }

    #[test]
    fn v2beta2_is_no_longer_supported() {
        let h = json!({"apiVersion": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler"});
        assert_eq!(
            health(&h).message,
            "unsupported HPA GVK: autoscaling/v2beta2, Kind=HorizontalPodAutoscaler"
        );
    }
}
