//! An in-memory Git repository: the single source of truth of GitOps (seed section 4).
//!
//! Commits hold a whole [`FileTree`] snapshot, a parent, a message, an author and a virtual
//! time; their ids are SHA-1 over that content, so the same edits give the same ids on every
//! machine. One branch moves forward with every saved edit; tags name commits; any two
//! revisions can be diffed file by file.

mod sha1;

use crate::textdiff::{self, Hunk};
use kubeplay_vfs::FileTree;
use std::collections::BTreeMap;

/// One commit.
#[derive(Debug, Clone)]
pub struct Commit {
    /// 40 hex digits, content-addressed.
    pub id: String,
    pub parent: Option<String>,
    pub message: String,
    pub author: String,
    /// Virtual time in ms.
    pub time: u64,
    pub tree: FileTree,
}

impl Commit {
    /// The 7-digit short id Git and Argo CD show.
    pub fn short(&self) -> &str {
        &self.id[..7]
    }
}

/// How a file changed between two revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    Added,
    Deleted,
    Modified,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    pub path: String,
    pub change: FileChange,
    pub hunks: Vec<Hunk>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// Git's own wording for a revision that names nothing.
    UnknownRevision(String),
    AmbiguousRevision(String),
    TagExists(String),
    NothingToCommit,
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::UnknownRevision(r) => write!(
                f,
                "unable to resolve '{r}' to a commit SHA: unknown revision or path not in the working tree"
            ),
            GitError::AmbiguousRevision(r) => write!(f, "short SHA1 {r} is ambiguous"),
            GitError::TagExists(t) => write!(f, "tag '{t}' already exists"),
            GitError::NothingToCommit => f.write_str("nothing to commit, working tree clean"),
        }
    }
}

/// The repository: commits, one branch, tags.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The URL Applications use for `spec.source.repoURL`.
    pub url: String,
    pub branch: String,
    head: Option<String>,
    commits: BTreeMap<String, Commit>,
    tags: BTreeMap<String, String>,
}

impl Repo {
    pub fn new(url: &str) -> Repo {
        Repo {
            url: url.to_string(),
            branch: "main".to_string(),
            head: None,
            commits: BTreeMap::new(),
            tags: BTreeMap::new(),
        }
    }

    /// Records `tree` as a new commit on the branch; refuses an identical tree (every saved
    /// edit is a commit, but saving nothing is not an edit).
    pub fn commit(
        &mut self,
        tree: FileTree,
        message: &str,
        author: &str,
        time: u64,
    ) -> Result<String, GitError> {
        if let Some(head) = self.head() {
            if head.tree == tree {
                return Err(GitError::NothingToCommit);
            }
        }
        let mut text = format!("tree {}\n", tree_id(&tree));
        if let Some(p) = &self.head {
            text.push_str(&format!("parent {p}\n"));
        }
        text.push_str(&format!("author {author} {time}\n\n{message}\n"));
        let id = sha1::hex(format!("commit {}\0{text}", text.len()).as_bytes());
        self.commits.insert(
            id.clone(),
            Commit {
                id: id.clone(),
                parent: self.head.clone(),
                message: message.to_string(),
                author: author.to_string(),
                time,
                tree,
            },
        );
        self.head = Some(id.clone());
        Ok(id)
    }

    pub fn head(&self) -> Option<&Commit> {
        self.head.as_ref().and_then(|h| self.commits.get(h))
    }

    pub fn tag(&mut self, name: &str, rev: &str) -> Result<(), GitError> {
        if self.tags.contains_key(name) {
            return Err(GitError::TagExists(name.to_string()));
        }
        let id = self.resolve(rev)?.id.clone();
        self.tags.insert(name.to_string(), id);
        Ok(())
    }

    pub fn tags(&self) -> impl Iterator<Item = (&str, &str)> {
        self.tags.iter().map(|(t, c)| (t.as_str(), c.as_str()))
    }

    /// A revision as Argo CD's `targetRevision` accepts it: `HEAD`, empty (= HEAD), the
    /// branch, a tag, a full commit id or an unambiguous prefix of at least 4 digits.
    pub fn resolve(&self, rev: &str) -> Result<&Commit, GitError> {
        let unknown = || GitError::UnknownRevision(rev.to_string());
        let id = if rev.is_empty() || rev == "HEAD" || rev == self.branch {
            self.head.clone().ok_or_else(unknown)?
        } else if let Some(id) = self.tags.get(rev) {
            id.clone()
        } else if rev.len() >= 4 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
            let lower = rev.to_ascii_lowercase();
            let mut found = self.commits.keys().filter(|id| id.starts_with(&lower));
            let id = found.next().ok_or_else(unknown)?;
            if found.next().is_some() {
                return Err(GitError::AmbiguousRevision(rev.to_string()));
            }
            id.clone()
        } else {
            return Err(unknown());
        };
        self.commits.get(&id).ok_or_else(unknown)
    }

    /// History of the branch, newest first (`git log`).
    pub fn log(&self) -> Vec<&Commit> {
        let mut out = Vec::new();
        let mut cur = self.head.as_ref();
        while let Some(id) = cur {
            let Some(c) = self.commits.get(id) else { break };
            out.push(c);
            cur = c.parent.as_ref();
        }
        out
    }

    /// Per-file changes from `from` to `to`, in path order, with 3 lines of context.
    pub fn diff(&self, from: &str, to: &str) -> Result<Vec<FileDiff>, GitError> {
        let a = &self.resolve(from)?.tree;
        let b = &self.resolve(to)?.tree;
        Ok(diff_trees(a, b))
    }
}

