//! Installs what the build and the tests need, only when it is missing (idempotent).
//!
//! Facts that shape this (measured on the project's machine kind, see README.md):
//! - Trunk 0.22 needs a newer rustc than the toolchain has, so Trunk is pinned to 0.21.14.
//! - wasm-bindgen-cli must equal the `wasm-bindgen` version in Cargo.lock, and installs only
//!   without `--locked`.
//! - Debian's binaryen is too old for current Rust wasm; the npm `binaryen` package (in the
//!   project-local node_modules, with playwright-core for the e2e tests) provides wasm-opt.
//! - Browsers come from Debian (`chromium`, `chromium-driver`); nothing ever downloads one.

use crate::process::{output, run};
use crate::{root, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Everything: what `serve` and `test` both need.
pub fn ensure_all() -> Result {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_node_modules()?;
    ensure_chromium()
}

pub fn ensure_wasm_target() -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l == "wasm32-unknown-unknown") {
        return Ok(());
    }
    step("adding the wasm32-unknown-unknown target");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

pub fn ensure_trunk() -> Result {
    let want = format!("trunk {TRUNK_VERSION}");
    if output(Command::new("trunk").arg("--version")).as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    step(&format!("installing {want} (about 6 minutes on 2 cores)"));
    run(Command::new("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
}

pub fn ensure_wasm_bindgen() -> Result {
    let version = locked_version("wasm-bindgen")?;
    let want = format!("wasm-bindgen {version}");
    if output(Command::new("wasm-bindgen").arg("--version")).as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    step(&format!(
        "installing wasm-bindgen-cli {version} (about 2 minutes)"
    ));
    // Not --locked: with it, the registry cannot resolve the pinned webpki-roots.
    run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--force",
    ]))
}

/// The version of `package` that Cargo.lock pins.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let header = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&header)
        .ok_or_else(|| format!("Cargo.lock has no package {package}"))?
        + header.len();
    let len = lock[start..].find('"').unwrap_or(0);
    Ok(lock[start..start + len].to_string())
}

pub fn node_bin() -> PathBuf {
    root().join("node_modules").join(".bin")
}

pub fn ensure_node_modules() -> Result {
    let have = node_bin().join("wasm-opt").exists()
        && root()
            .join("node_modules/playwright-core/package.json")
            .exists();
    if have {
        return Ok(());
    }
    step("installing node packages (binaryen's wasm-opt, playwright-core)");
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(root()))
}

pub fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    step("installing Debian's chromium and chromium-driver");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// PATH with the project's node tools first, so Trunk finds binaryen's wasm-opt.
pub fn path_with_node_bin() -> String {
    let current = std::env::var("PATH").unwrap_or_default();
    format!("{}:{current}", node_bin().display())
}

fn step(what: &str) {
    eprintln!("xtask setup: {what}");
}
