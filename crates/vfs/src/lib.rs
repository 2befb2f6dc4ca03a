//! An in-memory file tree, the only "file system" the engines see.
//!
//! The page keeps the user's workspace in memory, the CLI reads a directory into the same tree,
//! and the Git repository of the GitOps engine stores one tree per commit. Engines therefore do
//! no I/O of their own, which keeps them deterministic and lets them run unchanged in wasm.
//!
//! Paths are POSIX-style and absolute (`/app/base/kustomization.yaml`); [`normalize`] resolves
//! `.` and `..` lexically, the way kustomize's in-memory file system does. Directories exist
//! implicitly when a file lies under them, and can also be created empty.

mod path;
mod tree;

pub use path::{file_name, go_clean, join, normalize, parent};
pub use tree::{Entry, FileTree, VfsError};
