//! The live simulation behind the page's live views.

use serde::{Deserialize, Serialize};

/// What the page asks of the live simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LiveCommand {}

/// What the live views draw, after each command.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveSnapshot {}

/// The simulated cluster and GitOps controller of one page.
#[derive(Default)]
pub struct LiveSession {}

impl LiveSession {
    pub fn handle(&mut self, command: LiveCommand) -> LiveSnapshot {
        match command {}
    }
}
