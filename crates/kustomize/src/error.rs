//! Errors worded like kustomize's, prefixes included, so a user can compare them with
//! `kubectl kustomize` output.

use std::fmt;

/// A build failure. The message carries kustomize's own context chain
/// (`accumulating resources: ...`), outermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }

    /// Adds an outer context, as Go's `errors.WrapPrefixf(err, "...")` does.
    pub fn wrap(self, prefix: impl fmt::Display) -> Self {
        Error {
            message: format!("{prefix}: {}", self.message),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// `err!("...")` builds an [`Error`] from a format string.
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::error::Error::new(format!($($arg)*)) };
}
