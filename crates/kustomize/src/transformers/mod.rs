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

fn load_patch(ldr: &Loader, path: &str, inline: &str) -> Result<PatchBody> {
    if !path.is_empty() && !inline.trim().is_empty() {
        return Err(err!("patch and path can't be set at the same time"));
    }
    if path.is_empty() && inline.trim().is_empty() {
        return Err(err!("must specify one of patch and path"));
    }
    let text = if path.is_empty() {
        inline.to_string()
    } else {
        ldr.load_string(path)?
    };
    patches::parse_patch(&text)
}

fn patch_from(ldr: &Loader, v: &Json) -> Result<Patch> {
    let s = |k: &str| v.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    let opt = |k: &str| {
        v.get("options")
            .and_then(|o| o.get(k))
            .and_then(Json::as_bool)
            .unwrap_or(false)
    };
    let body = load_patch(ldr, &s("path"), &s("patch"))
        .map_err(|e| e.wrap("trouble configuring builtin PatchTransformer"))?;
    Ok(Patch {
        body,
        target: v
            .get("target")
            .filter(|t| !t.is_null())
            .map(Selector::from_json),
        allow_name_change: opt("allowNameChange"),
        allow_kind_change: opt("allowKindChange"),
    })
}

/// `patchesStrategicMerge` entries are file paths, or inline patches when no such file
/// exists.
fn strategic_merge_patches(ldr: &Loader, entries: &[String]) -> Result<Vec<Plugin>> {
    let mut out = Vec::new();
    for entry in entries {
        let text = if ldr.tree.is_file(&ldr.abs(entry))
            || !entry.contains('\n') && !entry.contains(": ")
        {
            ldr.load_string(entry).map_err(|e| {
                e.wrap(format!(
                    "trouble configuring builtin PatchStrategicMergeTransformer with config: `\npaths:\n- {entry}\n`"
                ))
            })?
        } else {
            entry.clone()
        };
        let docs = crate::yamlio::parse_resources(&text, entry)?;
        if docs.is_empty() {
            return Err(err!("patch appears to be empty; file={entry}"));
        }
        out.push(Plugin::Patch(Patch {
            body: PatchBody::Strategic(docs),
            target: None,
            allow_name_change: false,
            allow_kind_change: false,
        }));
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
        out.push((Plugin::Patch(patch_from(ldr, &p)?), "PatchTransformer"));
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
        let path = p.get("path").and_then(Json::as_str).unwrap_or("");
        let inline = p.get("patch").and_then(Json::as_str).unwrap_or("");
        let body = load_patch(ldr, path, inline)?;
        let body = match body {
            PatchBody::Json6902(..) => body,
            PatchBody::Strategic(_) => {
                return Err(err!(
                    "patchesJson6902 entry is not a list of JSON patch operations"
                ))
            }
        };
        out.push((
            Plugin::Patch(Patch {
                body,
                target: p.get("target").map(Selector::from_json),
                allow_name_change: false,
                allow_kind_change: false,
            }),
            "PatchJson6902Transformer",
        ));
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
        Ok(match kind {
            "ValueAddTransformer" => Plugin::ValueAdd(value_add::configure(cfg, ldr)?),
            "PatchTransformer" => Plugin::Patch(patch_from(ldr, cfg)?),
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
                })
            }
            "PatchJson6902Transformer" => Plugin::Patch(Patch {
                body: load_patch(ldr, &s("path"), &s("jsonOp"))?,
                target: cfg.get("target").map(Selector::from_json),
                allow_name_change: false,
                allow_kind_change: false,
            }),
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
                        return Err(err!("invalid value \"{other}\" for setRoleBindingSubjects"))
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
            // kustomize sorts once, at the end, from the top kustomization's sortOptions; it
            // refuses the sorter as a plugin.
            "SortOrderTransformer" => {
                return Err(err!(
                    "unable to load builtin SortOrderTransformer.builtin.[noGrp]"
                ))
            }
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
