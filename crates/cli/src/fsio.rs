//! The CLI's only disk access: reading a directory into the engines' in-memory tree.

use kubeplay_vfs::FileTree;
use std::fs;
use std::io;
use std::path::Path;

/// Upper bound on what is read from disk, so a wrong path (say `/`) fails fast and clearly.
pub const MAX_TREE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads every file under `dir` into a tree rooted at `/`, keeping empty directories.
/// Symlinks are followed, as kustomize and helm do. Hidden entries are kept: the engines decide
/// what to ignore (`.helmignore`, for one).
pub fn read_tree(dir: &Path) -> io::Result<FileTree> {
    let mut tree = FileTree::new();
    let mut budget = MAX_TREE_BYTES;
    walk(dir, "", &mut tree, &mut budget)?;
    Ok(tree)
}

fn walk(dir: &Path, rel: &str, tree: &mut FileTree, budget: &mut u64) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    if entries.is_empty() && !rel.is_empty() {
        tree.create_dir(rel).map_err(io::Error::other)?;
    }
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let child = format!("{rel}/{name}");
        if fs::metadata(&path)?.is_dir() {
            walk(&path, &child, tree, budget)?;
        } else {
            let bytes = fs::read(&path)?;
            *budget = budget.checked_sub(bytes.len() as u64).ok_or_else(|| {
                io::Error::other(format!(
                    "{}: the directory holds more than {} MiB; refusing to read further",
                    dir.display(),
                    MAX_TREE_BYTES / (1024 * 1024)
                ))
            })?;
            tree.write(&child, bytes).map_err(io::Error::other)?;
        }
    }
    Ok(())
}
