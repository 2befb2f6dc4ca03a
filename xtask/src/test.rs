//! `cargo xtask test`: install what is missing, run every test, print a summary.
//!
//! Stages run in order and each is timed. Gating stages (lint, native tests, wasm tests in
//! Chromium, the site build and the end-to-end suite) decide the exit status; the conformance
//! corpora are reported, not gated, because they measure progress towards the real tools.
//! The last line is `tests: N passed, M failed`, counted from the runners' own summaries.

use crate::conformance::{build_cli, cli_binary, Corpus, Tally};
use crate::process::{self, stream};
use crate::tools::{ensure_all, path_with_node_bin, CHROMEDRIVER};
use crate::{root, site, Result};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Summary {
    stages: Vec<(String, Duration, bool)>,
    passed: usize,
    failed: usize,
    conformance: Vec<String>,
}

impl Summary {
    fn stage(&mut self, name: &str, body: impl FnOnce(&mut Summary) -> Result<bool>) {
        eprintln!("\n==> {name}");
        let start = Instant::now();
        let ok = match body(self) {
            Ok(ok) => ok,
            Err(message) => {
                eprintln!("{name}: {message}");
                false
            }
        };
        self.stages.push((name.to_string(), start.elapsed(), ok));
    }

    /// Reads `test result: ok. 5 passed; 0 failed; ...` (cargo test and wasm-bindgen-test) and
    /// `e2e: 5 passed, 0 failed` lines into the totals.
    fn count(&mut self, line: &str) {
        let body = line
            .strip_prefix("test result: ")
            .and_then(|r| r.split_once(". ").map(|(_, rest)| rest))
            .or_else(|| line.strip_prefix("e2e: "));
        let Some(body) = body else { return };
        for part in body.split([';', ',']) {
            let mut words = part.split_whitespace();
            match (
                words.next().and_then(|n| n.parse::<usize>().ok()),
                words.next(),
            ) {
                (Some(n), Some("passed")) => self.passed += n,
                (Some(n), Some("failed")) => self.failed += n,
                _ => {}
            }
        }
    }
}

pub fn run() -> Result {
    let total = Instant::now();
    let mut s = Summary::default();
    s.stage("setup (install what is missing)", |_| {
        ensure_all().map(|()| true)
    });
    s.stage("format (cargo fmt --check)", |_| {
        process::run(
            Command::new("cargo")
                .args(["fmt", "--all", "--", "--check"])
                .current_dir(root()),
        )
        .map(|()| true)
    });
    s.stage("lint (cargo clippy -D warnings)", |_| {
        process::run(
            Command::new("cargo")
                .args(["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"])
                .current_dir(root()),
        )?;
        process::run(
            Command::new("cargo")
                .args([
                    "clippy",
                    "--quiet",
                    "-p",
                    "kubeplay-web",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ])
                .current_dir(root()),
        )
        .map(|()| true)
    });
    s.stage("native tests (cargo test --workspace)", |s| {
        stream(
            Command::new("cargo")
                // --workspace: the web crate's pure parts (rendering, share links, zip) are
                // tested natively too; its DOM code runs in the wasm stage below.
                .args(["test", "--quiet", "--workspace"])
                .current_dir(root()),
            |l| {
                println!("{l}");
                s.count(l);
            },
        )
    });
    s.stage("wasm tests (wasm-bindgen-test in headless Chromium)", |s| {
        stream(
            Command::new("cargo")
                // No --quiet: cargo would pass it on to wasm-bindgen-test-runner, which refuses it.
                .args([
                    "test",
                    "-p",
                    "kubeplay-web",
                    "--target",
                    "wasm32-unknown-unknown",
                    // The test runner serves no worker script: answer in-process.
                    "--features",
                    "inline-engine",
                ])
                .env(
                    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                    "wasm-bindgen-test-runner",
                )
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
                // webdriver.json there gives Chromium the flags this machine needs.
                .current_dir(root().join("crates/web")),
            |l| {
                println!("{l}");
                s.count(l);
            },
        )
    });
    s.stage("site build (trunk build --release)", |_| {
        site::build().map(|()| true)
    });
    s.stage("end-to-end (playwright-core, headless Chromium)", |s| {
        stream(
            Command::new("node")
                .arg("e2e/run.mjs")
                .env("PATH", path_with_node_bin())
                .current_dir(root()),
            |l| {
                println!("{l}");
                s.count(l);
            },
        )
    });
    s.stage("conformance (reported, not gating)", |s| {
        if !crate::conformance::shared_dir().exists() {
            s.conformance
                .push("../shared/conformance is absent: conformance corpora not run".into());
            return Ok(true);
        }
        build_cli()?;
        for corpus in Corpus::ALL {
            let Tally { passed, failed } =
                corpus.run(&corpus.default_dir(), &cli_binary(), false)?;
            s.conformance.push(format!(
                "{:<9} {passed} passed, {failed} failed",
                corpus.name()
            ));
        }
        Ok(true)
    });

    println!("\n==> summary");
    for (name, took, ok) in &s.stages {
        let mark = if *ok { "ok  " } else { "FAIL" };
        println!("{mark} {:>7.1}s  {name}", took.as_secs_f64());
    }
    println!("total {:.1}s", total.elapsed().as_secs_f64());
    if !s.conformance.is_empty() {
        println!("conformance (not gating; `cargo xtask conformance NAME` lists failures):");
        for line in &s.conformance {
            println!("  {line}");
        }
    }
    let failed_stages: Vec<_> = s
        .stages
        .iter()
        .filter(|(_, _, ok)| !ok)
        .map(|(n, _, _)| n.clone())
        .collect();
    println!("tests: {} passed, {} failed", s.passed, s.failed);
    if failed_stages.is_empty() {
        Ok(())
    } else {
        Err(format!("failed stages: {}", failed_stages.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::Summary;

    #[test]
    fn counts_cargo_and_e2e_summaries() {
        let mut s = Summary::default();
        s.count("test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out");
        s.count("test result: FAILED. 2 passed; 3 failed; 0 ignored");
        s.count("e2e: 4 passed, 1 failed");
        s.count("something else: 9 passed");
        assert_eq!((s.passed, s.failed), (11, 4));
    }
}
