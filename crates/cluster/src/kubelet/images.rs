//! Image pulls on a node: serialized like the kubelet's default (`serializeImagePulls: true`),
//! skipped when the policy allows a present image (spec: pull policy defaults in defaults.rs).

use crate::clock::Millis;
use crate::podspec::PullPolicy;
use crate::scheduler::Node;

pub enum Plan {
    /// IfNotPresent/Never with the image on the node.
    Present,
    /// A pull finishing at `done_at` (queued behind other pulls on the node).
    Pull {
        done_at: Millis,
    },
    NeverPull,
}

/// Compressed sizes of the images the playground's examples use; others get a stable
/// pseudo-size derived from the name.
fn image_size(image: &str) -> u64 {
    let name = image.rsplit('/').next().unwrap_or(image);
    let base = name.split([':', '@']).next().unwrap_or(name);
    match base {
        "agnhost" => 51_256_830,
        "busybox" => 2_231_050,
        "nginx" => 72_099_501,
        "pause" => 321_520,
        "alpine" => 3_652_536,
        "httpd" => 58_391_230,
        _ => 20_000_000 + fnv(image) % 80_000_000,
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A pull downloads at ~25 MB/s after a registry round trip; a pull of a present image (policy
/// Always) only checks the manifest.
fn pull_time(image: &str, present: bool) -> Millis {
    if present {
        250 + fnv(image) % 300
    } else {
        400 + image_size(image) / 25_000
    }
}

pub fn plan(node: &mut Node, image: &str, policy: PullPolicy, now: Millis) -> Plan {
    let present = node.images.contains(image);
    match policy {
        PullPolicy::IfNotPresent | PullPolicy::Never if present => Plan::Present,
        PullPolicy::Never => Plan::NeverPull,
        _ => {
            let start = now.max(node.pull_busy_until);
            let done_at = start + pull_time(image, present);
            node.pull_busy_until = done_at;
            Plan::Pull { done_at }
        }
    }
}

/// Records the image on the node; returns (time spent pulling, image size).
pub fn finish(node: &mut Node, image: &str, requested_at: Millis, now: Millis) -> (Millis, u64) {
    let present = node.images.contains(image);
    node.images.insert(image.to_string());
    let own = pull_time(image, present).min(now - requested_at);
    (own, image_size(image))
}

/// `imageID` as containerd reports it: the repository with a content digest.
pub fn image_id(image: &str) -> String {
    let repo = image.split('@').next().unwrap_or(image);
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    let h = fnv(image);
    format!(
        "{repo}@sha256:{:016x}{:016x}{:016x}{:016x}",
        h,
        h.rotate_left(17),
        h.rotate_left(31),
        h.rotate_left(47)
    )
}

/// How a pull of a bad image fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullFailure {
    /// The registry answers that the tag or repository does not exist.
    NotFound,
    /// The registry refuses (a private repository without credentials).
    Denied,
    /// The registry host does not resolve.
    NoSuchHost,
}

impl PullFailure {
    /// The annotation value (`image-pull=...`) naming this failure.
    pub fn parse(value: &str) -> Option<PullFailure> {
        match value {
            "not-found" | "fail" => Some(PullFailure::NotFound),
            "denied" => Some(PullFailure::Denied),
            "no-such-host" | "unreachable" => Some(PullFailure::NoSuchHost),
            _ => None,
        }
    }
}

/// Registries the playground's nodes can reach. An image whose registry host is not one of
/// these (nor a subdomain of a `.`-prefixed entry) fails with "no such host": the simulated
/// nodes have no network, so a private or misspelt registry cannot work.
const KNOWN_REGISTRIES: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.k8s.io",
    "k8s.gcr.io",
    "gcr.io",
    ".gcr.io",
    ".pkg.dev",
    "ghcr.io",
    "quay.io",
    "public.ecr.aws",
    ".amazonaws.com",
    "mcr.microsoft.com",
    ".azurecr.io",
    "registry.gitlab.com",
    "docker.elastic.co",
    "nvcr.io",
];

/// Tags that never exist, so a playground user can make a pull fail without an annotation.
const MISSING_TAGS: &[&str] = &["doesnotexist", "does-not-exist", "nonexistent", "invalid"];

/// An image reference split as containerd resolves it: `nginx` is
/// `docker.io/library/nginx:latest`.
pub struct Reference {
    pub host: String,
    /// The fully qualified reference (`docker.io/library/nginx:1.25`).
    pub full: String,
    /// Repository path without the host (`library/nginx`).
    pub path: String,
    /// Tag or digest (`1.25`, `sha256:...`).
    pub tag: String,
}

pub fn reference(image: &str) -> Reference {
    let (first, rest) = match image.split_once('/') {
        Some((f, r)) if f.contains(['.', ':']) || f == "localhost" => (f.to_string(), r),
        _ => ("docker.io".to_string(), image),
    };
    let (name, tag, sep) = match rest.split_once('@') {
        Some((n, d)) => (n, d.to_string(), '@'),
        None => match rest.rsplit_once(':') {
            Some((n, t)) => (n, t.to_string(), ':'),
            None => (rest, "latest".to_string(), ':'),
        },
    };
    let path = if first == "docker.io" && !name.contains('/') {
        format!("library/{name}")
    } else {
        name.to_string()
    };
    Reference {
        full: format!("{first}/{path}{sep}{tag}"),
        host: first,
        path,
        tag,
    }
}

fn known_registry(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or(host);
    KNOWN_REGISTRIES.iter().any(|k| match k.strip_prefix('.') {
        Some(suffix) => host.ends_with(k) && host.len() > suffix.len() + 1,
        None => host == *k,
    })
}

/// Why a pull of `image` fails, if it does: the annotation's `image-pull` wins, then an
/// unknown registry host, then a tag from `MISSING_TAGS`.
pub fn pull_failure(image: &str, forced: Option<PullFailure>) -> Option<PullFailure> {
    if forced.is_some() {
        return forced;
    }
    let r = reference(image);
    if !known_registry(&r.host) {
        return Some(PullFailure::NoSuchHost);
    }
    if MISSING_TAGS.contains(&r.tag.as_str()) {
        return Some(PullFailure::NotFound);
    }
    None
}

/// The CRI error containerd returns for the failed pull (the kubelet puts it in the `Failed`
/// event and in the ErrImagePull waiting message).
pub fn pull_error(image: &str, failure: PullFailure) -> String {
    let r = reference(image);
    let full = &r.full;
    match failure {
        PullFailure::NotFound => format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
        ),
        PullFailure::Denied => format!(
            "rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
        ),
        PullFailure::NoSuchHost => {
            let host = r.host.split(':').next().unwrap_or(&r.host);
            format!(
                "rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": failed to do request: Head \"https://{}/v2/{}/manifests/{}\": dial tcp: lookup {host} on 172.18.0.1:53: no such host",
                r.host, r.path, r.tag
            )
        }
    }
}

