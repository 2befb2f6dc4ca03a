//! Transformer configuration: which fields each builtin transformer touches, and which
//! fields refer to which kinds by name. The builtin tables live in `builtin_fieldspecs.txt`;
//! a kustomization's `configurations` files add to them.

use std::sync::OnceLock;

use serde_json::Value as Json;

use crate::err;
use crate::error::Result;
use crate::fieldspec::FieldSpec;
use crate::resid::Gvk;

/// Fields that hold the name of a resource of kind `gvk`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameBackRef {
    pub gvk: Gvk,
    pub referrers: Vec<FieldSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransformerConfig {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    pub labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
    pub var_reference: Vec<FieldSpec>,
    pub name_reference: Vec<NameBackRef>,
}

const BUILTIN: &str = include_str!("builtin_fieldspecs.txt");

impl TransformerConfig {
    /// kustomize's default configuration.
    pub fn builtin() -> &'static TransformerConfig {
        static CONFIG: OnceLock<TransformerConfig> = OnceLock::new();
        CONFIG.get_or_init(|| parse_builtin(BUILTIN))
    }

    fn table_mut(&mut self, name: &str) -> Option<&mut Vec<FieldSpec>> {
        Some(match name {
            "namePrefix" => &mut self.name_prefix,
            "nameSuffix" => &mut self.name_suffix,
            "namespace" => &mut self.namespace,
            "commonLabels" => &mut self.common_labels,
            "templateLabels" => &mut self.template_labels,
            "labels" => &mut self.labels,
            "commonAnnotations" => &mut self.common_annotations,
            "images" => &mut self.images,
            "replicas" => &mut self.replicas,
            "varReference" => &mut self.var_reference,
            _ => return None,
        })
    }

    /// Reads a `configurations` file (already converted to JSON).
    pub fn from_json(v: &Json) -> Result<TransformerConfig> {
        let mut tc = TransformerConfig::default();
        let Some(map) = v.as_object() else {
            return Ok(tc);
        };
        for (key, val) in map {
            if key == "nameReference" {
                for item in val.as_array().into_iter().flatten() {
                    let s = |k: &str| item.get(k).and_then(Json::as_str).unwrap_or("").to_string();
                    let mut nbr = NameBackRef {
                        gvk: Gvk {
                            group: s("group"),
                            version: s("version"),
                            kind: s("kind"),
                        },
                        referrers: Vec::new(),
                    };
                    for fs in item
                        .get("fieldSpecs")
                        .and_then(Json::as_array)
                        .into_iter()
                        .flatten()
                    {
                        nbr.referrers.push(FieldSpec::from_json(fs)?);
                    }
                    tc.name_reference.push(nbr);
                }
                continue;
            }
            let Some(table) = tc.table_mut(key) else {
                return Err(err!(
                    "error unmarshaling JSON: while decoding JSON: json: unknown field \"{key}\""
                ));
            };
            for fs in val.as_array().into_iter().flatten() {
                table.push(FieldSpec::from_json(fs)?);
            }
        }
        tc.sort_fields();
        Ok(tc)
    }

    /// kustomize keeps every table sorted by kind (its legacy kind order).
    pub fn sort_fields(&mut self) {
        for name in TABLES {
            if let Some(t) = self.table_mut(name) {
                t.sort_by_cached_key(|fs| gvk_sort_key(&fs.gvk));
            }
        }
        self.name_reference
            .sort_by_cached_key(|nbr| gvk_sort_key(&nbr.gvk));
    }

    /// Adds `other`'s specs to ours the way kustomize merges configurations: a spec is
    /// skipped when one already present has its path and is selected by its kinds (so a
    /// kind-specific spec that arrives first hides a later generic one).
    pub fn is_empty(&self) -> bool {
        self == &TransformerConfig::default()
    }

    pub fn merge(&mut self, other: &TransformerConfig) -> Result<()> {
        // Every kustomization of a build merges the builtin tables again (its own, then its
        // bases'): these shortcuts give the same result as the full merge (a test checks
        // the builtin one) and keep a small build far below a millisecond.
        if other.is_empty() || self == other {
            return Ok(());
        }
        if self.is_empty() && std::ptr::eq(other, TransformerConfig::builtin()) {
            self.clone_from(other);
            return Ok(());
        }
        let mut other = other.clone();
        for name in TABLES {
            let theirs = std::mem::take(other.table_mut(name).expect("known table"));
            let ours = self.table_mut(name).expect("known table");
            for fs in theirs {
                merge_spec(ours, fs)?;
            }
        }
        for nbr in other.name_reference {
            match self.name_reference.iter_mut().find(|x| x.gvk == nbr.gvk) {
                Some(existing) => {
                    for fs in nbr.referrers {
                        merge_spec(&mut existing.referrers, fs)?;
                    }
                }
                None => self.name_reference.push(nbr),
            }
        }
        self.sort_fields();
        Ok(())
    }
}

