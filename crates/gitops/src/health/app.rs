//! Application health: the worst health of the resources an app manages.

use super::{Assessor, Health, HealthStatus};
use crate::hook::{annotation, is_hook, is_ignored, is_skip};
use serde_json::Value;

/// Resources with this annotation set to "true" are shown but never counted.
pub const ANNOTATION_IGNORE_HEALTHCHECK: &str = "argocd.argoproj.io/ignore-healthcheck";

/// At most this many resources are named in the app health message.
const MAX_CAUSES_SHOWN: usize = 3;

/// One resource managed by an app: its desired and/or live object.
#[derive(Debug, Clone, Copy)]
pub struct ManagedResource<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub desired: Option<&'a Value>,
    pub live: Option<&'a Value>,
}

/// The app's health plus the health of each resource (`None`: not assessed or no health).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppHealth {
    pub health: Health,
    pub resources: Vec<Option<Health>>,
}

/// Aggregates like Argo CD's controller. `app` is the Application's own (namespace, name), so
/// an app that manages itself does not count its own health.
pub fn app_health(
    assessor: &Assessor,
    resources: &[ManagedResource<'_>],
    app: Option<(&str, &str)>,
) -> AppHealth {
    let mut status = HealthStatus::Healthy;
    let mut causes: Vec<&ManagedResource<'_>> = Vec::new();
    let mut per_resource = vec![None; resources.len()];
    let (mut has_resources, mut has_live) = (false, false);

    for (i, res) in resources.iter().enumerate() {
        if res.desired.is_some_and(is_skip) {
            continue;
        }
        if res.live.is_some_and(|l| is_hook(l) || is_ignored(l)) {
            continue;
        }
        has_resources = true;
        has_live |= res.live.is_some();
        if res
            .live
            .is_some_and(|l| annotation(l, ANNOTATION_IGNORE_HEALTHCHECK) == Some("true"))
        {
            continue;
        }
        let health = match res.live {
            None => Health::new(HealthStatus::Missing, ""),
            Some(_) if is_self(res, app) => continue,
            Some(live) => match assessor.assess(live) {
                Some(h) => h,
                None => continue,
            },
        };
        let code = health.status;
        per_resource[i] = Some(health);
        // Missing resources already show as OutOfSync; they do not change app health.
        if res.live.is_none() {
            continue;
        }
        // A child app that is Missing or Unknown is the child's business.
        let child_app = res.group == "argoproj.io" && res.kind == "Application";
        if child_app && matches!(code, HealthStatus::Missing | HealthStatus::Unknown) {
            continue;
        }
        if code.is_worse_than(status) {
            status = code;
            causes = vec![res];
        } else if code == status && status != HealthStatus::Healthy {
            causes.push(res);
        }
    }

    if has_resources && !has_live && HealthStatus::Missing.is_worse_than(status) {
        status = HealthStatus::Missing;
        causes.clear();
    }
    AppHealth {
        health: Health::new(status, format_causes(&causes)),
        resources: per_resource,
    }
}

fn is_self(res: &ManagedResource<'_>, app: Option<(&str, &str)>) -> bool {
    app.is_some_and(|(namespace, name)| {
        res.group == "argoproj.io"
            && res.kind == "Application"
            && res.namespace == namespace
            && res.name == name
    })
}

/// "Caused by <group>/<Kind>:<namespace>/<name>, ... and <n> more".
fn format_causes(causes: &[&ManagedResource<'_>]) -> String {
    if causes.is_empty() {
        return String::new();
    }
    let named: Vec<String> = causes
        .iter()
        .take(MAX_CAUSES_SHOWN)
        .map(|c| {
            let gk = if c.group.is_empty() {
                c.kind.to_string()
            } else {
                format!("{}/{}", c.group, c.kind)
            };
            let name = if c.namespace.is_empty() {
                c.name.to_string()
            } else {
                format!("{}/{}", c.namespace, c.name)
            };
            format!("{gk}:{name}")
        })
        .collect();
    let mut summary = named.join(", ");
    if causes.len() > MAX_CAUSES_SHOWN {
        summary.push_str(&format!(" and {} more", causes.len() - MAX_CAUSES_SHOWN));
    }
    format!("Caused by {summary}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn res<'a>(kind: &'a str, name: &'a str, live: Option<&'a Value>) -> ManagedResource<'a> {
        let group = if kind == "Deployment" { "apps" } else { "" };
        ManagedResource {
            group,
            kind,
            namespace: "default",
            name,
            desired: live,
            live,
        }
    }

    fn pvc(phase: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "status": {"phase": phase}})
    }

    #[test]
    fn worst_status_names_its_resources() {
        let (bound, lost, lost2) = (pvc("Bound"), pvc("Lost"), pvc("Lost"));
        let resources = [
            res("PersistentVolumeClaim", "a", Some(&bound)),
            res("PersistentVolumeClaim", "b", Some(&lost)),
            res("PersistentVolumeClaim", "c", Some(&lost2)),
        ];
        let got = app_health(&Assessor::new(), &resources, None);
        assert_eq!(
            got.health,
            Health::degraded(
                "Caused by PersistentVolumeClaim:default/b, PersistentVolumeClaim:default/c"
            )
        );
        assert_eq!(got.resources[0], Some(Health::healthy()));
    }

    #[test]
    fn more_than_three_causes_are_counted() {
        let lost = pvc("Lost");
        let names = ["a", "b", "c", "d", "e"];
        let resources: Vec<_> = names
            .iter()
            .map(|n| res("PersistentVolumeClaim", n, Some(&lost)))
            .collect();
        let got = app_health(&Assessor::new(), &resources, None);
        assert!(got
            .health
            .message
            .ends_with("PersistentVolumeClaim:default/c and 2 more"));
    }

    #[test]
    fn missing_resources_do_not_degrade_but_all_missing_is_missing() {
        let bound = pvc("Bound");
        let desired = pvc("Bound");
        let mut missing = res("PersistentVolumeClaim", "gone", None);
        missing.desired = Some(&desired);
        let partly = app_health(
            &Assessor::new(),
            &[res("PersistentVolumeClaim", "a", Some(&bound)), missing],
            None,
        );
        assert_eq!(partly.health, Health::healthy());
        assert_eq!(
            partly.resources[1].as_ref().map(|h| h.status),
            Some(HealthStatus::Missing)
        );
        let all = app_health(&Assessor::new(), &[missing], None);
        assert_eq!(all.health, Health::new(HealthStatus::Missing, ""));
    }

    #[test]
    fn hooks_and_ignored_health_checks_do_not_count() {
        let mut hook = pvc("Lost");
        hook["metadata"] = json!({"annotations": {"argocd.argoproj.io/hook": "PreSync"}});
        let mut ignored = pvc("Lost");
        ignored["metadata"] = json!({"annotations": {ANNOTATION_IGNORE_HEALTHCHECK: "true"}});
        let got = app_health(
            &Assessor::new(),
            &[
                res("PersistentVolumeClaim", "h", Some(&hook)),
                res("PersistentVolumeClaim", "i", Some(&ignored)),
            ],
            None,
        );
        assert_eq!(got.health, Health::healthy());
    }
}
