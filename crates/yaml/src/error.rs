//! Parse errors with a source location.

use std::fmt;

/// A YAML error: where it happened and what went wrong.
///
/// `Display` prints `file:line:column: message`, the form compilers and editors understand.
/// Use [`Error::goyaml`] for the `yaml: line N: message` wording that go-yaml (and therefore
/// kustomize and Helm) print.
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
}

impl Error {
    /// An error at a position.
    pub fn new(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Error {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    /// The message the way go-yaml words it: `yaml: line 7: mapping values are not allowed in
    /// this context`. go-yaml prints only the line.
    pub fn goyaml(&self) -> String {
        if self.line == 0 {
            format!("yaml: {}", self.message)
        } else {
            format!("yaml: line {}: {}", self.line, self.message)
        }
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
