//! Helm 4 chart rendering for kubeplay: what `helm template` prints, byte for byte, computed
//! from an in-memory [`FileTree`](kubeplay_vfs::FileTree) with no I/O.
//!
//! ```
//! use kubeplay_helm::{load_chart, render, RenderOptions, UserValues};
//! use kubeplay_vfs::FileTree;
//!
//! let mut tree = FileTree::new();
//! tree.write("/c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
//! tree.write("/c/values.yaml", "greeting: hi\n").unwrap();
//! tree.write("/c/templates/cm.yaml", "msg: {{ .Values.greeting }} {{ .Release.Name }}\n").unwrap();
//! let chart = load_chart(&tree, "/c").unwrap();
//! let values = UserValues::default().merged(&|_| unreachable!()).unwrap();
//! let opts = RenderOptions { name: "demo".into(), ..Default::default() };
//! let out = render(&chart, &values, &opts).unwrap();
//! assert_eq!(out.templates["c/templates/cm.yaml"], "msg: hi demo\n");
//! ```
//!
//! # For kustomize's `helmCharts`
//!
//! `kustomize build --enable-helm` runs `helm template` per entry; the same through this
//! crate: [`load_chart`]`(tree, "<chartHome>/<name>")`; values as [`UserValues`] (the
//! `valuesFile` in `files`, then `valuesInline` merged over it with [`values::merge_maps`]
//! for `valuesMerge: merge`/`override`, or alone for `replace`); then [`template`] with
//! [`TemplateOptions`] { `render`: [`RenderOptions`] { `name`: releaseName, `namespace`,
//! `kube_version`, `api_versions` }, `include_crds`: includeCRDs, `skip_tests`: skipTests }
//! and [`manifests::TemplateOutput::to_stream`] (or its `manifests`, already split and in
//! Helm's order) as the resources to add. A [`Renderer`] (with [`template_with`]) keeps
//! each template's parse between renders and parses again only what changed.
//!
//! Files name their concepts as Helm's do: [`chart`] (loading), [`values`] (coalescing),
//! [`dependencies`] (condition/tags/alias/import-values), [`engine`] (rendering),
//! [`funcs`] (Sprig and Helm's functions), [`files`] (`.Files`), [`manifests`] (the
//! `helm template` stream), [`starter`] (`helm create`), [`release`] (`helm install`,
//! `list` and `uninstall` into the simulated cluster).

pub mod archive;
pub mod capabilities;
pub mod chart;
pub mod convert;
pub mod dependencies;
pub mod engine;
pub mod error;
pub mod files;
pub mod funcs;
pub mod gojson;
pub mod ignore;
pub mod manifests;
pub mod release;
pub mod schema;
pub mod semver;
pub mod starter;
pub mod strvals;
pub mod toml;
pub mod values;

pub use chart::{load as load_chart, load_archive, Chart};
pub use engine::{render, RenderOptions, Rendered, Renderer};
pub use error::HelmError;
pub use manifests::{template, template_with, TemplateOptions};
pub use values::Values;

/// Values given on the command line, in Helm's order of precedence (later wins): values
/// files, then `--set-json`, `--set`, `--set-string`, `--set-file`, `--set-literal`.
#[derive(Debug, Clone, Default)]
pub struct UserValues {
    /// `-f`: (file name, contents).
    pub files: Vec<(String, String)>,
    pub set_json: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_literal: Vec<String>,
}

impl UserValues {
    /// Merges everything into one values map (Helm's `values.Options.MergeValues`).
    /// `read_file` supplies the contents of `--set-file` paths.
    pub fn merged(
        &self,
        read_file: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<Values, HelmError> {
        let mut base = Values::new();
        for (name, text) in &self.files {
            let v = values::read_values(text, name)?;
            values::merge_maps(&mut base, v);
        }
        let bad =
            |flag: &str, e: String| HelmError::Values(format!("failed parsing {flag} data: {e}"));
        for s in &self.set_json {
            strvals::parse_into(s, &mut base, &strvals::Mode::Json)
                .map_err(|e| bad("--set-json", e))?;
        }
        for s in &self.set {
            strvals::parse_into(s, &mut base, &strvals::Mode::Typed)
                .map_err(|e| bad("--set", e))?;
        }
        for s in &self.set_string {
            strvals::parse_into(s, &mut base, &strvals::Mode::String)
                .map_err(|e| bad("--set-string", e))?;
        }
        for s in &self.set_file {
            strvals::parse_into(s, &mut base, &strvals::Mode::File(read_file))
                .map_err(|e| bad("--set-file", e))?;
        }
        for s in &self.set_literal {
            // --set-literal: the whole value after the first '=' is a string.
            let (k, v) = s
                .split_once('=')
                .ok_or_else(|| bad("--set-literal", format!("key {s:?} has no value")))?;
            let mut m = serde_json::Map::new();
            let mut cur = serde_json::Value::String(v.to_string());
            for part in k.rsplit('.') {
                let mut o = serde_json::Map::new();
                o.insert(part.to_string(), cur);
                cur = serde_json::Value::Object(o);
            }
            if let serde_json::Value::Object(o) = cur {
                m = o;
            }
            values::merge_maps(&mut base, m);
        }
        Ok(base)
    }
}
