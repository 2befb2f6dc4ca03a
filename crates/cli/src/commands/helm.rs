//! `kubeplay helm template|render|create`: Helm 4's rendering, offline.

use super::{engine_not_ready, CliResult};
use clap::{Args as ClapArgs, Subcommand};
use std::path::PathBuf;

/// Values flags shared by `template` and `render`, in Helm's spelling.
#[derive(ClapArgs)]
pub struct ValuesArgs {
    /// A values file (can repeat; later files win)
    #[arg(short = 'f', long = "values")]
    pub values: Vec<PathBuf>,
    /// Set a value: a.b=c (can repeat)
    #[arg(long = "set")]
    pub set: Vec<String>,
    /// Set a string value (can repeat)
    #[arg(long = "set-string")]
    pub set_string: Vec<String>,
    /// Set a JSON value (can repeat)
    #[arg(long = "set-json")]
    pub set_json: Vec<String>,
    /// Set a value from a file's content (can repeat)
    #[arg(long = "set-file")]
    pub set_file: Vec<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Render a chart's manifests like `helm template`
    Template {
        /// Release name and chart, or only the chart
        #[arg(num_args = 1..=2, required = true)]
        args: Vec<String>,
        #[command(flatten)]
        values: ValuesArgs,
        #[arg(short = 'n', long = "namespace", default_value = "default")]
        namespace: String,
        #[arg(long = "output-dir")]
        output_dir: Option<PathBuf>,
        #[arg(short = 's', long = "show-only")]
        show_only: Vec<String>,
        #[arg(long = "kube-version")]
        kube_version: Option<String>,
    },
    /// Write each template's raw rendered text under DIR
    Render {
        chart: PathBuf,
        #[command(flatten)]
        values: ValuesArgs,
        #[arg(long)]
        name: String,
        #[arg(long)]
        namespace: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a starter chart like `helm create`
    Create { name: PathBuf },
}

pub fn run(command: Command) -> CliResult {
    match command {
        Command::Template { .. } => Err(engine_not_ready("helm template", 4)),
        Command::Render { .. } => Err(engine_not_ready("helm render", 4)),
        Command::Create { .. } => Err(engine_not_ready("helm create", 4)),
    }
}
