//! The builtin transformers, in the order kustomize runs them, and the plugin configs
//! (`apiVersion: builtin`) that name them from `transformers:`/`generators:`.

pub mod hash;
pub mod images;
pub mod labels;
pub mod nameref;
pub mod namespace;
pub mod patches;
pub mod prefix_suffix;
pub mod replacements;
pub mod replicas;
pub mod value_add;

use serde_json::Value as Json;

use crate::accumulator::Accumulator;
use crate::config::{merge_spec, TransformerConfig};
use crate::err;
use crate::error::{Error, Result};
use crate::fieldspec::FieldSpec;
use crate::generators;
use crate::kustomization::string_map;
use crate::loader::Loader;
use crate::resmap::ResMap;
use crate::selector::Selector;
use crate::target::Target;
use images::ImageSpec;
use namespace::{NamespaceOptions, SubjectMode};
use patches::{Patch, PatchBody};

pub enum Plugin {
    Patch(Patch),
    HelmChart(Box<generators::helm_chart::HelmChart>),
    Namespace {
        namespace: String,
        fieldspecs: Vec<FieldSpec>,
        unset_only: bool,
        subjects: SubjectMode,
    },
    Affix {
        affix: String,
        prefix: bool,
        fieldspecs: Vec<FieldSpec>,
    },
    Labels {
        pairs: Vec<(String, String)>,
        fieldspecs: Vec<FieldSpec>,
    },
    Image {
        spec: ImageSpec,
        fieldspecs: Vec<FieldSpec>,
    },
    Replicas {
        name: String,
        count: Json,
        fieldspecs: Vec<FieldSpec>,
    },
    Replacements(Vec<Json>),
    ValueAdd(value_add::ValueAdd),
    Sequence(Vec<Plugin>),
    Generator {
        args: Json,
        secret: bool,
    },
    IamPolicy(Json),
    /// Adds the content hash to the names of generated resources that want one.
    Hash,
}

fn fieldspecs(v: Option<&Json>) -> Result<Vec<FieldSpec>> {
    v.and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(FieldSpec::from_json)
        .collect()
}

/// Loads a patch from `path` or the inline `patch` text, with kustomize's errors; `config`
/// is the plugin's config as YAML, which they quote. Returns the patch and its source.
fn load_patch(ldr: &Loader, path: &str, inline: &str, config: &str) -> Result<(PatchBody, String)> {
    let inline = inline.trim();
    let (text, source) = match (path.is_empty(), inline.is_empty()) {
        (true, true) => return Err(err!("must specify one of patch and path in\n{config}")),
        (false, false) => {
            return Err(err!(
                "patch and path can't be set at the same time\n{config}"
            ))
        }
        (true, false) => (
            inline.to_string(),
            format!("[patch: {}]", crate::error::go_quote(inline)),
        ),
        (false, true) => (
            ldr.load_string(path)
                .map_err(|e| e.wrap(format!("failed to get the patch file from path({path})")))?,
            format!("[path: {}]", crate::error::go_quote(path)),
        ),
    };
    Ok((patches::parse_patch(&text, &source)?, source))
}

/// A `PatchTransformer` from a `patches` entry or a plugin config (`config`: its YAML).
fn patch_from(ldr: &Loader, v: &Json, config: &str) -> Result<Patch> {
    let s = |k: &str| v.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    let opt = |k: &str| {
        v.get("options")
            .and_then(|o| o.get(k))
            .and_then(Json::as_bool)
            .unwrap_or(false)
    };
    let (body, source) = load_patch(ldr, &s("path"), &s("patch"), config)?;
    Ok(Patch {
        body,
        target: v
            .get("target")
            .filter(|t| !t.is_null())
            .map(Selector::from_json),
        allow_name_change: opt("allowNameChange"),
        allow_kind_change: opt("allowKindChange"),
        source,
    })
}

