//! Name back-references: after prefixes, suffixes, hashes and namespaces changed names,
//! every field that referred to a resource by its old name is updated (kustomize's
//! nameReference transformer).

use std::collections::BTreeSet;

use serde_json::Value as Json;

use crate::config::TransformerConfig;
use crate::err;
use crate::error::Result;
use crate::fieldspec::{self, CreateKind, FieldSpec};
use crate::resid::{Gvk, ResId};
use crate::resmap::ResMap;
use crate::resource::Resource;

pub fn fix_back_references(m: &mut ResMap, tc: &TransformerConfig) -> Result<()> {
    // Names only change before this step, so one snapshot serves every referrer. Only
    // resources that were renamed or moved can be referrals (see `Ctx::select`).
    let snapshot: Vec<Resource> = m.list.clone();
    let renamed: Vec<Cand> = snapshot
        .iter()
        .filter(|r| !r.prev.is_empty())
        .map(Cand::new)
        .collect();
    for (ri, referrer) in snapshot.iter().enumerate() {
        let org = referrer.org_id();
        let mut filters: Vec<(&FieldSpec, &Gvk)> = Vec::new();
        for backref in &tc.name_reference {
            for spec in &backref.referrers {
                if org.gvk.is_selected_by(&spec.gvk) {
                    filters.push((spec, &backref.gvk));
                }
            }
        }
        if filters.is_empty() {
            continue;
        }
        let candidates = candidates_for(referrer, &renamed)?;
        if candidates.is_empty() {
            continue;
        }
        let id = referrer.cur_id();
        for (spec, target) in filters {
            let mut fs = spec.clone();
            fs.gvk = referrer.gvk();
            let ctx = Ctx {
                referrer,
                rid: &id,
                target,
                path: &spec.path,
                candidates: &candidates,
            };
            fieldspec::apply(&mut m.list[ri], &fs, CreateKind::None, &mut |v| ctx.set(v)).map_err(
                |e| {
                    e.wrap(format!(
                        "updating name reference in '{}' field of '{}'",
                        spec.path, id
                    ))
                },
            )?;
        }
    }
    Ok(())
}

/// A possible referral with its ids worked out once.
struct Cand<'a> {
    r: &'a Resource,
    prev: Vec<ResId>,
    cur: ResId,
}

impl<'a> Cand<'a> {
    fn new(r: &'a Resource) -> Self {
        Cand {
            r,
            prev: r.prev_ids(),
            cur: r.cur_id(),
        }
    }

    fn org(&self) -> &ResId {
        self.prev.first().unwrap_or(&self.cur)
    }
}

/// Resources the referrer may point at: cluster-scoped ones, ones in its namespace, and,
/// for role bindings, ones in its subjects' namespaces.
fn candidates_for<'c, 'a>(referrer: &Resource, all: &'c [Cand<'a>]) -> Result<Vec<&'c Cand<'a>>> {
    let rid = referrer.cur_id();
    if rid.gvk.is_cluster_scoped() {
        return Ok(all.iter().collect());
    }
    let mut binding_ns = BTreeSet::new();
    if rid.gvk.kind == "RoleBinding" {
        if let Some(Json::Array(subjects)) = referrer.obj.get("subjects") {
            for s in subjects {
                let Some(ns) = s.get("namespace") else {
                    continue;
                };
                if s.get("kind").and_then(Json::as_str) == Some("ServiceAccount") {
                    match ns.as_str() {
                        Some(ns) => {
                            binding_ns.insert(ns.to_string());
                        }
                        None => {
                            return Err(err!(
                                "Invalid Input: namespace is blank for resource \"{rid}\"\n"
                            ))
                        }
                    }
                }
            }
        }
    }
    Ok(all
        .iter()
        .filter(|c| {
            c.cur.gvk.is_cluster_scoped()
                || c.cur.ns_equals(&rid)
                || binding_ns.contains(c.r.namespace())
        })
        .collect())
}

struct Ctx<'a, 'c> {
    referrer: &'a Resource,
    rid: &'a ResId,
    target: &'a Gvk,
    path: &'a str,
    candidates: &'a [&'c Cand<'c>],
}

