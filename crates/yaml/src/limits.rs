//! Resource limits that keep hostile input from exhausting memory or the stack.

/// Bounds applied while parsing. Exceeding one is a normal [`crate::Error`], never a panic.
///
/// The defaults are far above anything a real Kubernetes manifest or Helm values file needs,
/// and low enough that a browser tab survives a "billion laughs" document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of collections (mappings and sequences), counted after alias expansion.
    pub max_depth: usize,
    /// Maximum number of nodes that alias expansion may add, over the whole input.
    pub max_alias_nodes: usize,
    /// Maximum number of nodes in total (written plus expanded), over the whole input.
    pub max_nodes: usize,
    /// Maximum input size in bytes.
    pub max_input_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 1_000_000,
            max_nodes: 20_000_000,
            max_input_bytes: 64 * 1024 * 1024,
        }
    }
}
