//! Services and their EndpointSlices (spec 50-53): only pods that match the selector, have an
//! IP and are not terminal are listed; `ready` follows the pod's Ready condition unless the
//! Service publishes not-ready addresses. Readiness failures thereby take a pod out of traffic.

use crate::error::{FieldError, FieldErrorKind};
use crate::validation::validate_metadata;
use serde_json::{json, Value};

/// API defaults for a Service (type, protocol, targetPort, sessionAffinity ...).
pub fn default_service(svc: &mut Value, cluster_ip: String) {
    let Some(spec) = svc.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    spec.entry("type").or_insert(json!("ClusterIP"));
    spec.entry("sessionAffinity").or_insert(json!("None"));
    if spec.get("type").and_then(Value::as_str) != Some("ExternalName") {
        spec.entry("clusterIP").or_insert(json!(cluster_ip));
        let ip = spec["clusterIP"].clone();
        spec.entry("clusterIPs").or_insert(json!([ip]));
        spec.entry("ipFamilies").or_insert(json!(["IPv4"]));
        spec.entry("ipFamilyPolicy").or_insert(json!("SingleStack"));
        spec.entry("internalTrafficPolicy")
            .or_insert(json!("Cluster"));
    }
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            p.entry("protocol").or_insert(json!("TCP"));
            if let Some(port) = p.get("port").cloned() {
                p.entry("targetPort").or_insert(port);
            }
        }
    }
}

pub fn validate_service(svc: &Value) -> Vec<FieldError> {
    let mut errs = validate_metadata(svc, true);
    let spec = &svc["spec"];
    let external = spec["type"].as_str() == Some("ExternalName");
    match spec["ports"].as_array() {
        Some(ports) if !ports.is_empty() => {
            for (i, p) in ports.iter().enumerate() {
                let n = p["port"].as_i64().unwrap_or(0);
                if !(1..=65535).contains(&n) {
                    errs.push(FieldError {
                        path: format!("spec.ports[{i}].port"),
                        kind: FieldErrorKind::Invalid(n.to_string()),
                        detail: "must be between 1 and 65535, inclusive".into(),
                    });
                }
                if ports.len() > 1 && p["name"].as_str().unwrap_or("").is_empty() {
                    errs.push(FieldError {
                        path: format!("spec.ports[{i}].name"),
                        kind: FieldErrorKind::Required,
                        detail: String::new(),
                    });
                }
            }
        }
        _ if !external => errs.push(FieldError {
            path: "spec.ports".into(),
            kind: FieldErrorKind::Required,
            detail: String::new(),
        }),
        _ => {}
    }
    if let Some(t) = spec["type"].as_str() {
        if !matches!(
            t,
            "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
        ) {
            errs.push(FieldError {
                path: "spec.type".into(),
                kind: FieldErrorKind::NotSupported(format!("{t:?}")),
                detail: "supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"".into(),
            });
        }
    }
    errs
}

fn selects(selector: &serde_json::Map<String, Value>, pod: &Value) -> bool {
    let labels = pod.pointer("/metadata/labels");
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

fn pod_ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// Resolves a targetPort (number, or container port name) against a pod.
fn target_port(target: &Value, pod: &Value) -> Option<i64> {
    match target {
        Value::String(name) => pod["spec"]["containers"]
            .as_array()?
            .iter()
            .flat_map(|c| c["ports"].as_array().into_iter().flatten())
            .find(|p| p["name"].as_str() == Some(name.as_str()))
            .and_then(|p| p["containerPort"].as_i64()),
        v => v.as_i64(),
    }
}

/// The EndpointSlice the controller would publish for `svc` over `pods` (same namespace).
/// None when the Service has no selector (its endpoints are managed by hand).
pub fn endpoint_slice<'a>(
    svc: &Value,
    slice_name: &str,
    pods: impl Iterator<Item = &'a Value>,
) -> Option<Value> {
    let selector = svc.pointer("/spec/selector")?.as_object()?;
    if selector.is_empty() {
        return None;
    }
    let publish_not_ready = svc["spec"]["publishNotReadyAddresses"].as_bool() == Some(true);
    let ns = svc["metadata"]["namespace"].as_str().unwrap_or("default");
    let svc_name = svc["metadata"]["name"].as_str().unwrap_or("");
    let svc_ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
    let mut endpoints = Vec::new();
    let mut ports: Option<Vec<Value>> = None;
    for pod in pods {
        let phase = pod.pointer("/status/phase").and_then(Value::as_str);
        let ip = pod.pointer("/status/podIP").and_then(Value::as_str);
        let (Some(ip), false) = (ip, matches!(phase, Some("Succeeded" | "Failed"))) else {
            continue;
        };
        if !selects(selector, pod) {
            continue;
        }
        let serving = pod_ready(pod);
        let terminating = pod.pointer("/metadata/deletionTimestamp").is_some();
        if ports.is_none() {
            ports = Some(
                svc_ports
                    .iter()
                    .filter_map(|p| {
                        let mut port = json!({
                            "name": p["name"].as_str().unwrap_or(""),
                            "port": target_port(&p["targetPort"], pod)?,
                            "protocol": p["protocol"].as_str().unwrap_or("TCP"),
                        });
                        if let Some(ap) = p.get("appProtocol") {
                            port["appProtocol"] = ap.clone();
                        }
                        Some(port)
                    })
                    .collect(),
            );
        }
        endpoints.push(json!({
            "addresses": [ip],
            "conditions": {
                "ready": publish_not_ready || (serving && !terminating),
                "serving": serving,
                "terminating": terminating,
            },
            "nodeName": pod["spec"]["nodeName"],
            "targetRef": {
                "kind": "Pod",
                "namespace": ns,
                "name": pod["metadata"]["name"],
                "uid": pod["metadata"]["uid"],
            },
        }));
    }
    Some(json!({
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": slice_name,
            "namespace": ns,
            "labels": {
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                "kubernetes.io/service-name": svc_name,
            },
            "ownerReferences": [{
                "apiVersion": "v1",
                "kind": "Service",
                "name": svc_name,
                "uid": svc["metadata"]["uid"],
                "controller": true,
                "blockOwnerDeletion": true,
            }],
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": ports.unwrap_or_default(),
    }))
}