impl<'c> Ctx<'_, 'c> {
    fn set(&self, v: &mut Json) -> Result<()> {
        match v {
            Json::Null => Ok(()),
            Json::String(_) => self.set_scalar(v),
            Json::Object(_) => self.set_mapping(v),
            Json::Array(items) => {
                for item in items.iter_mut() {
                    match item {
                        Json::String(_) => self.set_scalar(item)?,
                        Json::Object(_) => self.set_mapping(item)?,
                        _ => {}
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn set_scalar(&self, v: &mut Json) -> Result<()> {
        let Json::String(old) = v else { return Ok(()) };
        let all: Vec<&Cand> = self.candidates.to_vec();
        let Some(referral) = self.select(old, all, false)? else {
            return Ok(());
        };
        *v = Json::String(referral.name().to_string());
        Ok(())
    }

    fn set_mapping(&self, v: &mut Json) -> Result<()> {
        let Some(map) = v.as_object_mut() else {
            return Ok(());
        };
        let Some(old) = map.get("name").and_then(Json::as_str).map(str::to_string) else {
            return Err(err!("path config error; no 'name' field in node"));
        };
        let candidates: Vec<&Cand> = match map.get("namespace").and_then(Json::as_str) {
            None => self.candidates.to_vec(),
            Some(ns) => {
                let by_org: Vec<&Cand> = self
                    .candidates
                    .iter()
                    .copied()
                    .filter(|c| {
                        !c.cur.gvk.is_cluster_scoped() && c.org().effective_namespace() == ns
                    })
                    .collect();
                if !by_org.is_empty() {
                    by_org
                } else {
                    self.candidates
                        .iter()
                        .copied()
                        .filter(|c| {
                            !c.cur.gvk.is_cluster_scoped() && c.cur.effective_namespace() == ns
                        })
                        .collect()
                }
            }
        };
        let Some(referral) = self.select(&old, candidates, true)? else {
            return Ok(());
        };
        if referral.name() == old && referral.namespace().is_empty() {
            return Ok(());
        }
        map.insert("name".into(), Json::String(referral.name().to_string()));
        if !referral.namespace().is_empty() {
            map.insert(
                "namespace".into(),
                Json::String(referral.namespace().to_string()),
            );
        }
        Ok(())
    }

    fn select(
        &self,
        old: &str,
        candidates: Vec<&'c Cand<'c>>,
        with_ns: bool,
    ) -> Result<Option<&'c Resource>> {
        let role_ref = self.role_ref_gvk();
        let rid = self.rid;
        // Only resources that were renamed (or moved) qualify, matched by an earlier id:
        // a reference to a name that never changed needs no update.
        let mut c: Vec<&Resource> = candidates
            .into_iter()
            .filter(|c| c.prev.iter().any(|id| id.name == old))
            .filter(|c| c.prev.iter().any(|id| id.gvk.is_selected_by(self.target)))
            .filter(|c| match &role_ref {
                Some(g) => c.prev.iter().any(|id| id.gvk.is_selected_by(g)),
                None => true,
            })
            .filter(|c| {
                rid.gvk.is_cluster_scoped()
                    || c.cur.gvk.is_cluster_scoped()
                    || c.cur.gvk.kind == "ServiceAccount"
                    || rid.ns_equals(&c.cur)
            })
            .map(|c| c.r)
            .collect();
        if c.len() == 1 {
            return Ok(c.pop());
        }
        c.retain(|r| r.prefixes_suffixes_equal(self.referrer, true));
        if c.len() > 1 {
            c.retain(|r| r.prefixes_suffixes_equal(self.referrer, false));
        }
        match c.len() {
            0 => Ok(None),
            1 => Ok(c.pop()),
            _ => {
                let first = c[0];
                let same = c.iter().all(|r| {
                    r.name() == first.name() && (!with_ns || r.namespace() == first.namespace())
                });
                if same {
                    return Ok(Some(first));
                }
                let ids: Vec<String> = c.iter().map(|r| r.cur_id().to_string()).collect();
                Err(err!(
                    "found multiple possible referrals: {}",
                    ids.join(", ")
                ))
            }
        }
    }

    /// For `roleRef/name`, the referral must also be of the kind the roleRef names.
    fn role_ref_gvk(&self) -> Option<Gvk> {
        if !self.path.ends_with("roleRef/name") {
            return None;
        }
        let rr = self.referrer.obj.get("roleRef")?;
        Some(Gvk {
            group: rr.get("apiGroup")?.as_str()?.to_string(),
            version: String::new(),
            kind: rr.get("kind")?.as_str()?.to_string(),
        })
    }
}
