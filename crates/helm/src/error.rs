//! Errors, worded as Helm words them.

use std::fmt;

/// What went wrong while loading or rendering a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelmError {
    /// The chart could not be loaded (Chart.yaml, values.yaml, archives, .helmignore).
    Load(String),
    /// A values file or `--set` flag is malformed.
    Values(String),
    /// The values do not satisfy a values.schema.json.
    Schema(String),
    /// A template failed to parse or execute (Helm's reformatted message).
    Render(String),
    /// A release action (install, uninstall) failed: a name in use or invalid, or the
    /// cluster refused an object.
    Release(String),
}

impl HelmError {
    /// The message without a category.
    pub fn message(&self) -> &str {
        match self {
            HelmError::Load(m)
            | HelmError::Values(m)
            | HelmError::Schema(m)
            | HelmError::Render(m)
            | HelmError::Release(m) => m,
        }
    }
}

impl fmt::Display for HelmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for HelmError {}
