//! The Kubernetes API a sync operation talks to: the simulated cluster, or the controller's
//! own store of Application objects in front of it (app-of-apps).

use kubeplay_cluster::Cluster;
use serde_json::Value;

pub trait Kube {
    /// `kubectl apply`; returns kubectl's summary (`configmap/x created`).
    fn apply(&mut self, obj: Value) -> Result<String, String>;
    fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<Value>;
    fn delete(&mut self, kind: &str, namespace: &str, name: &str) -> Result<(), String>;
}

impl Kube for Cluster {
    fn apply(&mut self, obj: Value) -> Result<String, String> {
        Cluster::apply(self, obj)
            .map(|a| a.summary)
            .map_err(|e| e.to_string())
    }

    fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        Cluster::get(self, kind, namespace, name)
    }

    fn delete(&mut self, kind: &str, namespace: &str, name: &str) -> Result<(), String> {
        Cluster::delete(self, kind, namespace, name).map_err(|e| e.to_string())
    }
}