const TABLES: [&str; 10] = [
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "templateLabels",
    "labels",
    "commonAnnotations",
    "images",
    "replicas",
    "varReference",
];

/// kustomize's `Gvk.IsLessThan`: legacy kind order, then group/version/kind text.
/// The order of [`gvk_cmp`] as a key, computed once per entry when sorting.
fn gvk_sort_key(g: &Gvk) -> (i64, String) {
    (crate::order::kind_rank(&g.kind), crate::order::gvk_key(g))
}

pub fn gvk_cmp(a: &Gvk, b: &Gvk) -> std::cmp::Ordering {
    let (ra, rb) = (
        crate::order::kind_rank(&a.kind),
        crate::order::kind_rank(&b.kind),
    );
    ra.cmp(&rb)
        .then_with(|| crate::order::gvk_key(a).cmp(&crate::order::gvk_key(b)))
}

/// kustomize's `FsSlice.MergeOne`.
pub fn merge_spec(table: &mut Vec<FieldSpec>, fs: FieldSpec) -> Result<()> {
    match table
        .iter()
        .find(|x| x.gvk.is_selected_by(&fs.gvk) && x.path == fs.path)
    {
        Some(x) if x.create != fs.create => Err(err!("conflicting fieldspecs")),
        Some(_) => Ok(()),
        None => {
            table.push(fs);
            Ok(())
        }
    }
}

fn parse_spec_line(line: &str) -> FieldSpec {
    let mut parts = line.split_whitespace();
    let mut fs = FieldSpec::new(parts.next().unwrap_or(""));
    for p in parts {
        match p.split_once('=') {
            Some(("group", g)) => fs.gvk.group = g.into(),
            Some(("version", v)) => fs.gvk.version = v.into(),
            Some(("kind", k)) => fs.gvk.kind = k.into(),
            _ if p == "create" => fs.create = true,
            _ => {}
        }
    }
    fs
}

fn parse_builtin(text: &str) -> TransformerConfig {
    let mut tc = TransformerConfig::default();
    let mut section = String::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = header.to_string();
            if let Some(rest) = header.strip_prefix("nameReference ") {
                let fs = parse_spec_line(&format!("- {rest}"));
                tc.name_reference.push(NameBackRef {
                    gvk: fs.gvk,
                    referrers: Vec::new(),
                });
            }
            continue;
        }
        let fs = parse_spec_line(line.trim());
        if section.starts_with("nameReference") {
            if let Some(last) = tc.name_reference.last_mut() {
                last.referrers.push(fs);
            }
        } else if let Some(table) = tc.table_mut(&section) {
            table.push(fs);
        }
    }
    tc.sort_fields();
    tc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_the_builtin_tables_into_nothing_gives_them_unchanged() {
        // The shortcut in `merge` relies on this.
        let builtin = TransformerConfig::builtin();
        let mut merged = TransformerConfig::default();
        merged.merge(&builtin.clone()).unwrap();
        assert_eq!(&merged, builtin);
        let mut again = builtin.clone();
        again.merge(&builtin.clone()).unwrap();
        assert_eq!(&again, builtin);
    }

    #[test]
    fn builtin_tables_load() {
        let tc = TransformerConfig::builtin();
        assert_eq!(tc.name_prefix.len(), 1);
        assert!(tc
            .common_labels
            .iter()
            .any(|f| f.path == "metadata/labels" && f.create));
        let cm = tc
            .name_reference
            .iter()
            .find(|n| n.gvk.kind == "ConfigMap")
            .expect("ConfigMap back references");
        assert!(cm
            .referrers
            .iter()
            .any(|f| f.path == "spec/template/spec/volumes/configMap/name"));
        assert!(tc
            .name_reference
            .iter()
            .any(|n| n.gvk.kind == "ValidatingAdmissionPolicy"));
    }

    #[test]
    fn specific_spec_hides_later_generic_one() {
        let custom = TransformerConfig::from_json(&serde_json::json!({
            "namePrefix": [{"path": "metadata/name", "kind": "IngressHost"}]
        }))
        .unwrap();
        // Default first: both specs stay.
        let mut builtin_then_custom = TransformerConfig::builtin().clone();
        builtin_then_custom.merge(&custom).unwrap();
        assert_eq!(builtin_then_custom.name_prefix.len(), 2);
        // Kind-specific first (how kustomize's sorted merge meets them): the generic one
        // is taken as already present.
        let mut custom_then_builtin = custom.clone();
        custom_then_builtin
            .merge(TransformerConfig::builtin())
            .unwrap();
        assert_eq!(custom_then_builtin.name_prefix.len(), 1);
    }
}
