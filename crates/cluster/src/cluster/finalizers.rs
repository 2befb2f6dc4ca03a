//! Finalizers (`metadata.finalizers`): deleting an object that still has some only marks it
//! (deletionTimestamp); it goes when the last one is removed, and a pod only once its
//! containers have stopped as well. Argo CD puts `argocd.argoproj.io/hook-finalizer` on its
//! hooks and removes it when it is done with them.

use super::{key, resource_name, Cluster};
use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::store::Key;
use serde_json::{json, Value};

/// Whether the object still has finalizers.
pub(super) fn held(obj: Option<&Value>) -> bool {
    obj.and_then(|o| o.pointer("/metadata/finalizers"))
        .and_then(Value::as_array)
        .is_some_and(|f| !f.is_empty())
}

impl Cluster {
    /// Marks a held object for deletion (once): what `delete` does instead of removing it.
    pub(super) fn mark_deleted(&mut self, k: &Key) {
        let marked = self
            .store
            .get(k)
            .is_some_and(|o| !o["metadata"]["deletionTimestamp"].is_null());
        if !marked {
            self.store
                .set_metadata(k, "deletionTimestamp", json!(rfc3339(self.now)));
            self.store
                .set_metadata(k, "deletionGracePeriodSeconds", json!(0));
        }
    }

    /// Replaces an object's `metadata.finalizers` (what a controller's patch of them does).
    /// An object marked for deletion goes once the list is empty (a pod once its containers
    /// have stopped too), with what it owns as `delete` would.
    pub fn set_finalizers(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        finalizers: &[&str],
    ) -> Result<(), ApiError> {
        let namespace = self.scoped(kind, namespace).to_string();
        let k = key(kind, &namespace, name);
        let Some(obj) = self.store.get(&k) else {
            return Err(ApiError::NotFound {
                resource: resource_name(kind),
                name: name.into(),
            });
        };
        let deleting = !obj["metadata"]["deletionTimestamp"].is_null();
        if finalizers.is_empty() {
            self.store.unset_metadata(&k, "finalizers");
        } else {
            self.store.set_metadata(&k, "finalizers", json!(finalizers));
        }
        if !deleting || !finalizers.is_empty() {
            return Ok(());
        }
        if kind == "Pod" {
            // The pod goes now if its containers have stopped; else when they have.
            let stopped = self
                .pod_ids
                .get(&(namespace.clone(), name.to_string()))
                .is_none_or(|&id| self.pods[id].gone);
            if stopped {
                self.store.remove(&k);
            }
            return Ok(());
        }
        self.delete(kind, &namespace, name)
    }
}
