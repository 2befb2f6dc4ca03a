//! `kubeplay simulate FILE... --for DURATION`: apply objects to the simulated cluster and run it.

use super::{engine_not_ready, CliResult};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Manifest files to apply
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Virtual time to run, e.g. 90s, 5m, 1h
    #[arg(long = "for", default_value = "60s")]
    pub duration: String,
    /// table (like `kubectl get pods -w`), events, or json
    #[arg(long, default_value = "table")]
    pub output: String,
}

pub fn run(_args: Args) -> CliResult {
    Err(engine_not_ready("simulate", 5))
}
