//! The four corpora and how each one is run and read.

use super::{shared_dir, shell_quote, Tally};
use crate::process::stream;
use crate::Result;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    Kustomize,
    Helm,
    Health,
    Probes,
}

impl Corpus {
    pub const ALL: [Corpus; 4] = [
        Corpus::Kustomize,
        Corpus::Helm,
        Corpus::Health,
        Corpus::Probes,
    ];

    pub fn from_name(name: &str) -> Result<Corpus> {
        Ok(match name {
            "kustomize" => Corpus::Kustomize,
            "helm" => Corpus::Helm,
            "health" => Corpus::Health,
            "probes" => Corpus::Probes,
            other => {
                return Err(format!(
                    "unknown corpus '{other}': kustomize, helm, health or probes"
                ))
            }
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Corpus::Kustomize => "kustomize",
            Corpus::Helm => "helm",
            Corpus::Health => "health",
            Corpus::Probes => "probes",
        }
    }

    pub fn default_dir(self) -> PathBuf {
        shared_dir().join(self.name())
    }

    /// Runs the corpus in `dir` against the CLI `bin`; prints FAIL lines (and the runner's
    /// informative tallies) when `verbose`.
    pub fn run(self, dir: &Path, bin: &Path, verbose: bool) -> Result<Tally> {
        let bin = shell_quote(bin);
        let mut cmd = match self {
            Corpus::Kustomize => runner(dir, &format!("{bin} kustomize build {{dir}}"), None),
            Corpus::Helm => runner(
                dir,
                &format!(
                    "{bin} helm render {{chart}} -f {{values}} --name {{name}} --namespace {{namespace}} --out {{out}}"
                ),
                Some(dir.join("cases")),
            ),
            // The corpus scores gitops-engine cases against the engine's built-in checks alone
            // and argo-cd cases against built-in plus CRD rules (its README, "How to use").
            Corpus::Health => runner(
                dir,
                &format!(
                    "case {{file}} in */cases/gitops-engine/*) {bin} health --builtin-only {{file}} ;; *) {bin} health {{file}} ;; esac"
                ),
                Some(dir.to_path_buf()),
            ),
            Corpus::Probes => {
                let mut c = Command::new("bash");
                c.arg("-c").arg(format!(
                    "{bin} simulate --check-scenarios {}",
                    shell_quote(&dir.join("scenarios.yaml"))
                ));
                c
            }
        };
        let mut tally = None;
        stream(&mut cmd, |line| {
            if let Some(t) = parse_tally(line) {
                tally = Some(t);
            } else if verbose && is_report_line(line) {
                println!("{line}");
            }
        })?;
        // A CLI without this engine yet prints no tally: every case counts as failed.
        Ok(tally.unwrap_or(Tally {
            passed: 0,
            failed: self.case_count(dir),
        }))
    }

    /// How many cases the corpus holds (scored cases only, for kustomize).
    pub fn case_count(self, dir: &Path) -> usize {
        let read = |p: PathBuf| std::fs::read_to_string(p).unwrap_or_default();
        match self {
            Corpus::Kustomize => subdirs(&dir.join("cases"))
                .filter(|c| {
                    read(c.join("case.yaml"))
                        .lines()
                        .any(|l| l == "golden: kubectl")
                })
                .count(),
            Corpus::Helm => subdirs(&dir.join("cases")).count(),
            Corpus::Health => read(dir.join("cases.tsv")).lines().skip(1).count(),
            Corpus::Probes => read(dir.join("scenarios.yaml"))
                .lines()
                .filter(|l| l.starts_with("- id:"))
                .count(),
        }
    }
}

fn runner(dir: &Path, command: &str, cases_arg: Option<PathBuf>) -> Command {
    let script = dir.join("run.sh");
    // The corpora's runners are bash or python (read-only copies may lack exec bits).
    let first_line = std::fs::read_to_string(&script)
        .ok()
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_default();
    let interpreter = if first_line.contains("python") {
        "python3"
    } else {
        "bash"
    };
    let mut cmd = Command::new(interpreter);
    cmd.arg(script).arg(command);
    if let Some(cases) = cases_arg {
        cmd.arg(cases);
    }
    cmd
}

fn subdirs(dir: &Path) -> impl Iterator<Item = PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
}

/// FAIL lines, and the runners' extra tallies (`templates: X of Y identical`, per source).
fn is_report_line(line: &str) -> bool {
    line.starts_with("FAIL") || line.starts_with("templates:") || line.contains(" of ")
}

/// `N passed, M failed` optionally followed by `, K skipped`.
fn parse_tally(line: &str) -> Option<Tally> {
    let mut parts = line.split(", ");
    let passed = parts.next()?.strip_suffix(" passed")?.parse().ok()?;
    let failed = parts.next()?.strip_suffix(" failed")?.parse().ok()?;
    match parts.next() {
        None => {}
        Some(rest) if rest.ends_with(" skipped") => {}
        Some(_) => return None,
    }
    Some(Tally { passed, failed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_lines_with_and_without_skips() {
        assert_eq!(
            parse_tally("12 passed, 3 failed"),
            Some(Tally {
                passed: 12,
                failed: 3
            })
        );
        assert_eq!(
            parse_tally("200 passed, 8 failed, 20 skipped"),
            Some(Tally {
                passed: 200,
                failed: 8
            })
        );
        assert_eq!(parse_tally("FAIL x: 1 passed, 2 failed"), None);
        assert_eq!(parse_tally("templates: 3 of 4 identical"), None);
    }
}