/// The legacy Endpoints object for `svc` (spec 52): ready pods in `addresses`, the others in
/// `notReadyAddresses`; terminating pods are left out unless not-ready addresses are published.
pub fn endpoints<'a>(svc: &Value, pods: impl Iterator<Item = &'a Value>) -> Option<Value> {
    let selector = svc.pointer("/spec/selector")?.as_object()?;
    if selector.is_empty() {
        return None;
    }
    let publish_not_ready = svc["spec"]["publishNotReadyAddresses"].as_bool() == Some(true);
    let ns = svc["metadata"]["namespace"].as_str().unwrap_or("default");
    let mut ready = Vec::new();
    let mut not_ready = Vec::new();
    let mut ports: Option<Vec<Value>> = None;
    for pod in pods {
        let phase = pod.pointer("/status/phase").and_then(Value::as_str);
        let Some(ip) = pod.pointer("/status/podIP").and_then(Value::as_str) else {
            continue;
        };
        if matches!(phase, Some("Succeeded" | "Failed")) || !selects(selector, pod) {
            continue;
        }
        let terminating = pod.pointer("/metadata/deletionTimestamp").is_some();
        if terminating && !publish_not_ready {
            continue;
        }
        if ports.is_none() {
            ports = Some(
                svc["spec"]["ports"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| {
                        let mut port = json!({
                            "port": target_port(&p["targetPort"], pod)?,
                            "protocol": p["protocol"].as_str().unwrap_or("TCP"),
                        });
                        if let Some(name) = p["name"].as_str().filter(|n| !n.is_empty()) {
                            port["name"] = json!(name);
                        }
                        Some(port)
                    })
                    .collect(),
            );
        }
        let address = json!({
            "ip": ip,
            "nodeName": pod["spec"]["nodeName"],
            "targetRef": {"kind": "Pod", "namespace": ns, "name": pod["metadata"]["name"], "uid": pod["metadata"]["uid"]},
        });
        if publish_not_ready || pod_ready(pod) {
            ready.push(address);
        } else {
            not_ready.push(address);
        }
    }
    let mut out = json!({
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": svc["metadata"]["name"], "namespace": ns,
            "labels": svc["metadata"]["labels"].clone()},
    });
    if out["metadata"]["labels"].is_null() {
        out["metadata"].as_object_mut()?.remove("labels");
    }
    if !ready.is_empty() || !not_ready.is_empty() {
        let mut subset = json!({});
        if !ready.is_empty() {
            subset["addresses"] = Value::Array(ready);
        }
        if !not_ready.is_empty() {
            subset["notReadyAddresses"] = Value::Array(not_ready);
        }
        subset["ports"] = Value::Array(ports.unwrap_or_default());
        out["subsets"] = json!([subset]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, ready: bool, deleting: bool) -> Value {
        let mut p = json!({"metadata": {"name": name, "uid": name, "labels": {"app": "web"}},
            "spec": {"nodeName": "n", "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]},
            "status": {"phase": "Running", "podIP": format!("10.0.0.{}", name.len()),
                "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}]}});
        if deleting {
            p["metadata"]["deletionTimestamp"] = json!("2025-01-01T00:00:00Z");
        }
        p
    }

    #[test]
    fn only_ready_pods_are_ready_endpoints() {
        let mut svc = json!({"metadata": {"name": "web", "namespace": "default", "uid": "s"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]}});
        default_service(&mut svc, "10.96.0.10".into());
        let pods = [
            pod("a", true, false),
            pod("bb", false, false),
            pod("ccc", true, true),
        ];
        let slice = endpoint_slice(&svc, "web-abcde", pods.iter()).unwrap();
        let ready: Vec<bool> = slice["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["conditions"]["ready"].as_bool().unwrap())
            .collect();
        assert_eq!(ready, [true, false, false]);
        assert_eq!(slice["ports"][0]["port"], 8080);
        svc["spec"]["publishNotReadyAddresses"] = json!(true);
        let slice = endpoint_slice(&svc, "web-abcde", pods.iter()).unwrap();
        assert!(slice["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["conditions"]["ready"] == true));
    }

    #[test]
    fn legacy_endpoints_split_ready_and_not_ready() {
        let mut svc = json!({"metadata": {"name": "web", "namespace": "default", "uid": "s"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}});
        default_service(&mut svc, "10.96.0.10".into());
        let pods = [
            pod("a", true, false),
            pod("bb", false, false),
            pod("ccc", true, true),
        ];
        let ep = endpoints(&svc, pods.iter()).unwrap();
        let subset = &ep["subsets"][0];
        assert_eq!(subset["addresses"].as_array().unwrap().len(), 1);
        assert_eq!(subset["notReadyAddresses"].as_array().unwrap().len(), 1);
        assert_eq!(subset["ports"][0]["port"], 8080);
    }

    #[test]
    fn services_need_ports() {
        let errs =
            validate_service(&json!({"metadata": {"name": "s"}, "spec": {"selector": {"a": "b"}}}));
        assert_eq!(errs[0].to_string(), "spec.ports: Required value");
    }
}
