//! Parse errors with a source location.

use std::fmt;

/// A YAML error: where it happened and what went wrong.
///
/// `Display` prints `file:line:column: message`, the form compilers and editors understand.
/// [`Error::goyaml`] is the text go-yaml prints for the same problem (kustomize and Helm show
/// it wrapped in their own words): `yaml: line 6: did not find expected key`. Its line can
/// differ from `line`: go-yaml reports where the enclosing construct started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Name of the source file, as given to the parser (may be empty).
    pub file: String,
    /// 1-based line of the problem (0 when there is no position, e.g. a conversion error).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What went wrong, worded like libyaml / go-yaml where there is an equivalent.
    pub message: String,
    /// go-yaml's full error text for this problem.
    pub goyaml: String,
}

impl Error {
    /// An error at a position.
    /// An error at a position; its go-yaml text is `yaml: line L: message`.
    pub fn new(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        let message = message.into();
        let goyaml = if line == 0 {
            format!("yaml: {message}")
        } else {
            format!("yaml: line {line}: {message}")
        };
        Error {
            file: file.to_string(),
            line,
            column,
            message,
            goyaml,
        }
    }

    /// Replaces the go-yaml text.
    pub fn with_goyaml(mut self, goyaml: impl Into<String>) -> Self {
        self.goyaml = goyaml.into();
        self
    }

    /// The message the way go-yaml words it, e.g. `yaml: line 7: mapping values are not
    /// allowed in this context` (go-yaml prints no column).
    pub fn goyaml(&self) -> &str {
        &self.goyaml
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = if self.file.is_empty() {
            "<input>"
        } else {
            &self.file
        };
        if self.line == 0 {
            write!(f, "{}: {}", file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                file, self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for Error {}
