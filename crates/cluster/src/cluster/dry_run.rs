//! Server-side dry run (`kubectl apply --dry-run=server`): every admission check `apply`
//! makes, nothing stored. Argo CD dry-runs all of a sync's objects before the first wave, so
//! an invalid object in a late wave fails the operation before anything changed.

use super::controllers::validate_workload;
use super::cronjobs::{default_cronjob, validate_cronjob};
use super::{behaviour_annotation_errors, key, sets, Applied, Cluster};
use crate::defaults::default_pod;
use crate::error::{ApiError, FieldError};
use crate::resources::custom_kind;
use crate::service::{default_service, validate_service};
use crate::validation::{decode_check_pod, validate_metadata, validate_pod};
use serde_json::Value;

impl Cluster {
    /// What [`Cluster::apply`] would answer for `obj` (`<kind>/<name> created|configured|
    /// unchanged`, or the same error), without storing, scheduling or drawing from the
    /// cluster's random generator: the same objects then give the same timeline whether or
    /// not they were dry-run first.
    pub fn apply_dry_run(&self, obj: Value) -> Result<Applied, ApiError> {
        let mut rng = self.rng.clone();
        let (mut obj, namespaced) = self.admit(obj, &mut rng)?;
        let (kind, ns, name) = Self::names(&obj);
        let api_version = obj["apiVersion"].as_str().unwrap_or("").to_string();
        let invalid = |kind: String, errors: Vec<FieldError>| -> Result<(), ApiError> {
            if errors.is_empty() {
                return Ok(());
            }
            Err(ApiError::Invalid {
                kind,
                name: name.clone(),
                errors,
            })
        };
        let mut warning = None;
        match (kind.as_str(), api_version.as_str()) {
            ("Pod", "v1") => {
                decode_check_pod(&obj)?;
                default_pod(&mut obj);
                let mut errs = validate_pod(&obj);
                errs.extend(behaviour_annotation_errors(&obj));
                invalid(kind.clone(), errs)?;
                if let Some(existing) = self.store.get(&key("Pod", &ns, &name)) {
                    let mut answer = self.pod_update_answer(existing, &obj, &name)?;
                    answer.summary.push_str(" (server dry run)");
                    return Ok(answer);
                }
            }
            ("Service", "v1") => {
                default_service(&mut obj, String::new());
                invalid(kind.clone(), validate_service(&obj))?;
            }
            ("CustomResourceDefinition", "apiextensions.k8s.io/v1") => {
                if let Err(errs) = custom_kind(&obj) {
                    invalid(format!("{kind}.apiextensions.k8s.io"), errs)?;
                }
            }
            ("Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet", "apps/v1")
            | ("Job", "batch/v1") => {
                match kind.as_str() {
                    "StatefulSet" => sets::default_statefulset(&mut obj),
                    "DaemonSet" => sets::default_daemonset(&mut obj),
                    _ => {}
                }
                let group = if kind == "Job" { "batch" } else { "apps" };
                invalid(format!("{kind}.{group}"), validate_workload(&obj))?;
            }
            ("CronJob", "batch/v1") => {
                default_cronjob(&mut obj);
                invalid("CronJob.batch".into(), validate_cronjob(&obj))?;
                warning = Self::cronjob_zone_warning(&obj);
            }
            _ => {}
        }
        invalid(kind.clone(), validate_metadata(&obj, namespaced))?;
        let k = key(&kind, &ns, &name);
        let lower = kind.to_ascii_lowercase();
        let verb = if !self.store.contains(&k) {
            self.check_namespace_and_room(&obj, namespaced)?;
            "created"
        } else if self.store.would_change(&k, &obj) {
            "configured"
        } else {
            "unchanged"
        };
        Ok(Applied {
            summary: format!("{lower}/{name} {verb} (server dry run)"),
            warning,
        })
    }
}