/// A `PatchJson6902Transformer` (a `patchesJson6902` entry or a plugin config), with the
/// checks of kustomize's `Config`.
fn json6902_patch(ldr: &Loader, target: Option<&Json>, path: &str, json_op: &str) -> Result<Patch> {
    let target = target.filter(|t| !t.is_null()).map(Selector::from_json);
    if target.as_ref().is_none_or(|t| t.name.is_empty()) {
        return Err(err!("must specify the target name"));
    }
    let text = match (path.is_empty(), json_op.is_empty()) {
        (true, true) => return Err(err!("empty file path and empty jsonOp")),
        (false, false) => return Err(err!("must specify a file path or jsonOp, not both")),
        (true, false) => json_op.to_string(),
        (false, true) => {
            let text = ldr.load_string(path)?;
            if text.is_empty() {
                return Err(err!("patch file '{path}' empty seems to be empty"));
            }
            text
        }
    };
    let ops = crate::patch::json6902::parse_ops(&text)
        .map_err(|e| e.wrap(format!("decoding {}", text.trim_end())))?;
    if ops.is_empty() {
        return Err(err!(
            "patch appears to be empty; file={path}, JsonOp={}",
            text.trim_end()
        ));
    }
    Ok(Patch {
        body: PatchBody::Json6902(ops, text),
        target,
        allow_name_change: false,
        allow_kind_change: false,
        source: String::new(),
    })
}

/// The config kustomize builds for a `patches` entry (its own fields, empty ones left
/// out), as the YAML its errors quote.
fn patch_entry_config(p: &Json) -> String {
    let mut c = serde_json::Map::new();
    for key in ["path", "patch", "target", "options"] {
        match p.get(key) {
            None | Some(Json::Null) => {}
            Some(Json::String(s)) if s.is_empty() => {}
            Some(Json::Object(o)) if o.is_empty() && key == "options" => {}
            Some(v) => {
                c.insert(key.to_string(), v.clone());
            }
        }
    }
    crate::yamlio::emit(&[Json::Object(c)]).unwrap_or_default()
}

/// `patchesStrategicMerge` entries are file paths, or inline patches when no such file
/// exists. kustomize configures one transformer with them all, so its errors quote the
/// whole list, and only a list without any patch is empty.
fn strategic_merge_patches(ldr: &Loader, entries: &[String]) -> Result<Vec<Plugin>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let wrap = |e: Error| {
        let paths: Vec<Json> = entries.iter().map(|p| Json::String(p.clone())).collect();
        let mut c = serde_json::Map::new();
        c.insert("paths".into(), Json::Array(paths));
        let config = crate::yamlio::emit(&[Json::Object(c)]).unwrap_or_default();
        e.wrap(format!(
            "trouble configuring builtin PatchStrategicMergeTransformer with config: `\n{config}`"
        ))
    };
    let mut out = Vec::new();
    for entry in entries {
        let text = if ldr.tree.is_file(&ldr.abs(entry))
            || !entry.contains('\n') && !entry.contains(": ")
        {
            ldr.load_string(entry).map_err(wrap)?
        } else {
            entry.clone()
        };
        let docs = crate::yamlio::parse_resources(&text, entry)?;
        if docs.is_empty() {
            continue;
        }
        out.push(Plugin::Patch(Patch {
            body: PatchBody::Strategic(docs),
            target: None,
            allow_name_change: false,
            allow_kind_change: false,
            source: String::new(),
        }));
    }
    if out.is_empty() {
        return Err(wrap(err!(
            "patch appears to be empty; files=[{}], Patch=",
            entries.join(" ")
        )));
    }
    Ok(out)
}

