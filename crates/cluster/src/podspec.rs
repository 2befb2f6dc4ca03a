//! A typed view of a defaulted, validated pod spec: what the kubelet needs, parsed once at
//! admission so probe ticks never touch JSON.

use crate::clock::{Millis, SECOND};
use serde_json::Value;

/// The three probe types, in the index order used for per-container result arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Readiness = 0,
    Liveness = 1,
    Startup = 2,
}

impl ProbeKind {
    pub const ALL: [ProbeKind; 3] = [
        ProbeKind::Readiness,
        ProbeKind::Liveness,
        ProbeKind::Startup,
    ];

    /// As the kubelet capitalises it in event messages (spec 31).
    pub fn label(self) -> &'static str {
        match self {
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Startup => "Startup",
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Startup => "startupProbe",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortRef {
    Number(u16),
    Name(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Handler {
    Exec {
        command: Vec<String>,
    },
    Http {
        scheme: String,
        host: Option<String>,
        port: PortRef,
        path: String,
        headers: Vec<(String, String)>,
    },
    Tcp {
        host: Option<String>,
        port: PortRef,
    },
    Grpc {
        port: u16,
        service: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeSpec {
    pub kind: ProbeKind,
    pub handler: Handler,
    pub initial_delay_s: u64,
    pub timeout: Millis,
    pub period: Millis,
    pub success_threshold: u32,
    pub failure_threshold: u32,
    /// Probe-level override of the kill grace period (spec 7, 36).
    pub termination_grace_s: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An ordinary init container: runs to completion before the next one.
    Init,
    /// A restartable init container (`restartPolicy: Always`).
    Sidecar,
    Regular,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartPolicy {
    Always,
    OnFailure,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullPolicy {
    Always,
    IfNotPresent,
    Never,
}

#[derive(Debug, Clone)]
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub ports: Vec<(Option<String>, u16)>,
    pub env: Vec<(String, String)>,
    pub probes: [Option<ProbeSpec>; 3],
    pub pull_policy: PullPolicy,
    pub role: Role,
    /// `spec.initContainers` or `spec.containers`, for event field paths.
    pub list: &'static str,
    /// ConfigMaps and Secrets the container's environment reads, in the kubelet's order
    /// (`envFrom` first, then `env`).
    pub config_refs: Vec<ConfigRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConfigKind {
    ConfigMap,
    Secret,
}

impl ConfigKind {
    pub fn kind(self) -> &'static str {
        match self {
            ConfigKind::ConfigMap => "ConfigMap",
            ConfigKind::Secret => "Secret",
        }
    }

    /// The resource name in API errors (`configmap "x" not found`).
    pub fn resource(self) -> &'static str {
        match self {
            ConfigKind::ConfigMap => "configmap",
            ConfigKind::Secret => "secret",
        }
    }
}

/// A reference from a container's environment (or a volume) to a ConfigMap or Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRef {
    pub kind: ConfigKind,
    pub name: String,
    /// The key a `valueFrom` reads; `None` for `envFrom` and volumes.
    pub key: Option<String>,
    pub optional: bool,
}

/// A pod volume that needs an API object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRef {
    pub volume: String,
    pub source: ConfigRef,
}

fn config_refs(c: &Value) -> Vec<ConfigRef> {
    let mut refs = Vec::new();
    let optional = |r: &Value| r["optional"].as_bool().unwrap_or(false);
    for e in c["envFrom"].as_array().into_iter().flatten() {
        for (field, kind) in [
            ("configMapRef", ConfigKind::ConfigMap),
            ("secretRef", ConfigKind::Secret),
        ] {
            if let Some(name) = e[field]["name"].as_str() {
                refs.push(ConfigRef {
                    kind,
                    name: name.to_string(),
                    key: None,
                    optional: optional(&e[field]),
                });
            }
        }
    }
    for e in c["env"].as_array().into_iter().flatten() {
        for (field, kind) in [
            ("configMapKeyRef", ConfigKind::ConfigMap),
            ("secretKeyRef", ConfigKind::Secret),
        ] {
            let r = &e["valueFrom"][field];
            if let Some(name) = r["name"].as_str() {
                refs.push(ConfigRef {
                    kind,
                    name: name.to_string(),
                    key: Some(r["key"].as_str().unwrap_or("").to_string()),
                    optional: optional(r),
                });
            }
        }
    }
    refs
}

fn volume_refs(spec: &Value) -> Vec<VolumeRef> {
    let mut refs = Vec::new();
    for v in spec["volumes"].as_array().into_iter().flatten() {
        let volume = v["name"].as_str().unwrap_or("").to_string();
        let source = if let Some(name) = v["configMap"]["name"].as_str() {
            (ConfigKind::ConfigMap, name, &v["configMap"])
        } else if let Some(name) = v["secret"]["secretName"].as_str() {
            (ConfigKind::Secret, name, &v["secret"])
        } else {
            continue;
        };
        refs.push(VolumeRef {
            volume,
            source: ConfigRef {
                kind: source.0,
                name: source.1.to_string(),
                key: None,
                optional: source.2["optional"].as_bool().unwrap_or(false),
            },
        });
    }
    refs
}

impl ContainerSpec {
    pub fn probe(&self, kind: ProbeKind) -> Option<&ProbeSpec> {
        self.probes[kind as usize].as_ref()
    }

    /// `spec.containers{name}`: the involvedObject.fieldPath of container events.
    pub fn field_path(&self) -> String {
        format!("{}{{{}}}", self.list, self.name)
    }

    /// Resolves a probe port (spec 9): a number, or a name looked up in `ports[].name`.
    pub fn resolve_port(&self, port: &PortRef) -> Result<u16, String> {
        match port {
            PortRef::Number(n) => Ok(*n),
            PortRef::Name(name) => self
                .ports
                .iter()
                .find(|(n, _)| n.as_deref() == Some(name.as_str()))
                .map(|(_, p)| *p)
                .ok_or_else(|| format!("port {name} not found")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PodSpec {
    /// Init containers (ordinary and sidecars) in order, then regular containers.
    pub containers: Vec<ContainerSpec>,
    pub restart_policy: RestartPolicy,
    pub grace_s: u64,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    /// ConfigMap and Secret volumes.
    pub volumes: Vec<VolumeRef>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn secs(v: Option<&Value>) -> u64 {
    v.and_then(Value::as_i64).unwrap_or(0).max(0) as u64
}

fn port_ref(v: Option<&Value>) -> PortRef {
    match v {
        Some(Value::String(s)) => match s.parse::<u16>() {
            Ok(n) => PortRef::Number(n),
            Err(_) => PortRef::Name(s.clone()),
        },
        Some(v) => PortRef::Number(v.as_u64().unwrap_or(0).min(65535) as u16),
        None => PortRef::Number(0),
    }
}

fn non_empty(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn parse_probe(kind: ProbeKind, p: &Value) -> Option<ProbeSpec> {
    let handler = if let Some(e) = p.get("exec").filter(|v| !v.is_null()) {
        Handler::Exec {
            command: strings(e.get("command")),
        }
    } else if let Some(h) = p.get("httpGet").filter(|v| !v.is_null()) {
        Handler::Http {
            scheme: non_empty(h.get("scheme")).unwrap_or_else(|| "HTTP".into()),
            host: non_empty(h.get("host")),
            port: port_ref(h.get("port")),
            path: non_empty(h.get("path")).unwrap_or_else(|| "/".into()),
            headers: h
                .get("httpHeaders")
                .and_then(Value::as_array)
                .map(|hs| {
                    hs.iter()
                        .map(|x| {
                            (
                                x["name"].as_str().unwrap_or("").to_string(),
                                x["value"].as_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    } else if let Some(t) = p.get("tcpSocket").filter(|v| !v.is_null()) {
        Handler::Tcp {
            host: non_empty(t.get("host")),
            port: port_ref(t.get("port")),
        }
    } else if let Some(g) = p.get("grpc").filter(|v| !v.is_null()) {
        Handler::Grpc {
            port: g
                .get("port")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(65535) as u16,
            service: g
                .get("service")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        }
    } else {
        return None;
    };
    Some(ProbeSpec {
        kind,
        handler,
        initial_delay_s: secs(p.get("initialDelaySeconds")),
        timeout: secs(p.get("timeoutSeconds")).max(1) * SECOND,
        period: secs(p.get("periodSeconds")).max(1) * SECOND,
        success_threshold: secs(p.get("successThreshold")).max(1) as u32,
        failure_threshold: secs(p.get("failureThreshold")).max(1) as u32,
        termination_grace_s: p
            .get("terminationGracePeriodSeconds")
            .and_then(Value::as_i64)
            .map(|g| g.max(0) as u64),
    })
}

fn parse_container(c: &Value, role: Role, list: &'static str) -> ContainerSpec {
    let probes = ProbeKind::ALL.map(|k| c.get(k.field()).and_then(|p| parse_probe(k, p)));
    ContainerSpec {
        name: c["name"].as_str().unwrap_or("").to_string(),
        image: c["image"].as_str().unwrap_or("").to_string(),
        command: strings(c.get("command")),
        args: strings(c.get("args")),
        ports: c
            .get("ports")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .map(|p| {
                        (
                            non_empty(p.get("name")),
                            p["containerPort"].as_u64().unwrap_or(0).min(65535) as u16,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        env: c
            .get("env")
            .and_then(Value::as_array)
            .map(|es| {
                es.iter()
                    .filter_map(|e| {
                        Some((
                            e["name"].as_str()?.to_string(),
                            e["value"].as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        probes,
        pull_policy: match c["imagePullPolicy"].as_str() {
            Some("Never") => PullPolicy::Never,
            Some("IfNotPresent") => PullPolicy::IfNotPresent,
            _ => PullPolicy::Always,
        },
        role,
        list,
        config_refs: config_refs(c),
    }
}

fn pairs(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

impl PodSpec {
    /// Reads a defaulted, validated Pod object.
    pub fn from_pod(pod: &Value) -> PodSpec {
        let spec = &pod["spec"];
        let mut containers = Vec::new();
        for c in spec["initContainers"].as_array().into_iter().flatten() {
            let role = if c["restartPolicy"].as_str() == Some("Always") {
                Role::Sidecar
            } else {
                Role::Init
            };
            containers.push(parse_container(c, role, "spec.initContainers"));
        }
        for c in spec["containers"].as_array().into_iter().flatten() {
            containers.push(parse_container(c, Role::Regular, "spec.containers"));
        }
        PodSpec {
            containers,
            restart_policy: match spec["restartPolicy"].as_str() {
                Some("Never") => RestartPolicy::Never,
                Some("OnFailure") => RestartPolicy::OnFailure,
                _ => RestartPolicy::Always,
            },
            grace_s: secs(spec.get("terminationGracePeriodSeconds")),
            labels: pairs(pod.pointer("/metadata/labels")),
            annotations: pairs(pod.pointer("/metadata/annotations")),
            volumes: volume_refs(spec),
        }
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
