//! Running one probe attempt against a container's behaviour model and judging the answer
//! the way the kubelet's handlers do (spec 25-29), with their exact output texts.

use crate::behaviour::shell::TrapRun;
use crate::behaviour::{GrpcReply, HttpReply, Program};
use crate::clock::{go_duration, Millis};
use crate::podspec::{ContainerSpec, Handler, ProbeSpec};

/// Round trip of a local HTTP/TCP/gRPC probe, and the cost of an exec through the runtime.
const NET_RTT: Millis = 2;
const EXEC_OVERHEAD: Millis = 30;
/// The prober reads at most 10 KiB of body/output (spec 25, 29).
const MAX_OUTPUT: usize = 10 * 1024;
const MAX_REDIRECTS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Success,
    /// Counts as success, with a ProbeWarning event (spec 23).
    Warning,
    Failure,
    /// The probe could not be run (e.g. unknown port name): retried, then discarded (spec 22).
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub verdict: Verdict,
    pub output: String,
    /// How long the attempt took: the result is known this long after it started.
    pub duration: Millis,
}

impl Outcome {
    fn new(verdict: Verdict, output: String, duration: Millis) -> Self {
        let mut output = output;
        if output.len() > MAX_OUTPUT {
            let mut cut = MAX_OUTPUT;
            while !output.is_char_boundary(cut) {
                cut -= 1;
            }
            output.truncate(cut);
        }
        Outcome {
            verdict,
            output,
            duration,
        }
    }
}

/// The running instance a probe talks to.
pub struct Target<'a> {
    pub spec: &'a ContainerSpec,
    pub program: &'a Program,
    pub uptime: Millis,
    pub trap: Option<&'a TrapRun>,
    pub pod_ip: &'a str,
}

pub fn run(probe: &ProbeSpec, t: &Target<'_>) -> Outcome {
    match &probe.handler {
        Handler::Http {
            scheme,
            host,
            port,
            path,
            ..
        } => match t.spec.resolve_port(port) {
            Ok(port) => http(probe, t, scheme, host.as_deref(), port, path),
            Err(e) => Outcome::new(Verdict::Error, e, 0),
        },
        Handler::Tcp { host, port } => match t.spec.resolve_port(port) {
            Ok(port) => {
                let host = host.as_deref().unwrap_or(t.pod_ip);
                if host == t.pod_ip && t.program.listens(port, t.uptime) {
                    Outcome::new(Verdict::Success, String::new(), NET_RTT)
                } else {
                    Outcome::new(
                        Verdict::Failure,
                        format!("dial tcp {host}:{port}: connect: connection refused"),
                        NET_RTT,
                    )
                }
            }
            Err(e) => Outcome::new(Verdict::Error, e, 0),
        },
        Handler::Grpc { port, service } => grpc(probe, t, *port, service),
        Handler::Exec { command } => exec(probe, t, command),
    }
}