/// Time until a failing pull gives up (a registry round trip, or a DNS lookup).
pub fn failed_pull_time(image: &str, failure: PullFailure) -> Millis {
    match failure {
        PullFailure::NoSuchHost => 20 + fnv(image) % 60,
        _ => 300 + fnv(image) % 500,
    }
}

/// Starts a failing pull on the node's serialized pull queue; returns when it fails.
pub fn plan_failing(node: &mut Node, image: &str, failure: PullFailure, now: Millis) -> Millis {
    let start = now.max(node.pull_busy_until);
    let done_at = start + failed_pull_time(image, failure);
    node.pull_busy_until = done_at;
    done_at
}

/// The image manager's pull back-off (`flowcontrol.NewBackOff(10s, 300s)`, keyed by pod and
/// image): `IsInBackOffSinceUpdate` refuses a pull until the back-off has passed since the last
/// failure; each failure doubles it.
#[derive(Debug, Default, Clone)]
pub struct PullBackOff {
    entries: std::collections::BTreeMap<String, (Millis, Millis)>,
}

impl PullBackOff {
    pub fn in_backoff(&self, image: &str, now: Millis) -> bool {
        self.entries
            .get(image)
            .is_some_and(|&(backoff, last)| now.saturating_sub(last) < backoff)
    }

    pub fn failed(&mut self, image: &str, now: Millis) {
        use crate::kubelet::backoff::{INITIAL, MAX};
        let backoff = match self.entries.get(image) {
            Some(&(b, last)) if now.saturating_sub(last) <= 2 * MAX => (b * 2).min(MAX),
            _ => INITIAL,
        };
        self.entries.insert(image.to_string(), (backoff, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_like_containerd() {
        let r = reference("nginx");
        assert_eq!(r.full, "docker.io/library/nginx:latest");
        let r = reference("registry.k8s.io/e2e-test-images/agnhost:2.40");
        assert_eq!(
            (r.host.as_str(), r.path.as_str()),
            ("registry.k8s.io", "e2e-test-images/agnhost")
        );
        let r = reference("localhost:5000/app:1");
        assert_eq!((r.host.as_str(), r.tag.as_str()), ("localhost:5000", "1"));
    }

    #[test]
    fn bad_images_are_recognised() {
        assert_eq!(pull_failure("nginx:1.25", None), None);
        assert_eq!(pull_failure("registry.k8s.io/pause:3.9", None), None);
        assert_eq!(pull_failure("europe-docker.pkg.dev/p/r/i:1", None), None);
        assert_eq!(
            pull_failure("nginx:doesnotexist", None),
            Some(PullFailure::NotFound)
        );
        assert_eq!(
            pull_failure("registry.invalid/app:1", None),
            Some(PullFailure::NoSuchHost)
        );
        assert_eq!(
            pull_failure("pkg.dev/x:1", None),
            Some(PullFailure::NoSuchHost)
        );
        assert_eq!(
            pull_failure("nginx", Some(PullFailure::Denied)),
            Some(PullFailure::Denied)
        );
        assert_eq!(
            pull_error("nginx:doesnotexist", PullFailure::NotFound),
            "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:doesnotexist\": failed to resolve reference \"docker.io/library/nginx:doesnotexist\": docker.io/library/nginx:doesnotexist: not found"
        );
        assert!(pull_error("registry.invalid/app:1", PullFailure::NoSuchHost).ends_with(
            "Head \"https://registry.invalid/v2/app/manifests/1\": dial tcp: lookup registry.invalid on 172.18.0.1:53: no such host"
        ));
    }

    #[test]
    fn pull_backoff_doubles_to_the_cap() {
        let mut b = PullBackOff::default();
        assert!(!b.in_backoff("x", 0));
        b.failed("x", 0);
        assert!(b.in_backoff("x", 9_999));
        assert!(!b.in_backoff("x", 10_000));
        b.failed("x", 10_000);
        assert!(b.in_backoff("x", 29_999));
        let mut t = 30_000;
        for _ in 0..10 {
            b.failed("x", t);
            t += 300_000;
        }
        assert!(b.in_backoff("x", t - 300_000 + 299_999));
        assert!(!b.in_backoff("x", t));
    }
}
