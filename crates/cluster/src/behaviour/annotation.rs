//! The `kubeplay.dev/behavior` annotation: lets a playground user make any container misbehave
//! on purpose, whatever its image.
//!
//! # Schema
//!
//! The annotation `kubeplay.dev/behavior` applies to every container of the pod;
//! `kubeplay.dev/behavior.<container-name>` applies to one container and wins over the former.
//! The value is a list of `key=value` items separated by commas, semicolons or spaces, durations
//! in Go form (`20s`, `1m30s`, `500ms`) measured from the start of each container instance:
//!
//! | key | meaning |
//! | --- | --- |
//! | `ready-after=D` | nothing listens and exec probes fail until D after start (a slow boot) |
//! | `fail-healthz-from=D` | from D after start, HTTP answers 500, gRPC health NOT_SERVING, exec probes exit 1 |
//! | `fail-healthz-for=D` | with `fail-healthz-from`: the failure lasts D, then the container recovers |
//! | `crash-after=D` | the process exits D after start (`exit-code`, default 1) |
//! | `exit-code=N` | exit code for `crash-after` (0-255) |
//! | `slow=D` | every probe answer takes D longer (beyond timeoutSeconds it times out) |
//! | `sigterm=ignore` / `sigterm=D` | ignore SIGTERM (killed at the grace period's end) / exit 0 D after SIGTERM |
//! | `image-pull=not-found` / `denied` / `no-such-host` | every pull of the image fails that way (ErrImagePull, then ImagePullBackOff) |
//!
//! Without the annotation a pull also fails when the image's registry host is not a public
//! registry the playground knows (`kubelet::images::KNOWN_REGISTRIES`: "no such host") or its tag
//! is one of `doesnotexist`, `does-not-exist`, `nonexistent`, `invalid` ("not found").
//!
//! Example: `kubeplay.dev/behavior: "ready-after=20s, fail-healthz-from=1m, crash-after=5m, exit-code=3"`.
//! An invalid value is rejected at create time like an API validation error.

use crate::clock::{parse_duration, Millis};

pub const ANNOTATION: &str = "kubeplay.dev/behavior";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub ready_after: Option<Millis>,
    pub fail_from: Option<Millis>,
    pub fail_for: Option<Millis>,
    pub crash_after: Option<Millis>,
    pub exit_code: Option<i32>,
    pub slow: Millis,
    pub sigterm: Option<SigtermOverride>,
    pub image_pull: Option<crate::kubelet::images::PullFailure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigtermOverride {
    Ignore,
    ExitAfter(Millis),
}

impl Overrides {
    /// Parses an annotation value; the error names the offending item.
    pub fn parse(value: &str) -> Result<Overrides, String> {
        let mut o = Overrides::default();
        for item in value
            .split([',', ';', ' ', '\n', '\t'])
            .filter(|s| !s.is_empty())
        {
            let (key, val) = item
                .split_once('=')
                .ok_or_else(|| format!("{item:?} is not of the form key=value"))?;
            let dur = || parse_duration(val).map_err(|e| format!("{key}: {e}"));
            match key {
                "ready-after" => o.ready_after = Some(dur()?),
                "fail-healthz-from" => o.fail_from = Some(dur()?),
                "fail-healthz-for" => o.fail_for = Some(dur()?),
                "crash-after" => o.crash_after = Some(dur()?),
                "slow" => o.slow = dur()?,
                "image-pull" => {
                    o.image_pull = Some(crate::kubelet::images::PullFailure::parse(val).ok_or_else(
                        || format!("image-pull: {val:?} is not one of not-found, denied, no-such-host"),
                    )?)
                }
                "exit-code" => {
                    let code: i32 = val
                        .parse()
                        .ok()
                        .filter(|c| (0..=255).contains(c))
                        .ok_or_else(|| format!("exit-code: {val:?} is not a number from 0 to 255"))?;
                    o.exit_code = Some(code);
                }
                "sigterm" => {
                    o.sigterm = Some(if val == "ignore" {
                        SigtermOverride::Ignore
                    } else {
                        SigtermOverride::ExitAfter(dur()?)
                    })
                }
                other => {
                    return Err(format!(
                        "unknown key {other:?} (known: ready-after, fail-healthz-from, fail-healthz-for, crash-after, exit-code, slow, sigterm, image-pull)"
                    ))
                }
            }
        }
        if o.fail_for.is_some() && o.fail_from.is_none() {
            return Err("fail-healthz-for needs fail-healthz-from".into());
        }
        Ok(o)
    }

    /// Reads the annotations that apply to `container`.
    pub fn for_container(
        annotations: &[(String, String)],
        container: &str,
    ) -> Result<Overrides, String> {
        let specific = format!("{ANNOTATION}.{container}");
        let find = |k: &str| annotations.iter().find(|(a, _)| a == k).map(|(_, v)| v);
        match find(&specific).or_else(|| find(ANNOTATION)) {
            Some(v) => Overrides::parse(v),
            None => Ok(Overrides::default()),
        }
    }

    pub fn booting(&self, uptime: Millis) -> bool {
        self.ready_after.is_some_and(|r| uptime < r)
    }

    pub fn failing(&self, uptime: Millis) -> bool {
        match (self.fail_from, self.fail_for) {
            (Some(from), Some(len)) => uptime >= from && uptime < from.saturating_add(len),
            (Some(from), None) => uptime >= from,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_keys() {
        let o = Overrides::parse("ready-after=20s, fail-healthz-from=1m; fail-healthz-for=10s crash-after=5m exit-code=3 slow=2s sigterm=ignore").unwrap();
        assert_eq!(o.ready_after, Some(20_000));
        assert!(o.failing(60_000) && o.failing(69_999) && !o.failing(70_000));
        assert_eq!(o.crash_after, Some(300_000));
        assert_eq!(o.exit_code, Some(3));
        assert_eq!(o.slow, 2_000);
        assert_eq!(o.sigterm, Some(SigtermOverride::Ignore));
    }

    #[test]
    fn rejects_bad_values() {
        assert!(Overrides::parse("ready-after").is_err());
        assert!(Overrides::parse("colour=blue").is_err());
        assert!(Overrides::parse("exit-code=300").is_err());
        assert!(Overrides::parse("slow=-1s").is_err());
        assert!(Overrides::parse("fail-healthz-for=5s").is_err());
    }

    #[test]
    fn container_specific_annotation_wins() {
        let ann = vec![
            (ANNOTATION.to_string(), "slow=1s".to_string()),
            (format!("{ANNOTATION}.web"), "slow=3s".to_string()),
        ];
        assert_eq!(Overrides::for_container(&ann, "web").unwrap().slow, 3_000);
        assert_eq!(Overrides::for_container(&ann, "db").unwrap().slow, 1_000);
    }
}
