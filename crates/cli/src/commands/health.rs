//! `kubeplay health FILE`: one `<Status>\t<message>` line per object, like Argo CD assesses it.

use super::{engine_not_ready, CliResult};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A manifest file with one or more objects
    pub file: PathBuf,
}

pub fn run(_args: Args) -> CliResult {
    Err(engine_not_ready("health", 6))
}
