//! Schema warnings for the built-in kinds: required fields, scalar types and unknown fields,
//! located at a line of the rendered output. They are warnings, not errors: the engines
//! render these objects, the API server is what would reject them.
//!
//! The schema is a table of the Kubernetes types the examples and most manifests use (Pod,
//! Deployment, StatefulSet, DaemonSet, Job, Service, ConfigMap, Secret, ServiceAccount,
//! Namespace), field lists complete as of Kubernetes 1.31; nested types this table does not
//! model are `Any` and not checked.

use crate::render::Warning;
use kubeplay_yaml::{Node, Resolved, Value};

enum Ty {
    Str,
    Int,
    Bool,
    IntOrStr,
    Any,
    StrMap,
    /// A map of quantities (`cpu: 100m`, `memory: 1`).
    Quantities,
    List(&'static Ty),
    Obj(&'static str, &'static [F]),
}

/// A field: name, type, required.
struct F(&'static str, &'static Ty, bool);

const STR: &Ty = &Ty::Str;
const INT: &Ty = &Ty::Int;
const BOOL: &Ty = &Ty::Bool;
const ANY: &Ty = &Ty::Any;
const STRS: &Ty = &Ty::List(STR);

const META: &Ty = &Ty::Obj(
    "ObjectMeta",
    &[
        F("name", STR, false),
        F("generateName", STR, false),
        F("namespace", STR, false),
        F("labels", &Ty::StrMap, false),
        F("annotations", &Ty::StrMap, false),
        F("ownerReferences", ANY, false),
        F("finalizers", STRS, false),
        F("uid", STR, false),
        F("resourceVersion", STR, false),
        F("generation", INT, false),
        F("creationTimestamp", ANY, false),
        F("deletionTimestamp", ANY, false),
        F("deletionGracePeriodSeconds", INT, false),
        F("managedFields", ANY, false),
        F("selfLink", STR, false),
    ],
);

const HTTP_GET: &Ty = &Ty::Obj(
    "HTTPGetAction",
    &[
        F("host", STR, false),
        F(
            "httpHeaders",
            &Ty::List(&Ty::Obj(
                "HTTPHeader",
                &[F("name", STR, true), F("value", STR, true)],
            )),
            false,
        ),
        F("path", STR, false),
        F("port", &Ty::IntOrStr, true),
        F("scheme", STR, false),
    ],
);

const PROBE: &Ty = &Ty::Obj(
    "Probe",
    &[
        F(
            "exec",
            &Ty::Obj("ExecAction", &[F("command", STRS, false)]),
            false,
        ),
        F("failureThreshold", INT, false),
        F(
            "grpc",
            &Ty::Obj(
                "GRPCAction",
                &[F("port", INT, true), F("service", STR, false)],
            ),
            false,
        ),
        F("httpGet", HTTP_GET, false),
        F("initialDelaySeconds", INT, false),
        F("periodSeconds", INT, false),
        F("successThreshold", INT, false),
        F(
            "tcpSocket",
            &Ty::Obj(
                "TCPSocketAction",
                &[F("host", STR, false), F("port", &Ty::IntOrStr, true)],
            ),
            false,
        ),
        F("terminationGracePeriodSeconds", INT, false),
        F("timeoutSeconds", INT, false),
    ],
);

const CONTAINER: &Ty = &Ty::Obj(
    "Container",
    &[
        F("args", STRS, false),
        F("command", STRS, false),
        F(
            "env",
            &Ty::List(&Ty::Obj(
                "EnvVar",
                &[
                    F("name", STR, true),
                    F("value", STR, false),
                    F("valueFrom", ANY, false),
                ],
            )),
            false,
        ),
        F("envFrom", ANY, false),
        F("image", STR, false),
        F("imagePullPolicy", STR, false),
        F("lifecycle", ANY, false),
        F("livenessProbe", PROBE, false),
        F("name", STR, true),
        F(
            "ports",
            &Ty::List(&Ty::Obj(
                "ContainerPort",
                &[
                    F("containerPort", INT, true),
                    F("hostIP", STR, false),
                    F("hostPort", INT, false),
                    F("name", STR, false),
                    F("protocol", STR, false),
                ],
            )),
            false,
        ),
        F("readinessProbe", PROBE, false),
        F("resizePolicy", ANY, false),
        F(
            "resources",
            &Ty::Obj(
                "ResourceRequirements",
                &[
                    F("claims", ANY, false),
                    F("limits", &Ty::Quantities, false),
                    F("requests", &Ty::Quantities, false),
                ],
            ),
            false,
        ),
        F("restartPolicy", STR, false),
        F("securityContext", ANY, false),
        F("startupProbe", PROBE, false),
        F("stdin", BOOL, false),
        F("stdinOnce", BOOL, false),
        F("terminationMessagePath", STR, false),
        F("terminationMessagePolicy", STR, false),
        F("tty", BOOL, false),
        F("volumeDevices", ANY, false),
        F("volumeMounts", ANY, false),
        F("workingDir", STR, false),
    ],
);

const POD_SPEC: &Ty = &Ty::Obj(
    "PodSpec",
    &[
        F("activeDeadlineSeconds", INT, false),
        F("affinity", ANY, false),
        F("automountServiceAccountToken", BOOL, false),
        F("containers", &Ty::List(CONTAINER), true),
        F("dnsConfig", ANY, false),
        F("dnsPolicy", STR, false),
        F("enableServiceLinks", BOOL, false),
        F("ephemeralContainers", ANY, false),
        F("hostAliases", ANY, false),
        F("hostIPC", BOOL, false),
        F("hostNetwork", BOOL, false),
        F("hostPID", BOOL, false),
        F("hostUsers", BOOL, false),
        F("hostname", STR, false),
        F("imagePullSecrets", ANY, false),
        F("initContainers", &Ty::List(CONTAINER), false),
        F("nodeName", STR, false),
        F("nodeSelector", &Ty::StrMap, false),
        F("os", ANY, false),
        F("overhead", &Ty::Quantities, false),
        F("preemptionPolicy", STR, false),
        F("priority", INT, false),
        F("priorityClassName", STR, false),
        F("readinessGates", ANY, false),
        F("resourceClaims", ANY, false),
        F("resources", ANY, false),
        F("restartPolicy", STR, false),
        F("runtimeClassName", STR, false),
        F("schedulerName", STR, false),
        F("schedulingGates", ANY, false),
        F("securityContext", ANY, false),
        F("serviceAccount", STR, false),
        F("serviceAccountName", STR, false),
        F("setHostnameAsFQDN", BOOL, false),
        F("shareProcessNamespace", BOOL, false),
        F("subdomain", STR, false),
        F("terminationGracePeriodSeconds", INT, false),
        F("tolerations", ANY, false),
        F("topologySpreadConstraints", ANY, false),
        F("volumes", ANY, false),
    ],
);

const TEMPLATE: &Ty = &Ty::Obj(
    "PodTemplateSpec",
    &[F("metadata", META, false), F("spec", POD_SPEC, false)],
);
const SELECTOR: &Ty = &Ty::Obj(
    "LabelSelector",
    &[
        F("matchLabels", &Ty::StrMap, false),
        F("matchExpressions", ANY, false),
    ],
);

const DEPLOYMENT_SPEC: &Ty = &Ty::Obj(
    "DeploymentSpec",
    &[
        F("minReadySeconds", INT, false),
        F("paused", BOOL, false),
        F("progressDeadlineSeconds", INT, false),
        F("replicas", INT, false),
        F("revisionHistoryLimit", INT, false),
        F("selector", SELECTOR, true),
        F("strategy", ANY, false),
        F("template", TEMPLATE, true),
    ],
);

const STATEFULSET_SPEC: &Ty = &Ty::Obj(
    "StatefulSetSpec",
    &[
        F("minReadySeconds", INT, false),
        F("ordinals", ANY, false),
        F("persistentVolumeClaimRetentionPolicy", ANY, false),
        F("podManagementPolicy", STR, false),
        F("replicas", INT, false),
        F("revisionHistoryLimit", INT, false),
        F("selector", SELECTOR, true),
        F("serviceName", STR, false),
        F("template", TEMPLATE, true),
        F("updateStrategy", ANY, false),
        F("volumeClaimTemplates", ANY, false),
    ],
);

const DAEMONSET_SPEC: &Ty = &Ty::Obj(
    "DaemonSetSpec",
    &[
        F("minReadySeconds", INT, false),
        F("revisionHistoryLimit", INT, false),
        F("selector", SELECTOR, true),
        F("template", TEMPLATE, true),
        F("updateStrategy", ANY, false),
    ],
);

const JOB_SPEC: &Ty = &Ty::Obj(
    "JobSpec",
    &[
        F("activeDeadlineSeconds", INT, false),
        F("backoffLimit", INT, false),
        F("backoffLimitPerIndex", INT, false),
        F("completionMode", STR, false),
        F("completions", INT, false),
        F("managedBy", STR, false),
        F("manualSelector", BOOL, false),
        F("maxFailedIndexes", INT, false),
        F("parallelism", INT, false),
        F("podFailurePolicy", ANY, false),
        F("podReplacementPolicy", STR, false),
        F("selector", SELECTOR, false),
        F("successPolicy", ANY, false),
        F("suspend", BOOL, false),
        F("template", TEMPLATE, true),
        F("ttlSecondsAfterFinished", INT, false),
    ],
);

const SERVICE_SPEC: &Ty = &Ty::Obj(
    "ServiceSpec",
    &[
        F("allocateLoadBalancerNodePorts", BOOL, false),
        F("clusterIP", STR, false),
        F("clusterIPs", STRS, false),
        F("externalIPs", STRS, false),
        F("externalName", STR, false),
        F("externalTrafficPolicy", STR, false),
        F("healthCheckNodePort", INT, false),
        F("internalTrafficPolicy", STR, false),
        F("ipFamilies", STRS, false),
        F("ipFamilyPolicy", STR, false),
        F("loadBalancerClass", STR, false),
        F("loadBalancerIP", STR, false),
        F("loadBalancerSourceRanges", STRS, false),
        F(
            "ports",
            &Ty::List(&Ty::Obj(
                "ServicePort",
                &[
                    F("appProtocol", STR, false),
                    F("name", STR, false),
                    F("nodePort", INT, false),
                    F("port", INT, true),
                    F("protocol", STR, false),
                    F("targetPort", &Ty::IntOrStr, false),
                ],
            )),
            false,
        ),
        F("publishNotReadyAddresses", BOOL, false),
        F("selector", &Ty::StrMap, false),
        F("sessionAffinity", STR, false),
        F("sessionAffinityConfig", ANY, false),
        F("trafficDistribution", STR, false),
        F("type", STR, false),
    ],
);

/// The top-level fields of a kind (besides apiVersion, kind and metadata).
fn kind_fields(kind: &str) -> Option<&'static [F]> {
    Some(match kind {
        "Pod" => &[F("spec", POD_SPEC, true), F("status", ANY, false)],
        "Deployment" => &[F("spec", DEPLOYMENT_SPEC, true), F("status", ANY, false)],
        "StatefulSet" => &[F("spec", STATEFULSET_SPEC, true), F("status", ANY, false)],
        "DaemonSet" => &[F("spec", DAEMONSET_SPEC, true), F("status", ANY, false)],
        "Job" => &[F("spec", JOB_SPEC, true), F("status", ANY, false)],
        "Service" => &[F("spec", SERVICE_SPEC, false), F("status", ANY, false)],
        "ConfigMap" => &[
            F("data", &Ty::StrMap, false),
            F("binaryData", &Ty::StrMap, false),
            F("immutable", BOOL, false),
        ],
        "Secret" => &[
            F("data", &Ty::StrMap, false),
            F("stringData", &Ty::StrMap, false),
            F("type", STR, false),
            F("immutable", BOOL, false),
        ],
        "ServiceAccount" => &[
            F("automountServiceAccountToken", BOOL, false),
            F("imagePullSecrets", ANY, false),
            F("secrets", ANY, false),
        ],
        "Namespace" => &[F("spec", ANY, false), F("status", ANY, false)],
        _ => return None,
    })
}