fn http(
    probe: &ProbeSpec,
    t: &Target<'_>,
    scheme: &str,
    host: Option<&str>,
    port: u16,
    path: &str,
) -> Outcome {
    let host = host.unwrap_or(t.pod_ip);
    let https = scheme.eq_ignore_ascii_case("https");
    // URLs are only formatted for failure messages: a probe that passes allocates nothing.
    let url = |port: u16, path: &str| {
        let scheme = if https { "https" } else { "http" };
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("{scheme}://{host}:{port}{slash}{path}")
    };
    let (mut cur_port, mut cur_path) = (port, std::borrow::Cow::Borrowed(path));
    let mut elapsed: Millis = 0;
    for hop in 0..=MAX_REDIRECTS {
        if host != t.pod_ip {
            // Only the pod's own IP reaches the container in this model.
            return Outcome::new(
                Verdict::Failure,
                format!(
                    "Get \"{}\": dial tcp {host}:{cur_port}: connect: connection refused",
                    url(cur_port, &cur_path)
                ),
                elapsed + NET_RTT,
            );
        }
        let reply = t.program.http(cur_port, &cur_path, t.uptime + elapsed);
        elapsed += NET_RTT + t.program.extra_delay();
        if elapsed > probe.timeout && reply != HttpReply::Refused {
            return Outcome::new(
                Verdict::Failure,
                format!(
                    "Get \"{}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                    url(cur_port, &cur_path)
                ),
                probe.timeout,
            );
        }
        let (status, body, location) = match reply {
            HttpReply::Refused => {
                return Outcome::new(
                    Verdict::Failure,
                    format!(
                        "Get \"{}\": dial tcp {host}:{cur_port}: connect: connection refused",
                        url(cur_port, &cur_path)
                    ),
                    elapsed,
                )
            }
            HttpReply::Response {
                status,
                body,
                location,
            } => (status, body, location),
        };
        if https {
            return Outcome::new(
                Verdict::Failure,
                format!(
                    "Get \"{}\": http: server gave HTTP response to HTTPS client",
                    url(cur_port, &cur_path)
                ),
                elapsed,
            );
        }
        if (300..400).contains(&status) {
            if let Some(loc) = location {
                // Spec 26: follow redirects to the same host name, else stop with a warning.
                let next = if loc.starts_with('/') {
                    Some((cur_port, loc.clone()))
                } else {
                    split_url(&loc).and_then(|(h, p, pth)| (h == host).then_some((p, pth)))
                };
                match next {
                    Some((p, pth)) if hop < MAX_REDIRECTS => {
                        cur_port = p;
                        cur_path = std::borrow::Cow::Owned(pth);
                        continue;
                    }
                    Some(_) => {
                        return Outcome::new(
                            Verdict::Failure,
                            format!(
                                "Get \"{}\": stopped after 10 redirects",
                                url(cur_port, &cur_path)
                            ),
                            elapsed,
                        )
                    }
                    None => {
                        return Outcome::new(
                            Verdict::Warning,
                            format!("Probe terminated redirects, Response body: {body}"),
                            elapsed,
                        )
                    }
                }
            }
        }
        return if (200..400).contains(&status) {
            // The body of a passing probe is only logged by the kubelet; it is not kept.
            Outcome::new(Verdict::Success, String::new(), elapsed)
        } else {
            Outcome::new(
                Verdict::Failure,
                format!("HTTP probe failed with statuscode: {status}"),
                elapsed,
            )
        };
    }
    Outcome::new(
        Verdict::Failure,
        "stopped after 10 redirects".into(),
        elapsed,
    )
}

/// `http://host:port/path` -> (host, port, path); the port defaults to 80.
fn split_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, 80),
    };
    Some((host.to_string(), port, path))
}

fn grpc(probe: &ProbeSpec, t: &Target<'_>, port: u16, service: &str) -> Outcome {
    let addr = format!("{}:{port}", t.pod_ip);
    let timeout = go_duration(probe.timeout);
    let delay = NET_RTT + t.program.extra_delay();
    match t.program.grpc(port, service, t.uptime) {
        // The gRPC dial blocks and retries until the deadline (spec 28).
        GrpcReply::Refused => Outcome::new(
            Verdict::Failure,
            format!("timeout: failed to connect service \"{addr}\" within {timeout}: context deadline exceeded"),
            probe.timeout,
        ),
        _ if delay > probe.timeout => Outcome::new(
            Verdict::Failure,
            format!("timeout: health rpc did not complete within {timeout}"),
            probe.timeout,
        ),
        GrpcReply::Serving => Outcome::new(Verdict::Success, "service healthy".into(), delay),
        GrpcReply::NotServing => Outcome::new(
            Verdict::Failure,
            "service unhealthy (responded with \"NOT_SERVING\")".into(),
            delay,
        ),
        GrpcReply::RpcError(e) => Outcome::new(
            Verdict::Failure,
            format!("error: health rpc probe failed: {e}"),
            delay,
        ),
    }
}

