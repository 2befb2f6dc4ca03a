//! Container behaviour models: what the process in a container does over time, chosen from the
//! image, command and args the way the real image would behave, optionally bent by the
//! `kubeplay.dev/behavior` annotation ([`annotation`]).
//!
//! Times are "uptime": milliseconds since this container instance started. Every instance
//! replays its program from the start (files live in the container's writable layer, which a
//! restart discards).

pub mod agnhost;
pub mod annotation;
pub mod shell;

use crate::clock::Millis;
use crate::podspec::ContainerSpec;
use agnhost::Agnhost;
use annotation::{Overrides, SigtermOverride};
use shell::{ExecResult, Files, Flavor, Script, TrapRun};
use std::borrow::Cow;

/// An HTTP server's answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpReply {
    /// Nothing listens on the port.
    Refused,
    Response {
        status: u16,
        body: Cow<'static, str>,
        location: Option<String>,
    },
}

impl HttpReply {
    pub fn status(status: u16, body: impl Into<Cow<'static, str>>) -> HttpReply {
        HttpReply::Response {
            status,
            body: body.into(),
            location: None,
        }
    }

    /// Go's `http.Redirect` for a GET: the body is a link to the target.
    pub fn redirect(status: u16, location: String) -> HttpReply {
        let body = format!("<a href=\"{}\">Found</a>.\n\n", html_escape(&location));
        HttpReply::Response {
            status,
            body: body.into(),
            location: Some(location),
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// A gRPC health server's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum GrpcReply {
    Refused,
    Serving,
    NotServing,
    RpcError(String),
}

/// What a process does on SIGTERM.
#[derive(Debug, Clone, PartialEq)]
pub enum Sigterm {
    /// Exits `after` ms later with `code`.
    Exit { after: Millis, code: i32 },
    /// Keeps running (PID 1 without a handler): only SIGKILL stops it.
    Ignore,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Agnhost(Agnhost),
    /// nginx / httpd: HTTP 200 on `/` of their port, graceful exit on SIGTERM.
    WebServer {
        port: u16,
    },
    /// registry.k8s.io/pause: sleeps, exits 0 on SIGTERM.
    Pause,
    Shell(Box<Script>),
    /// An image this model does not know: runs until stopped and answers 200 on the ports the
    /// container declares.
    Generic {
        ports: Vec<u16>,
    },
}

/// The modelled program of one container.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    kind: Kind,
    /// What a shell script `exec`s into once it gets there (nginx, agnhost ...).
    server: Option<(Millis, Box<Kind>)>,
    flavor: Flavor,
    over: Overrides,
}

/// `registry.k8s.io/e2e-test-images/agnhost:2.40` -> `agnhost`.
fn image_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

const SHELL_IMAGES: [&str; 6] = ["busybox", "alpine", "ubuntu", "debian", "bash", "centos"];

impl Program {
    /// Picks the model for a container from its image, command and args (command overrides the
    /// image's entrypoint, args its CMD, as in Kubernetes).
    pub fn for_container(c: &ContainerSpec, over: Overrides) -> Program {
        let image = image_name(&c.image);
        let flavor = if matches!(image, "busybox" | "alpine") {
            Flavor::Busybox
        } else {
            Flavor::Gnu
        };
        let argv: Vec<String> = c.command.iter().chain(c.args.iter()).cloned().collect();
        let generic = || Kind::Generic {
            ports: c.ports.iter().map(|(_, p)| *p).collect(),
        };
        let kind = if c.command.is_empty() {
            match image {
                "agnhost" => Kind::Agnhost(Agnhost::from_args(&c.args)),
                "nginx" | "httpd" => Kind::WebServer { port: 80 },
                "pause" => Kind::Pause,
                i if SHELL_IMAGES.contains(&i) => {
                    // The image's CMD is a shell; args (if any) replace it.
                    let argv = if c.args.is_empty() {
                        vec!["sh".to_string()]
                    } else {
                        c.args.clone()
                    };
                    Kind::Shell(Box::new(Script::run_main(&argv, flavor)))
                }
                _ => generic(),
            }
        } else {
            match basename(&c.command[0]) {
                "agnhost" => Kind::Agnhost(Agnhost::from_args(&argv[1..])),
                "nginx" | "httpd" | "httpd-foreground" => Kind::WebServer { port: 80 },
                "pause" => Kind::Pause,
                _ if image == "agnhost"
                    || SHELL_IMAGES.contains(&image)
                    || is_shell_like(&c.command[0]) =>
                {
                    Kind::Shell(Box::new(Script::run_main(&argv, flavor)))
                }
                _ => generic(),
            }
        };
        let server = match &kind {
            Kind::Shell(script) => script.server.as_ref().map(|s| {
                let inner = match basename(&s.argv[0]) {
                    "agnhost" => Kind::Agnhost(Agnhost::from_args(&s.argv[1..])),
                    "nginx" | "httpd" | "httpd-foreground" => Kind::WebServer { port: 80 },
                    _ => generic(),
                };
                (s.at, Box::new(inner))
            }),
            _ => None,
        };
        Program {
            kind,
            server,
            flavor,
            over,
        }
    }

