//! The page's building blocks, one per file.

pub mod dialogs;
pub mod editor;
pub mod file_tree;
pub mod history;
pub mod live;
pub mod output;
pub mod problems;
pub mod splitter;
