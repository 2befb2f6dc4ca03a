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
