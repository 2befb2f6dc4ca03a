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
        /// Inflate helmCharts (local charts only: kubeplay pulls nothing)
        #[arg(long = "enable-helm")]
        enable_helm: bool,
    },
}

/// How many times the CLI widens the tree when a kustomization refers to files above its
/// own directory (`../base`).
const MAX_PARENT_LEVELS: usize = 4;

pub fn run(command: Command) -> CliResult {
    match command {
        Command::Build {
            dir,
            load_restrictor,
            enable_helm,
        } => {
            let opts = BuildOptions {
                load_restrictor: LoadRestrictor::parse(&load_restrictor)
                    .map_err(|e| e.to_string())?,
                enable_helm,
            };
            let dir = dir.canonicalize().map_err(|err| {
                format!(
                    "must build at directory: not a valid directory: evalsymlink failure on '{}' : {}",
                    dir.display(),
                    go_path_error(&dir, &err)
                )
            })?;
            if !dir.is_dir() {
                return Err(format!(
                    "must build at directory: not a valid directory: '{}'",
                    dir.display()
                )
                .into());
            }
            let root = slash_path(&dir);
            // The engine sees a tree holding the directory at its real path. Kustomizations
            // often reach upwards (`../base`): when the build misses a path above the tree,
            // the tree is widened to hold it and the build retried.
            let mut base = dir.clone();
            let mut levels = 0;
            loop {
                let tree = mount(&base)?;
                let report = kubeplay_kustomize::build_reporting(&tree, &root, &opts);
                match report.result {
                    Ok(out) => {
                        for w in &report.warnings {
                            eprintln!("{w}");
                        }
                        let mut stdout = std::io::stdout().lock();
                        stdout.write_all(out.as_bytes())?;
                        return Ok(());
                    }
                    Err(err) => match missing_outside(&err.message, &base) {
                        // Widen to the nearest directory holding the missing path; a path
                        // inside the tree is really missing and is reported as is.
                        Some(wider) if levels < MAX_PARENT_LEVELS => {
                            base = wider;
                            levels += 1;
                        }
                        _ => {
                            for w in &report.warnings {
                                eprintln!("{w}");
                            }
                            return Err(err.message.into());
                        }
                    },
                }
            }
        }
    }
}

/// When a build failed because a path outside `base` is missing from the tree, the
/// directory to read instead: `base`'s nearest ancestor that holds that path.
fn missing_outside(message: &str, base: &Path) -> Option<PathBuf> {
    let start = message.find("lstat ")? + "lstat ".len();
    let rest = &message[start..];
    let missing = Path::new(&rest[..rest.find(": no such file or directory")?]);
    if missing.starts_with(base) {
        return None;
    }
    let mut wider = base.parent()?;
    while !missing.starts_with(wider) {
        wider = wider.parent()?;
    }
    // Never read the whole file system.
    wider.parent()?;
    Some(wider.to_path_buf())
}

/// How Go's `filepath.EvalSymlinks` reports a path it cannot resolve: `lstat` of the
/// first missing directory on the way.
fn go_path_error(dir: &Path, err: &std::io::Error) -> String {
    if err.kind() != std::io::ErrorKind::NotFound {
        return err.to_string();
    }
    let abs = std::env::current_dir()
        .map(|cwd| cwd.join(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    // Lexically cleaned, as Go's filepath.Abs leaves it.
    let mut missing = PathBuf::new();
    for part in abs.components() {
        match part {
            std::path::Component::ParentDir => {
                missing.pop();
                continue;
            }
            std::path::Component::CurDir => continue,
            _ => missing.push(part),
        }
        if std::fs::symlink_metadata(&missing).is_err() {
            break;
        }
    }
    format!("lstat {}: no such file or directory", missing.display())
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
