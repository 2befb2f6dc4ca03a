//! Errors: what the API server answers (worded like it, spec 10) and the simulator's own limits.

use std::fmt;

/// One field error, printed `<path>: <type>: <detail>` like `field.Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub kind: FieldErrorKind,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// `Invalid value: <value>` (the value is printed as the API server prints it).
    Invalid(String),
    Required,
    Forbidden,
    /// `Unsupported value: "<v>"`
    NotSupported(String),
    /// `Duplicate value: "<v>"`
    Duplicate(String),
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FieldErrorKind::Invalid(v) => write!(f, "{}: Invalid value: {}", self.path, v)?,
            FieldErrorKind::Required => write!(f, "{}: Required value", self.path)?,
            FieldErrorKind::Forbidden => write!(f, "{}: Forbidden", self.path)?,
            FieldErrorKind::NotSupported(v) => {
                write!(f, "{}: Unsupported value: {}", self.path, v)?
            }
            FieldErrorKind::Duplicate(v) => write!(f, "{}: Duplicate value: {}", self.path, v)?,
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// An error from the simulated API server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `Pod "x" is invalid: <errors>` (spec 10).
    Invalid {
        kind: String,
        name: String,
        errors: Vec<FieldError>,
    },
    /// The body could not be decoded into the kind's Go struct (a string where a number goes...).
    BadRequest(String),
    /// `no matches for kind "Foo" in version "v1"`
    NoKindMatch {
        kind: String,
        api_version: String,
    },
    NotFound {
        resource: String,
        name: String,
    },
    AlreadyExists {
        resource: String,
        name: String,
    },
    /// The simulator refuses something on purpose (a limit); not an API server error.
    Limit(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Invalid { kind, name, errors } => {
                write!(f, "{kind} \"{name}\" is invalid: ")?;
                if errors.len() == 1 {
                    write!(f, "{}", errors[0])
                } else {
                    let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                    write!(f, "[{}]", all.join(", "))
                }
            }
            ApiError::BadRequest(m) => f.write_str(m),
            ApiError::NoKindMatch { kind, api_version } => {
                write!(
                    f,
                    "no matches for kind \"{kind}\" in version \"{api_version}\""
                )
            }
            ApiError::NotFound { resource, name } => {
                write!(f, "{resource} \"{name}\" not found")
            }
            ApiError::AlreadyExists { resource, name } => {
                write!(f, "{resource} \"{name}\" already exists")
            }
            ApiError::Limit(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ApiError {}

/// The simulation could not go on: a limit was hit. Never a panic, never a hang.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimError {
    /// Asked to run past [`crate::limits::MAX_VIRTUAL_TIME`].
    DurationTooLong { requested_ms: u64, max_ms: u64 },
    /// More than [`crate::limits::MAX_PROCESSED_TASKS`] kubelet/controller steps.
    TooManySteps { max: u64 },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::DurationTooLong {
                requested_ms,
                max_ms,
            } => write!(
                f,
                "cannot simulate up to {}: the virtual clock is limited to {}",
                crate::clock::go_duration(*requested_ms),
                crate::clock::go_duration(*max_ms)
            ),
            SimError::TooManySteps { max } => write!(
                f,
                "the simulation stopped after {max} steps (limit); simulate fewer objects or a shorter time"
            ),
        }
    }
}

impl std::error::Error for SimError {}
