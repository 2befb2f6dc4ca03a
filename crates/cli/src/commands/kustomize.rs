//! `kubeplay kustomize build DIR`: the same stdout as `kubectl kustomize DIR`.

use super::{engine_not_ready, CliResult};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum Command {
    /// Print the resources a kustomization directory builds to
    Build {
        /// The kustomization directory
        dir: PathBuf,
        /// LoadRestrictionsRootOnly (default) or LoadRestrictionsNone
        #[arg(long = "load-restrictor", default_value = "LoadRestrictionsRootOnly")]
        load_restrictor: String,
    },
}

/// The file names kustomize accepts for a kustomization, in its order of preference.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

pub fn run(command: Command) -> CliResult {
    match command {
        Command::Build { dir, .. } => {
            let tree = crate::fsio::read_tree(&dir)
                .map_err(|err| format!("must build at directory: '{}': {err}", dir.display()))?;
            if !KUSTOMIZATION_FILES.iter().any(|f| tree.is_file(f)) {
                return Err(format!(
                    "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                    dir.display()
                )
                .into());
            }
            Err(engine_not_ready("kustomize build", 3))
        }
    }
}
