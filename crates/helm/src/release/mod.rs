//! Releases: `helm install`, `helm list` and `helm uninstall` against kubeplay's simulated
//! cluster ([`kubeplay_cluster::Cluster`]), with the release records stored in the cluster as
//! Helm 4 stores them (see [`record`]).
//!
//! ```
//! use kubeplay_cluster::{Cluster, ClusterConfig};
//! use kubeplay_helm::release::{self, InstallOptions, UninstallOptions};
//! use kubeplay_helm::{load_chart, TemplateOptions, RenderOptions, Values};
//! use kubeplay_vfs::FileTree;
//!
//! let mut tree = FileTree::new();
//! tree.write("/c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
//! tree.write("/c/templates/cm.yaml",
//!     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n").unwrap();
//! let chart = load_chart(&tree, "/c").unwrap();
//! let mut cluster = Cluster::new(ClusterConfig::default());
//! let opts = InstallOptions {
//!     template: TemplateOptions {
//!         render: RenderOptions { name: "demo".into(), ..Default::default() },
//!         ..Default::default()
//!     },
//!     ..Default::default()
//! };
//! release::install(&mut cluster, &chart, &Values::new(), &opts).unwrap();
//! assert!(cluster.get("ConfigMap", "default", "demo").is_some());
//! assert_eq!(release::list(&cluster, Some("default"))[0].status.as_str(), "deployed");
//! let un = UninstallOptions { namespace: "default".into(), ..Default::default() };
//! release::uninstall(&mut cluster, "demo", &un).unwrap();
//! assert!(cluster.get("ConfigMap", "default", "demo").is_none());
//! ```

pub mod actions;
pub mod ownership;
pub mod record;
pub mod table;

pub use actions::{
    history, install, list, uninstall, validate_release_name, InstallOptions, UninstallOptions,
    Uninstalled,
};
pub use record::{Release, Status};
pub use table::{install_status, list_table};