/// The builtin transformers a kustomization configures, in kustomize's order.
pub fn builtin_from_kustomization(
    t: &Target,
    tc: &TransformerConfig,
) -> Result<Vec<(Plugin, &'static str)>> {
    let k = &t.k;
    let ldr = &t.ldr;
    let mut out: Vec<(Plugin, &'static str)> =
        strategic_merge_patches(ldr, &k.strings("patchesStrategicMerge"))?
            .into_iter()
            .map(|p| (p, "PatchStrategicMergeTransformer"))
            .collect();
    for p in k.items("patches") {
        let config = patch_entry_config(&p);
        let patch = patch_from(ldr, &p, &config).map_err(|e| {
            e.wrap(format!(
                "trouble configuring builtin PatchTransformer with config: `\n{config}`"
            ))
        })?;
        out.push((Plugin::Patch(patch), "PatchTransformer"));
    }
    if !k.str("namespace").is_empty() {
        out.push((
            Plugin::Namespace {
                namespace: k.str("namespace").to_string(),
                fieldspecs: tc.namespace.clone(),
                unset_only: false,
                subjects: SubjectMode::DefaultOnly,
            },
            "NamespaceTransformer",
        ));
    }
    if !k.str("namePrefix").is_empty() {
        out.push((
            Plugin::Affix {
                affix: k.str("namePrefix").to_string(),
                prefix: true,
                fieldspecs: tc.name_prefix.clone(),
            },
            "PrefixTransformer",
        ));
    }
    if !k.str("nameSuffix").is_empty() {
        out.push((
            Plugin::Affix {
                affix: k.str("nameSuffix").to_string(),
                prefix: false,
                fieldspecs: tc.name_suffix.clone(),
            },
            "SuffixTransformer",
        ));
    }
    let common = k.string_map("commonLabels");
    for label in k.items("labels") {
        let pairs = string_map(label.get("pairs"));
        for (key, _) in &pairs {
            if common.iter().any(|(c, _)| c == key) {
                return Err(err!(
                    "label name '{key}' exists in both commonLabels and labels"
                ));
            }
        }
        let mut fss = fieldspecs(label.get("fields"))?;
        for fs in &tc.labels {
            merge_spec(&mut fss, fs.clone())?;
        }
        let flag = |f: &str| label.get(f).and_then(Json::as_bool).unwrap_or(false);
        if flag("includeSelectors") {
            for fs in &tc.common_labels {
                merge_spec(&mut fss, fs.clone())?;
            }
        } else {
            if flag("includeTemplates") {
                for fs in &tc.template_labels {
                    merge_spec(&mut fss, fs.clone())?;
                }
            }
            merge_spec(
                &mut fss,
                FieldSpec {
                    create: true,
                    ..FieldSpec::new("metadata/labels")
                },
            )?;
        }
        out.push((
            Plugin::Labels {
                pairs,
                fieldspecs: fss,
            },
            "LabelTransformer",
        ));
    }
    if !common.is_empty() {
        out.push((
            Plugin::Labels {
                pairs: common,
                fieldspecs: tc.common_labels.clone(),
            },
            "LabelTransformer",
        ));
    }
    let annotations = k.string_map("commonAnnotations");
    if !annotations.is_empty() {
        out.push((
            Plugin::Labels {
                pairs: annotations,
                fieldspecs: tc.common_annotations.clone(),
            },
            "AnnotationsTransformer",
        ));
    }
    for p in k.items("patchesJson6902") {
        let s = |key: &str| p.get(key).and_then(Json::as_str).unwrap_or("").to_string();
        let mut c = serde_json::Map::new();
        if let Some(t) = p.get("target").filter(|t| !t.is_null()) {
            c.insert("target".into(), t.clone());
        }
        for (key, from) in [("path", "path"), ("jsonOp", "patch")] {
            if !s(from).is_empty() {
                c.insert(key.into(), Json::String(s(from)));
            }
        }
        let config = crate::yamlio::emit(&[Json::Object(c)]).unwrap_or_default();
        let patch = json6902_patch(ldr, p.get("target"), &s("path"), &s("patch")).map_err(|e| {
            e.wrap(format!(
                "trouble configuring builtin PatchJson6902Transformer with config: `\n{config}`"
            ))
        })?;
        out.push((Plugin::Patch(patch), "PatchJson6902Transformer"));
    }
    for r in k.items("replicas") {
        out.push((
            Plugin::Replicas {
                name: r
                    .get("name")
                    .and_then(Json::as_str)
                    .unwrap_or("")
                    .to_string(),
                count: r.get("count").cloned().unwrap_or(Json::from(0)),
                fieldspecs: tc.replicas.clone(),
            },
            "ReplicaCountTransformer",
        ));
    }
    for img in k.items("images") {
        out.push((
            Plugin::Image {
                spec: ImageSpec::from_json(&img),
                fieldspecs: tc.images.clone(),
            },
            "ImageTagTransformer",
        ));
    }
    let reps = k.items("replacements");
    if !reps.is_empty() {
        out.push((Plugin::Replacements(reps), "ReplacementTransformer"));
    }
    Ok(out)
}

impl Plugin {
    /// A builtin plugin from its config object (`apiVersion: builtin`, `kind: ...`).
    pub fn from_config(cfg: &Json, ldr: &Loader) -> Result<Plugin> {
        let kind = cfg.get("kind").and_then(Json::as_str).unwrap_or("");
        let api_version = cfg.get("apiVersion").and_then(Json::as_str).unwrap_or("");
        let annotations = string_map(cfg.get("metadata").and_then(|m| m.get("annotations")));
        if annotations
            .iter()
            .any(|(k, _)| k == "config.kubernetes.io/function")
        {
            return Err(err!(
                "{kind}: KRM function plugins (exec or container) cannot run in kubeplay: it builds offline, without processes or containers"
            ));
        }
        if api_version != "builtin" && !api_version.is_empty() {
            return Err(err!(
                "unable to load plugin {api_version}/{kind}: only builtin plugins are available offline (exec and Go plugins cannot run in kubeplay)"
            ));
        }
        // kustomize sorts once, at the end, from the top kustomization's sortOptions; its
        // plugin loader does not know the sorter.
        if kind == "SortOrderTransformer" {
            return Err(err!(
                "unable to load builtin SortOrderTransformer.builtin.[noGrp]"
            ));
        }
        Self::configure(kind, cfg, ldr).map_err(|e| {
            let id = crate::resource::Resource::new(cfg.clone()).org_id();
            e.wrap(format!("plugin {id} fails configuration"))
        })
    }

    /// The builtin plugin `kind` configured by `cfg` (kustomize's `Config` step).
    fn configure(kind: &str, cfg: &Json, ldr: &Loader) -> Result<Plugin> {
        let api_version = cfg.get("apiVersion").and_then(Json::as_str).unwrap_or("");
        let s = |k: &str| cfg.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        let fss = || fieldspecs(cfg.get("fieldSpecs"));
        let affix = matches!(
            kind,
            "PrefixTransformer" | "SuffixTransformer" | "PrefixSuffixTransformer"
        );
        if affix && cfg.get("fieldSpecs").is_none_or(Json::is_null) {
            return Err(err!("fieldSpecs is not expected to be nil"));
        }
        Ok(match kind {
            "ValueAddTransformer" => Plugin::ValueAdd(value_add::configure(cfg, ldr)?),
            "PatchTransformer" => {
                let config = crate::yamlio::emit(std::slice::from_ref(cfg)).unwrap_or_default();
                Plugin::Patch(patch_from(ldr, cfg, &config)?)
            }
            "PatchStrategicMergeTransformer" => {
                let mut docs = Vec::new();
                for path in cfg
                    .get("paths")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                {
                    let text = ldr.load_string(path.as_str().unwrap_or(""))?;
                    docs.extend(crate::yamlio::parse_resources(
                        &text,
                        path.as_str().unwrap_or(""),
                    )?);
                }
                let inline = s("patches");
                if !inline.is_empty() {
                    docs.extend(crate::yamlio::parse_resources(&inline, "patches")?);
                }
                Plugin::Patch(Patch {
                    body: PatchBody::Strategic(docs),
                    target: None,
                    allow_name_change: false,
                    allow_kind_change: false,
                    source: String::new(),
                })
            }
            "PatchJson6902Transformer" => Plugin::Patch(json6902_patch(
                ldr,
                cfg.get("target"),
                &s("path"),
                &s("jsonOp"),
            )?),
            "NamespaceTransformer" => Plugin::Namespace {
                namespace: cfg
                    .get("metadata")
                    .and_then(|m| m.get("namespace"))
                    .and_then(Json::as_str)
                    .unwrap_or("")
                    .to_string(),
                fieldspecs: fss()?,
                unset_only: cfg
                    .get("unsetOnly")
                    .and_then(Json::as_bool)
                    .unwrap_or(false),
                subjects: match s("setRoleBindingSubjects").as_str() {
                    "" | "defaultOnly" => SubjectMode::DefaultOnly,
                    "none" => SubjectMode::None,
                    "allServiceAccounts" => SubjectMode::AllServiceAccounts,
                    other => {
                        return Err(err!("invalid value \"{other}\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""))
                    }
                },
            },
            "PrefixTransformer" => Plugin::Affix {
                affix: s("prefix"),
                prefix: true,
                fieldspecs: fss()?,
            },
            // The legacy transformer does both.
            "PrefixSuffixTransformer" => Plugin::Sequence(vec![
                Plugin::Affix {
                    affix: s("prefix"),
                    prefix: true,
                    fieldspecs: fss()?,
                },
                Plugin::Affix {
                    affix: s("suffix"),
                    prefix: false,
                    fieldspecs: fss()?,
                },
            ]),
            "SuffixTransformer" => Plugin::Affix {
                affix: s("suffix"),
                prefix: false,
                fieldspecs: fss()?,
            },
            "LabelTransformer" => Plugin::Labels {
                pairs: string_map(cfg.get("labels")),
                fieldspecs: fss()?,
            },
            "AnnotationsTransformer" => Plugin::Labels {
                pairs: string_map(cfg.get("annotations")),
                fieldspecs: fss()?,
            },
            "ImageTagTransformer" => Plugin::Image {
                spec: ImageSpec::from_json(cfg.get("imageTag").unwrap_or(&Json::Null)),
                fieldspecs: fss()?,
            },
            "ReplicaCountTransformer" => {
                let rep = cfg.get("replica").cloned().unwrap_or(Json::Null);
                Plugin::Replicas {
                    name: rep
                        .get("name")
                        .and_then(Json::as_str)
                        .unwrap_or("")
                        .to_string(),
                    count: rep.get("count").cloned().unwrap_or(Json::from(0)),
                    fieldspecs: fss()?,
                }
            }
            "ReplacementTransformer" => Plugin::Replacements(
                cfg.get("replacements")
                    .and_then(Json::as_array)
                    .cloned()
                    .unwrap_or_default(),
            ),
            "ConfigMapGenerator" => Plugin::Generator {
                args: generator_args(cfg),
                secret: false,
            },
            "SecretGenerator" => Plugin::Generator {
                args: generator_args(cfg),
                secret: true,
            },
            "IAMPolicyGenerator" => Plugin::IamPolicy(cfg.clone()),
            "HashTransformer" => Plugin::Hash,
            "HelmChartInflationGenerator" => Plugin::HelmChart(Box::new(
                generators::helm_chart::configure(&Json::Null, cfg, ldr)?,
            )),
            other => {
                return Err(err!(
                "unable to load plugin {api_version}/{other}: not a builtin plugin kubeplay knows"
            ))
            }
        })
    }

    pub fn transform(&self, ra: &mut Accumulator, ldr: &Loader) -> Result<()> {
        let m = &mut ra.resmap;
        match self {
            Plugin::Patch(p) => patches::transform(m, p, ldr.custom_schema().as_deref()),
            Plugin::Namespace {
                namespace,
                fieldspecs,
                unset_only,
                subjects,
            } => namespace::transform(
                m,
                &NamespaceOptions {
                    namespace,
                    fieldspecs,
                    unset_only: *unset_only,
                    subjects: *subjects,
                },
            ),
            Plugin::Affix {
                affix,
                prefix,
                fieldspecs,
            } => prefix_suffix::transform(m, affix, *prefix, fieldspecs),
            Plugin::Labels { pairs, fieldspecs } => labels::transform(m, pairs, fieldspecs),
            Plugin::Image { spec, fieldspecs } => images::transform(m, spec, fieldspecs),
            Plugin::Replicas {
                name,
                count,
                fieldspecs,
            } => replicas::transform(m, name, count, fieldspecs),
            Plugin::Replacements(list) => replacements::transform(m, list, ldr),
            Plugin::ValueAdd(va) => value_add::transform(m, va),
            Plugin::Hash => hash::add_hashes_to_names(m),
            Plugin::Sequence(list) => {
                for p in list {
                    p.transform(ra, ldr)?;
                }
                Ok(())
            }
            Plugin::Generator { .. } | Plugin::IamPolicy(_) | Plugin::HelmChart(_) => {
                let generated = self.generate(ldr)?;
                m.absorb_all(generated)
            }
        }
    }

    pub fn generate(&self, ldr: &Loader) -> Result<ResMap> {
        match self {
            Plugin::Generator { args, secret } => {
                let r = generators::configmap::generate(ldr, args, None, *secret)?;
                let mut m = ResMap::new();
                m.list.push(r);
                Ok(m)
            }
            Plugin::HelmChart(c) => generators::helm_chart::generate(c, ldr),
            Plugin::IamPolicy(cfg) => {
                let mut m = ResMap::new();
                m.list.push(generators::iampolicy::generate(cfg)?);
                Ok(m)
            }
            _ => Err(Error::new("not a generator plugin")),
        }
    }
}

/// A generator plugin config names its object in `metadata`.
fn generator_args(cfg: &Json) -> Json {
    let mut args = cfg.clone();
    if let Some(obj) = args.as_object_mut() {
        let meta = obj.get("metadata").cloned().unwrap_or(Json::Null);
        for key in ["name", "namespace"] {
            let empty = obj
                .get(key)
                .and_then(Json::as_str)
                .is_none_or(str::is_empty);
            if empty {
                if let Some(v) = meta.get(key) {
                    obj.insert(key.into(), v.clone());
                }
            }
        }
    }
    args
}
