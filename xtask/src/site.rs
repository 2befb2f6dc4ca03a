//! Building the web app with Trunk (release, offline: every tool is pinned and local).

use crate::process::run;
use crate::tools::path_with_node_bin;
use crate::{root, Result};
use std::path::PathBuf;
use std::process::Command;

pub fn dist() -> PathBuf {
    root().join("dist")
}

pub fn build() -> Result {
    run(Command::new("trunk")
        .args(["build", "--release", "--offline"])
        .env("PATH", path_with_node_bin())
        .current_dir(root()))
}