    /// When the process exits by itself: (uptime, exit code).
    pub fn natural_exit(&self) -> Option<(Millis, i32)> {
        let own = match &self.kind {
            Kind::Shell(s) => s.exit,
            _ => None,
        };
        let crash = self
            .over
            .crash_after
            .map(|t| (t, self.over.exit_code.unwrap_or(1)));
        match (own, crash) {
            (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// Reaction to SIGTERM at `uptime`, plus what a shell trap did (for the file timeline).
    pub fn on_sigterm(&self, uptime: Millis) -> (Sigterm, Option<TrapRun>) {
        match self.over.sigterm {
            Some(SigtermOverride::Ignore) => return (Sigterm::Ignore, None),
            Some(SigtermOverride::ExitAfter(d)) => {
                return (Sigterm::Exit { after: d, code: 0 }, None)
            }
            None => {}
        }
        if let Some((at, server)) = &self.server {
            if uptime >= *at {
                return (Self::server_sigterm(server), None);
            }
        }
        match &self.kind {
            Kind::Shell(script) => match script.on_sigterm(uptime) {
                Some(trap) => {
                    let reaction = match trap.exit {
                        Some((t, code)) => Sigterm::Exit {
                            after: t.saturating_sub(uptime),
                            code,
                        },
                        None => Sigterm::Ignore,
                    };
                    (reaction, Some(trap))
                }
                None => (Sigterm::Ignore, None),
            },
            other => (Self::server_sigterm(other), None),
        }
    }

    fn server_sigterm(kind: &Kind) -> Sigterm {
        match kind {
            // Go's default SIGTERM handling as PID 1 ends in exit(2) (the raise is ignored).
            Kind::Agnhost(Agnhost::Pause) => Sigterm::Exit { after: 0, code: 0 },
            Kind::Agnhost(_) => Sigterm::Exit { after: 0, code: 2 },
            Kind::WebServer { .. } => Sigterm::Exit {
                after: 100,
                code: 0,
            },
            Kind::Pause | Kind::Generic { .. } => Sigterm::Exit { after: 0, code: 0 },
            Kind::Shell(_) => Sigterm::Ignore,
        }
    }

    /// The network-facing part at `uptime` (a shell that exec'd a server becomes that server).
    fn network(&self, uptime: Millis) -> Option<&Kind> {
        match &self.server {
            Some((at, k)) if uptime >= *at => Some(k),
            Some(_) => None,
            None => Some(&self.kind),
        }
    }

    pub fn extra_delay(&self) -> Millis {
        self.over.slow
    }

    pub fn listens(&self, port: u16, uptime: Millis) -> bool {
        if self.over.booting(uptime) {
            return false;
        }
        match self.network(uptime) {
            Some(Kind::Agnhost(a)) => a.listens(port),
            Some(Kind::WebServer { port: p }) => *p == port,
            Some(Kind::Generic { ports }) => ports.contains(&port),
            _ => false,
        }
    }

    pub fn http(&self, port: u16, path: &str, uptime: Millis) -> HttpReply {
        if !self.listens(port, uptime) {
            return HttpReply::Refused;
        }
        if self.over.failing(uptime) {
            return HttpReply::status(500, "error: failing (kubeplay.dev/behavior)");
        }
        match self.network(uptime) {
            Some(Kind::Agnhost(a)) => a.http(port, path, uptime),
            Some(Kind::WebServer { .. }) => match path.split('?').next().unwrap_or("/") {
                "/" | "/index.html" => HttpReply::status(
                    200,
                    "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>",
                ),
                _ => HttpReply::status(404, "<html>\r\n<head><title>404 Not Found</title></head>"),
            },
            _ => HttpReply::status(200, "ok"),
        }
    }

    pub fn grpc(&self, port: u16, service: &str, uptime: Millis) -> GrpcReply {
        if !self.listens(port, uptime) {
            return GrpcReply::Refused;
        }
        let reply = match self.network(uptime) {
            Some(Kind::Agnhost(a)) => a.grpc(port, service),
            _ => GrpcReply::RpcError(
                "rpc error: code = Unavailable desc = connection closed before server preface received".into(),
            ),
        };
        if reply == GrpcReply::Serving && self.over.failing(uptime) {
            GrpcReply::NotServing
        } else {
            reply
        }
    }

    /// The files in the container at `uptime`.
    pub fn files(&self, uptime: Millis, trap: Option<&TrapRun>) -> Files {
        match &self.kind {
            Kind::Shell(s) => s.files_at(uptime, trap),
            _ => Files::new(),
        }
    }

    /// Runs an exec-probe command in the container at `uptime`.
    pub fn exec<S: AsRef<str>>(
        &self,
        argv: &[S],
        uptime: Millis,
        trap: Option<&TrapRun>,
    ) -> ExecResult {
        if self.over.booting(uptime) || self.over.failing(uptime) {
            return ExecResult {
                exit_code: 1,
                output: "failing (kubeplay.dev/behavior)\n".into(),
                duration: 20,
            };
        }
        let done = |exit_code: i32, output: String| ExecResult {
            exit_code,
            output,
            duration: 0,
        };
        // Fast paths for the commonest probe commands; same results as the shell model.
        let word = |i: usize| argv.get(i).map_or("", AsRef::as_ref);
        match (argv.len(), basename(word(0)), word(1)) {
            (1, "true", _) => return done(0, String::new()),
            (1, "false", _) => return done(1, String::new()),
            (2, "cat", file) if !file.starts_with('-') => {
                let content = match &self.kind {
                    Kind::Shell(s) => s.file_at(uptime, trap, file),
                    _ => None,
                };
                return match content {
                    Some(c) => done(0, c),
                    None => done(1, shell::cat_missing(self.flavor, file)),
                };
            }
            _ => {}
        }
        let argv: Vec<String> = argv.iter().map(|a| a.as_ref().to_string()).collect();
        shell::exec(&argv, self.files(uptime, trap), self.flavor)
    }
}

fn is_shell_like(cmd: &str) -> bool {
    matches!(
        basename(cmd),
        "sh" | "bash"
            | "ash"
            | "dash"
            | "sleep"
            | "tail"
            | "true"
            | "false"
            | "echo"
            | "cat"
            | "touch"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::podspec::PodSpec;
    use serde_json::json;

    fn program(c: serde_json::Value) -> Program {
        let pod = json!({"spec": {"containers": [c]}});
        let spec = PodSpec::from_pod(&pod);
        Program::for_container(&spec.containers[0], Overrides::default())
    }

    #[test]
    fn picks_models_from_image_and_command() {
        let p = program(
            json!({"name": "a", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"]}),
        );
        assert!(p.listens(8080, 0));
        let p = program(
            json!({"name": "a", "image": "registry.k8s.io/e2e-test-images/agnhost", "command": ["/agnhost", "grpc-health-checking"]}),
        );
        assert_eq!(p.grpc(5000, "", 0), GrpcReply::Serving);
        let p = program(json!({"name": "n", "image": "nginx:1.25"}));
        assert!(matches!(
            p.http(80, "/", 0),
            HttpReply::Response { status: 200, .. }
        ));
        assert_eq!(
            p.on_sigterm(5).0,
            Sigterm::Exit {
                after: 100,
                code: 0
            }
        );
        let p =
            program(json!({"name": "b", "image": "busybox", "command": ["sh", "-c", "sleep 600"]}));
        assert_eq!(p.on_sigterm(5).0, Sigterm::Ignore);
        assert_eq!(p.natural_exit(), Some((600_000, 0)));
        let p = program(json!({"name": "b", "image": "busybox"}));
        assert_eq!(p.natural_exit(), Some((0, 0)));
        let p = program(
            json!({"name": "g", "image": "example.com/app:1", "ports": [{"containerPort": 9000}]}),
        );
        assert!(p.listens(9000, 0) && !p.listens(80, 0));
        assert_eq!(p.natural_exit(), None);
    }

    #[test]
    fn overrides_bend_any_image() {
        let pod = json!({"spec": {"containers": [{"name": "n", "image": "nginx"}]}});
        let spec = PodSpec::from_pod(&pod);
        let over =
            Overrides::parse("ready-after=5s, fail-healthz-from=20s, crash-after=60s, exit-code=3")
                .unwrap();
        let p = Program::for_container(&spec.containers[0], over);
        assert_eq!(p.http(80, "/", 4_000), HttpReply::Refused);
        assert!(matches!(
            p.http(80, "/", 5_000),
            HttpReply::Response { status: 200, .. }
        ));
        assert!(matches!(
            p.http(80, "/", 20_000),
            HttpReply::Response { status: 500, .. }
        ));
        assert_eq!(p.natural_exit(), Some((60_000, 3)));
    }
}
