//! Built-in examples, compiled into the app so it works offline from the first visit.
//! Their files live under `web/examples/`; each example is a title, a sentence of context,
//! its files and the file it opens on.

use crate::workspace::Workspace;

/// One example of the gallery.
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub blurb: &'static str,
    /// The file opened first.
    pub open: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

pub const LIVENESS_HTTP: Example = Example {
    id: "liveness-http",
    title: "Liveness probe over HTTP",
    blurb: "The seed's pod: /healthz answers 200 for 10 s, then 500, so the kubelet restarts the container again and again.",
    open: "/probes/liveness-http.yaml",
    files: &[
        ("/probes/liveness-http.yaml", include_str!("../../../web/examples/probes/liveness-http.yaml")),
    ],
};

pub const READINESS_HTTP: Example = Example {
    id: "readiness-http",
    title: "Readiness probe over HTTP",
    blurb: "The same server probed for readiness: after 10 s the pod turns unready and leaves the Service, but is never restarted.",
    open: "/probes/readiness-http.yaml",
    files: &[
        ("/probes/readiness-http.yaml", include_str!("../../../web/examples/probes/readiness-http.yaml")),
        ("/probes/readiness-service.yaml", include_str!("../../../web/examples/probes/readiness-service.yaml")),
    ],
};

pub const STARTUP_PROBE: Example = Example {
    id: "startup-probe",
    title: "Startup probe for a slow starter",
    blurb: "A startup probe gives a slow app five minutes to boot; until it passes, the liveness probe is held back.",
    open: "/probes/startup-probe.yaml",
    files: &[
        ("/probes/startup-probe.yaml", include_str!("../../../web/examples/probes/startup-probe.yaml")),
    ],
};

pub const KUSTOMIZE: Example = Example {
    id: "kustomize-image",
    title: "Kustomize: rewrite an image",
    blurb: "The seed's Kustomize example: the kustomization swaps nginx for new-nginx:1.23.1 without touching pod.yaml.",
    open: "/kustomize/kustomization.yaml",
    files: &[
        ("/kustomize/kustomization.yaml", include_str!("../../../web/examples/kustomize/kustomization.yaml")),
        ("/kustomize/pod.yaml", include_str!("../../../web/examples/kustomize/pod.yaml")),
    ],
};

/// The base with its dev, stg and prd overlays, after any files listed first: the overlays
/// example is these alone, the Argo CD example adds its Applications.
macro_rules! with_overlays {
    ($($file:expr),* $(,)?) => {
        &[
            $($file,)*
            ("/base/deployment.yaml", include_str!("../../../web/examples/overlays/base/deployment.yaml")),
            ("/base/kustomization.yaml", include_str!("../../../web/examples/overlays/base/kustomization.yaml")),
            ("/base/service.yaml", include_str!("../../../web/examples/overlays/base/service.yaml")),
            ("/overlays/dev/kustomization.yaml", include_str!("../../../web/examples/overlays/overlays/dev/kustomization.yaml")),
            ("/overlays/dev/replicas.yaml", include_str!("../../../web/examples/overlays/overlays/dev/replicas.yaml")),
            ("/overlays/stg/kustomization.yaml", include_str!("../../../web/examples/overlays/overlays/stg/kustomization.yaml")),
            ("/overlays/stg/replicas.yaml", include_str!("../../../web/examples/overlays/overlays/stg/replicas.yaml")),
            ("/overlays/prd/kustomization.yaml", include_str!("../../../web/examples/overlays/overlays/prd/kustomization.yaml")),
            ("/overlays/prd/replicas.yaml", include_str!("../../../web/examples/overlays/overlays/prd/replicas.yaml")),
        ]
    };
}

pub const OVERLAYS: Example = Example {
    id: "overlays",
    title: "Base with dev, stg and prd overlays",
    blurb: "One base Deployment and Service; each overlay sets its namespace, name prefix, replicas and image tag.",
    open: "/overlays/dev/kustomization.yaml",
    files: with_overlays!(),
};

