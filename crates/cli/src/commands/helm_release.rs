//! `kubeplay helm install NAME CHART`: installs a release into a fresh simulated cluster, as
//! `helm install` does into a real one, and prints what Helm prints. The CLI keeps no cluster
//! between invocations, so the rest of a release's life happens in the same run:
//! `--simulate 60s` runs the cluster's virtual clock and prints its pods, `--list` prints
//! `helm list`, `--uninstall` then uninstalls the release (`release "NAME" uninstalled`).

use super::helm::{load, user_values, wall_clock, ValuesArgs};
use super::{CliError, CliResult};
use kubeplay_cluster::clock::parse_duration;
use kubeplay_cluster::limits::MAX_VIRTUAL_TIME;
use kubeplay_cluster::printers::{pod_row, table, POD_HEADER};
use kubeplay_cluster::{Cluster, ClusterConfig, SimError};
use kubeplay_helm::release::{self, InstallOptions, UninstallOptions};
use kubeplay_helm::{RenderOptions, TemplateOptions};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct InstallArgs {
    /// Release name
    pub name: String,
    /// Chart directory or .tgz
    pub chart: PathBuf,
    #[command(flatten)]
    pub values: ValuesArgs,
    #[arg(short = 'n', long = "namespace", default_value = "default")]
    pub namespace: String,
    /// Create the release namespace if it does not exist
    #[arg(long = "create-namespace")]
    pub create_namespace: bool,
    /// Reuse the name of a failed or uninstalled release
    #[arg(long)]
    pub replace: bool,
    /// Run the simulated cluster this long after installing (e.g. 60s, 5m) and print its pods
    #[arg(long, value_name = "DURATION")]
    pub simulate: Option<String>,
    /// Print `helm list` after installing (and after simulating)
    #[arg(long)]
    pub list: bool,
    /// Uninstall the release at the end, like `helm uninstall NAME`
    #[arg(long)]
    pub uninstall: bool,
    /// With --uninstall: keep the release record, marked uninstalled
    #[arg(long = "keep-history", requires = "uninstall")]
    pub keep_history: bool,
    /// Seed for the simulation's random choices
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn install(args: InstallArgs) -> CliResult {
    print!("{}", install_output(args)?);
    Ok(())
}

/// What `install` prints.
fn install_output(args: InstallArgs) -> Result<String, CliError> {
    let duration = match &args.simulate {
        None => None,
        Some(d) => {
            let ms = parse_duration(d).map_err(CliError)?;
            if ms > MAX_VIRTUAL_TIME {
                let err = SimError::DurationTooLong {
                    requested_ms: ms,
                    max_ms: MAX_VIRTUAL_TIME,
                };
                return Err(CliError(err.to_string()));
            }
            Some(ms)
        }
    };
    let chart = load(&args.chart)?;
    let vals = user_values(&args.values)?;
    let now = wall_clock();
    let opts = InstallOptions {
        template: TemplateOptions {
            render: RenderOptions {
                name: args.name.clone(),
                namespace: args.namespace.clone(),
                now,
                ..Default::default()
            },
            ..Default::default()
        },
        user_config: vals.clone(),
        create_namespace: args.create_namespace,
        replace: args.replace,
    };
    let mut cluster = Cluster::new(ClusterConfig {
        seed: args.seed,
        ..ClusterConfig::default()
    });
    let installed = release::install(&mut cluster, &chart, &vals, &opts)
        .map_err(|e| CliError(format!("INSTALLATION FAILED: {e}")))?;
    let mut out = release::install_status(&installed);
    if let Some(ms) = duration {
        cluster.run_until(ms).map_err(|e| CliError(e.to_string()))?;
        let rows: Vec<_> = cluster
            .list("Pod")
            .iter()
            .map(|p| pod_row(p, cluster.now()))
            .collect();
        out.push('\n');
        if rows.is_empty() {
            out.push_str(&format!(
                "No resources found in {} namespace.\n",
                args.namespace
            ));
        } else {
            out.push_str(&table(POD_HEADER, &rows));
        }
    }
    if args.list {
        out.push('\n');
        out.push_str(&release::list_table(&release::list(
            &cluster,
            Some(&args.namespace),
        )));
    }
    if args.uninstall {
        let un = UninstallOptions {
            namespace: args.namespace.clone(),
            keep_history: args.keep_history,
            now: wall_clock(),
        };
        release::uninstall(&mut cluster, &args.name, &un).map_err(|e| CliError(e.to_string()))?;
        out.push_str(&format!("release \"{}\" uninstalled\n", args.name));
        if args.list {
            out.push_str(&release::list_table(&release::list(
                &cluster,
                Some(&args.namespace),
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: InstallArgs,
    }

    fn starter(dir: &std::path::Path) -> PathBuf {
        let chart = dir.join("web");
        for (rel, text) in kubeplay_helm::starter::starter_files("web") {
            let dest = chart.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(dest, text).unwrap();
        }
        chart
    }

    fn run(argv: &[&str]) -> Result<String, CliError> {
        let cli = Cli::try_parse_from(std::iter::once("install").chain(argv.iter().copied()))
            .map_err(|e| CliError(e.to_string()))?;
        install_output(cli.args)
    }

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "kubeplay-helm-install-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn install_simulate_list_uninstall_in_one_run() {
        let dir = tmp("life");
        let chart = starter(&dir);
        let out = run(&[
            "web",
            chart.to_str().unwrap(),
            "--simulate",
            "60s",
            "--list",
            "--uninstall",
        ])
        .unwrap();
        assert!(out.starts_with("NAME: web\nLAST DEPLOYED: "), "{out}");
        assert!(out.contains("\nSTATUS: deployed\nREVISION: 1\nDESCRIPTION: Install complete\nTEST SUITE: None\nNOTES:\n"), "{out}");
        let pods = out
            .lines()
            .find(|l| l.starts_with("web-"))
            .expect("a pod row");
        assert!(pods.contains("Running"), "{out}");
        assert!(
            out.contains("\tdeployed\tweb-0.1.0\t1.27.0     \n"),
            "{out}"
        );
        assert!(out.ends_with("release \"web\" uninstalled\nNAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"), "{out}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_read_as_helms() {
        let dir = tmp("errors");
        let chart = starter(&dir);
        let e = run(&["Web", chart.to_str().unwrap()]).unwrap_err();
        assert!(e.0.starts_with("INSTALLATION FAILED: release name \"Web\": invalid release name, must match regex "), "{e}");
        let bad = dir.join("bad");
        std::fs::create_dir_all(bad.join("templates")).unwrap();
        std::fs::write(
            bad.join("Chart.yaml"),
            "apiVersion: v2\nname: bad\nversion: 0.1.0\n",
        )
        .unwrap();
        std::fs::write(
            bad.join("templates/x.yaml"),
            "{{ required \"x is required\" .Values.x }}\n",
        )
        .unwrap();
        let e = run(&["web", bad.to_str().unwrap()]).unwrap_err();
        assert_eq!(
            e.0,
            "INSTALLATION FAILED: execution error at (bad/templates/x.yaml:1:3): x is required"
        );
        let e = run(&["web", chart.to_str().unwrap(), "--simulate", "1000h"]).unwrap_err();
        assert_eq!(
            e.0,
            "cannot simulate up to 1000h0m0s: the virtual clock is limited to 168h0m0s"
        );
        let e = run(&["web", chart.to_str().unwrap(), "-n", "nope"]).unwrap_err();
        assert!(
            e.0.starts_with("INSTALLATION FAILED: create: failed to create: "),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
