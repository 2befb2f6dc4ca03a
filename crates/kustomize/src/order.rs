//! Output order: kustomize's legacy order (by kind, Namespace first and webhooks last, then
//! by id) unless `sortOptions` asks for input order.

use serde_json::Value as Json;

use crate::err;
use crate::error::Result;
use crate::resid::{Gvk, ResId};
use crate::resmap::ResMap;

const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

pub fn gvk_key(g: &Gvk) -> String {
    let or = |s: &str, d: &str| {
        if s.is_empty() {
            d.to_string()
        } else {
            s.to_string()
        }
    };
    format!(
        "{}_{}_{}",
        or(&g.group, "~G"),
        or(&g.version, "~V"),
        or(&g.kind, "~K")
    )
}

/// Position of a kind in the default legacy order (negative first, positive last).
pub fn kind_rank(kind: &str) -> i64 {
    if let Some(i) = ORDER_FIRST.iter().position(|k| *k == kind) {
        return i as i64 - ORDER_FIRST.len() as i64;
    }
    if let Some(i) = ORDER_LAST.iter().position(|k| *k == kind) {
        return 1 + i as i64;
    }
    0
}

fn id_key(id: &ResId) -> String {
    let or = |s: &str, d: &str| {
        if s.is_empty() {
            d.to_string()
        } else {
            s.to_string()
        }
    };
    format!(
        "{}|{}|{}",
        id.gvk,
        or(&id.namespace, "~X"),
        or(&id.name, "~N")
    )
}

/// Sorts `m` per `opts` (the `sortOptions` value; `None` means legacy with defaults).
pub fn sort(m: &mut ResMap, opts: Option<&Json>) -> Result<()> {
    let order = opts
        .and_then(|o| o.get("order"))
        .and_then(Json::as_str)
        .unwrap_or(if opts.is_some() { "fifo" } else { "legacy" });
    let legacy = opts
        .and_then(|o| o.get("legacySortOptions"))
        .filter(|l| !l.is_null());
    match order {
        "fifo" => {
            if legacy.is_some() {
                return Err(err!(
                    "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'"
                ));
            }
            Ok(())
        }
        "legacy" => {
            let list = |k: &str, d: &[&str]| -> Vec<String> {
                match legacy {
                    Some(l) => l
                        .get(k)
                        .and_then(Json::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(Json::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                    None => d.iter().map(|s| s.to_string()).collect(),
                }
            };
            let first = list("orderFirst", ORDER_FIRST);
            let last = list("orderLast", ORDER_LAST);
            let rank = |kind: &str| -> i64 {
                if let Some(i) = first.iter().position(|k| k == kind) {
                    return i as i64 - first.len() as i64;
                }
                if let Some(i) = last.iter().position(|k| k == kind) {
                    return 1 + i as i64;
                }
                0
            };
            // Ids and their sort keys are worked out once, not per comparison.
            let mut keyed: Vec<(ResId, String, String, crate::resource::Resource)> =
                std::mem::take(&mut m.list)
                    .into_iter()
                    .map(|r| {
                        let id = r.cur_id();
                        let (gk, ik) = (gvk_key(&id.gvk), id_key(&id));
                        (id, gk, ik, r)
                    })
                    .collect();
            keyed.sort_by(|(ia, ka, xa, _), (ib, kb, xb, _)| {
                if ia.gvk != ib.gvk {
                    let (ra, rb) = (rank(&ia.gvk.kind), rank(&ib.gvk.kind));
                    if ra != rb {
                        return ra.cmp(&rb);
                    }
                    if ia.gvk.kind == "Namespace"
                        && ib.gvk.kind == "Namespace"
                        && (ia.gvk.group.is_empty() || ib.gvk.group.is_empty())
                    {
                        return kb.cmp(ka);
                    }
                    return ka.cmp(kb);
                }
                xa.cmp(xb)
            });
            m.list = keyed.into_iter().map(|(_, _, _, r)| r).collect();
            Ok(())
        }
        _ => Err(err!(
            "the field 'sortOptions.order' must be one of [fifo, legacy]"
        )),
    }
}
