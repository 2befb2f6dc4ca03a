//! The workspace's history through the GitOps engine's in-memory Git repository: commits are
//! kept in the workspace as snapshots (so autosave and share links carry them) and replayed
//! into a [`Repo`] for ids, the log and diffs. Ids are content-addressed, so a shared link
//! shows the same ids.

use crate::workspace::{Snapshot, Workspace};
use kubeplay_gitops::git::{diff_trees, FileDiff, Repo};
use kubeplay_vfs::FileTree;
use std::collections::BTreeMap;

pub const AUTHOR: &str = "you <you@kubeplay.local>";

fn tree(files: &BTreeMap<String, String>) -> FileTree {
    let mut t = FileTree::new();
    for (p, text) in files {
        let _ = t.write(p, text.as_bytes());
    }
    t
}

/// The repository the snapshots make.
pub fn repo(ws: &Workspace) -> Repo {
    let mut repo = Repo::new("https://git.kubeplay.local/workspace.git");
    for s in &ws.history {
        let _ = repo.commit(tree(&s.files), &s.message, AUTHOR, s.time);
    }
    repo
}

/// The working tree's changes against the last commit (everything, before the first).
pub fn changes(ws: &Workspace) -> Vec<FileDiff> {
    let head = ws
        .history
        .last()
        .map(|s| tree(&s.files))
        .unwrap_or_default();
    diff_trees(&head, &tree(&ws.files))
}

/// Commits the working tree; returns the new commit's short id.
pub fn commit(ws: &mut Workspace, message: &str, time: u64) -> Result<String, String> {
    let message = message.trim();
    if message.is_empty() {
        return Err("a commit needs a message".into());
    }
    let mut r = repo(ws);
    let id = r
        .commit(tree(&ws.files), message, AUTHOR, time)
        .map_err(|e| e.to_string())?;
    ws.history.push(Snapshot {
        message: message.to_string(),
        time,
        files: ws.files.clone(),
    });
    Ok(id[..7].to_string())
}

/// One entry of the log: index into the history, short id, message.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub index: usize,
    pub id: String,
    pub message: String,
    pub time: u64,
}

/// Newest first.
pub fn log(ws: &Workspace) -> Vec<Entry> {
    let repo = repo(ws);
    let commits = repo.log();
    // The repo drops snapshots identical to their predecessor; the workspace never makes one.
    commits
        .iter()
        .zip((0..ws.history.len()).rev())
        .map(|(c, index)| Entry {
            index,
            id: c.short().to_string(),
            message: c.message.clone(),
            time: c.time,
        })
        .collect()
}

/// What commit `index` changed against its parent.
pub fn diff_of(ws: &Workspace, index: usize) -> Vec<FileDiff> {
    let Some(s) = ws.history.get(index) else {
        return Vec::new();
    };
    let parent = index
        .checked_sub(1)
        .and_then(|i| ws.history.get(i))
        .map(|p| tree(&p.files))
        .unwrap_or_default();
    diff_trees(&parent, &tree(&s.files))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;

    #[test]
    fn commits_log_and_diffs() {
        let mut ws = examples::KUSTOMIZE.workspace();
        assert_eq!(
            changes(&ws).len(),
            2,
            "everything is new before the first commit"
        );
        let first = commit(&mut ws, "seed example", 1_000).unwrap();
        assert!(changes(&ws).is_empty());
        assert!(commit(&mut ws, "again", 2_000)
            .unwrap_err()
            .contains("nothing to commit"));
        ws.select("/kustomize/kustomization.yaml");
        let text = ws.selected_text().replace("1.23.1", "1.25.0");
        ws.edit_selected(text);
        assert_eq!(changes(&ws).len(), 1);
        let second = commit(&mut ws, "bump tag", 3_000).unwrap();
        let entries = log(&ws);
        assert_eq!(
            entries
                .iter()
                .map(|e| (e.id.as_str(), e.message.as_str()))
                .collect::<Vec<_>>(),
            [
                (second.as_str(), "bump tag"),
                (first.as_str(), "seed example")
            ]
        );
        let d = diff_of(&ws, 1);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "/kustomize/kustomization.yaml");
        // Same content, same ids: a shared link shows the same history.
        let again = crate::share::decode(&crate::share::encode(&ws)).unwrap();
        assert_eq!(log(&again), entries);
        assert!(commit(&mut ws, "  ", 4_000).is_err());
    }
}