/// Checks every document of rendered YAML.
pub fn validate_text(text: &str) -> Vec<Warning> {
    let Ok(docs) = kubeplay_yaml::parse_documents(text, "") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for doc in &docs {
        validate_object(doc, &mut out);
    }
    out
}

fn validate_object(doc: &Node, out: &mut Vec<Warning>) {
    let Value::Mapping(m) = &doc.value else {
        return;
    };
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
    let line = doc.pos.line;
    if doc.get("apiVersion").is_none() {
        warn(out, line, "apiVersion", "required field is missing");
    }
    let Some(fields) = kind_fields(kind) else {
        return;
    };
    match doc.get("metadata") {
        None => warn(out, line, "metadata", "required field is missing"),
        Some(meta) => {
            check(meta, META, "metadata", out);
            if meta.get("name").is_none() && meta.get("generateName").is_none() {
                warn(
                    out,
                    meta.pos.line,
                    "metadata.name",
                    "required field is missing",
                );
            }
        }
    }
    for (k, v) in &m.entries {
        let key = k.as_str().unwrap_or("");
        if matches!(key, "apiVersion" | "kind" | "metadata") {
            continue;
        }
        match fields.iter().find(|f| f.0 == key) {
            Some(f) => check(v, f.1, key, out),
            None => warn(out, k.pos.line, key, &format!("unknown field in a {kind}")),
        }
    }
    for f in fields.iter().filter(|f| f.2) {
        if doc.get(f.0).is_none() {
            warn(
                out,
                line,
                f.0,
                &format!("required field is missing in a {kind}"),
            );
        }
    }
}

