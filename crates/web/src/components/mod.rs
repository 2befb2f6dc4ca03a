//! The page's building blocks, one per file.

pub mod editor;
pub mod file_tree;
pub mod output;
pub mod problems;
