//! `cargo xtask conformance <name> [DIR]`: run a corpus of the real tools' own tests against
//! the `kubeplay` CLI, print one FAIL line per failing case and end with `N passed, M failed`.
//!
//! The corpora live outside the repository (`../shared/conformance/<name>`); kustomize, helm
//! and health ship a `run.sh` that takes the command to test, which we call; probes is checked
//! by the CLI itself (`kubeplay simulate --check-scenarios`).

mod corpus;

use crate::process::run;
use crate::{root, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub use corpus::Corpus;

/// How a corpus run ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
}

pub fn run_command(args: &[String]) -> Result {
    let name = args
        .first()
        .ok_or("usage: cargo xtask conformance <kustomize|helm|health|probes> [DIR]")?;
    let corpus = Corpus::from_name(name)?;
    let dir = match args.get(1) {
        Some(d) => PathBuf::from(d),
        None => corpus.default_dir(),
    };
    if !dir.exists() {
        return Err(format!(
            "{}: no such corpus directory (../shared is not beside this checkout?)",
            dir.display()
        ));
    }
    build_cli()?;
    let tally = corpus.run(&dir, &cli_binary(), true)?;
    println!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(())
}

/// The shared corpora, beside the checkout.
pub fn shared_dir() -> PathBuf {
    root().join("..").join("shared").join("conformance")
}

/// The CLI that `build_cli` made: under `CARGO_TARGET_DIR` when it is set, as cargo does.
pub fn cli_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        })
        .unwrap_or_else(|| root().join("target"));
    target.join("release/kubeplay")
}

pub fn build_cli() -> Result {
    run(Command::new("cargo")
        .args(["build", "--quiet", "--release", "-p", "kubeplay-cli"])
        .current_dir(root()))
}

/// Quotes a path for the `bash -c` command lines the corpus runners build.
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}
