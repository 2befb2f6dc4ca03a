//! `kubeplay`: the playground's engines on the command line, for conformance runs and users' CI.
//!
//! Each subcommand lives in its own file under `commands/`; this file only parses arguments and
//! turns a handler's error into a message on stderr and a non-zero exit.

mod commands;
mod fsio;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The CLI's allocator (see Cargo.toml): a render is mostly small allocations.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: kubeplay_alloc::Mimalloc = kubeplay_alloc::Mimalloc;

#[derive(Parser)]
#[command(
    name = "kubeplay",
    version,
    about = "Kubernetes playground engines: kustomize, helm, a simulated cluster and Argo CD-style GitOps"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a kustomization directory like `kubectl kustomize`
    #[command(subcommand)]
    Kustomize(commands::kustomize::Command),
    /// Render Helm charts like `helm template`
    #[command(subcommand)]
    Helm(commands::helm::Command),
    /// Apply objects to a simulated cluster and run its virtual clock
    Simulate(commands::simulate::Args),
    /// Assess the health of each object in a file, like Argo CD
    Health(commands::health::Args),
    /// Diff and sync an Argo CD-style Application over a local directory
    #[command(subcommand)]
    App(commands::app::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Kustomize(cmd) => commands::kustomize::run(cmd),
        Command::Helm(cmd) => commands::helm::run(cmd),
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Health(args) => commands::health::run(args),
        Command::App(cmd) => commands::app::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Error: {err}");
            ExitCode::FAILURE
        }
    }
}
