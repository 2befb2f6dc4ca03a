//! kubeplay-kustomize: `kustomize build` over an in-memory file tree, printing what
//! Kustomize v5.5.0 (`kubectl kustomize`) prints.
//!
//! The engine reads only the [`FileTree`] it is given. Resources are kept as JSON objects
//! (kustomize prints every resource through JSON, so YAML styles never reach the output);
//! [`yamlio`] is the boundary where YAML is read and printed.
//!
//! ```
//! use kubeplay_vfs::FileTree;
//! let mut tree = FileTree::new();
//! tree.write("/app/kustomization.yaml", "namePrefix: dev-\nresources:\n- cm.yaml\n").unwrap();
//! tree.write("/app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n").unwrap();
//! let out = kubeplay_kustomize::build(&tree, "/app", &Default::default()).unwrap();
//! assert_eq!(out, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dev-c\n");
//! ```

pub mod accumulator;
pub mod config;
pub mod crds;
pub mod error;
pub mod fieldspec;
pub mod generators;
pub mod kustomization;
pub mod loader;
pub mod order;
pub mod origin;
pub mod patch;
pub mod regex_cache;
pub mod resid;
pub mod resmap;
pub mod resource;
pub mod selector;
pub mod target;
pub mod transformers;
pub mod vars;
pub mod yamlio;

use kubeplay_vfs::FileTree;
use serde_json::Value as Json;

pub use error::Error;
pub use loader::LoadRestrictor;

use crate::error::Result;
use crate::loader::Loader;
use crate::target::Target;

/// Build settings (the flags of `kustomize build` that make sense offline).
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    pub load_restrictor: LoadRestrictor,
    /// `--enable-helm`: inflate `helmCharts` (without it they are an error, as in kubectl).
    pub enable_helm: bool,
}

/// What kubectl's embedded kustomize writes as its version in `app.kubernetes.io/managed-by`.
const MANAGED_BY: &str = "kustomize-(devel)";

/// Builds the kustomization in `root` and returns the resources as JSON objects, in output
/// order.
pub fn build_objects(tree: &FileTree, root: &str, opts: &BuildOptions) -> Result<Vec<Json>> {
    let mut ldr = Loader::new(tree, root, opts.load_restrictor)?;
    ldr.enable_helm = opts.enable_helm;
    build_with(ldr)
}

/// A build's result and the warnings kustomize would print on stderr before it
/// (deprecated fields of each kustomization read).
pub struct Report {
    pub result: Result<String>,
    pub warnings: Vec<String>,
}

/// Like [`build`], also returning kustomize's warnings.
pub fn build_reporting(tree: &FileTree, root: &str, opts: &BuildOptions) -> Report {
    let ldr = match Loader::new(tree, root, opts.load_restrictor) {
        Ok(mut l) => {
            l.enable_helm = opts.enable_helm;
            l
        }
        Err(e) => {
            return Report {
                result: Err(e),
                warnings: Vec::new(),
            }
        }
    };
    let warnings = std::rc::Rc::clone(&ldr.warnings);
    let result = build_with(ldr).and_then(|objs| yamlio::emit(&objs));
    let warnings = warnings.borrow().clone();
    Report { result, warnings }
}

fn build_with(ldr: Loader) -> Result<Vec<Json>> {
    let mut target = Target::load(ldr, 0)?;
    target.tracking = origin::Tracking::from_build_metadata(&target.k.strings("buildMetadata"));
    let mut ra = target.make_customized_resmap()?;
    order::sort(&mut ra.resmap, target.k.get("sortOptions"))?;
    let build_metadata = target.k.strings("buildMetadata");
    if build_metadata.iter().any(|b| b == "managedByLabel") {
        let fs = fieldspec::FieldSpec {
            create: true,
            ..fieldspec::FieldSpec::new("metadata/labels")
        };
        transformers::labels::transform(
            &mut ra.resmap,
            &[(
                "app.kubernetes.io/managed-by".to_string(),
                MANAGED_BY.to_string(),
            )],
            &[fs],
        )?;
    }
    if target.tracking.transformers {
        for r in &mut ra.resmap.list {
            if !r.transformations.is_empty() {
                let value = r.transformations.concat();
                r.set_annotation(origin::TRANSFORMATIONS_ANNOTATION, &value);
            }
        }
    }
    Ok(ra
        .resmap
        .list
        .into_iter()
        .map(|mut r| {
            stringify_annotations(&mut r);
            r.obj
        })
        .collect())
}

/// kustomize ends a build by rewriting each resource's annotations through a string map
/// (removing its build annotations), so a number or boolean a transformer put there is
/// printed as a string.
fn stringify_annotations(r: &mut resource::Resource) {
    let typed = r
        .obj
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(Json::as_object)
        .is_some_and(|a| a.values().any(|v| !v.is_string()));
    if typed {
        for (k, v) in r.annotations() {
            r.set_annotation(&k, &v);
        }
    }
}

/// Builds the kustomization in `root` and prints it as `kustomize build` does.
pub fn build(tree: &FileTree, root: &str, opts: &BuildOptions) -> Result<String> {
    let objs = build_objects(tree, root, opts)?;
    yamlio::emit(&objs)
}
