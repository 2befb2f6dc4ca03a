//! The ConfigMaps and Secrets a kubelet can read, for container environments and volumes
//! (the kubelet's configmap/secret managers over the API).

use crate::podspec::{ConfigKind, ConfigRef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// (kind, namespace, name) -> the object's keys.
#[derive(Debug, Default, Clone)]
pub struct ConfigIndex {
    objects: BTreeMap<(ConfigKind, String, String), BTreeSet<String>>,
}

impl ConfigIndex {
    /// Records a ConfigMap or Secret as stored; other kinds are ignored.
    pub fn put(&mut self, obj: &Value) {
        let kind = match obj["kind"].as_str() {
            Some("ConfigMap") => ConfigKind::ConfigMap,
            Some("Secret") => ConfigKind::Secret,
            _ => return,
        };
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or("default");
        let name = obj["metadata"]["name"].as_str().unwrap_or("");
        let fields: &[&str] = match kind {
            ConfigKind::ConfigMap => &["data", "binaryData"],
            ConfigKind::Secret => &["data", "stringData"],
        };
        let keys = fields
            .iter()
            .filter_map(|f| obj[*f].as_object())
            .flat_map(|m| m.keys().cloned())
            .collect();
        self.objects
            .insert((kind, ns.to_string(), name.to_string()), keys);
    }

    pub fn remove(&mut self, kind: &str, ns: &str, name: &str) {
        let kind = match kind {
            "ConfigMap" => ConfigKind::ConfigMap,
            "Secret" => ConfigKind::Secret,
            _ => return,
        };
        self.objects
            .remove(&(kind, ns.to_string(), name.to_string()));
    }

    /// `Ok` when the reference resolves or is optional; else the kubelet's error text.
    pub fn check(&self, ns: &str, r: &ConfigRef) -> Result<(), String> {
        let found = self.objects.get(&(r.kind, ns.to_string(), r.name.clone()));
        match (found, &r.key) {
            (None, _) if r.optional => Ok(()),
            (None, _) => Err(format!("{} \"{}\" not found", r.kind.resource(), r.name)),
            (Some(keys), Some(key)) if !keys.contains(key) && !r.optional => Err(format!(
                "couldn't find key {key} in {} {ns}/{}",
                r.kind.kind(),
                r.name
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(kind: ConfigKind, name: &str, key: Option<&str>, optional: bool) -> ConfigRef {
        ConfigRef {
            kind,
            name: name.into(),
            key: key.map(str::to_string),
            optional,
        }
    }

    #[test]
    fn messages_match_the_kubelet() {
        let mut idx = ConfigIndex::default();
        let cm = r(ConfigKind::ConfigMap, "x", None, false);
        assert_eq!(
            idx.check("default", &cm),
            Err("configmap \"x\" not found".into())
        );
        assert_eq!(
            idx.check("default", &r(ConfigKind::Secret, "s", None, false)),
            Err("secret \"s\" not found".into())
        );
        assert_eq!(
            idx.check("default", &r(ConfigKind::ConfigMap, "x", None, true)),
            Ok(())
        );
        idx.put(&json!({"kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}, "data": {"a": "1"}}));
        assert_eq!(idx.check("default", &cm), Ok(()));
        assert_eq!(
            idx.check("other", &cm),
            Err("configmap \"x\" not found".into())
        );
        assert_eq!(
            idx.check("default", &r(ConfigKind::ConfigMap, "x", Some("b"), false)),
            Err("couldn't find key b in ConfigMap default/x".into())
        );
        assert_eq!(
            idx.check("default", &r(ConfigKind::ConfigMap, "x", Some("b"), true)),
            Ok(())
        );
        idx.remove("ConfigMap", "default", "x");
        assert!(idx.check("default", &cm).is_err());
    }
}
