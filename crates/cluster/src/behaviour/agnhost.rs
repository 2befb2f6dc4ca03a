//! agnhost (registry.k8s.io/e2e-test-images/agnhost) subcommands, modelled from their sources
//! as the e2e suite uses them. The first argument picks the subcommand, like the real binary.

use super::{GrpcReply, HttpReply};
use crate::clock::{Millis, SECOND};

#[derive(Debug, Clone, PartialEq)]
pub enum Agnhost {
    /// `liveness`: /healthz 200 for the first 10 s after start, then 500 (spec 54).
    Liveness,
    /// `test-webserver [--port N]`: 200 on every path.
    TestWebserver { port: u16 },
    /// `netexec [--http-port N]`: 200 on its handlers.
    Netexec { http_port: u16 },
    /// `serve-hostname [--port N]`: answers the hostname on every path.
    ServeHostname { port: u16 },
    /// `grpc-health-checking [--port N] [--http-port M]`: gRPC health SERVING for "".
    GrpcHealth { port: u16, http_port: u16 },
    /// `pause`: sleeps until signalled.
    Pause,
    /// A subcommand this model does not know: runs, listens nowhere.
    Other(String),
}

fn flag(args: &[String], name: &str) -> Option<u16> {
    args.iter().enumerate().find_map(|(i, a)| {
        if let Some(v) = a.strip_prefix(&format!("{name}=")) {
            v.parse().ok()
        } else if a == name {
            args.get(i + 1)?.parse().ok()
        } else {
            None
        }
    })
}

impl Agnhost {
    /// `args` are the arguments after the binary (the subcommand first).
    pub fn from_args(args: &[String]) -> Agnhost {
        let sub = args.first().map(String::as_str).unwrap_or("");
        let rest = args.get(1..).unwrap_or(&[]);
        match sub {
            "liveness" => Agnhost::Liveness,
            "test-webserver" => Agnhost::TestWebserver {
                port: flag(rest, "--port").unwrap_or(80),
            },
            "netexec" => Agnhost::Netexec {
                http_port: flag(rest, "--http-port").unwrap_or(8080),
            },
            "serve-hostname" => Agnhost::ServeHostname {
                port: flag(rest, "--port").unwrap_or(9376),
            },
            "grpc-health-checking" => Agnhost::GrpcHealth {
                port: flag(rest, "--port").unwrap_or(5000),
                http_port: flag(rest, "--http-port").unwrap_or(8080),
            },
            "pause" | "" => Agnhost::Pause,
            other => Agnhost::Other(other.to_string()),
        }
    }

    pub fn listens(&self, port: u16) -> bool {
        match self {
            Agnhost::Liveness => port == 8080,
            Agnhost::TestWebserver { port: p } | Agnhost::ServeHostname { port: p } => *p == port,
            Agnhost::Netexec { http_port } => *http_port == port,
            Agnhost::GrpcHealth { port: p, http_port } => *p == port || *http_port == port,
            Agnhost::Pause | Agnhost::Other(_) => false,
        }
    }

    pub fn http(&self, port: u16, path: &str, uptime: Millis) -> HttpReply {
        if !self.listens(port) {
            return HttpReply::Refused;
        }
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        match self {
            Agnhost::Liveness => match route {
                // server.go: 500 once more than 10 s have passed since the process started.
                "/healthz" if uptime > 10 * SECOND => {
                    HttpReply::status(500, format!("error: {}", uptime as f64 / 1000.0))
                }
                "/healthz" => HttpReply::status(200, "ok"),
                "/started" => HttpReply::status(200, format!("{}", uptime as f64 / 1000.0)),
                "/redirect" => {
                    let loc = query
                        .split('&')
                        .find_map(|kv| kv.strip_prefix("loc="))
                        .map(percent_decode)
                        .unwrap_or_default();
                    HttpReply::redirect(302, loc)
                }
                _ => HttpReply::status(404, "404 page not found\n"),
            },
            Agnhost::TestWebserver { .. } => HttpReply::status(200, "Hello world!\n"),
            Agnhost::ServeHostname { .. } => HttpReply::status(200, "pod"),
            Agnhost::Netexec { .. } => match route {
                "/" | "/echo" | "/hostname" | "/clientip" | "/header" | "/healthz" => {
                    HttpReply::status(200, "NOW: ok")
                }
                _ => HttpReply::status(404, "404 page not found\n"),
            },
            Agnhost::GrpcHealth { http_port, .. } if *http_port == port => match route {
                "/make-serving" | "/make-not-serving" => HttpReply::status(200, String::new()),
                _ => HttpReply::status(404, "404 page not found\n"),
            },
            _ => HttpReply::Refused,
        }
    }

    pub fn grpc(&self, port: u16, service: &str) -> GrpcReply {
        match self {
            Agnhost::GrpcHealth { port: p, .. } if *p == port => {
                if service.is_empty() {
                    GrpcReply::Serving
                } else {
                    GrpcReply::RpcError("rpc error: code = NotFound desc = unknown service".into())
                }
            }
            _ if self.listens(port) => GrpcReply::RpcError(
                "rpc error: code = Unavailable desc = connection closed before server preface received"
                    .into(),
            ),
            _ => GrpcReply::Refused,
        }
    }
}

/// Decodes `%XX` escapes (Go's `url.QueryUnescape`, also turning `+` into a space).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liveness_turns_500_after_ten_seconds() {
        let a = Agnhost::from_args(&["liveness".to_string()]);
        assert!(matches!(
            a.http(8080, "/healthz", 10_000),
            HttpReply::Response { status: 200, .. }
        ));
        match a.http(8080, "/healthz", 12_500) {
            HttpReply::Response { status, body, .. } => {
                assert_eq!(status, 500);
                assert_eq!(body, "error: 12.5");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(a.http(8081, "/healthz", 0), HttpReply::Refused);
    }

    #[test]
    fn redirect_decodes_location() {
        let a = Agnhost::Liveness;
        match a.http(8080, "/redirect?loc=http%3A%2F%2F0.0.0.0%2F", 0) {
            HttpReply::Response {
                status,
                location,
                body,
            } => {
                assert_eq!(status, 302);
                assert_eq!(location.as_deref(), Some("http://0.0.0.0/"));
                assert_eq!(body, "<a href=\"http://0.0.0.0/\">Found</a>.\n\n");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn subcommand_flags() {
        let args: Vec<String> = ["test-webserver", "--port", "81"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            Agnhost::from_args(&args),
            Agnhost::TestWebserver { port: 81 }
        );
        let g = Agnhost::from_args(&["grpc-health-checking".to_string()]);
        assert_eq!(g.grpc(5000, ""), GrpcReply::Serving);
        assert_eq!(g.grpc(2333, ""), GrpcReply::Refused);
    }
}
