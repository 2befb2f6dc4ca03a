//! `kubeplay helm template|render|create|install`: Helm 4's rendering, offline; `install`
//! (in `helm_release.rs`) puts a release into a fresh simulated cluster.

use super::{CliError, CliResult};
use clap::{Args as ClapArgs, Subcommand};
use kubeplay_helm::{Chart, RenderOptions, TemplateOptions, UserValues};
use std::path::{Path, PathBuf};

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
        /// Kubernetes API versions for Capabilities.APIVersions (can repeat)
        #[arg(short = 'a', long = "api-versions")]
        api_versions: Vec<String>,
        /// Include CRDs in the output
        #[arg(long = "include-crds")]
        include_crds: bool,
        /// Skip tests from the output
        #[arg(long = "skip-tests")]
        skip_tests: bool,
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
    /// Install a release into a fresh simulated cluster like `helm install` (with --simulate,
    /// --list and --uninstall for the rest of its life in the same run)
    Install(super::helm_release::InstallArgs),
}

pub fn run(command: Command) -> CliResult {
    match command {
        Command::Install(args) => super::helm_release::install(args),
        Command::Template {
            args,
            values,
            namespace,
            output_dir,
            show_only,
            kube_version,
            api_versions,
            include_crds,
            skip_tests,
        } => {
            let (name, chart_path) = match args.as_slice() {
                [chart] => ("release-name".to_string(), chart.clone()),
                [name, chart] => (name.clone(), chart.clone()),
                _ => return Err(CliError("expected [NAME] CHART".into())),
            };
            let chart = load(Path::new(&chart_path))?;
            let vals = user_values(&values)?;
            let opts = TemplateOptions {
                render: RenderOptions {
                    name,
                    namespace,
                    kube_version,
                    api_versions,
                    now: wall_clock(),
                    ..Default::default()
                },
                show_only,
                include_crds,
                skip_tests,
            };
            let out = kubeplay_helm::template(&chart, &vals, &opts)
                .map_err(|e| CliError(e.to_string()))?;
            match output_dir {
                None => {
                    let text = out.to_stream().map_err(|e| CliError(e.to_string()))?;
                    write_stdout(&text)?;
                }
                Some(dir) => {
                    // Helm writes each manifest under DIR/<source path>, appending to a file
                    // that several manifests share.
                    let mut written = std::collections::BTreeSet::new();
                    for m in &out.manifests {
                        let path = dir.join(&m.source);
                        if let Some(parent) = path.parent() {
                            std::fs::create_dir_all(parent)?;
                        }
                        let text = format!("---\n# Source: {}\n{}\n", m.source, m.content);
                        if written.insert(path.clone()) {
                            std::fs::write(&path, text)?;
                        } else {
                            use std::io::Write;
                            std::fs::OpenOptions::new()
                                .append(true)
                                .open(&path)?
                                .write_all(text.as_bytes())?;
                        }
                        println!("wrote {}", path.display());
                    }
                }
            }
            Ok(())
        }
        Command::Render {
            chart,
            values,
            name,
            namespace,
            out,
        } => {
            let chart = load(&chart)?;
            let vals = user_values(&values)?;
            let opts = RenderOptions {
                name,
                namespace,
                now: wall_clock(),
                ..Default::default()
            };
            let rendered =
                kubeplay_helm::render(&chart, &vals, &opts).map_err(|e| CliError(e.to_string()))?;
            for (path, text) in &rendered.templates {
                let dest = out.join(path);
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&dest, text)?;
            }
            Ok(())
        }
        Command::Create { name } => {
            let chart_name = name
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| CliError(format!("invalid chart name {}", name.display())))?;
            kubeplay_helm::starter::validate_name(&chart_name).map_err(CliError)?;
            for (rel, text) in kubeplay_helm::starter::starter_files(&chart_name) {
                let dest = name.join(rel);
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&dest, text)?;
            }
            println!("Creating {}", name.display());
            Ok(())
        }
    }
}

/// Prints to stdout; a closed pipe (`| head`) ends the output quietly, as Helm's does.
fn write_stdout(text: &str) -> CliResult {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(CliError::from),
    }
}

/// The CLI reads the clock for `now` and certificate dates, as `helm template` does.
pub fn wall_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn load(path: &Path) -> Result<Chart, CliError> {
    if path.is_file() {
        let bytes = std::fs::read(path)?;
        return kubeplay_helm::load_archive(&bytes).map_err(|e| CliError(e.to_string()));
    }
    let tree = crate::fsio::read_tree(path).map_err(|e| {
        CliError(format!(
            "path {:?} not found: {e}",
            path.display().to_string()
        ))
    })?;
    kubeplay_helm::load_chart(&tree, "/").map_err(|e| CliError(e.to_string()))
}

pub fn user_values(args: &ValuesArgs) -> Result<kubeplay_helm::Values, CliError> {
    let mut uv = UserValues::default();
    for f in &args.values {
        let text = std::fs::read_to_string(f)
            .map_err(|e| CliError(format!("open {}: {e}", f.display())))?;
        uv.files.push((f.display().to_string(), text));
    }
    uv.set = args.set.clone();
    uv.set_string = args.set_string.clone();
    uv.set_json = args.set_json.clone();
    uv.set_file = args.set_file.clone();
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("open {p}: {e}"));
    uv.merged(&read).map_err(|e| CliError(e.to_string()))
}
