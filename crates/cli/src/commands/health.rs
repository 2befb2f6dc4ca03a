//! `kubeplay health FILE`: one `<Status>\t<message>` line per object, like Argo CD assesses it.

use super::{CliError, CliResult};
use kubeplay_gitops::health::{Assessor, RuleSet};
use kubeplay_yaml::{DuplicateKeys, JsonFlavor, JsonOptions, ParseOptions, Schema};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A manifest file with one or more objects
    pub file: PathBuf,
    /// Extra health rules for custom resources (win over the bundled ones); repeatable
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Only the gitops engine's built-in checks, without custom-resource rules
    #[arg(long = "builtin-only")]
    pub builtin_only: bool,
}

pub fn run(args: Args) -> CliResult {
    let mut assessor = if args.builtin_only {
        Assessor::builtin_only()
    } else {
        Assessor::new()
    };
    for path in &args.rules {
        let src = read(path)?;
        let rules =
            RuleSet::parse(&src).map_err(|e| CliError(format!("{}:{e}", path.display())))?;
        assessor = assessor.with_rules(rules);
    }

    let name = args.file.display().to_string();
    let src = read(&args.file)?;
    // Argo CD reads manifests through sigs.k8s.io/yaml: go-yaml v2 typing, a repeated key
    // overwrites the earlier one, timestamps stay the text they were written as.
    let options = ParseOptions {
        schema: Schema::GoYamlV2,
        duplicate_keys: DuplicateKeys::LastWins,
        ..ParseOptions::default()
    };
    let json = JsonOptions {
        flavor: JsonFlavor::SigsYaml,
        ..JsonOptions::default()
    };
    let docs = kubeplay_yaml::parse_documents_with(&src, &name, &options)
        .map_err(|e| CliError(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    for doc in &docs {
        let obj = kubeplay_yaml::to_json_with(doc, &json).map_err(|mut e| {
            e.file = name.clone();
            CliError(e.to_string())
        })?;
        // Empty documents (`---` with nothing after it) are not objects.
        if obj.is_null() {
            continue;
        }
        let line = match assessor.assess(&obj) {
            Some(h) => format!("{}\t{}", h.status, escape(&h.message)),
            None => "none\t".to_string(),
        };
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Keeps one object per line: backslash, tab, newline and CR in messages are written as
/// `\\`, `\t`, `\n`, `\r` (the escaping of the conformance index).
fn escape(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn read(path: &PathBuf) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError(format!("{}: {e}", path.display())))
}