/// Per-file changes between two trees.
pub fn diff_trees(a: &FileTree, b: &FileTree) -> Vec<FileDiff> {
    let old: BTreeMap<&str, &[u8]> = a.files().collect();
    let new: BTreeMap<&str, &[u8]> = b.files().collect();
    let mut paths: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    paths.sort_unstable();
    paths.dedup();
    let text = |d: Option<&&[u8]>| d.map(|d| String::from_utf8_lossy(d).into_owned());
    paths
        .into_iter()
        .filter_map(|p| {
            let (o, n) = (text(old.get(p)), text(new.get(p)));
            let change = match (&o, &n) {
                (None, Some(_)) => FileChange::Added,
                (Some(_), None) => FileChange::Deleted,
                (Some(x), Some(y)) if x != y => FileChange::Modified,
                _ => return None,
            };
            let hunks = textdiff::hunks(o.as_deref().unwrap_or(""), n.as_deref().unwrap_or(""), 3);
            Some(FileDiff {
                path: p.to_string(),
                change,
                hunks,
            })
        })
        .collect()
}

/// Content id of a tree: SHA-1 over its sorted (path, content) pairs.
fn tree_id(tree: &FileTree) -> String {
    let mut bytes = Vec::new();
    for (path, content) in tree.files() {
        bytes.extend_from_slice(path.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(content.len().to_string().as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(content);
    }
    for dir in tree.empty_dirs() {
        bytes.extend_from_slice(b"dir ");
        bytes.extend_from_slice(dir.as_bytes());
        bytes.push(0);
    }
    sha1::hex(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> FileTree {
        let mut t = FileTree::new();
        for (p, c) in files {
            t.write(p, c.as_bytes()).unwrap();
        }
        t
    }

    #[test]
    fn commits_are_content_addressed_and_chained() {
        let mut r = Repo::new("https://git.example/app");
        let c1 = r
            .commit(tree(&[("/a.yaml", "x: 1\n")]), "one", "me", 0)
            .unwrap();
        let c2 = r
            .commit(tree(&[("/a.yaml", "x: 2\n")]), "two", "me", 5)
            .unwrap();
        let mut again = Repo::new("other");
        assert_eq!(
            again.commit(tree(&[("/a.yaml", "x: 1\n")]), "one", "me", 0),
            Ok(c1.clone())
        );
        assert_eq!(c1.len(), 40);
        assert_ne!(c1, c2);
        assert_eq!(
            r.log().iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
            [c2.clone(), c1.clone()]
        );
        assert_eq!(r.resolve("HEAD").unwrap().id, c2);
        assert_eq!(r.resolve(&c1[..7]).unwrap().id, c1);
        r.tag("v1", &c1).unwrap();
        assert_eq!(r.resolve("v1").unwrap().id, c1);
        assert!(matches!(
            r.resolve("nope"),
            Err(GitError::UnknownRevision(_))
        ));
        assert_eq!(
            r.commit(tree(&[("/a.yaml", "x: 2\n")]), "same", "me", 9),
            Err(GitError::NothingToCommit)
        );
    }

    #[test]
    fn diff_between_revisions() {
        let mut r = Repo::new("u");
        let c1 = r
            .commit(tree(&[("/a", "1\n2\n"), ("/b", "b\n")]), "1", "me", 0)
            .unwrap();
        let c2 = r
            .commit(tree(&[("/a", "1\n3\n"), ("/c", "c\n")]), "2", "me", 1)
            .unwrap();
        let d = r.diff(&c1, &c2).unwrap();
        let summary: Vec<(&str, FileChange)> =
            d.iter().map(|f| (f.path.as_str(), f.change)).collect();
        assert_eq!(
            summary,
            [
                ("/a", FileChange::Modified),
                ("/b", FileChange::Deleted),
                ("/c", FileChange::Added)
            ]
        );
        assert_eq!(
            textdiff::render(&d[0].hunks),
            "@@ -1,2 +1,2 @@\n 1\n-2\n+3\n"
        );
    }
}