/// `$(VAR)` from the container's literal env values (spec 29); unknown references stay as is.
fn expand<'a>(arg: &'a str, env: &[(String, String)]) -> std::borrow::Cow<'a, str> {
    if !arg.contains("$(") {
        return std::borrow::Cow::Borrowed(arg);
    }
    let mut out = String::new();
    let mut rest = arg;
    while let Some(i) = rest.find("$(") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(')') {
            Some(j) => {
                let name = &after[..j];
                match env.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push_str("$(");
                        out.push_str(name);
                        out.push(')');
                    }
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

fn exec(probe: &ProbeSpec, t: &Target<'_>, command: &[String]) -> Outcome {
    let argv: Vec<std::borrow::Cow<'_, str>> =
        command.iter().map(|a| expand(a, &t.spec.env)).collect();
    let r = t.program.exec(&argv, t.uptime, t.trap);
    let duration = EXEC_OVERHEAD
        .saturating_add(r.duration)
        .saturating_add(t.program.extra_delay());
    if duration > probe.timeout {
        // ExecProbeTimeout (on since 1.20): the runtime's deadline becomes a failure.
        return Outcome::new(
            Verdict::Failure,
            format!("command \"{}\" timed out", argv.join(" ")),
            probe.timeout,
        );
    }
    if r.exit_code == 0 {
        Outcome::new(Verdict::Success, String::new(), duration)
    } else {
        Outcome::new(Verdict::Failure, r.output, duration)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::annotation::Overrides;
    use crate::podspec::PodSpec;
    use serde_json::json;

    fn outcome(container: serde_json::Value, probe_type: &str, uptime: Millis) -> Outcome {
        let pod = json!({"spec": {"containers": [container]}});
        let spec = PodSpec::from_pod(&pod);
        let c = &spec.containers[0];
        let program = Program::for_container(c, Overrides::default());
        let kind = crate::podspec::ProbeKind::ALL
            .into_iter()
            .find(|k| k.field() == probe_type)
            .unwrap();
        let probe = c.probe(kind).unwrap();
        run(
            probe,
            &Target {
                spec: c,
                program: &program,
                uptime,
                trap: None,
                pod_ip: "10.244.1.2",
            },
        )
    }

    fn agnhost(probe: serde_json::Value) -> serde_json::Value {
        json!({"name": "a", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"],
               "livenessProbe": probe})
    }

    #[test]
    fn http_statuses_and_refusals() {
        let o = outcome(
            agnhost(json!({"httpGet": {"path": "/healthz", "port": 8080}, "timeoutSeconds": 1})),
            "livenessProbe",
            12_000,
        );
        assert_eq!(
            (o.verdict, o.output.as_str()),
            (Verdict::Failure, "HTTP probe failed with statuscode: 500")
        );
        let o = outcome(
            agnhost(json!({"httpGet": {"path": "/healthz", "port": 8080}, "timeoutSeconds": 1})),
            "livenessProbe",
            3_000,
        );
        assert_eq!(o.verdict, Verdict::Success);
        let o = outcome(
            agnhost(json!({"httpGet": {"path": "/", "port": 81}, "timeoutSeconds": 1})),
            "livenessProbe",
            0,
        );
        assert_eq!(
            o.output,
            "Get \"http://10.244.1.2:81/\": dial tcp 10.244.1.2:81: connect: connection refused"
        );
    }

    #[test]
    fn redirects_local_followed_foreign_warned() {
        let o = outcome(
            agnhost(
                json!({"httpGet": {"path": "/redirect?loc=%2Fhealthz", "port": 8080}, "timeoutSeconds": 1}),
            ),
            "livenessProbe",
            20_000,
        );
        assert_eq!(o.verdict, Verdict::Failure);
        let o = outcome(
            agnhost(
                json!({"httpGet": {"path": "/redirect?loc=http%3A%2F%2F0.0.0.0%2F", "port": 8080}, "timeoutSeconds": 1}),
            ),
            "livenessProbe",
            20_000,
        );
        assert_eq!(o.verdict, Verdict::Warning);
        assert_eq!(
            o.output,
            "Probe terminated redirects, Response body: <a href=\"http://0.0.0.0/\">Found</a>.\n\n"
        );
    }

    #[test]
    fn exec_timeouts_and_port_names() {
        let c = json!({"name": "b", "image": "busybox", "command": ["sh", "-c", "sleep 600"],
            "livenessProbe": {"exec": {"command": ["/bin/sh", "-c", "sleep 10"]}, "timeoutSeconds": 1}});
        let o = outcome(c, "livenessProbe", 20_000);
        assert_eq!((o.verdict, o.duration), (Verdict::Failure, 1_000));
        assert_eq!(o.output, "command \"/bin/sh -c sleep 10\" timed out");
        let o = outcome(
            agnhost(json!({"httpGet": {"path": "/", "port": "web"}, "timeoutSeconds": 1})),
            "livenessProbe",
            0,
        );
        assert_eq!(
            (o.verdict, o.output.as_str()),
            (Verdict::Error, "port web not found")
        );
    }

    #[test]
    fn grpc_wrong_port_times_out() {
        let c = json!({"name": "g", "image": "agnhost", "command": ["/agnhost", "grpc-health-checking"],
            "livenessProbe": {"grpc": {"port": 2333}, "timeoutSeconds": 5}});
        let o = outcome(c, "livenessProbe", 60_000);
        assert_eq!(o.output, "timeout: failed to connect service \"10.244.1.2:2333\" within 5s: context deadline exceeded");
        assert_eq!(o.duration, 5_000);
    }

    #[test]
    fn env_expansion() {
        let env = vec![("F".to_string(), "/tmp/x".to_string())];
        assert_eq!(expand("$(F)-$(G)", &env), "/tmp/x-$(G)");
        assert!(matches!(
            expand("plain", &env),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
