//! `kubeplay app diff|sync`: an Argo CD-style Application over a local directory. The
//! directory becomes commit 1 of the in-memory repository; the simulated cluster starts
//! empty.

use super::{CliError, CliResult};
use clap::Subcommand;
use kubeplay_cluster::clock::{parse_duration, Millis};
use kubeplay_cluster::{Cluster, ClusterConfig};
use kubeplay_gitops::api::GitOps;
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_gitops::controller::SyncRequest;
use kubeplay_gitops::textdiff;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum Command {
    /// Show the diff between the directory's desired state and the simulated live state
    Diff {
        /// The Application manifest
        app: PathBuf,
        /// The directory that plays the Git repository
        #[arg(long)]
        repo: PathBuf,
    },
    /// Sync the Application and print the resource tree
    Sync {
        app: PathBuf,
        #[arg(long)]
        repo: PathBuf,
        /// Delete live resources that are no longer in Git
        #[arg(long)]
        prune: bool,
        /// Preview without changing the cluster
        #[arg(long)]
        dry_run: bool,
        /// How long to let the cluster run after the sync (Go duration), for health
        #[arg(long = "for", default_value = "30s")]
        settle: String,
    },
}

pub fn run(command: Command) -> CliResult {
    match command {
        Command::Diff { app, repo } => {
            let (g, name) = load(&app, &repo)?;
            print!("{}", conditions(&g, &name));
            print!("{}", diff_text(&g, &name));
            Ok(())
        }
        Command::Sync {
            app,
            repo,
            prune,
            dry_run,
            settle,
        } => {
            let settle = parse_duration(&settle).map_err(CliError)?;
            let (mut g, name) = load(&app, &repo)?;
            g.sync(
                &name,
                &SyncRequest {
                    prune,
                    dry_run,
                    ..SyncRequest::default()
                },
            )?;
            // Operations wait for health between waves and for hooks; 30 virtual minutes
            // is far beyond any sane sync.
            g.run_until_idle(30 * 60 * 1000)
                .map_err(|e| e.to_string())?;
            g.advance(settle).map_err(|e| e.to_string())?;
            print!("{}", sync_text(&g, &name, settle));
            Ok(())
        }
    }
}

fn load(app_path: &Path, repo: &Path) -> Result<(GitOps, String), CliError> {
    let text =
        std::fs::read_to_string(app_path).map_err(|e| format!("{}: {e}", app_path.display()))?;
    let tree = crate::fsio::read_tree(repo).map_err(|e| format!("{}: {e}", repo.display()))?;
    let mut g = GitOps::new(
        &format!("file://{}", repo.display()),
        Cluster::new(ClusterConfig::default()),
    );
    g.commit(tree, &format!("import {}", repo.display()), "kubeplay")
        .map_err(|e| e.to_string())?;
    let names = g
        .apply_applications(&text, &app_path.display().to_string())
        .map_err(|errs| {
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })?;
    if names.len() != 1 {
        return Err(CliError(format!(
            "{}: expected one Application, found {}",
            app_path.display(),
            names.len()
        )));
    }
    let name = names[0].clone();
    // The directory is the repository: the app follows it whatever repoURL says.
    g.refresh(&name);
    Ok((g, name))
}

fn conditions(g: &GitOps, name: &str) -> String {
    let mut out = String::new();
    for c in g.app(name).map(|s| s.conditions()).unwrap_or_default() {
        out.push_str(&format!("{}: {}\n", c.kind.as_str(), c.message));
    }
    out
}

/// `argocd app diff` style: a header per resource, then its unified diff.
fn diff_text(g: &GitOps, name: &str) -> String {
    let mut out = String::new();
    let Some(cmp) = g.app(name).and_then(|s| s.comparison.as_ref()) else {
        return out;
    };
    for r in cmp
        .resources
        .iter()
        .filter(|r| r.status != SyncStatus::Synced)
    {
        let (_, _, hunks) = r.diff.yaml_diff();
        out.push_str(&format!(
            "===== {}/{} {}/{} ======\n",
            r.key.group, r.key.kind, r.key.namespace, r.key.name
        ));
        out.push_str(&textdiff::render(&hunks));
    }
    out
}

fn table(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn sync_text(g: &GitOps, name: &str, settle: Millis) -> String {
    let mut out = String::new();
    let Some(state) = g.app(name) else { return out };
    let Some(op) = &state.operation else {
        return conditions(g, name);
    };
    let cmp = state.comparison.as_ref();
    let short = |r: &str| r.chars().take(7).collect::<String>();
    let commit = g.repo.resolve(&op.revision).ok();
    out.push_str(&format!("Name:               {}\n", state.app.name));
    out.push_str(&format!("Project:            {}\n", state.app.project));
    out.push_str(&format!(
        "Source:             {} (path {:?}{})\n",
        g.repo.url,
        state.app.source.path,
        cmp.and_then(|c| c.source_type)
            .map_or(String::new(), |t| format!(", {}", t.as_str()))
    ));
    out.push_str(&format!(
        "Target:             {}\n",
        if state.app.source.target_revision.is_empty() {
            "HEAD"
        } else {
            &state.app.source.target_revision
        }
    ));
    out.push_str(&format!(
        "Destination:        {}\n",
        state.app.destination.namespace
    ));
    out.push_str(&format!(
        "Sync Status:        {}\n",
        state.sync_status().as_str()
    ));
    if let Some(c) = cmp {
        let h = &c.health;
        out.push_str(&format!(
            "Health Status:      {}{}\n",
            h.status,
            if h.message.is_empty() {
                String::new()
            } else {
                format!(" ({})", h.message)
            }
        ));
    }
    out.push_str(&conditions(g, name));
    out.push('\n');
    out.push_str("Operation:          Sync\n");
    out.push_str(&format!(
        "Sync Revision:      {}{}\n",
        short(&op.revision),
        commit.map_or(String::new(), |c| format!(" ({})", c.message))
    ));
    out.push_str(&format!("Phase:              {}\n", op.phase.as_str()));
    out.push_str(&format!(
        "Start:              {} ms (virtual)\n",
        op.started_at
    ));
    out.push_str(&format!(
        "Finished:           {} ms (virtual)\n",
        op.finished_at.unwrap_or(0)
    ));
    out.push_str(&format!("Message:            {}\n\n", op.message));
    let mut rows = vec![[
        "GROUP",
        "KIND",
        "NAMESPACE",
        "NAME",
        "STATUS",
        "HEALTH",
        "HOOK",
        "MESSAGE",
    ]
    .map(String::from)
    .to_vec()];
    for t in &op.tasks {
        let health = cmp
            .and_then(|c| c.resource(&t.key))
            .and_then(|r| r.health.as_ref())
            .map_or(String::new(), |h| h.status.to_string());
        rows.push(vec![
            t.key.group.clone(),
            t.key.kind.clone(),
            t.key.namespace.clone(),
            t.key.name.clone(),
            t.result.map_or("", |r| r.as_str()).to_string(),
            health,
            if t.hook {
                t.phase.as_str().to_string()
            } else {
                String::new()
            },
            t.message.clone(),
        ]);
    }
    out.push_str(&table(&rows));
    out.push_str(&format!(
        "\nResource tree ({} s after the sync):\n",
        settle / 1000
    ));
    out.push_str(&g.tree_text(name));
    out
}
