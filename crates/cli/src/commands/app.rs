//! `kubeplay app diff|sync`: an Argo CD-style Application over a local directory.

use super::{engine_not_ready, CliResult};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum Command {
    /// Show the diff between the directory's desired state and the simulated live state
    Diff {
        /// The Application manifest
        app: PathBuf,
        /// The directory that plays the Git repository
        #[arg(long)]
        repo: PathBuf,
    },
    /// Sync the Application and print the resource tree
    Sync {
        app: PathBuf,
        #[arg(long)]
        repo: PathBuf,
    },
}

pub fn run(command: Command) -> CliResult {
    match command {
        Command::Diff { .. } => Err(engine_not_ready("app diff", 6)),
        Command::Sync { .. } => Err(engine_not_ready("app sync", 6)),
    }
}
