//! Pod validation with the API server's field paths and wording (spec 4-10), plus the decoding
//! step that rejects wrongly typed numbers before validation even runs.

use crate::defaults::PROBE_TYPES;
use crate::error::{ApiError, FieldError, FieldErrorKind};
use serde_json::Value;

/// Rejects values the API server could not decode into the Go structs (e.g. `"10"` for an int32),
/// with the decoder's message.
pub fn decode_check_pod(pod: &Value) -> Result<(), ApiError> {
    let fail = |go_path: &str, v: &Value, ty: &str| {
        let found = match v {
            Value::String(_) => "string",
            Value::Bool(_) => "bool",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Number(_) => "number",
            Value::Null => "null",
        };
        Err(ApiError::BadRequest(format!(
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal {found} into Go struct field {go_path} of type {ty}"
        )))
    };
    let Some(spec) = pod.get("spec") else {
        return Ok(());
    };
    if let Some(v) = spec.get("terminationGracePeriodSeconds") {
        if !v.is_null() && v.as_i64().is_none() {
            return fail("PodSpec.spec.terminationGracePeriodSeconds", v, "int64");
        }
    }
    for list in ["initContainers", "containers"] {
        let Some(containers) = spec.get(list) else {
            continue;
        };
        let Some(containers) = containers.as_array() else {
            return fail(
                &format!("PodSpec.spec.{list}"),
                containers,
                "[]v1.Container",
            );
        };
        for c in containers {
            if !c.is_object() {
                return fail(&format!("PodSpec.spec.{list}"), c, "v1.Container");
            }
            for probe_type in PROBE_TYPES {
                let Some(probe) = c.get(probe_type).filter(|p| !p.is_null()) else {
                    continue;
                };
                if !probe.is_object() {
                    return fail(
                        &format!("Container.spec.{list}.{probe_type}"),
                        probe,
                        "v1.Probe",
                    );
                }
                for field in [
                    "initialDelaySeconds",
                    "timeoutSeconds",
                    "periodSeconds",
                    "successThreshold",
                    "failureThreshold",
                ] {
                    if let Some(v) = probe.get(field).filter(|v| !v.is_null()) {
                        if !is_int_in(v, i64::from(i32::MIN), i64::from(i32::MAX)) {
                            return fail(
                                &format!("Probe.spec.{list}.{probe_type}.{field}"),
                                v,
                                "int32",
                            );
                        }
                    }
                }
                if let Some(v) = probe
                    .get("terminationGracePeriodSeconds")
                    .filter(|v| !v.is_null())
                {
                    if v.as_i64().is_none() {
                        return fail(
                            &format!(
                                "Probe.spec.{list}.{probe_type}.terminationGracePeriodSeconds"
                            ),
                            v,
                            "int64",
                        );
                    }
                }
                if let Some(v) = probe.pointer("/grpc/port").filter(|v| !v.is_null()) {
                    if !is_int_in(v, i64::from(i32::MIN), i64::from(i32::MAX)) {
                        return fail(
                            &format!("GRPCAction.spec.{list}.{probe_type}.grpc.port"),
                            v,
                            "int32",
                        );
                    }
                }
            }
            if let Some(ports) = c.get("ports").and_then(Value::as_array) {
                for p in ports {
                    if let Some(v) = p.get("containerPort").filter(|v| !v.is_null()) {
                        if !is_int_in(v, i64::from(i32::MIN), i64::from(i32::MAX)) {
                            return fail(
                                &format!("ContainerPort.spec.{list}.ports.containerPort"),
                                v,
                                "int32",
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn is_int_in(v: &Value, min: i64, max: i64) -> bool {
    v.as_i64().is_some_and(|n| (min..=max).contains(&n))
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, path: &str, kind: FieldErrorKind, detail: &str) {
        self.0.push(FieldError {
            path: path.to_string(),
            kind,
            detail: detail.to_string(),
        });
    }
    fn invalid(&mut self, path: &str, value: &Value, detail: &str) {
        self.push(path, FieldErrorKind::Invalid(show(value)), detail);
    }
}

/// How the API server prints an invalid value: numbers bare, strings quoted.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// Validates object metadata (name and namespace), shared by every kind.
pub fn validate_metadata(obj: &Value, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Errors(Vec::new());
    match obj.pointer("/metadata/name").and_then(Value::as_str) {
        None | Some("") => errs.push(
            "metadata.name",
            FieldErrorKind::Required,
            "name or generateName is required",
        ),
        Some(name) if !is_dns1123_subdomain(name) => {
            errs.invalid("metadata.name", &Value::from(name), DNS1123_SUBDOMAIN_MSG)
        }
        _ => {}
    }
    if namespaced {
        if let Some(ns) = obj.pointer("/metadata/namespace").and_then(Value::as_str) {
            if !is_dns1123_label(ns) {
                errs.invalid("metadata.namespace", &Value::from(ns), DNS1123_LABEL_MSG);
            }
        }
    }
    errs.0
}

/// Validates a defaulted Pod (spec 4-9). Returns every error, in the API server's order.
pub fn validate_pod(pod: &Value) -> Vec<FieldError> {
    let mut errs = Errors(validate_metadata(pod, true));
    let spec = pod.get("spec").cloned().unwrap_or(Value::Null);
    let grace = spec.get("terminationGracePeriodSeconds");
    let mut names: Vec<String> = Vec::new();

    let init = spec.get("initContainers").and_then(Value::as_array);
    for (i, c) in init.into_iter().flatten().enumerate() {
        let path = format!("spec.initContainers[{i}]");
        validate_container(&mut errs, c, &path, &mut names);
        let restartable = match c.get("restartPolicy") {
            None | Some(Value::Null) => false,
            Some(Value::String(p)) if p == "Always" => true,
            Some(other) => {
                errs.push(
                    &format!("{path}.restartPolicy"),
                    FieldErrorKind::NotSupported(show(other)),
                    "supported values: \"Always\"",
                );
                false
            }
        };
        for probe_type in PROBE_TYPES {
            let Some(probe) = c.get(probe_type).filter(|p| !p.is_null()) else {
                continue;
            };
            if restartable {
                validate_probe(
                    &mut errs,
                    probe,
                    probe_type,
                    &format!("{path}.{probe_type}"),
                    c,
                );
            } else {
                // Spec 8: only sidecars may have probes (1.28+ wording).
                errs.push(
                    &format!("{path}.{probe_type}"),
                    FieldErrorKind::Forbidden,
                    "may not be set for init containers without restartPolicy=Always",
                );
            }
        }
    }

    match spec.get("containers").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => {
            for (i, c) in list.iter().enumerate() {
                let path = format!("spec.containers[{i}]");
                validate_container(&mut errs, c, &path, &mut names);
                for probe_type in PROBE_TYPES {
                    if let Some(probe) = c.get(probe_type).filter(|p| !p.is_null()) {
                        validate_probe(
                            &mut errs,
                            probe,
                            probe_type,
                            &format!("{path}.{probe_type}"),
                            c,
                        );
                    }
                }
                if c.get("restartPolicy").is_some_and(|v| !v.is_null()) {
                    errs.push(
                        &format!("{path}.restartPolicy"),
                        FieldErrorKind::Forbidden,
                        "may not be set for non-init containers",
                    );
                }
            }
        }
        _ => errs.push("spec.containers", FieldErrorKind::Required, ""),
    }

    match spec.get("restartPolicy").and_then(Value::as_str) {
        Some("Always" | "OnFailure" | "Never") => {}
        Some(other) => errs.push(
            "spec.restartPolicy",
            FieldErrorKind::NotSupported(show(&Value::from(other))),
            "supported values: \"Always\", \"OnFailure\", \"Never\"",
        ),
        None => errs.push("spec.restartPolicy", FieldErrorKind::Required, ""),
    }
    if let Some(g) = grace.and_then(Value::as_i64) {
        if g < 0 {
            errs.invalid(
                "spec.terminationGracePeriodSeconds",
                &Value::from(g),
                "must be greater than or equal to 0",
            );
        }
    }
    errs.0
}

fn validate_container(errs: &mut Errors, c: &Value, path: &str, names: &mut Vec<String>) {
    match c.get("name").and_then(Value::as_str) {
        None | Some("") => errs.push(&format!("{path}.name"), FieldErrorKind::Required, ""),
        Some(name) => {
            if !is_dns1123_label(name) {
                errs.invalid(
                    &format!("{path}.name"),
                    &Value::from(name),
                    DNS1123_LABEL_MSG,
                );
            } else if names.iter().any(|n| n == name) {
                errs.push(
                    &format!("{path}.name"),
                    FieldErrorKind::Duplicate(show(&Value::from(name))),
                    "",
                );
            }
            names.push(name.to_string());
        }
    }
    match c.get("image").and_then(Value::as_str) {
        Some(image) if !image.trim().is_empty() => {}
        _ => errs.push(&format!("{path}.image"), FieldErrorKind::Required, ""),
    }
    for (j, p) in c
        .get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let ppath = format!("{path}.ports[{j}]");
        match p.get("containerPort").and_then(Value::as_i64) {
            None => errs.push(
                &format!("{ppath}.containerPort"),
                FieldErrorKind::Required,
                "",
            ),
            Some(n) if !(1..=65535).contains(&n) => errs.invalid(
                &format!("{ppath}.containerPort"),
                &Value::from(n),
                "must be between 1 and 65535, inclusive",
            ),
            _ => {}
        }
        if let Some(name) = p.get("name").and_then(Value::as_str) {
            for msg in port_name_errors(name) {
                errs.invalid(&format!("{ppath}.name"), &Value::from(name), msg);
            }
        }
    }
}

/// Spec 4-7 and 9.
fn validate_probe(errs: &mut Errors, probe: &Value, probe_type: &str, path: &str, _c: &Value) {
    // Spec 6: exactly one handler, checked in the API's order.
    let mut handlers = 0;
    for handler in ["exec", "httpGet", "tcpSocket", "grpc"] {
        let Some(h) = probe.get(handler).filter(|h| !h.is_null()) else {
            continue;
        };
        let hpath = format!("{path}.{handler}");
        if handlers > 0 {
            errs.push(
                &hpath,
                FieldErrorKind::Forbidden,
                "may not specify more than 1 handler type",
            );
            continue;
        }
        handlers += 1;
        match handler {
            "exec" => {
                let empty = h
                    .get("command")
                    .and_then(Value::as_array)
                    .is_none_or(|c| c.is_empty());
                if empty {
                    errs.push(&format!("{hpath}.command"), FieldErrorKind::Required, "");
                }
            }
            "httpGet" | "tcpSocket" => {
                validate_port_num_or_name(errs, h.get("port"), &format!("{hpath}.port"));
                if handler == "httpGet" {
                    match h.get("scheme").and_then(Value::as_str) {
                        Some("HTTP" | "HTTPS") | None => {}
                        Some(other) => errs.push(
                            &format!("{hpath}.scheme"),
                            FieldErrorKind::NotSupported(show(&Value::from(other))),
                            "supported values: \"HTTP\", \"HTTPS\"",
                        ),
                    }
                }
            }
            _ => {
                let port = h.get("port").and_then(Value::as_i64).unwrap_or(0);
                if !(1..=65535).contains(&port) {
                    errs.invalid(
                        &format!("{hpath}.port"),
                        &Value::from(port),
                        "must be between 1 and 65535, inclusive",
                    );
                }
            }
        }
    }
    if handlers == 0 {
        errs.push(
            path,
            FieldErrorKind::Required,
            "must specify a handler type",
        );
    }
    // Spec 4.
    for field in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        if let Some(v) = probe.get(field).and_then(Value::as_i64) {
            if v < 0 {
                errs.invalid(
                    &format!("{path}.{field}"),
                    &Value::from(v),
                    "must be greater than or equal to 0",
                );
            }
        }
    }
    // Spec 7.
    let probe_grace = probe
        .get("terminationGracePeriodSeconds")
        .and_then(Value::as_i64);
    if let Some(g) = probe_grace {
        if g <= 0 {
            errs.invalid(
                &format!("{path}.terminationGracePeriodSeconds"),
                &Value::from(g),
                "must be greater than 0",
            );
        }
    }
    match probe_type {
        // Spec 5.
        "livenessProbe" | "startupProbe" => {
            let st = probe
                .get("successThreshold")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            if st != 1 && st >= 0 {
                errs.invalid(
                    &format!("{path}.successThreshold"),
                    &Value::from(st),
                    "must be 1",
                );
            }
        }
        _ => {
            if let Some(g) = probe_grace {
                errs.invalid(
                    &format!("{path}.terminationGracePeriodSeconds"),
                    &Value::from(g),
                    "must not be set for readinessProbes",
                );
            }
        }
    }
}

fn validate_port_num_or_name(errs: &mut Errors, port: Option<&Value>, path: &str) {
    match port {
        Some(Value::String(name)) => {
            for msg in port_name_errors(name) {
                errs.invalid(path, &Value::from(name.as_str()), msg);
            }
        }
        Some(v) => {
            let n = v.as_i64().unwrap_or(0);
            if !(1..=65535).contains(&n) {
                errs.invalid(
                    path,
                    &Value::from(n),
                    "must be between 1 and 65535, inclusive",
                );
            }
        }
        None => errs.invalid(
            path,
            &Value::from(0),
            "must be between 1 and 65535, inclusive",
        ),
    }
}

/// `validation.IsValidPortName` (IANA service name form, spec 9).
fn port_name_errors(name: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    if name.len() > 15 {
        out.push("must be no more than 15 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        out.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        out.push("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        out.push("must not contain consecutive hyphens");
    }
    if name.starts_with('-') || name.ends_with('-') {
        out.push("must not begin or end with a hyphen");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defaults::default_pod;
    use serde_json::json;

    fn errors_of(mut pod: Value) -> Vec<String> {
        default_pod(&mut pod);
        validate_pod(&pod).iter().map(|e| e.to_string()).collect()
    }

    fn pod_with_probe(probe_type: &str, probe: Value) -> Value {
        json!({"metadata": {"name": "x"}, "spec": {"containers": [
            {"name": "c", "image": "busybox", probe_type: probe}]}})
    }

    #[test]
    fn negative_probe_fields_are_rejected_with_the_api_text() {
        let errs = errors_of(pod_with_probe(
            "livenessProbe",
            json!({"tcpSocket": {"port": 80}, "periodSeconds": -1}),
        ));
        assert_eq!(
            errs,
            ["spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"]
        );
    }

    #[test]
    fn liveness_and_startup_need_success_threshold_one() {
        for t in ["livenessProbe", "startupProbe"] {
            let errs = errors_of(pod_with_probe(
                t,
                json!({"exec": {"command": ["true"]}, "successThreshold": 2}),
            ));
            assert_eq!(
                errs,
                [format!(
                    "spec.containers[0].{t}.successThreshold: Invalid value: 2: must be 1"
                )]
            );
        }
        assert!(errors_of(pod_with_probe(
            "readinessProbe",
            json!({"exec": {"command": ["true"]}, "successThreshold": 2})
        ))
        .is_empty());
    }

    #[test]
    fn handler_count_is_checked() {
        assert_eq!(
            errors_of(pod_with_probe("livenessProbe", json!({"periodSeconds": 3}))),
            ["spec.containers[0].livenessProbe: Required value: must specify a handler type"]
        );
        assert_eq!(
            errors_of(pod_with_probe(
                "livenessProbe",
                json!({"httpGet": {"port": 80}, "tcpSocket": {"port": 80}})
            )),
            ["spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]
        );
    }

    #[test]
    fn probe_grace_rules() {
        assert_eq!(
            errors_of(pod_with_probe(
                "readinessProbe",
                json!({"exec": {"command": ["true"]}, "terminationGracePeriodSeconds": 5})
            )),
            ["spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"]
        );
        assert_eq!(
            errors_of(pod_with_probe(
                "livenessProbe",
                json!({"exec": {"command": ["true"]}, "terminationGracePeriodSeconds": 0})
            )),
            ["spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"]
        );
    }

    #[test]
    fn init_container_probes_need_restart_policy_always() {
        let pod = json!({"metadata": {"name": "x"}, "spec": {
            "initContainers": [{"name": "i", "image": "busybox",
                "readinessProbe": {"exec": {"command": ["true"]}}}],
            "containers": [{"name": "c", "image": "busybox"}]}});
        assert_eq!(
            errors_of(pod),
            ["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"]
        );
    }

    #[test]
    fn ports_names_images_and_duplicates() {
        let pod = json!({"metadata": {"name": "x"}, "spec": {"containers": [
            {"name": "c", "image": "", "readinessProbe": {"httpGet": {"port": "Http_1"}}},
            {"name": "c", "image": "nginx", "ports": [{"containerPort": 70000}]}]}});
        let errs = errors_of(pod);
        assert!(
            errs.contains(&"spec.containers[0].image: Required value".to_string()),
            "{errs:?}"
        );
        assert!(errs.contains(&"spec.containers[0].readinessProbe.httpGet.port: Invalid value: \"Http_1\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string()), "{errs:?}");
        assert!(
            errs.contains(&"spec.containers[1].name: Duplicate value: \"c\"".to_string()),
            "{errs:?}"
        );
        assert!(errs.contains(&"spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive".to_string()), "{errs:?}");
    }

    #[test]
    fn wrongly_typed_numbers_fail_decoding() {
        let pod = pod_with_probe(
            "livenessProbe",
            json!({"exec": {"command": ["true"]}, "periodSeconds": "10"}),
        );
        let err = decode_check_pod(&pod).unwrap_err();
        assert_eq!(err.to_string(), "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Probe.spec.containers.livenessProbe.periodSeconds of type int32");
    }

    #[test]
    fn missing_containers_and_bad_name() {
        let errs = errors_of(json!({"metadata": {"name": "Bad_Name"}, "spec": {}}));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with(
            "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"
        ));
        assert_eq!(errs[1], "spec.containers: Required value");
    }
}