fn warn(out: &mut Vec<Warning>, line: usize, path: &str, what: &str) {
    out.push(Warning {
        line,
        message: format!("{path}: {what}"),
    });
}

fn is_null(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar(s) if matches!(s.resolved, Resolved::Null))
}

fn scalar_kind(node: &Node) -> &'static str {
    match &node.value {
        Value::Mapping(_) => "an object",
        Value::Sequence(_) => "a list",
        Value::Scalar(s) => match s.resolved {
            Resolved::Int(_) => "an integer",
            Resolved::Float(_) => "a number",
            Resolved::Bool(_) => "a boolean",
            Resolved::Null => "null",
            _ => "a string",
        },
    }
}

fn check(node: &Node, ty: &Ty, path: &str, out: &mut Vec<Warning>) {
    if is_null(node) {
        return;
    }
    let line = node.pos.line;
    let found = scalar_kind(node);
    let expect = |out: &mut Vec<Warning>, what: &str| {
        warn(out, line, path, &format!("expected {what}, found {found}"));
    };
    match ty {
        Ty::Any => {}
        Ty::Str => {
            if found != "a string" {
                expect(out, "a string");
            }
        }
        Ty::Int => {
            if found != "an integer" {
                expect(out, "an integer");
            }
        }
        Ty::Bool => {
            if found != "a boolean" {
                expect(out, "a boolean");
            }
        }
        Ty::IntOrStr => {
            if found != "an integer" && found != "a string" {
                expect(out, "an integer or a string");
            }
        }
        Ty::StrMap | Ty::Quantities => match &node.value {
            Value::Mapping(m) => {
                for (k, v) in &m.entries {
                    let key = k.as_str().unwrap_or("");
                    let vk = scalar_kind(v);
                    let ok = match ty {
                        Ty::StrMap => vk == "a string" || vk == "null",
                        _ => matches!(vk, "a string" | "an integer" | "a number"),
                    };
                    if !ok {
                        let what = if matches!(ty, Ty::StrMap) {
                            "a string"
                        } else {
                            "a quantity"
                        };
                        warn(
                            out,
                            v.pos.line,
                            &format!("{path}.{key}"),
                            &format!("expected {what}, found {vk}"),
                        );
                    }
                }
            }
            _ => expect(out, "an object"),
        },
        Ty::List(item) => match &node.value {
            Value::Sequence(s) => {
                for (i, n) in s.items.iter().enumerate() {
                    check(n, item, &format!("{path}[{i}]"), out);
                }
            }
            _ => expect(out, "a list"),
        },
        Ty::Obj(name, fields) => match &node.value {
            Value::Mapping(m) => {
                for (k, v) in &m.entries {
                    let key = k.as_str().unwrap_or("");
                    let child = format!("{path}.{key}");
                    match fields.iter().find(|f| f.0 == key) {
                        Some(f) => check(v, f.1, &child, out),
                        None => warn(
                            out,
                            k.pos.line,
                            &child,
                            &format!("unknown field (not in {name})"),
                        ),
                    }
                }
                for f in fields.iter().filter(|f| f.2) {
                    if node.get(f.0).is_none() {
                        warn(
                            out,
                            line,
                            &format!("{path}.{}", f.0),
                            &format!("required field is missing in {name}"),
                        );
                    }
                }
            }
            _ => expect(out, "an object"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_pod_has_no_warnings() {
        let pod = include_str!("../../../web/examples/probes/liveness-http.yaml");
        assert_eq!(validate_text(pod), vec![]);
    }

    #[test]
    fn finds_unknown_fields_types_and_missing_fields() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    v: 1\nspec:\n  containers:\n  - imagee: x\n    ports:\n    - containerPort: \"80\"\n";
        let w = validate_text(text);
        let msgs: Vec<String> = w
            .iter()
            .map(|w| format!("{}: {}", w.line, w.message))
            .collect();
        assert!(
            msgs.contains(&"6: metadata.labels.v: expected a string, found an integer".to_string()),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(
                &"9: spec.containers[0].imagee: unknown field (not in Container)".to_string()
            ),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("spec.containers[0].name: required field is missing")),
            "{msgs:?}"
        );
        assert!(msgs.contains(&"11: spec.containers[0].ports[0].containerPort: expected an integer, found a string".to_string()), "{msgs:?}");
    }

    #[test]
    fn unknown_kinds_are_not_checked() {
        assert_eq!(
            validate_text("apiVersion: x/v1\nkind: Widget\nspec:\n  anything: 1\n"),
            vec![]
        );
    }
}