pub const HELM: Example = Example {
    id: "helm-chart",
    title: "A Helm chart like `helm create`",
    blurb: "The starter chart: helpers, a Deployment, a Service and a ServiceAccount; try the prod values file or a --set override.",
    open: "/mychart/values.yaml",
    files: &[
        ("/mychart/Chart.yaml", include_str!("../../../web/examples/helm/mychart/Chart.yaml")),
        ("/mychart/values.yaml", include_str!("../../../web/examples/helm/mychart/values.yaml")),
        ("/mychart/values-prod.yaml", include_str!("../../../web/examples/helm/mychart/values-prod.yaml")),
        ("/mychart/templates/_helpers.tpl", include_str!("../../../web/examples/helm/mychart/templates/_helpers.tpl")),
        ("/mychart/templates/deployment.yaml", include_str!("../../../web/examples/helm/mychart/templates/deployment.yaml")),
        ("/mychart/templates/service.yaml", include_str!("../../../web/examples/helm/mychart/templates/service.yaml")),
        ("/mychart/templates/serviceaccount.yaml", include_str!("../../../web/examples/helm/mychart/templates/serviceaccount.yaml")),
        ("/mychart/templates/NOTES.txt", include_str!("../../../web/examples/helm/mychart/templates/NOTES.txt")),
    ],
};

pub const ARGOCD: Example = Example {
    id: "argocd-app",
    title: "Argo CD Application over overlays",
    blurb: "Two Applications over the dev and prd overlays: web-dev syncs when you press Sync, web-prd syncs itself and self-heals. Press Live to watch them.",
    open: "/apps/web-dev.yaml",
    files: with_overlays!(
        ("/apps/web-dev.yaml", include_str!("../../../web/examples/argocd/web-dev-manual.yaml")),
        ("/apps/web-prd.yaml", include_str!("../../../web/examples/argocd/guestbook-prd.yaml")),
    ),
};

pub const CRASHLOOP: Example = Example {
    id: "crashloop",
    title: "A CrashLoopBackOff to debug",
    blurb: "This container exits 1 right after starting, so the kubelet restarts it with a growing back-off: find out why.",
    open: "/debug/crashloop.yaml",
    files: &[
        ("/debug/crashloop.yaml", include_str!("../../../web/examples/debug/crashloop.yaml")),
    ],
};

pub const FLEET: Example = Example {
    id: "fleet",
    title: "A fleet of 25 services",
    blurb: "25 Deployments of 3 replicas behind Services: a 200-resource tree to watch in the live view at 60x.",
    open: "/fleet/fleet.yaml",
    files: &[
        ("/fleet/fleet.yaml", include_str!("../../../web/examples/fleet/fleet.yaml")),
    ],
};

/// The gallery, in the order it shows.
pub const ALL: &[&Example] = &[
    &LIVENESS_HTTP,
    &READINESS_HTTP,
    &STARTUP_PROBE,
    &KUSTOMIZE,
    &OVERLAYS,
    &HELM,
    &ARGOCD,
    &CRASHLOOP,
];

/// Examples opened by link only (`?example=fleet`), not shown in the gallery.
pub const BY_LINK: &[&Example] = &[&FLEET];

/// The example the app opens on when nothing was saved.
pub const DEFAULT: &Example = &LIVENESS_HTTP;

pub fn by_id(id: &str) -> Option<&'static Example> {
    ALL.iter().chain(BY_LINK).copied().find(|e| e.id == id)
}

impl Example {
    pub fn workspace(&self) -> Workspace {
        let mut ws = Workspace::from_files(
            self.files
                .iter()
                .map(|(path, text)| (path.to_string(), text.to_string())),
        );
        ws.select(self.open);
        ws.settings.example = Some(self.id.to_string());
        ws
    }
}
