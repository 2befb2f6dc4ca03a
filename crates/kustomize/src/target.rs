//! One kustomization directory and what it contributes: kustomize's `KustTarget`.
//!
//! The order of work is kustomize's: resources (files, then bases recursively), the
//! transformer configuration, CRDs, generators, components, transformers, validators, vars.
//! Hash suffixes, name back-references and var substitution happen once, at the top.

use serde_json::Value as Json;

use crate::accumulator::Accumulator;
use crate::config::TransformerConfig;
use crate::err;
use crate::error::{Error, Result};
use crate::generators;
use crate::kustomization::Kustomization;
use crate::loader::{is_remote, remote_error, Loader, SchemaChoice};
use crate::origin::{self, ConfiguredBy, Tracking};
use crate::resmap::ResMap;
use crate::resource::Resource;
use crate::transformers::{self, Plugin};
use crate::yamlio;

/// Guards against runaway nesting (each level is a directory; cycles are caught earlier).
const MAX_DEPTH: usize = 100;

pub struct Target<'t> {
    pub ldr: Loader<'t>,
    pub k: Kustomization,
    pub file_name: String,
    depth: usize,
    /// What `buildMetadata` (of the top kustomization) asks to record.
    pub tracking: Tracking,
    /// This kustomization's directory relative to the top one, for origins.
    pub origin: String,
}

