//! Resource limits. Go relies on its growable stacks and has no budget;
//! a browser tab cannot afford either, so execution is bounded.

/// Bounds on one execution (including nested `include`/`tpl` calls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of `template` calls (and host nested executions).
    /// Go allows 100000 (1000 on wasm); we keep the Rust stack safe on a
    /// 1 MiB wasm stack.
    pub max_depth: usize,
    /// Maximum number of evaluation steps (nodes walked, loop iterations).
    pub max_steps: u64,
    /// Maximum bytes of output of one execution.
    pub max_output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 100,
            max_steps: 10_000_000,
            max_output: 64 << 20,
        }
    }
}

/// Shared counters for one top-level execution.
#[derive(Debug)]
pub(crate) struct Budget {
    pub limits: Limits,
    pub steps: u64,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget { limits, steps: 0 }
    }
}
