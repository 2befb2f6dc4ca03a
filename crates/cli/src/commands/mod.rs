//! One module per subcommand. A handler returns `Result<(), CliError>`; `main` prints the error.

pub mod app;
pub mod health;
pub mod helm;
pub mod helm_release;
pub mod kustomize;
pub mod simulate;

use std::fmt;

/// An error for the user: printed after `Error: ` with a non-zero exit.
#[derive(Debug)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError(message)
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        CliError(err.to_string())
    }
}

pub type CliResult = Result<(), CliError>;

/// The error for a subcommand whose engine has not landed yet: says which issue brings it.
pub fn engine_not_ready(what: &str, issue: u32) -> CliError {
    CliError(format!(
        "{what} is not available in this build yet (tracked in issue #{issue})"
    ))
}
