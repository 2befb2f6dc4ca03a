//! API defaulting for pods and probes (spec 1-3), applied on create before validation, exactly
//! where the API server does it. A value of 0 counts as unset for probe fields (spec 1).

use serde_json::{json, Map, Value};

/// The probe fields the API server defaults, with their defaults (spec 1).
const PROBE_DEFAULTS: [(&str, i64); 4] = [
    ("timeoutSeconds", 1),
    ("periodSeconds", 10),
    ("successThreshold", 1),
    ("failureThreshold", 3),
];

pub const PROBE_TYPES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];

/// Defaults a Pod object in place.
pub fn default_pod(pod: &mut Value) {
    let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    // Spec 3.
    set_if_absent(spec, "restartPolicy", json!("Always"));
    set_if_absent(spec, "terminationGracePeriodSeconds", json!(30));
    set_if_absent(spec, "dnsPolicy", json!("ClusterFirst"));
    set_if_absent(spec, "schedulerName", json!("default-scheduler"));
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers.iter_mut().filter_map(Value::as_object_mut) {
                default_container(c);
            }
        }
    }
}

fn default_container(c: &mut Map<String, Value>) {
    let policy = match c.get("image").and_then(Value::as_str) {
        Some(image) if image_tag(image).is_some_and(|t| t != "latest") => "IfNotPresent",
        Some(image) if image.contains('@') => "IfNotPresent",
        _ => "Always",
    };
    set_if_absent(c, "imagePullPolicy", json!(policy));
    set_if_absent(c, "terminationMessagePath", json!("/dev/termination-log"));
    set_if_absent(c, "terminationMessagePolicy", json!("File"));
    set_if_absent(c, "resources", json!({}));
    if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            set_if_absent(p, "protocol", json!("TCP"));
        }
    }
    for probe_type in PROBE_TYPES {
        if let Some(probe) = c.get_mut(probe_type).and_then(Value::as_object_mut) {
            default_probe(probe);
        }
    }
}

fn default_probe(probe: &mut Map<String, Value>) {
    for (field, default) in PROBE_DEFAULTS {
        let unset = match probe.get(field) {
            None | Some(Value::Null) => true,
            Some(v) => v.as_i64() == Some(0),
        };
        if unset {
            probe.insert(field.to_string(), json!(default));
        }
    }
    // Spec 2: path "/" and scheme HTTP; host stays empty (the pod IP at probe time).
    if let Some(http) = probe.get_mut("httpGet").and_then(Value::as_object_mut) {
        if http
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            http.insert("path".into(), json!("/"));
        }
        if http
            .get("scheme")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            http.insert("scheme".into(), json!("HTTP"));
        }
    }
}

/// The tag of an image reference (`nginx:1.25` -> `1.25`), ignoring a registry port.
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last_segment = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last_segment.split_once(':').map(|(_, tag)| tag)
}

fn set_if_absent(map: &mut Map<String, Value>, key: &str, value: Value) {
    match map.get(key) {
        None | Some(Value::Null) => {
            map.insert(key.to_string(), value);
        }
        Some(Value::String(s)) if s.is_empty() => {
            map.insert(key.to_string(), value);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_zero_means_default_and_initial_delay_stays() {
        let mut pod = json!({"spec": {"containers": [{"name": "c", "image": "nginx:1.25",
            "livenessProbe": {"httpGet": {"port": 80}, "periodSeconds": 0, "failureThreshold": 5,
            "initialDelaySeconds": 0}}]}});
        default_pod(&mut pod);
        let p = &pod["spec"]["containers"][0]["livenessProbe"];
        assert_eq!(p["periodSeconds"], 10);
        assert_eq!(p["timeoutSeconds"], 1);
        assert_eq!(p["successThreshold"], 1);
        assert_eq!(p["failureThreshold"], 5);
        assert_eq!(p["initialDelaySeconds"], 0);
        assert_eq!(p["httpGet"]["path"], "/");
        assert_eq!(p["httpGet"]["scheme"], "HTTP");
        assert!(p["httpGet"].get("host").is_none());
        assert_eq!(pod["spec"]["restartPolicy"], "Always");
        assert_eq!(pod["spec"]["terminationGracePeriodSeconds"], 30);
        assert_eq!(
            pod["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
    }

    #[test]
    fn untagged_and_latest_images_pull_always() {
        assert_eq!(
            image_tag("registry.k8s.io/e2e-test-images/agnhost:2.40"),
            Some("2.40")
        );
        assert_eq!(image_tag("localhost:5000/app"), None);
        let mut pod = json!({"spec": {"containers": [{"name": "a", "image": "busybox"},
            {"name": "b", "image": "nginx:latest"}]}});
        default_pod(&mut pod);
        assert_eq!(pod["spec"]["containers"][0]["imagePullPolicy"], "Always");
        assert_eq!(pod["spec"]["containers"][1]["imagePullPolicy"], "Always");
    }
}