impl<'t> Target<'t> {
    pub fn load(ldr: Loader<'t>, depth: usize) -> Result<Target<'t>> {
        if depth > MAX_DEPTH {
            return Err(err!(
                "kustomizations nest more than {MAX_DEPTH} levels deep"
            ));
        }
        let (file_name, text) = ldr.kustomization_file()?;
        let path = kubeplay_vfs::join(&ldr.root, &file_name);
        let json = yamlio::parse_kustomization(&text, &path)?;
        ldr.warnings
            .borrow_mut()
            .extend(Kustomization::deprecation_warnings(&json));
        let k = Kustomization::from_json(&json).map_err(|e| {
            if e.message.starts_with("kind should") || e.message.starts_with("apiVersion for") {
                err!(
                    "Failed to read kustomization file under {}:\n{}",
                    ldr.root,
                    e.message
                )
            } else {
                e
            }
        })?;
        let unset = matches!(*ldr.openapi.borrow(), SchemaChoice::Unset);
        if let (Some(openapi), true) = (k.get("openapi"), unset) {
            *ldr.openapi.borrow_mut() = SchemaChoice::Builtin;
            let version = openapi.get("version").and_then(Json::as_str);
            let path = openapi.get("path").and_then(Json::as_str);
            if version.is_some() && path.is_some() {
                return Err(err!(
                    "builtin version and custom schema provided, cannot use both"
                ));
            }
            // kustomize v5.5.0 bundles one Kubernetes schema.
            if version.is_some_and(|v| v != "v1.21.2") {
                return Err(err!("the specified OpenAPI version is not built in"));
            }
            {
                if let Some(path) = path {
                    let text = ldr.load_string(path)?;
                    let doc = if text.trim_start().starts_with('{') {
                        serde_json::from_str(&text).map_err(|e| err!("invalid schema file: {e}"))?
                    } else {
                        yamlio::parse_any(&text, path)?
                            .into_iter()
                            .next()
                            .unwrap_or(Json::Null)
                    };
                    *ldr.openapi.borrow_mut() = SchemaChoice::Custom(std::rc::Rc::new(doc));
                }
            }
        }
        Ok(Target {
            ldr,
            k,
            file_name,
            depth,
            tracking: Tracking::default(),
            origin: String::new(),
        })
    }

    /// Builds the whole tree: the resources `kustomize build` prints, before sorting.
    pub fn make_customized_resmap(&self) -> Result<Accumulator> {
        let mut ra = self.accumulate_target(Accumulator::default())?;
        transformers::hash::add_hashes_to_names(&mut ra.resmap)?;
        transformers::nameref::fix_back_references(&mut ra.resmap, &ra.config)?;
        crate::vars::resolve_vars(&mut ra)?;
        ra.resmap.list.retain(|r| {
            !r.annotations()
                .iter()
                .any(|(k, v)| k == "config.kubernetes.io/local-config" && v == "true")
        });
        Ok(ra)
    }

    pub fn accumulate_target(&self, ra: Accumulator) -> Result<Accumulator> {
        let mut ra = self
            .accumulate_resources(ra, &self.k.strings("resources"))
            .map_err(|e| e.wrap("accumulating resources"))?;
        let configurations = self.k.strings("configurations");
        let custom_tc;
        let tc = if configurations.is_empty() {
            TransformerConfig::builtin()
        } else {
            let mut custom = TransformerConfig::default();
            for path in configurations {
                let text = self.ldr.load_string(&path)?;
                for doc in yamlio::parse_any(&text, &path)? {
                    custom.merge(&TransformerConfig::from_json(&doc)?)?;
                }
            }
            let mut tc = TransformerConfig::builtin().clone();
            tc.merge(&custom)?;
            custom_tc = tc;
            &custom_tc
        };
        ra.merge_config(tc).map_err(|e| e.wrap("merging config"))?;
        let crd_config = crate::crds::load_config_from_crds(&self.ldr, &self.k.strings("crds"))
            .map_err(|e| e.wrap(format!("loading CRDs {:?}", self.k.strings("crds"))))?;
        ra.merge_config(&crd_config)
            .map_err(|e| e.wrap("merging CRDs"))?;
        self.run_generators(&mut ra)?;
        let mut ra = self
            .accumulate_components(ra, &self.k.strings("components"))
            .map_err(|e| e.wrap("accumulating components"))?;
        self.run_transformers(&mut ra)?;
        self.run_validators(&mut ra)?;
        ra.merge_vars(&self.k.items("vars"))
            .map_err(|e| e.wrap("merging vars"))?;
        Ok(ra)
    }

    fn accumulate_resources(&self, mut ra: Accumulator, paths: &[String]) -> Result<Accumulator> {
        for path in paths {
            if is_remote(path) {
                return Err(remote_error(path));
            }
            match self.accumulate_file(&mut ra, path) {
                Ok(()) => {}
                Err(file_err) => {
                    let child = match self.ldr.child(path) {
                        Ok(c) => c,
                        Err(dir_err) => {
                            if file_err.message.contains("MalformedYAMLError") {
                                return Err(file_err);
                            }
                            return Err(dir_err.wrap(format!("accumulation err='{file_err}'")));
                        }
                    };
                    ra = self
                        .accumulate_directory(ra, child, path, false)
                        .map_err(|e| e.wrap(format!("accumulation err='{file_err}'")))?;
                }
            }
        }
        Ok(ra)
    }

    fn accumulate_file(&self, ra: &mut Accumulator, path: &str) -> Result<()> {
        let mut resources = self
            .load_resources(path)
            .map_err(|e| e.wrap(format!("accumulating resources from '{path}'")))?;
        if self.tracking.origins {
            let anno = origin::file_origin(&origin::join(&self.origin, path));
            for r in &mut resources {
                r.set_annotation(origin::ORIGIN_ANNOTATION, &anno);
            }
        }
        for r in resources {
            ra.resmap
                .append(r)
                .map_err(|e| e.wrap(format!("merging resources from '{path}'")))?;
        }
        Ok(())
    }

    pub fn load_resources(&self, path: &str) -> Result<Vec<Resource>> {
        let text = self.ldr.load_string(path)?;
        let objs = yamlio::parse_resources(&text, path)?;
        objs.into_iter().map(new_resource).collect()
    }

    fn accumulate_components(&self, mut ra: Accumulator, paths: &[String]) -> Result<Accumulator> {
        for path in paths {
            let child = self
                .ldr
                .child(path)
                .map_err(|e| err!("loader.New \"{}\"", go_quote_inner(&e.message)))?;
            ra = self
                .accumulate_directory(ra, child, path, true)
                .map_err(|e| err!("accumulateDirectory: \"{}\"", go_quote_inner(&e.message)))?;
        }
        Ok(ra)
    }

    fn accumulate_directory(
        &self,
        ra: Accumulator,
        ldr: Loader<'t>,
        path: &str,
        is_component: bool,
    ) -> Result<Accumulator> {
        let root = ldr.root.clone();
        let mut sub = Target::load(ldr, self.depth + 1)
            .map_err(|e| e.wrap(format!("couldn't make target for path '{root}'")))?;
        sub.tracking = self.tracking;
        sub.origin = origin::join(&self.origin, path);
        if is_component && !sub.k.is_component() {
            return Err(err!(
                "expected kind 'Component' for path '{root}' but got '{}'",
                sub.k.kind
            ));
        }
        if !is_component && sub.k.is_component() {
            return Err(err!("expected kind != 'Component' for path '{root}'"));
        }
        if is_component {
            let sub_ra = sub
                .accumulate_target(ra)
                .map_err(|e| e.wrap(format!("recursed accumulation of path '{root}'")))?;
            Ok(sub_ra)
        } else {
            let sub_ra = sub
                .accumulate_target(Accumulator::default())
                .map_err(|e| e.wrap(format!("recursed accumulation of path '{root}'")))?;
            let mut ra = ra;
            ra.merge(sub_ra)
                .map_err(|e| e.wrap(format!("recursed merging from path '{root}'")))?;
            Ok(ra)
        }
    }

    /// Where this kustomization's own builtin plugins are configured, for build metadata.
    fn configured_in(&self) -> String {
        origin::join(&self.origin, &self.file_name)
    }

    fn mark_generated(&self, m: &mut ResMap, configured_in: &str, by: &ConfiguredBy) {
        if !self.tracking.origins {
            return;
        }
        let anno = origin::plugin_origin(configured_in, by);
        for r in &mut m.list {
            if !origin::has_origin(r) {
                r.set_annotation(origin::ORIGIN_ANNOTATION, &anno);
            }
        }
    }

    fn run_generators(&self, ra: &mut Accumulator) -> Result<()> {
        let global = self.k.get("generatorOptions").cloned();
        for (field, secret, kind) in [
            ("configMapGenerator", false, "ConfigMapGenerator"),
            ("secretGenerator", true, "SecretGenerator"),
        ] {
            for args in self.k.items(field) {
                let res =
                    generators::configmap::generate(&self.ldr, &args, global.as_ref(), secret)?;
                let mut m = ResMap::new();
                m.list.push(res);
                self.mark_generated(&mut m, &self.configured_in(), &ConfiguredBy::builtin(kind));
                ra.resmap
                    .absorb_all(m)
                    .map_err(|e| e.wrap("merging from generator"))?;
            }
        }
        let charts = generators::helm_chart::from_kustomization(&self.k);
        let mut configured = Vec::new();
        for (globals, chart) in &charts {
            configured.push(generators::helm_chart::configure(
                globals, chart, &self.ldr,
            )?);
        }
        for chart in &configured {
            let mut m = generators::helm_chart::generate(chart, &self.ldr)?;
            self.mark_generated(
                &mut m,
                &self.configured_in(),
                &ConfiguredBy::builtin("HelmChartInflationGenerator"),
            );
            ra.resmap
                .absorb_all(m)
                .map_err(|e| e.wrap("merging from generator"))?;
        }
        let generators = self
            .external_plugins("generators")
            .map_err(|e| e.wrap("loading generator plugins"))?;
        for (plugin, configured_in, by) in generators {
            let mut generated = plugin.generate(&self.ldr)?;
            self.mark_generated(&mut generated, &configured_in, &by);
            ra.resmap
                .absorb_all(generated)
                .map_err(|e| e.wrap("merging from generator"))?;
        }
        Ok(())
    }

    fn run_transformers(&self, ra: &mut Accumulator) -> Result<()> {
        let plugins = transformers::builtin_from_kustomization(self, &ra.config)?;
        for (p, kind) in plugins {
            p.transform(ra, &self.ldr)?;
            self.record(ra, &self.configured_in(), &ConfiguredBy::builtin(kind));
        }
        for (p, configured_in, by) in self.external_plugins("transformers")? {
            p.transform(ra, &self.ldr)?;
            self.record(ra, &configured_in, &by);
        }
        Ok(())
    }

    /// Notes a transformer on every resource, for `transformerAnnotations`.
    fn record(&self, ra: &mut Accumulator, configured_in: &str, by: &ConfiguredBy) {
        if !self.tracking.transformers {
            return;
        }
        let entry = origin::transformation(configured_in, by);
        for r in &mut ra.resmap.list {
            r.transformations.push(entry.clone());
        }
    }

    fn run_validators(&self, ra: &mut Accumulator) -> Result<()> {
        for (p, _, _) in self.external_plugins("validators")? {
            let before = ra.resmap.list.clone();
            p.transform(ra, &self.ldr)?;
            if ra.resmap.list.len() != before.len()
                || ra
                    .resmap
                    .list
                    .iter()
                    .zip(&before)
                    .any(|(a, b)| a.obj != b.obj)
            {
                return Err(err!("validator shouldn't modify the resource map"));
            }
        }
        Ok(())
    }

    /// Plugin configs listed under `generators`/`transformers`/`validators`. As in
    /// kustomize, every inline config comes first (in one accumulator, so a repeated id is
    /// an error), then the configs of the files and directories, in their order.
    fn external_plugins(&self, field: &str) -> Result<Vec<(Plugin, String, ConfiguredBy)>> {
        let mut ra = Accumulator::default();
        let mut paths = Vec::new();
        for entry in self.k.strings(field) {
            match inline_config(&entry) {
                Some(objs) => {
                    for o in objs {
                        ra.resmap.append(Resource::new(o)).map_err(|e| {
                            e.wrap(match field {
                                "generators" => "configuring external generator",
                                _ => "configuring external transformer",
                            })
                        })?;
                    }
                }
                None => paths.push(entry),
            }
        }
        // Where each config came from: None for inline ones, else the entry it was read by.
        let mut entries: Vec<Option<&String>> = vec![None; ra.resmap.len()];
        for path in &paths {
            ra = self.accumulate_resources(ra, std::slice::from_ref(path))?;
            entries.resize(ra.resmap.len(), Some(path));
        }
        let configs = ra.resmap.list.into_iter().zip(entries).map(|(r, entry)| {
            let at = match entry {
                None => self.configured_in(),
                Some(path) => {
                    origin::path_of(&r).unwrap_or_else(|| origin::join(&self.origin, path))
                }
            };
            (r, at)
        });
        let mut out = Vec::new();
        for (r, at) in configs {
            let by = ConfiguredBy::from_config(&r.obj);
            out.push((Plugin::from_config(&r.obj, &self.ldr)?, at, by));
        }
        Ok(out)
    }
}

/// An entry that parses as a YAML object with a kind is an inline plugin config.
fn inline_config(entry: &str) -> Option<Vec<Json>> {
    if !entry.contains('\n') && !entry.contains(": ") {
        return None;
    }
    let objs = yamlio::parse_resources(entry, "inline").ok()?;
    if objs.is_empty()
        || objs
            .iter()
            .any(|o| crate::resource::validate_metadata(o).is_err())
    {
        return None;
    }
    Some(objs)
}

/// Go's `%q` escapes the inner quotes of a message nested in another.
fn go_quote_inner(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Makes a resource from a loaded object, checking what kustomize checks.
pub fn new_resource(obj: Json) -> Result<Resource> {
    if !obj.is_object() {
        return Err(Error::new("resource is not a mapping"));
    }
    crate::resource::validate_metadata(&obj)?;
    Ok(Resource::new(obj))
}
