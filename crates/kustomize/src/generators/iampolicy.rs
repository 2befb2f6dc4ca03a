//! IAMPolicyGenerator: a ServiceAccount bound to a cloud identity (GKE workload identity is
//! the only cloud kustomize supports).

use serde_json::{json, Value as Json};

use crate::err;
use crate::error::Result;
use crate::resource::Resource;

pub fn generate(cfg: &Json) -> Result<Resource> {
    let s = |path: &[&str]| {
        path.iter()
            .try_fold(cfg, |v, k| v.get(k))
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    let cloud = s(&["cloud"]);
    if cloud != "gke" {
        return Err(err!("cloud provider {cloud} not supported yet"));
    }
    let mut sa = json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "annotations": {
                "iam.gke.io/gcp-service-account": format!(
                    "{}@{}.iam.gserviceaccount.com",
                    s(&["serviceAccount", "name"]),
                    s(&["serviceAccount", "projectId"])
                )
            },
            "name": s(&["kubernetesService", "name"]),
        }
    });
    let ns = s(&["kubernetesService", "namespace"]);
    if !ns.is_empty() {
        sa["metadata"]["namespace"] = Json::String(ns);
    }
    Ok(Resource::new(sa))
}
