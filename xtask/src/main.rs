//! Developer commands: `cargo xtask <serve|test|conformance|bench|size|setup>`.
//!
//! Everything a developer or CI runs goes through here, so README.md can show two commands and
//! `.ci/run` can call one. Each command first installs what is missing (see `tools.rs`), then
//! does its job. std only: xtask must build in seconds on a fresh clone.

mod bench;
mod conformance;
mod process;
mod serve;
mod site;
mod size;
mod test;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--port N] [--no-build]   install what is missing, build the site (release), serve it
                                  on 127.0.0.1:8080 with a built-in example
  test                            install what is missing and run every test, with a summary
  conformance <kustomize|helm|health|probes> [DIR]
                                  run a conformance corpus (default ../shared/conformance/NAME)
  bench                           run the criterion benchmarks and print medians
  size                            print the release wasm, JS and CSS sizes, raw and gzipped
  setup                           only install what is missing";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve::run(&args[1..]),
        Some("test") => test::run(),
        Some("conformance") => conformance::run_command(&args[1..]),
        Some("bench") => bench::run(),
        Some("size") => size::run(),
        Some("setup") => tools::ensure_all(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command '{other}'\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

pub type Result<T = ()> = std::result::Result<T, String>;
