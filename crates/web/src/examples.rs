//! Built-in examples, compiled into the app so it works offline from the first visit.

use crate::workspace::Workspace;

/// One example: a title, a sentence of context and its files.
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub blurb: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

pub const LIVENESS_HTTP: Example = Example {
    id: "liveness-http",
    title: "Liveness probe over HTTP",
    blurb: "The seed's pod: /healthz answers 200 for 10 s, then 500, so the kubelet restarts it.",
    files: &[(
        "/probes/liveness-http.yaml",
        include_str!("../../../web/examples/probes/liveness-http.yaml"),
    )],
};

/// The example the app opens on when nothing was saved.
pub const DEFAULT: &Example = &LIVENESS_HTTP;

impl Example {
    pub fn workspace(&self) -> Workspace {
        Workspace::from_files(
            self.files
                .iter()
                .map(|(path, text)| (path.to_string(), text.to_string())),
        )
    }
}
