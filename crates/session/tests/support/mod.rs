//! What the live session's tests share: opening a workspace and running the clock, as the
//! page does.

use kubeplay_session::live::*;
use std::collections::BTreeMap;

/// A fresh session over `files` (no history: the working tree is the one commit).
pub fn open(files: BTreeMap<String, String>, open: &str) -> (LiveSession, LiveSnapshot) {
    let mut s = LiveSession::default();
    let snap = s.handle(LiveCommand::Open(WorkspaceSource {
        files,
        history: Vec::new(),
        target: None,
        open: open.into(),
    }));
    (s, snap)
}

/// Runs the clock `seconds` virtual seconds, a second per command; no command may fail.
pub fn run(s: &mut LiveSession, seconds: u64) -> LiveSnapshot {
    let mut snap = s.handle(LiveCommand::Snapshot);
    for _ in 0..seconds {
        snap = s.handle(LiveCommand::Advance { ms: 1000 });
        assert_eq!(snap.error, None);
    }
    snap
}
