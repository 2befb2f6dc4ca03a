//! Errors worded exactly as Go's `text/template` words them.

use std::fmt;

/// What went wrong, coarsely; the message carries Go's exact text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The template text does not parse (`template: NAME:LINE: MSG`).
    Parse,
    /// Execution failed (`template: NAME:LINE:COL: executing "NAME" at <CTX>: MSG`).
    Exec,
    /// A resource limit of [`crate::Limits`] was hit during execution.
    Limit,
}

/// A parse or execution error. `Display` prints Go's message; the parts
/// are readable through `Deref` (`err.kind`, `err.message`...). Boxed so
/// that `Result`s stay small on the recursive paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<ErrorData>);

/// The parts of an [`Error`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorData {
    pub kind: ErrorKind,
    /// Name of the template being parsed or executed.
    pub template: String,
    /// `NAME:LINE:COL` (exec) or `NAME:LINE` (parse) when known.
    pub location: Option<String>,
    /// The node being executed (truncated like Go), for exec errors.
    pub context: Option<String>,
    /// The bare message after the prefix, e.g. `error calling fail: boom`.
    pub message: String,
    /// For function errors, the function's own message (`boom`), so a host
    /// such as Helm can reword `fail`/`required` errors.
    pub cause: Option<String>,
}

impl Error {
    pub(crate) fn new(data: ErrorData) -> Error {
        Error(Box::new(data))
    }

    pub(crate) fn parse(location: String, message: String) -> Error {
        Error::new(ErrorData {
            kind: ErrorKind::Parse,
            template: String::new(),
            location: Some(location),
            context: None,
            message,
            cause: None,
        })
    }

    /// A plain error not tied to a template position (e.g. no such template).
    pub fn other(message: impl Into<String>) -> Error {
        Error::new(ErrorData {
            kind: ErrorKind::Exec,
            template: String::new(),
            location: None,
            context: None,
            message: message.into(),
            cause: None,
        })
    }
}

impl std::ops::Deref for Error {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.location, &self.context) {
            (ErrorKind::Parse, Some(loc), _) => write!(f, "template: {}: {}", loc, self.message),
            (_, Some(loc), Some(ctx)) => write!(
                f,
                "template: {}: executing {} at <{}>: {}",
                loc,
                crate::strconv::quote(&self.template),
                ctx,
                self.message
            ),
            (_, _, _) if self.template.is_empty() => write!(f, "{}", self.message),
            _ => write!(f, "template: {}: {}", self.template, self.message),
        }
    }
}

impl std::error::Error for Error {}

/// The error a template function returns; the engine wraps it as
/// `error calling NAME: MSG`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncError {
    pub msg: String,
    /// A limit error from a nested execution, passed through unwrapped.
    pub(crate) limit: Option<Error>,
}

impl FuncError {
    pub fn new(msg: impl Into<String>) -> FuncError {
        FuncError {
            msg: msg.into(),
            limit: None,
        }
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for FuncError {}

impl From<String> for FuncError {
    fn from(s: String) -> Self {
        FuncError::new(s)
    }
}
impl From<&str> for FuncError {
    fn from(s: &str) -> Self {
        FuncError::new(s)
    }
}
impl From<Error> for FuncError {
    /// Nested execution errors keep Go's text; limit errors pass through.
    fn from(e: Error) -> Self {
        FuncError {
            msg: e.to_string(),
            limit: (e.kind == ErrorKind::Limit).then_some(e.clone()),
        }
    }
}
