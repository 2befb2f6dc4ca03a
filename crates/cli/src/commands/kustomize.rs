//! `kubeplay kustomize build DIR`: the same stdout as `kubectl kustomize DIR`.

use super::CliResult;
use clap::Subcommand;
use kubeplay_kustomize::{BuildOptions, LoadRestrictor};
use kubeplay_vfs::FileTree;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// How many parent directories the CLI will add to the tree when a kustomization refers to
/// files above its own directory (`../base`).
const MAX_PARENT_LEVELS: usize = 4;

pub fn run(command: Command) -> CliResult {
    match command {
        Command::Build {
            dir,
            load_restrictor,
        } => {
            let opts = BuildOptions {
                load_restrictor: LoadRestrictor::parse(&load_restrictor)
                    .map_err(|e| e.to_string())?,
            };
            let dir = std::path::absolute(&dir)
                .map_err(|err| format!("must build at directory: '{}': {err}", dir.display()))?;
            if !dir.is_dir() {
                return Err(format!(
                    "must build at directory: not a valid directory: '{}'",
                    dir.display()
                )
                .into());
            }
            let root = slash_path(&dir);
            // The engine sees a tree holding the directory at its real path. Kustomizations
            // often reach upwards (`../base`): on a missing-path error the tree is widened
            // to the parent directory and the build retried.
            let mut base = dir.clone();
            let mut levels = 0;
            loop {
                let tree = mount(&base)?;
                match kubeplay_kustomize::build(&tree, &root, &opts) {
                    Ok(out) => {
                        let mut stdout = std::io::stdout().lock();
                        stdout.write_all(out.as_bytes())?;
                        return Ok(());
                    }
                    Err(err) => {
                        let missing = err.message.contains("no such file or directory")
                            || err.message.contains("is not in or below");
                        let parent = base.parent().filter(|p| p.parent().is_some());
                        match parent {
                            Some(p) if missing && levels < MAX_PARENT_LEVELS => {
                                base = p.to_path_buf();
                                levels += 1;
                            }
                            _ => return Err(err.message.into()),
                        }
                    }
                }
            }
        }
    }
}

fn slash_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    }
}

/// Reads `base` into a tree where its files keep their absolute paths.
fn mount(base: &Path) -> Result<FileTree, super::CliError> {
    let read = crate::fsio::read_tree(base)
        .map_err(|err| format!("must build at directory: '{}': {err}", base.display()))?;
    let prefix = slash_path(base);
    let prefix = prefix.trim_end_matches('/');
    let mut tree = FileTree::new();
    for (path, bytes) in read.files() {
        tree.write(&format!("{prefix}{path}"), bytes.to_vec())
            .map_err(|e| e.to_string())?;
    }
    for d in read.empty_dirs() {
        tree.create_dir(&format!("{prefix}{d}"))
            .map_err(|e| e.to_string())?;
    }
    Ok(tree)
}
